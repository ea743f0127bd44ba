// The chat service: the one path by which a message is sent. GraphQL resolvers, the REST
// endpoint and anything later call send(); reads of rooms and messages go to the store
// (chat/store.ts) directly.
//
// Send = validate (rules.ts) → rate limits (per user per room, per user, new rooms per
// user) → store (store/writes.ts: one transaction that bumps the room's lastSeq and inserts
// the message with that seq; concurrent sends share a transaction) → publish on the bus
// (delivery/). Nothing is published unless the commit succeeded; a failed publish is
// logged and subscribers recover the message from the database (delivery/room-feed.ts).
//
// The two stream factories (subscribe, activity) check their arguments here and hand
// over to delivery/.
import { AppError } from '../errors.js';
import type { Bus } from '../delivery/bus.js';
import type { Logger } from '../log.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { Metrics } from '../metrics.js';
import type { ChatMessage } from './message.js';
import { clientId as checkClientId, messageContent, roomName } from './rules.js';
import { LiveStream } from '../delivery/live-stream.js';
import { RoomFeeds } from '../delivery/room-feed.js';
import type { ClientBudgets } from '../delivery/client-budget.js';
import { type ChatStore, isUniqueViolation } from './store.js';
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

export class ChatService {
  private readonly feeds: RoomFeeds<ChatMessage>;

  constructor(
    private readonly store: ChatStore,
    private readonly pubsub: Bus<ChatMessage>,
    private readonly limits: RateLimits,
    private readonly metrics: Metrics,
    private readonly options: ChatServiceOptions,
  ) {
    this.feeds = new RoomFeeds<ChatMessage>({
      bus: pubsub,
      readAfter: (r, a, l) => store.since(r, a, l),
      lastSeq: async (r) => (await store.room(r)).lastSeq,
      log: options.log,
    });
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

    await this.publish(message);
    timer();
    this.metrics.messagesSent.inc();
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
  private async publish(message: ChatMessage) {
    const where = { room: message.room, seq: message.seq };
    const published = this.pubsub.publish(message).then(
      () => true,
      (err) => {
        this.options.log.error({ err, ...where }, 'publishing a stored message failed');
        // This process's subscribers read it from the database now; the others when the
        // bus is back (room-feed.ts).
        void this.feeds.catchUp(message.room);
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
      const unsubscribe = await this.pubsub.subscribeAll((message) => void push(message));
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
    if (after !== undefined && after !== null && (!Number.isInteger(after) || after < 0)) {
      throw new AppError('BAD_USER_INPUT', '`after` must be a seq number (an integer ≥ 0).', { field: 'after' });
    }
    return new LiveStream(
      {
        feeds: this.feeds,
        readAfter: (r, a, l) => this.store.since(r, a, l),
        budgets: this.options.budgets,
        log: this.options.log,
        metrics: this.metrics,
      },
      name,
      after ?? undefined,
      client,
    );
  }
}
