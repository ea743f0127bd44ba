// The chat service: the one path by which a message is sent. GraphQL resolvers, the REST
// endpoint and anything later call send(); reads of rooms and messages go to the store
// (chat/store.ts) directly.
//
// Send = validate (rules.ts) → rate limit → store (store/writes.ts: one transaction
// that bumps the room's lastSeq and inserts the message with that seq; concurrent sends
// share a transaction) → publish. Nothing is published unless the commit succeeded; a
// failed publish is logged and subscribers recover the message from the database
// (room-feed.ts).
//
// The two stream factories (subscribe, activity) live here until delivery has its own home.
import { AppError } from '../errors.js';
import type { ChatPubSub } from '../pubsub/index.js';
import type { Logger } from '../log.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { Metrics } from '../metrics.js';
import type { ChatMessage } from './message.js';
import { clientId as checkClientId, messageContent, roomName } from './rules.js';
import { LiveStream } from './live.js';
import { RoomFeeds } from './room-feed.js';
import { type ChatStore, isUniqueViolation } from './store.js';
import { Repeater, SlidingBuffer } from '@repeaterjs/repeater';

export interface Sender {
  id: string;
  username: string;
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
}

/** How long a send waits for the publish before answering anyway (ms). */
const PUBLISH_TIMEOUT_MS = 2000;

export class ChatService {
  private readonly feeds: RoomFeeds;

  constructor(
    private readonly store: ChatStore,
    private readonly pubsub: ChatPubSub,
    private readonly limits: RateLimits,
    private readonly metrics: Metrics,
    private readonly options: ChatServiceOptions,
  ) {
    this.feeds = new RoomFeeds(pubsub, (r, a, l) => store.since(r, a, l), options.log);
  }

  async send(input: SendInput): Promise<ChatMessage> {
    const room = roomName(input.room);
    const content = messageContent(input.content, this.options.maxMessageLength);
    const clientId = checkClientId(input.clientId);
    const sender = { id: input.sender.id, username: input.sender.username };

    try {
      await this.limits.message(sender.id, room);
    } catch (err) {
      // A retry of a message that was stored is answered, whatever the limit says.
      const existing = clientId && (await this.store.byClientId(sender.id, clientId));
      if (existing) return existing;
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
      if (existing) return existing;
      // Two first messages raced to create the room: the room exists now, go again.
      message = await this.store.store({ room, content, clientId, sender }).catch((e) => this.storeFailed(e));
    }

    await this.publish(message);
    timer();
    this.metrics.messagesSent.inc();
    return message;
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
  subscribe(room: string, after?: number | null): LiveStream {
    const name = roomName(room);
    if (after !== undefined && after !== null && (!Number.isInteger(after) || after < 0)) {
      throw new AppError('BAD_USER_INPUT', '`after` must be a seq number (an integer ≥ 0).', { field: 'after' });
    }
    return new LiveStream(
      { feeds: this.feeds, since: (r, a, l) => this.store.since(r, a, l), log: this.options.log, metrics: this.metrics },
      name,
      after ?? undefined,
    );
  }
}
