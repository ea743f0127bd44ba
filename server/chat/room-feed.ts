// One subscription per room per process, in seq order.
//
// Every process subscribes to a room's channel once, however many of its clients watch
// the room, and puts what arrives in seq order before handing it to them: concurrent
// sends can publish slightly out of order, so a message that skips seqs is held until
// the missing ones arrive; if they have not arrived after GAP_WAIT_MS (a publish was
// lost, e.g. Redis was down), they are read from the database. Seq n committed means
// 1…n-1 are committed too (each send locks the room row), so the gap is always there to
// read. Listeners are called synchronously, in order, each message once.
import type { ChatPubSub } from '../pubsub/index.js';
import type { Logger } from '../log.js';
import type { ChatMessage } from './message.js';

export const GAP_WAIT_MS = 150;
const PAGE = 200;

export type Listener = (message: ChatMessage) => void;
export type Since = (room: string, afterSeq: number, limit: number) => Promise<ChatMessage[]>;

class RoomFeed {
  readonly listeners = new Set<Listener>();
  private last: number | undefined;
  private readonly held = new Map<number, ChatMessage>();
  private gapTimer: NodeJS.Timeout | undefined;
  private filling = false;
  private closed = false;
  unsubscribe?: () => void;

  constructor(
    private readonly room: string,
    private readonly since: Since,
    private readonly log: Logger,
  ) {}

  receive = (message: ChatMessage) => {
    if (this.last !== undefined && message.seq <= this.last) return; // a duplicate
    if (!this.filling && (this.last === undefined || message.seq === this.last + 1)) {
      this.emit(message);
      this.releaseHeld();
    } else {
      this.held.set(message.seq, message);
      this.gapTimer ??= setTimeout(() => void this.fillGap(), GAP_WAIT_MS);
    }
  };

  private emit(message: ChatMessage) {
    this.last = message.seq;
    for (const listener of this.listeners) listener(message);
  }

  private releaseHeld() {
    while (this.last !== undefined && this.held.has(this.last + 1)) {
      const next = this.held.get(this.last + 1)!;
      this.held.delete(next.seq);
      this.emit(next);
    }
    for (const seq of this.held.keys()) if (this.last !== undefined && seq <= this.last) this.held.delete(seq);
    if (this.held.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    }
  }

  private async fillGap() {
    this.gapTimer = undefined;
    if (this.held.size === 0 || this.last === undefined) return;
    this.filling = true;
    const upTo = Math.max(...this.held.keys());
    try {
      while (this.last < upTo) {
        const batch = await this.since(this.room, this.last, PAGE);
        for (const message of batch) if (message.seq <= upTo && message.seq > this.last) this.emit(message);
        if (batch.length < PAGE) break;
      }
    } catch (err) {
      this.log.error({ err, room: this.room }, 'reading missed messages failed; trying again');
    } finally {
      this.filling = false;
    }
    this.releaseHeld();
    if (this.held.size > 0) this.gapTimer ??= setTimeout(() => void this.fillGap(), GAP_WAIT_MS);
  }

  subscribed(unsubscribe: () => void) {
    if (this.closed) unsubscribe();
    else this.unsubscribe = unsubscribe;
  }

  close() {
    this.closed = true;
    clearTimeout(this.gapTimer);
    this.unsubscribe?.();
  }
}

export class RoomFeeds {
  private readonly feeds = new Map<string, { feed: RoomFeed; ready: Promise<void> }>();

  constructor(
    private readonly pubsub: ChatPubSub,
    private readonly since: Since,
    private readonly log: Logger,
  ) {}

  /**
   * Calls `listener` with the room's messages, in seq order, from now on. Resolves once
   * the room's channel is subscribed: anything published afterwards will arrive.
   */
  async join(room: string, listener: Listener): Promise<() => void> {
    let entry = this.feeds.get(room);
    if (!entry) {
      const feed = new RoomFeed(room, this.since, this.log);
      const ready = this.pubsub.subscribe(room, feed.receive).then((unsubscribe) => feed.subscribed(unsubscribe));
      entry = { feed, ready };
      this.feeds.set(room, entry);
      ready.catch(() => this.feeds.delete(room));
    }
    const { feed, ready } = entry;
    feed.listeners.add(listener);
    try {
      await ready;
    } catch (err) {
      feed.listeners.delete(listener);
      throw err;
    }
    return () => {
      feed.listeners.delete(listener);
      if (feed.listeners.size === 0 && this.feeds.get(room)?.feed === feed) {
        this.feeds.delete(room);
        feed.close();
      }
    };
  }
}
