// Step 2 of delivery: one bus subscription per room per process, handed on in seq order.
//
// Every process subscribes to a room's channel once, however many of its clients watch
// the room. When the feed starts it reads the room's newest stored seq (its baseline), so
// from then on every event after it reaches the listeners exactly once and in order:
// - concurrent sends can publish slightly out of order, so an event that skips seqs is
//   held until the missing ones arrive; if they have not arrived after GAP_WAIT_MS (a
//   publish was lost), they are read from the database. Seq n committed means 1…n-1 are
//   committed too (each send locks the room row), so the gap is always there to read;
// - when the bus comes back after an outage (bus.onReconnect) or a local publish failed
//   (catchUp), every event stored meanwhile is read from the database at once.
// Listeners are called synchronously, in order, each event once.
import type { Logger } from '../log.js';
import type { Bus } from './bus.js';

export const GAP_WAIT_MS = 150;
const PAGE = 200;

export interface Sequenced {
  room: string;
  /** Position in the room: 1, 2, 3… with no holes. */
  seq: number;
}

export type Listener<T> = (event: T) => void;

/** Reads stored events of a room with seq > afterSeq, oldest first, at most `limit`. */
export type ReadAfter<T> = (room: string, afterSeq: number, limit: number) => Promise<T[]>;

export interface FeedSource<T extends Sequenced> {
  bus: Bus<T>;
  readAfter: ReadAfter<T>;
  /** The newest stored seq of a room (0 when it has none). */
  lastSeq: (room: string) => Promise<number>;
  log: Logger;
}

class RoomFeed<T extends Sequenced> {
  readonly listeners = new Set<Listener<T>>();
  private last = 0;
  private readonly held = new Map<number, T>();
  private gapTimer: NodeJS.Timeout | undefined;
  private filling: Promise<void> | undefined;
  private refill = false;
  private opened = false;
  private closed = false;
  unsubscribe?: () => void;

  constructor(
    private readonly room: string,
    private readonly source: FeedSource<T>,
  ) {}

  /** Subscribes to the room's channel, then takes the stored seq as the starting point. */
  async open() {
    const unsubscribe = await this.source.bus.subscribe(this.room, this.receive);
    if (this.closed) return unsubscribe();
    this.unsubscribe = unsubscribe;
    this.last = await this.source.lastSeq(this.room);
    // Events that arrived while the baseline was read: those after it go out in order.
    this.opened = true;
    this.releaseHeld();
  }

  receive = (event: T) => {
    if (!this.opened) {
      // Before the baseline is known, hold everything (open() sorts it out).
      this.held.set(event.seq, event);
      return;
    }
    if (event.seq <= this.last) return; // a duplicate, or stored before this feed began
    if (!this.filling && event.seq === this.last + 1) {
      this.emit(event);
      this.releaseHeld();
    } else {
      this.held.set(event.seq, event);
      this.gapTimer ??= setTimeout(() => void this.catchUp(), GAP_WAIT_MS);
    }
  };

  private emit(event: T) {
    this.last = event.seq;
    for (const listener of this.listeners) listener(event);
  }

  private releaseHeld() {
    if (!this.opened) return;
    while (this.held.has(this.last + 1)) {
      const next = this.held.get(this.last + 1)!;
      this.held.delete(next.seq);
      this.emit(next);
    }
    for (const seq of this.held.keys()) if (seq <= this.last) this.held.delete(seq);
    if (this.held.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    } else {
      this.gapTimer ??= setTimeout(() => void this.catchUp(), GAP_WAIT_MS);
    }
  }

  /** Reads and emits everything stored after the last event emitted. */
  catchUp(): Promise<void> {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    if (this.closed || !this.opened) return Promise.resolve();
    if (this.filling) {
      this.refill = true; // something new may have been stored since that read began
      return this.filling;
    }
    this.filling = this.fill().finally(() => {
      this.filling = undefined;
      this.releaseHeld();
      if (this.refill) {
        this.refill = false;
        void this.catchUp();
      }
    });
    return this.filling;
  }

  private async fill() {
    try {
      for (;;) {
        const batch = await this.source.readAfter(this.room, this.last, PAGE);
        for (const event of batch) if (!this.closed && event.seq > this.last) this.emit(event);
        if (batch.length < PAGE || this.closed) return;
      }
    } catch (err) {
      this.source.log.error({ err, room: this.room }, 'reading missed events failed; trying again');
      this.gapTimer ??= setTimeout(() => void this.catchUp(), GAP_WAIT_MS);
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.gapTimer);
    this.unsubscribe?.();
  }
}

export class RoomFeeds<T extends Sequenced> {
  private readonly feeds = new Map<string, { feed: RoomFeed<T>; ready: Promise<void> }>();

  constructor(private readonly source: FeedSource<T>) {
    source.bus.onReconnect(() => {
      for (const { feed } of this.feeds.values()) void feed.catchUp();
    });
  }

  /**
   * Calls `listener` with the room's events, in seq order, from now on. Resolves once the
   * room's channel is subscribed and its baseline read: every event stored afterwards
   * will arrive.
   */
  async join(room: string, listener: Listener<T>): Promise<() => void> {
    let entry = this.feeds.get(room);
    if (!entry) {
      const feed = new RoomFeed(room, this.source);
      const ready = feed.open();
      entry = { feed, ready };
      this.feeds.set(room, entry);
      ready.catch(() => {
        if (this.feeds.get(room)?.feed === feed) this.feeds.delete(room);
        feed.close();
      });
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

  /** Reads what the room stored since its last event (e.g. its publish failed). */
  catchUp(room: string): Promise<void> {
    return this.feeds.get(room)?.feed.catchUp() ?? Promise.resolve();
  }
}
