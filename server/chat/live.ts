// One subscriber's view of a room: with `after`, first every stored message with
// seq > after (replayed from the database), then the room's live messages (from the
// room feed, already in seq order): no gap, no duplicate.
//
// The feed is joined before the replay is read, so a message is either in the replay or
// arrives from the feed (or both: duplicates are dropped by seq). If the first live
// message skips seqs (its predecessor's publish was lost before this subscriber joined),
// the missing ones are read from the database first.
//
// Two ways to consume it: as an AsyncIterator (what GraphQL's subscribe() expects), or
// with start(deliver), which calls `deliver` synchronously for each message — the fast
// path used when many subscribers share one serialised payload (graphql/shared-execution).
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { ChatMessage } from './message.js';
import type { RoomFeeds, Since } from './room-feed.js';

const REPLAY_PAGE = 200;
/** An iterator consumer this far behind is dropped (it can resume with `after`). */
const MAX_QUEUED = 10_000;

export interface LiveDeps {
  feeds: RoomFeeds;
  since: Since;
  log: Logger;
  metrics: Pick<Metrics, 'deliveries' | 'subscriptions'>;
}

export type Deliver = (message: ChatMessage) => void | Promise<void>;

export class LiveStream implements AsyncIterableIterator<ChatMessage> {
  private last: number | undefined;
  private leave?: () => void;
  private closed = false;
  private started = false;
  private failure: Error | undefined;
  private endWaiters: { resolve(): void; reject(err: Error): void }[] = [];
  // Iterator mode.
  private readonly queue: ChatMessage[] = [];
  private wake?: () => void;

  constructor(
    private readonly deps: LiveDeps,
    private readonly room: string,
    after?: number,
  ) {
    this.last = after;
  }

  /** Calls `deliver` with each message, in order, until close(). Resolves once live. */
  async start(deliver: Deliver): Promise<void> {
    if (this.started) throw new Error('LiveStream started twice');
    this.started = true;
    this.deps.metrics.subscriptions.inc();
    let catchingUp = this.last !== undefined;
    const pending: ChatMessage[] = [];

    const give = (message: ChatMessage) => {
      if (this.closed || (this.last !== undefined && message.seq <= this.last)) return;
      this.last = message.seq;
      this.deps.metrics.deliveries.inc();
      return deliver(message);
    };
    const fromFeed = (message: ChatMessage) => {
      if (this.closed) return;
      if (catchingUp) {
        pending.push(message);
      } else if (this.last !== undefined && message.seq > this.last + 1) {
        catchingUp = true;
        pending.push(message);
        void this.catchUp(give).then(flush, (err) => this.fail(err));
      } else {
        void give(message);
      }
    };
    const flush = () => {
      catchingUp = false;
      for (const message of pending.splice(0)) fromFeed(message);
    };

    try {
      this.leave = await this.deps.feeds.join(this.room, fromFeed);
      if (this.closed) return this.leave();
      if (catchingUp) {
        await this.catchUp(give);
        flush();
      }
    } catch (err) {
      this.fail(err);
    }
  }

  /** Delivers stored messages after the last one delivered, page by page. */
  private async catchUp(give: (m: ChatMessage) => void | Promise<void>) {
    while (!this.closed && this.last !== undefined) {
      const batch = await this.deps.since(this.room, this.last, REPLAY_PAGE);
      for (const message of batch) await give(message);
      if (batch.length < REPLAY_PAGE) return;
    }
  }

  fail(err: unknown) {
    if (this.closed) return;
    this.deps.log.error({ err, room: this.room }, 'subscription failed');
    this.failure =
      err instanceof AppError
        ? err
        : new AppError('UNAVAILABLE', 'The subscription was interrupted. Subscribe again with `after` set to the last seq received.');
    this.close();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.leave?.();
    if (this.started) this.deps.metrics.subscriptions.dec();
    this.wake?.();
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

  async next(): Promise<IteratorResult<ChatMessage>> {
    if (!this.started) {
      void this.start((message) => {
        this.queue.push(message);
        if (this.queue.length > MAX_QUEUED) this.fail(new AppError('RATE_LIMITED', 'This subscriber fell too far behind. Subscribe again with `after`.'));
        this.wake?.();
      });
    }
    while (this.queue.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    if (this.queue.length > 0) return { done: false, value: this.queue.shift()! };
    if (this.failure) throw this.failure;
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<ChatMessage>> {
    this.close();
    return { done: true, value: undefined };
  }
}
