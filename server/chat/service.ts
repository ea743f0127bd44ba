// The chat service: the one path by which a message is sent, edited or deleted. GraphQL
// resolvers, the REST endpoint and anything later call send(), edit() and delete(); reads
// of rooms and messages go to the store (chat/store.ts) directly.
//
// Send = validate (rules.ts) → rate limits (per user per room, per user, new rooms per
// user) → store (store/writes.ts: one transaction that bumps the room's lastSeq and version
// and inserts the message with them; concurrent sends share a transaction) → publish the
// room event on the bus (delivery/). Edit and delete go the same way through
// store/changes.ts. Nothing is published unless the commit succeeded; a failed publish is
// logged and subscribers recover the event from the database (delivery/room-feed.ts).
//
// The stream factories (subscribe, events, activity) check their arguments here and hand
// over to delivery/: every one reads the same room feed (one bus subscription per room
// per process), positioned by version for roomEvents and by seq for messageAdded.
import { AppError } from '../errors.js';
import type { Bus } from '../delivery/bus.js';
import type { Logger } from '../log.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { Metrics } from '../metrics.js';
import type { ChatMessage } from './message.js';
import { type RoomEvent, type StoredEvent, eventOf, isMessageEvent } from './events.js';
import type { Membership, Viewer } from './membership.js';
import type { Visibility } from './store/reads.js';
import type { Publisher } from './publisher.js';
import { resolveMentions, type FindUsers } from './mentions.js';
import { SilentStream } from '../delivery/silent-stream.js';
import { clientId as checkClientId, messageContent, roomName } from './rules.js';
import { LiveStream, beyondNewest } from '../delivery/live-stream.js';
import { type Feeds, RoomFeeds } from '../delivery/room-feed.js';
import type { ClientBudgets } from '../delivery/client-budget.js';
import { type ChangeResult, type ChatStore, isUniqueViolation } from './store.js';
import type { Stored } from './store/writes.js';
import { Repeater, SlidingBuffer } from '@repeaterjs/repeater';

export interface Sender {
  id: string;
  username: string;
  role: string;
}

export interface SendInput {
  room: string;
  content: string;
  clientId?: string | null;
  sender: Sender;
}

export interface ChatServiceOptions {
  maxMessageLength: number;
  log: Logger;
  /** What each client address may hold while it is sent messages. */
  budgets: ClientBudgets;
  /** roomEvents replays at most this many events; a client further behind gets ResyncRequired. */
  maxReplayEvents: number;
  /** Users by username key (for @mentions). */
  findUsers: FindUsers;
}

/** A retry is answered with the stored message; the same clientId in another room is a mistake. */
function sameRoom(existing: ChatMessage, room: string): ChatMessage {
  if (existing.room !== room) {
    throw new AppError(
      'CONFLICT',
      `This clientId was already used for a message in room "${existing.room}". Use a new clientId for each message.`,
      { field: 'clientId' },
    );
  }
  return existing;
}

const byVersion = (event: RoomEvent) => event.version;
const bySeq = (message: ChatMessage) => message.seq;

export class ChatService {
  /** Each room's events, in version order. */
  private readonly feeds: RoomFeeds<StoredEvent>;
  /** The same feeds seen as messages: an event's message, whichever change it is. */
  private readonly messageFeeds: Feeds<ChatMessage>;

  constructor(
    private readonly store: ChatStore,
    private readonly pubsub: Bus<StoredEvent>,
    private readonly publisher: Publisher,
    private readonly membership: Membership,
    private readonly limits: RateLimits,
    private readonly metrics: Metrics,
    private readonly options: ChatServiceOptions,
  ) {
    this.feeds = new RoomFeeds<StoredEvent>({
      bus: pubsub,
      position: byVersion,
      readAfter: (r, a, l) => store.eventsSince(r, a, l),
      lastPosition: async (r) => (await store.room(r)).version,
      log: options.log,
    });
    // messageAdded streams are positioned by seq: an edit or delete of a message they had
    // is dropped as a duplicate; a message first seen through a later change (a gap
    // filled from the database, where only its newest change is kept) is its addition.
    this.messageFeeds = {
      join: (room, listener) => this.feeds.join(room, (event) => isMessageEvent(event) && listener(event.message)),
    };
  }

  /** Reads what a room stored since its last event (its publish failed). */
  catchUp(room: string): void {
    void this.feeds.catchUp(room);
  }

  async send(input: SendInput): Promise<ChatMessage> {
    const room = roomName(input.room);
    const content = messageContent(input.content, this.options.maxMessageLength);
    const clientId = checkClientId(input.clientId);
    const sender = { id: input.sender.id, username: input.sender.username, role: input.sender.role };

    let visibility: Visibility;
    try {
      await this.limits.message(sender.id, room);
      // A private room's non-member is refused (a public room's joins it with the message).
      const before = await this.membership.beforeWrite(room, sender);
      if (!before.exists) await this.chargeNewRoom(sender.id, room);
      visibility = before.visibility;
    } catch (err) {
      // A retry of a message that was stored is answered, whatever the limit says.
      const existing = clientId && (await this.store.byClientId(sender.id, clientId));
      if (existing) return sameRoom(existing, room);
      throw err;
    }

    const timer = this.metrics.sendDuration.startTimer();
    const mentions = await resolveMentions(content, this.options.findUsers);
    const draft = { room, content, clientId, sender, mentions, joinIfNeeded: visibility === 'public' };
    let stored: Stored;
    try {
      stored = await this.store.post(draft);
    } catch (err) {
      if (!isUniqueViolation(err)) this.storeFailed(err);
      // The same (sender, clientId) is stored already (a retry, or two racing sends):
      // answer with that message; it was published when it was stored.
      const existing = clientId && (await this.store.byClientId(sender.id, clientId));
      if (existing) return sameRoom(existing, room);
      // Two first messages raced to create the room: the room exists now, go again.
      stored = await this.store.post(draft).catch((e) => this.storeFailed(e));
    }

    // Published in version order with no wait in between (the MemberJoined of a first
    // message comes just before it): each publish is on the bus's one connection before
    // this returns to the event loop, and the batch's sends get here in their order, so
    // subscribers receive a batch's events in order instead of holding later ones until
    // an earlier one arrives (or reading it from the database after GAP_WAIT_MS: under
    // load that read was 12% of the main thread).
    const { message, joined } = stored;
    await Promise.all([joined && this.membership.joinedBySending(joined), this.publisher.publish({ ...eventOf(message), visibility })]);
    timer();
    this.metrics.messagesSent.inc();
    return message;
  }

  /**
   * Replaces a message's content: the author only, with the same content rules as a send
   * (and counted by the same rate limits). The previous content goes to its edit history.
   * Its mentions are resolved again from the new content, as a send resolves them (before
   * the transaction), and replace the old ones. Editing to the same content changes nothing.
   */
  async edit(id: string, rawContent: string, editor: Sender): Promise<ChatMessage> {
    const content = messageContent(rawContent, this.options.maxMessageLength);
    const target = await this.existing(id, editor);
    if (target.sender?.id !== editor.id) throw new AppError('FORBIDDEN', 'Only its author can edit a message.');
    // Saving an edit unchanged (a double click, a retry) spends nothing of the rate limit.
    if (!target.deletedAt && target.content === content) return target;
    await this.limits.message(editor.id, target.room);
    const mentions = await resolveMentions(content, this.options.findUsers);
    const result = await this.store
      .edit(String(id), editor, { content, mentions }, (current) => {
        if (current.deletedAt) throw new AppError('CONFLICT', 'This message was deleted: it can no longer be edited.');
        return current.content === content ? 'unchanged' : 'apply';
      })
      .catch((err) => this.storeFailed(err));
    return this.published(result);
  }

  /**
   * Deletes a message: its author, or an admin (which the moderation log records). It
   * stays in place as a tombstone (content ""). Deleting a deleted message changes nothing.
   */
  async delete(id: string, actor: Sender): Promise<ChatMessage> {
    const target = await this.existing(id, actor);
    if (target.sender?.id !== actor.id && actor.role !== 'admin') {
      throw new AppError('FORBIDDEN', 'Only its author or an admin can delete a message.');
    }
    const result = await this.store
      .delete(String(id), actor, (current) => (current.deletedAt ? 'unchanged' : 'apply'))
      .catch((err) => this.storeFailed(err));
    return this.published(result);
  }

  /** A message by id as `viewer` may see it (null: none, or in a private room they are not in). */
  async message(id: string, viewer: Viewer | null | undefined): Promise<ChatMessage | null> {
    const message = typeof id === 'string' && id.length <= 100 ? await this.store.byId(id) : null;
    return message && (await this.membership.canRead(message.room, viewer)) ? message : null;
  }

  /** A message that exists and `viewer` may see, or NOT_FOUND. */
  private async existing(id: string, viewer: Viewer): Promise<ChatMessage> {
    const message = await this.message(id, viewer);
    if (!message) throw new AppError('NOT_FOUND', 'No such message.');
    return message;
  }

  private async published({ message, changed }: ChangeResult): Promise<ChatMessage> {
    // With the room's visibility, as a send's event has it: roomActivity shows the change
    // to whoever it showed the message to (known already: the change read the message).
    if (changed) await this.publisher.publish({ ...eventOf(message), visibility: await this.membership.visibility(message.room) });
    return message;
  }

  /** (user, room) pairs whose new room is being created by a send in flight. */
  private readonly creating = new Map<string, Promise<unknown>>();

  /**
   * Counts a room against the sender's new-rooms limit once, however many of their sends to
   * it race before it exists (a burst to a new room is one new room, not one per message).
   */
  private async chargeNewRoom(userId: string, room: string): Promise<void> {
    const key = `${userId}\n${room}`;
    const pending = this.creating.get(key);
    if (pending) return void (await pending);
    const charge = this.limits.newRoom(userId);
    this.creating.set(key, charge);
    // Kept a little after the charge, while the sends that raced it are stored.
    const forget = () => setTimeout(() => this.creating.get(key) === charge && this.creating.delete(key), 5_000).unref();
    charge.then(forget, () => this.creating.delete(key));
    await charge;
  }

  private storeFailed(err: unknown): never {
    if (err instanceof AppError) throw err;
    this.options.log.error({ err }, 'storing a message failed');
    throw new AppError('UNAVAILABLE', 'The message could not be stored, so it was not sent. Please try again.');
  }

  /**
   * Messages posted, edited and deleted in every room the viewer may see, live only (for
   * lists of rooms), each as it is after the change (a deletion: its tombstone, content ""):
   * public rooms, and the non-public ones they are a member of (kept up to date from their
   * own channel: a room they join shows up, one they leave stops at once).
   */
  activity(viewer: Viewer | null | undefined): AsyncIterableIterator<ChatMessage> {
    return new Repeater<ChatMessage>(async (push, stop) => {
      const mine = new Set<string>();
      const unwatch = viewer
        ? await this.membership.watch(viewer.id, (change) => {
            if (change.kind === 'added') mine.add(change.room);
            if (change.kind === 'removed') mine.delete(change.room);
          })
        : () => {};
      if (viewer) for (const room of await this.membership.privateRoomsOf(viewer.id)) mine.add(room);
      const unsubscribe = await this.pubsub.subscribeAll((event) => {
        if (!isMessageEvent(event)) return;
        if (event.visibility !== 'public' && !mine.has(event.room)) return;
        void push(event.message);
      });
      this.metrics.subscriptions.inc();
      await stop;
      this.metrics.subscriptions.dec();
      unsubscribe();
      unwatch();
    }, new SlidingBuffer(1000));
  }

  /**
   * Messages of a room as they are sent. With `after`, first every stored message with
   * seq > after, then live ones: no gap, no duplicate.
   */
  async subscribe(room: string, after: number | null | undefined, client: string, viewer?: Viewer | null): Promise<LiveStream<ChatMessage> | SilentStream<ChatMessage>> {
    const name = roomName(room);
    const from = position(after, 'a seq number');
    if (!(await this.membership.canRead(name, viewer))) return asUnusedRoom(from);
    return this.guarded(name, viewer, new LiveStream(
      {
        feeds: this.messageFeeds,
        position: bySeq,
        newest: async (r) => (await this.store.room(r)).lastSeq,
        // A live-only subscriber starts at a new message, not at an edit or delete of an older one.
        startsWith: (message) => !message.editedAt && !message.deletedAt,
        readAfter: (r, a, l) => this.store.since(r, a, l),
        ...this.streamBasics(),
      },
      name,
      from,
      client,
    ));
  }

  /**
   * Every change to a room (messages posted, edited, deleted) as it happens. With `after`,
   * first every change after that version (each message as it is now), then live ones: no
   * gap, no duplicate. More than maxReplayEvents behind: one ResyncRequired instead of
   * the replay, then live events.
   */
  async events(room: string, after: number | null | undefined, client: string, viewer?: Viewer | null): Promise<LiveStream<RoomEvent> | SilentStream<RoomEvent>> {
    const name = roomName(room);
    const from = position(after, 'a room version');
    if (!(await this.membership.canRead(name, viewer))) return asUnusedRoom(from);
    return this.guarded(name, viewer, new LiveStream<RoomEvent>(
      {
        feeds: this.feeds,
        position: byVersion,
        readAfter: (r, a, l) => this.store.eventsSince(r, a, l),
        newest: async (r) => (await this.store.room(r)).version,
        resync: {
          maxReplay: this.options.maxReplayEvents,
          event: (r, version) => ({ kind: 'resync', room: r, version }),
        },
        ...this.streamBasics(),
      },
      name,
      from,
      client,
    ));
  }

  /** What every stream of this service shares: the client budgets, the log, the metrics. */
  private streamBasics() {
    return { budgets: this.options.budgets, log: this.options.log, metrics: this.metrics };
  }

  /** Ends the stream when its viewer leaves the room or is removed from it (any process). */
  private async guarded<T extends object>(room: string, viewer: Viewer | null | undefined, stream: LiveStream<T>): Promise<LiveStream<T>> {
    const unguard = await this.membership.guard(viewer, room, (err) => stream.fail(err));
    void stream.ended().finally(unguard).catch(() => {});
    return stream;
  }
}

/**
 * A private room's stream to a non-member: answered exactly as for a room nobody used
 * (whose newest position is 0), from nothing of the private room: a stream that stays
 * silent, or, for an `after` beyond 0, the same refusal LiveStream gives such a room.
 */
function asUnusedRoom<T>(after: number | undefined): SilentStream<T> {
  const stream = new SilentStream<T>();
  if (after !== undefined && after > 0) stream.fail(beyondNewest(after, 0));
  return stream;
}

/** A stream's `after`: absent, or an integer ≥ 0. */
function position(after: number | null | undefined, what: string): number | undefined {
  if (after === undefined || after === null) return undefined;
  if (!Number.isInteger(after) || after < 0) {
    throw new AppError('BAD_USER_INPUT', `\`after\` must be ${what} (an integer ≥ 0).`, { field: 'after' });
  }
  return after;
}
