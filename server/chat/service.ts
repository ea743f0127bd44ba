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
import { type MessageEvent, type RoomEvent, eventOf } from './events.js';
import { clientId as checkClientId, messageContent, roomName } from './rules.js';
import { LiveStream } from '../delivery/live-stream.js';
import { type Feeds, RoomFeeds } from '../delivery/room-feed.js';
import type { ClientBudgets } from '../delivery/client-budget.js';
import { type ChangeResult, type ChatStore, isUniqueViolation } from './store.js';
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
}

/** How long a send waits for the publish before answering anyway (ms). */
const PUBLISH_TIMEOUT_MS = 2000;

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
  private readonly feeds: RoomFeeds<MessageEvent>;
  /** The same feeds seen as messages: an event's message, whichever change it is. */
  private readonly messageFeeds: Feeds<ChatMessage>;

  constructor(
    private readonly store: ChatStore,
    private readonly pubsub: Bus<MessageEvent>,
    private readonly limits: RateLimits,
    private readonly metrics: Metrics,
    private readonly options: ChatServiceOptions,
  ) {
    this.feeds = new RoomFeeds<MessageEvent>({
      bus: pubsub,
      position: byVersion,
      readAfter: (r, a, l) => store.eventsSince(r, a, l),
      lastPosition: async (r) => (await store.room(r)).version,
      log: options.log,
    });
    // messageAdded streams are positioned by seq: an edit or delete of a message they had
    // is dropped as a duplicate; a message first seen through a later change (a gap
    // filled from the database, where only its newest change is kept) is its addition.
    this.messageFeeds = { join: (room, listener) => this.feeds.join(room, (event) => listener(event.message)) };
  }

  async send(input: SendInput): Promise<ChatMessage> {
    const room = roomName(input.room);
    const content = messageContent(input.content, this.options.maxMessageLength);
    const clientId = checkClientId(input.clientId);
    const sender = { id: input.sender.id, username: input.sender.username, role: input.sender.role };

    try {
      await this.limits.message(sender.id, room);
      if (!(await this.roomExists(room))) await this.limits.newRoom(sender.id);
    } catch (err) {
      // A retry of a message that was stored is answered, whatever the limit says.
      const existing = clientId && (await this.store.byClientId(sender.id, clientId));
      if (existing) return sameRoom(existing, room);
      throw err;
    }

    const timer = this.metrics.sendDuration.startTimer();
    let message: ChatMessage;
    try {
      message = await this.store.store({ room, content, clientId, sender });
    } catch (err) {
      if (!isUniqueViolation(err)) this.storeFailed(err);
      // The same (sender, clientId) is stored already (a retry, or two racing sends):
      // answer with that message; it was published when it was stored.
      const existing = clientId && (await this.store.byClientId(sender.id, clientId));
      if (existing) return sameRoom(existing, room);
      // Two first messages raced to create the room: the room exists now, go again.
      message = await this.store.store({ room, content, clientId, sender }).catch((e) => this.storeFailed(e));
    }

    await this.publish(eventOf(message));
    timer();
    this.metrics.messagesSent.inc();
    return message;
  }

  /**
   * Replaces a message's content: the author only, with the same content rules as a send
   * (and counted by the same rate limits). The previous content goes to its edit history.
   * Editing to the same content changes nothing.
   */
  async edit(id: string, rawContent: string, editor: Sender): Promise<ChatMessage> {
    const content = messageContent(rawContent, this.options.maxMessageLength);
    const target = await this.existing(id);
    if (target.sender?.id !== editor.id) throw new AppError('FORBIDDEN', 'Only its author can edit a message.');
    await this.limits.message(editor.id, target.room);
    const result = await this.store
      .edit(String(id), editor, content, (current) => {
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
    const target = await this.existing(id);
    if (target.sender?.id !== actor.id && actor.role !== 'admin') {
      throw new AppError('FORBIDDEN', 'Only its author or an admin can delete a message.');
    }
    const result = await this.store
      .delete(String(id), actor, (current) => (current.deletedAt ? 'unchanged' : 'apply'))
      .catch((err) => this.storeFailed(err));
    return this.published(result);
  }

  /** A message that exists, or NOT_FOUND. */
  private async existing(id: string): Promise<ChatMessage> {
    const message = typeof id === 'string' && id.length <= 100 ? await this.store.byId(id) : null;
    if (!message) throw new AppError('NOT_FOUND', 'No such message.');
    return message;
  }

  private async published({ message, changed }: ChangeResult): Promise<ChatMessage> {
    if (changed) await this.publish(eventOf(message));
    return message;
  }

  /** Rooms seen to exist (rooms are never deleted), so most sends skip the lookup. */
  private readonly knownRooms = new Set<string>();

  /** Whether a room has been created (by its first message): for the new-rooms limit. */
  private async roomExists(name: string): Promise<boolean> {
    if (this.knownRooms.has(name)) return true;
    // A room is created with its first message, so a room with none does not exist yet.
    if ((await this.store.room(name)).lastSeq === 0) return false;
    if (this.knownRooms.size >= 10_000) this.knownRooms.clear();
    this.knownRooms.add(name);
    return true;
  }

  private storeFailed(err: unknown): never {
    if (err instanceof AppError) throw err;
    this.options.log.error({ err }, 'storing a message failed');
    throw new AppError('UNAVAILABLE', 'The message could not be stored, so it was not sent. Please try again.');
  }

  /**
   * Publishes a stored message, waiting at most PUBLISH_TIMEOUT_MS before answering the
   * sender anyway. If the publish fails, the message is stored but not fanned out:
   * subscribers fill the gap from the database when the next message arrives or when
   * they resume with `after`.
   */
  private async publish(event: MessageEvent) {
    const where = { room: event.room, version: event.version, kind: event.kind };
    const published = this.pubsub.publish(event).then(
      () => true,
      (err) => {
        this.options.log.error({ err, ...where }, 'publishing a stored message failed');
        // This process's subscribers read it from the database now; the others when the
        // bus is back (room-feed.ts).
        void this.feeds.catchUp(event.room);
        return true;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PUBLISH_TIMEOUT_MS)));
    const done = await Promise.race([published, late]);
    clearTimeout(timer);
    if (!done) this.options.log.warn({ ...where, timeoutMs: PUBLISH_TIMEOUT_MS }, 'publishing is slow; answered the sender before it finished');
  }

  /** New messages of every room, live only (for lists of rooms). */
  activity(): AsyncIterableIterator<ChatMessage> {
    return new Repeater<ChatMessage>(async (push, stop) => {
      const unsubscribe = await this.pubsub.subscribeAll((event) => {
        if (event.kind === 'posted') void push(event.message);
      });
      this.metrics.subscriptions.inc();
      await stop;
      this.metrics.subscriptions.dec();
      unsubscribe();
    }, new SlidingBuffer(1000));
  }

  /**
   * Messages of a room as they are sent. With `after`, first every stored message with
   * seq > after, then live ones: no gap, no duplicate.
   */
  subscribe(room: string, after: number | null | undefined, client: string): LiveStream<ChatMessage> {
    const name = roomName(room);
    return new LiveStream(
      {
        feeds: this.messageFeeds,
        position: bySeq,
        readAfter: (r, a, l) => this.store.since(r, a, l),
        budgets: this.options.budgets,
        log: this.options.log,
        metrics: this.metrics,
      },
      name,
      position(after, 'a seq number'),
      client,
    );
  }

  /**
   * Every change to a room (messages posted, edited, deleted) as it happens. With `after`,
   * first every change after that version (each message as it is now), then live ones: no
   * gap, no duplicate. More than maxReplayEvents behind: one ResyncRequired instead of
   * the replay, then live events.
   */
  events(room: string, after: number | null | undefined, client: string): LiveStream<RoomEvent> {
    const name = roomName(room);
    return new LiveStream<RoomEvent>(
      {
        feeds: this.feeds,
        position: byVersion,
        readAfter: (r, a, l) => this.store.eventsSince(r, a, l),
        resync: {
          maxReplay: this.options.maxReplayEvents,
          newest: async (r) => (await this.store.room(r)).version,
          event: (r, version) => ({ kind: 'resync', room: r, version }),
        },
        budgets: this.options.budgets,
        log: this.options.log,
        metrics: this.metrics,
      },
      name,
      position(after, 'a room version'),
      client,
    );
  }
}

/** A stream's `after`: absent, or an integer ≥ 0. */
function position(after: number | null | undefined, what: string): number | undefined {
  if (after === undefined || after === null) return undefined;
  if (!Number.isInteger(after) || after < 0) {
    throw new AppError('BAD_USER_INPUT', `\`after\` must be ${what} (an integer ≥ 0).`, { field: 'after' });
  }
  return after;
}
