// The room feed on the in-process bus, with the room's stored events in an array: order,
// duplicates, gaps filled from the store, the baseline, and catching up after a lost publish.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createBus } from '../../server/delivery/bus.js';
import { GAP_WAIT_MS, RoomFeeds } from '../../server/delivery/room-feed.js';

interface Event {
  room: string;
  seq: number;
  text: string;
}

const position = (e: Event) => e.seq;

function world(room = 'r') {
  const stored: Event[] = [];
  const bus = createBus<Event>({ redisUrl: undefined, prefix: 'unit:', log: pino({ level: 'silent' }) });
  let reads = 0;
  const feeds = new RoomFeeds<Event>({
    bus,
    readAfter: async (_room, after, limit) => {
      reads++;
      return stored.filter((e) => e.seq > after).slice(0, limit);
    },
    position,
    lastPosition: async () => stored.at(-1)?.seq ?? 0,
    log: pino({ level: 'silent' }),
  });
  /** Stores the next event (as a send's transaction would) without publishing it. */
  const store = () => {
    const event = { room, seq: stored.length + 1, text: `m${stored.length + 1}` };
    stored.push(event);
    return event;
  };
  const seen: number[] = [];
  let changed: () => void = () => {};
  const listener = (e: Event) => {
    seen.push(e.seq);
    changed();
  };
  const until = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`saw [${seen}], wanted up to ${n}`)), 2000);
      const check = () => {
        if (seen.at(-1)! >= n) {
          clearTimeout(t);
          resolve();
        }
      };
      changed = check;
      check();
    });
  return { bus, feeds, store, seen, listener, until, reads: () => reads };
}

describe('room feed', () => {
  it('starts after what is stored, and hands on published events in order', async () => {
    const w = world();
    w.store();
    w.store(); // stored before anyone watched: not live events
    await w.feeds.join('r', w.listener);
    for (let i = 0; i < 3; i++) await w.bus.publish(w.store());
    expect(w.seen).toEqual([3, 4, 5]);
  });

  it('puts out-of-order publishes back in order and drops duplicates', async () => {
    const w = world();
    await w.feeds.join('r', w.listener);
    const [a, b, c] = [w.store(), w.store(), w.store()];
    await w.bus.publish(c);
    await w.bus.publish(a);
    await w.bus.publish(a);
    await w.bus.publish(b);
    await w.bus.publish(c);
    expect(w.seen).toEqual([1, 2, 3]);
  });

  it('reads a lost publish from the store after GAP_WAIT_MS', async () => {
    const w = world();
    await w.feeds.join('r', w.listener);
    w.store(); // its publish is lost
    const started = Date.now();
    await w.bus.publish(w.store());
    expect(w.seen).toEqual([]);
    await w.until(2);
    expect(w.seen).toEqual([1, 2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(GAP_WAIT_MS - 5);
  });

  it('catchUp reads what was stored since the last event, at once (a failed publish, the bus back)', async () => {
    const w = world();
    await w.feeds.join('r', w.listener);
    await w.bus.publish(w.store());
    w.store();
    w.store(); // stored while the bus was down
    await w.feeds.catchUp('r');
    expect(w.seen).toEqual([1, 2, 3]);
    // A late publish of one of them is a duplicate.
    await w.bus.publish({ room: 'r', seq: 3, text: 'm3' });
    await w.bus.publish(w.store());
    expect(w.seen).toEqual([1, 2, 3, 4]);
  });

  it('one subscription per room: two listeners share it, and the last to leave ends it', async () => {
    const w = world();
    const other: number[] = [];
    const leaveA = await w.feeds.join('r', w.listener);
    const leaveB = await w.feeds.join('r', (e) => other.push(e.seq));
    await w.bus.publish(w.store());
    expect([w.seen, other]).toEqual([[1], [1]]);
    leaveA();
    await w.bus.publish(w.store());
    expect([w.seen, other]).toEqual([[1], [1, 2]]);
    leaveB();
    const reads = w.reads();
    await w.bus.publish(w.store());
    await w.feeds.catchUp('r'); // no feed: nothing read
    expect(w.reads()).toBe(reads);
  });
});
