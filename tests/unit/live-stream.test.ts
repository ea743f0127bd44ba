// A subscriber's stream on the in-process bus, with the room's stored events in an array:
// replay then live with no gap and no duplicate, replay pulled at the reader's pace, replay
// slots per address, and FELL_BEHIND with the resume point for a reader that stops.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createMetrics } from '../../server/metrics.js';
import { createBus } from '../../server/delivery/bus.js';
import { RoomFeeds } from '../../server/delivery/room-feed.js';
import { ClientBudgets } from '../../server/delivery/client-budget.js';
import { LiveStream, MAX_QUEUED, REPLAY_PAGE } from '../../server/delivery/live-stream.js';
import { AppError } from '../../server/errors.js';

interface Event {
  room: string;
  seq: number;
  text: string;
}

const position = (e: Event) => e.seq;

function world(stored = 0, budgets = new ClientBudgets({ replaysAtOnce: 2, bufferedBytes: 1 << 20 })) {
  const events: Event[] = [];
  const log = pino({ level: 'silent' });
  const bus = createBus<Event>({ redisUrl: undefined, prefix: 'unit:', log });
  const reads: number[] = [];
  const readAfter = async (_room: string, after: number, limit: number) => {
    reads.push(after);
    return events.filter((e) => e.seq > after).slice(0, limit);
  };
  const feeds = new RoomFeeds<Event>({ bus, position, readAfter, lastPosition: async () => events.at(-1)?.seq ?? 0, log });
  const store = () => {
    const event = { room: 'r', seq: events.length + 1, text: `m${events.length + 1}` };
    events.push(event);
    return event;
  };
  for (let i = 0; i < stored; i++) store();
  const deps = { feeds, position, readAfter, newest: async () => events.at(-1)?.seq ?? 0, budgets, log, metrics: createMetrics() };
  const stream = (after?: number, client = 'a') => new LiveStream<Event>(deps, 'r', after, client);
  return { bus, store, stream, reads, budgets, publish: async () => bus.publish(store()) };
}

const take = async (it: AsyncIterator<Event>, n: number) => {
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) seqs.push((await it.next()).value.seq);
  return seqs;
};

describe('live stream', () => {
  it('replays seq > after, then live events, with no gap and no duplicate', async () => {
    const w = world(5);
    const s = w.stream(2);
    const first = await take(s, 3);
    await w.publish();
    await w.publish();
    expect([...first, ...(await take(s, 2))]).toEqual([3, 4, 5, 6, 7]);
    await s.return();
  });

  it('refuses an `after` beyond the newest stored event, saying where the room is', async () => {
    const w = world(3);
    const it = w.stream(5);
    const err = await it.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('BAD_USER_INPUT');
    expect((err as AppError).details).toMatchObject({ field: 'after', newest: 3 });
    // At the newest position exactly: fine, live events follow.
    const ok = w.stream(3);
    const next = ok.next();
    await w.publish();
    expect((await next).value?.seq).toBe(4);
    await ok.return();
  });

  it('reads the replay one page at a time, only as the reader takes it', async () => {
    const w = world(REPLAY_PAGE * 4);
    const s = w.stream(0);
    await take(s, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(w.reads).toEqual([0]); // one page read, not the whole history
    await take(s, REPLAY_PAGE);
    await new Promise((r) => setTimeout(r, 20));
    expect(w.reads).toEqual([0, REPLAY_PAGE]);
    await s.return();
  });

  it('an address replays at most `replaysAtOnce` streams at a time; the others wait their turn', async () => {
    const w = world(REPLAY_PAGE * 2);
    const [a, b, c] = [w.stream(0, 'x'), w.stream(0, 'x'), w.stream(0, 'x')];
    await Promise.all([take(a, 1), take(b, 1)]);
    const third = take(c, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(w.reads.length).toBe(2); // c waits for a slot
    await a.return(); // a gives its slot up
    expect(await third).toEqual([1]);
    // Another address is not held up by x.
    const d = w.stream(0, 'y');
    expect(await take(d, 1)).toEqual([1]);
    await Promise.all([b.return(), c.return(), d.return()]);
  });

  it('a reader that stops taking live events ends with FELL_BEHIND and the seq to resume after', async () => {
    const w = world();
    const s = w.stream(0);
    const first = s.next();
    await w.publish();
    expect((await first).value.seq).toBe(1);
    for (let i = 0; i <= MAX_QUEUED; i++) await w.publish();
    const err = await s.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('FELL_BEHIND');
    expect((err as AppError).details).toEqual({ resumeAfter: 1 });
  });

  it('pushTo: a deliver that says "wait" holds the replay back', async () => {
    const w = world(30);
    const s = w.stream(0);
    const got: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    void s.pushTo((e) => {
      got.push(e.seq);
      if (e.seq === 10) return gate;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    release();
    await new Promise((r) => setTimeout(r, 30));
    expect(got.length).toBe(30);
    s.close();
  });
});
