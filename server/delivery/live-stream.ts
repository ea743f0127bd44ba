// Step 3 of delivery: one subscriber's view of a room. With `after`, first every stored
// event positioned after it (replayed from the database), then the room's live events
// (from the room feed, already in order): no gap, no duplicate. The position is the
// message seq for messageAdded and the room version for roomEvents (deps.position).
//
// The feed is joined before the replay is read, so an event is either in the replay or
// arrives from the feed (or both: duplicates are dropped by position). If a live event
// skips positions, the missing ones are read from the database first.
//
// With deps.resync, a reader more than `maxReplay` events behind is not replayed: it gets
// one resync event (at the room's newest position) and then live events.
//
// Memory is bounded whatever the reader does:
// - the replay is pulled at the reader's pace: a page (REPLAY_PAGE events) is read only
//   when the previous one has been taken, and one address replays at most a few
//   subscriptions at a time (client-budget.ts); a replay whose reader takes nothing for
//   REPLAY_STALL_MS is ended;
// - live events wait for a slow reader up to MAX_QUEUED; past that the stream ends with
//   FELL_BEHIND, which says the `after` to resume from.
//
// Two ways to consume it: as an AsyncIterator (what GraphQL's subscribe() expects: SSE,
// and graphql-ws for operations that do not share), or with pushTo(deliver), which calls
// `deliver` synchronously for each event: the fast path of broadcast.ts. `deliver` may
// return a promise to say "wait": the replay waits for it; live events do not.
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { ClientBudgets } from './client-budget.js';
import type { Feeds, Position, ReadAfter } from './room-feed.js';

export const REPLAY_PAGE = 50;
/** Events an iterator reader may have waiting during the replay before the next page is read. */
const REPLAY_WINDOW = 8;
/** Live events waiting for a reader (or behind a replay) before the stream gives up on it. */
export const MAX_QUEUED = 200;
/** A replay whose reader takes nothing for this long gives its slot up. */
const REPLAY_STALL_MS = 15_000;

export interface StreamDeps<T> {
  feeds: Feeds<T>;
  position: Position<T>;
  readAfter: ReadAfter<T>;
  /**
   * For a stream without `after`: whether an event may be its first (default: any). For
   * messageAdded only a new message may: an edit of an older one is not an addition.
   */
  startsWith?: (event: T) => boolean;
  /** Instead of replaying more than `maxReplay` events: one `event(room, newest)`, then live ones. */
  resync?: { maxReplay: number; event(room: string, position: number): T };
  /** The room's newest stored position: an `after` beyond it is refused (a client from a restored database, say). */
  newest(room: string): Promise<number>;
  budgets: ClientBudgets;
  log: Logger;
  metrics: Pick<Metrics, 'deliveries' | 'subscriptions'>;
}

export type Deliver<T> = (event: T) => void | Promise<void>;

/** The error a reader gets when it was too slow: it says where to resume. */
const fellBehind = (resumeAfter: number | undefined) =>
  new AppError(
    'FELL_BEHIND',
    resumeAfter === undefined
      ? 'This subscription fell too far behind and was stopped. Subscribe again.'
      : `This subscription fell too far behind and was stopped. Subscribe again with after: ${resumeAfter}.`,
    resumeAfter === undefined ? {} : { resumeAfter },
  );

/**
 * The refusal of an `after` beyond a room's newest position (nothing would ever arrive).
 * A room nobody used has newest 0, and so has a private room to a non-member (service.ts).
 */
export const beyondNewest = (after: number, newest: number) =>
  new AppError('BAD_USER_INPUT', `\`after\` (${after}) is beyond the newest position of this room (${newest}): subscribe again with after ≤ ${newest}.`, {
    field: 'after',
    newest,
  });

export class LiveStream<T extends object> implements AsyncIterableIterator<T> {
  /** Position of the last event handed to `deliver`. */
  private last: number | undefined;
  private leave?: () => void;
  private closed = false;
  private started = false;
  private failure: Error | undefined;
  private endWaiters: { resolve(): void; reject(err: Error): void }[] = [];
  /** Settles on close(), failed or not: one for all the replay's waits. */
  private closedSignal?: Promise<void>;
  // Iterator mode.
  private readonly queue: T[] = [];
  /** Position of the last event the iterator reader took. */
  private taken: number | undefined;
  private iterating = false;
  private wake?: () => void;
  private space?: () => void;

  constructor(
    private readonly deps: StreamDeps<T>,
    private readonly room: string,
    after: number | undefined,
    /** Who reads (the client address): replays are budgeted per client. */
    private readonly client: string,
  ) {
    this.last = after;
    this.taken = after;
  }

  /** Calls `deliver` with each event, in order, until close(). Resolves once live. */
  async pushTo(deliver: Deliver<T>): Promise<void> {
    if (this.started) throw new Error('LiveStream started twice');
    this.started = true;
    this.deps.metrics.subscriptions.inc();
    let catchingUp = this.last !== undefined;
    const pending: T[] = [];

    const pos = this.deps.position;
    const give = (event: T) => {
      if (this.closed || (this.last !== undefined && pos(event) <= this.last)) return;
      this.last = pos(event);
      this.deps.metrics.deliveries.inc();
      return deliver(event);
    };
    const startsWith = this.deps.startsWith;
    const fromFeed = (event: T) => {
      if (this.closed) return;
      if (this.last === undefined && startsWith && !startsWith(event)) return;
      if (catchingUp) {
        pending.push(event);
        if (pending.length > MAX_QUEUED) this.fail(fellBehind(this.resumeAfter()));
      } else if (this.last !== undefined && pos(event) > this.last + 1) {
        catchingUp = true;
        pending.push(event);
        this.replay(give).then(flush, (err) => this.fail(err));
      } else {
        void give(event);
      }
    };
    const flush = () => {
      catchingUp = false;
      for (const event of pending.splice(0)) fromFeed(event);
    };

    try {
      this.leave = await this.deps.feeds.join(this.room, fromFeed);
      if (this.closed) return this.leave();
      if (catchingUp) {
        await this.checkAfter(give);
        await this.replay(give);
        flush();
      }
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * Before a replay: an `after` beyond the room's newest position is refused (nothing would
   * ever arrive); a reader too far behind gets one resync event at the newest position
   * instead of the replay.
   */
  private async checkAfter(give: (event: T) => void | Promise<void>) {
    if (this.last === undefined) return;
    const newest = await this.deps.newest(this.room);
    if (this.last > newest) throw beyondNewest(this.last, newest);
    const resync = this.deps.resync;
    if (!resync || newest - this.last <= resync.maxReplay) return;
    const taken = give(resync.event(this.room, newest));
    if (taken) await this.withinStall(taken);
  }

  /** Delivers stored events after the last one delivered, page by page, at the reader's pace. */
  private async replay(give: (event: T) => void | Promise<void>) {
    const free = await this.deps.budgets.replaySlot(this.client);
    try {
      while (!this.closed && this.last !== undefined) {
        const page = await this.deps.readAfter(this.room, this.last, REPLAY_PAGE);
        for (const event of page) {
          if (this.closed) return;
          const taken = give(event);
          if (taken) await this.withinStall(taken);
        }
        if (page.length < REPLAY_PAGE) return;
      }
    } finally {
      free();
    }
  }

  /** Waits for the reader to take an event: at most REPLAY_STALL_MS, and not past close(). */
  private async withinStall(taken: Promise<void>) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), REPLAY_STALL_MS)));
    this.closedSignal ??= new Promise<void>((resolve) => this.endWaiters.push({ resolve, reject: () => resolve() }));
    const outcome = await Promise.race([taken, stalled, this.closedSignal]);
    clearTimeout(timer);
    if (outcome === 'stalled') throw fellBehind(this.resumeAfter());
  }

  /** The error for a reader that fell behind (broadcast.ts uses it for slow sockets). */
  behind(): Error {
    return fellBehind(this.resumeAfter());
  }

  /** The `after` a reader that fell behind resumes from: the last event it really took. */
  private resumeAfter() {
    return this.iterating ? this.taken : this.last;
  }

  fail(err: unknown) {
    if (this.closed) return;
    if (!(err instanceof AppError)) this.deps.log.error({ err, room: this.room }, 'subscription failed');
    this.failure =
      err instanceof AppError
        ? err
        : new AppError('UNAVAILABLE', 'The subscription was interrupted. Subscribe again with `after` set to the last seq (messageAdded) or version (roomEvents) received.');
    this.queue.length = 0;
    this.close();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.leave?.();
    if (this.started) this.deps.metrics.subscriptions.dec();
    this.wake?.();
    this.space?.();
    for (const waiter of this.endWaiters.splice(0)) {
      if (this.failure) waiter.reject(this.failure);
      else waiter.resolve();
    }
  }

  /** Settles when the stream ends: resolves on close(), rejects if it failed. */
  ended(): Promise<void> {
    if (this.closed) return this.failure ? Promise.reject(this.failure) : Promise.resolve();
    return new Promise((resolve, reject) => this.endWaiters.push({ resolve, reject }));
  }

  // --- AsyncIterator: GraphQL's subscribe() consumes the stream this way. ---

  [Symbol.asyncIterator]() {
    return this;
  }

  private enqueue(event: T): void | Promise<void> {
    this.queue.push(event);
    this.wake?.();
    if (this.queue.length > MAX_QUEUED) return this.fail(fellBehind(this.resumeAfter()));
    if (this.queue.length >= REPLAY_WINDOW) return new Promise((resolve) => (this.space = resolve));
  }

  async next(): Promise<IteratorResult<T>> {
    if (!this.started) {
      this.iterating = true;
      void this.pushTo((event) => this.enqueue(event));
    }
    while (this.queue.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    const value = this.queue.shift();
    if (value !== undefined) {
      this.taken = this.deps.position(value);
      if (this.queue.length < REPLAY_WINDOW && this.space) {
        const space = this.space;
        this.space = undefined;
        space();
      }
      return { done: false, value };
    }
    if (this.failure) throw this.failure;
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<T>> {
    this.close();
    return { done: true, value: undefined };
  }
}
