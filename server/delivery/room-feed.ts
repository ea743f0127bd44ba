// Step 2 of delivery: one bus subscription per room per process, handed on in order.
//
// Events have a position in their room (the room version: 1, 2, 3… with no holes, one per
// change). Every process subscribes to a room's channel once, however many of its clients
// watch the room. When the feed starts it reads the room's newest stored position (its
// baseline), so from then on every event after it reaches the listeners exactly once and
// in order:
// - concurrent writes can publish slightly out of order, so an event that skips positions
//   is held until the missing ones arrive; if they have not arrived after GAP_WAIT_MS (a
//   publish was lost), they are read from the database. Position n committed means
//   1…n-1 are committed too (each change locks the room row), so the gap is always there
//   to read. What the database gives is the room as it is now: a change superseded since
//   (a message edited again, or deleted) is read at its newest position only, so a read
//   can skip positions; those are not gaps;
// - when the bus comes back after an outage (bus.onReconnect) or a local publish failed
//   (catchUp), every event stored meanwhile is read from the database at once.
// Listeners are called synchronously, in order, each event once.
import type { Logger } from '../log.js';
import type { Bus, RoomScoped } from './bus.js';

export const GAP_WAIT_MS = 150;
const PAGE = 200;

export type { RoomScoped };

/** An event's position in its room: 1, 2, 3… */
export type Position<T> = (event: T) => number;

export type Listener<T> = (event: T) => void;

/** Reads stored events of a room after a position, oldest first, at most `limit`. */
export type ReadAfter<T> = (room: string, after: number, limit: number) => Promise<T[]>;

/** What a live stream needs of a room's feed: join it, and ask it to read what it missed. */
export interface Feeds<T> {
  join(room: string, listener: Listener<T>): Promise<() => void>;
}

export interface FeedSource<T extends RoomScoped> {
  bus: Bus<T>;
  position: Position<T>;
  readAfter: ReadAfter<T>;
  /** The newest stored position of a room (0 when it has none). */
  lastPosition: (room: string) => Promise<number>;
  log: Logger;
}

class RoomFeed<T extends RoomScoped> {
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
  ) {
    this.pos = source.position;
  }

  private readonly pos: Position<T>;

  /** Subscribes to the room's channel, then takes the stored position as the starting point. */
  async open() {
    const unsubscribe = await this.source.bus.subscribe(this.room, this.receive);
    if (this.closed) return unsubscribe();
    this.unsubscribe = unsubscribe;
    this.last = await this.source.lastPosition(this.room);
    // Events that arrived while the baseline was read: those after it go out in order.
    this.opened = true;
    this.releaseHeld();
  }

  receive = (event: T) => {
    if (!this.opened) {
      // Before the baseline is known, hold everything (open() sorts it out).
      this.held.set(this.pos(event), event);
      return;
    }
    const at = this.pos(event);
    if (at <= this.last) return; // a duplicate, or stored before this feed began
    if (!this.filling && at === this.last + 1) {
      this.emit(event);
      this.releaseHeld();
    } else {
      this.held.set(at, event);
      this.gapTimer ??= setTimeout(() => void this.catchUp(), GAP_WAIT_MS);
    }
  };

  private emit(event: T) {
    this.last = this.pos(event);
    for (const listener of this.listeners) listener(event);
  }

  private releaseHeld() {
    if (!this.opened) return;
    while (this.held.has(this.last + 1)) {
      const next = this.held.get(this.last + 1)!;
      this.held.delete(this.last + 1);
      this.emit(next);
    }
    for (const at of this.held.keys()) if (at <= this.last) this.held.delete(at);
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
        for (const event of batch) if (!this.closed && this.pos(event) > this.last) this.emit(event);
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

export class RoomFeeds<T extends RoomScoped> implements Feeds<T> {
  private readonly feeds = new Map<string, { feed: RoomFeed<T>; ready: Promise<void> }>();

  constructor(private readonly source: FeedSource<T>) {
    source.bus.onReconnect(() => {
      for (const { feed } of this.feeds.values()) void feed.catchUp();
    });
  }

  /**
   * Calls `listener` with the room's events, in order, from now on. Resolves once the
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
