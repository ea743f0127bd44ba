// Fan-out of new messages to every server process, one channel per room.
// With REDIS_URL: graphql-redis-subscriptions over ioredis (one publisher and one
// subscriber connection per process, channels reference-counted). Without it: an
// in-process PubSub behind the same interface, for a single server.
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import type { ChatMessage } from '../chat/message.js';
import type { Logger } from '../log.js';

export interface ChatPubSub {
  readonly kind: 'redis' | 'memory';
  /** The command connection (Redis only): for rate limits and readiness checks. */
  readonly redis?: Redis;
  publish(message: ChatMessage): Promise<void>;
  /** Resolves once the subscription is active: anything published afterwards is received. */
  subscribe(room: string, onMessage: (message: ChatMessage) => void): Promise<() => void>;
  /** Every room's messages (for room lists). */
  subscribeAll(onMessage: (message: ChatMessage) => void): Promise<() => void>;
  close(): Promise<void>;
}


// Dates cross Redis as ISO strings; turn them back into Dates on arrival.
const reviver = (key: string, value: unknown) =>
  key === 'createdAt' && typeof value === 'string' ? new Date(value) : value;

function wrap(
  kind: ChatPubSub['kind'],
  engine: PubSubEngine,
  prefix: string,
  close: () => Promise<void>,
  redis?: Redis,
): ChatPubSub {
  const channel = (room: string) => `${prefix}room:${room}`;
  // Room names cannot hold glob characters (see chat/rules.ts), so this matches rooms only.
  const ALL_ROOMS = `${prefix}room:*`;
  const subscribe = async (trigger: string, onMessage: (m: ChatMessage) => void, options: object) => {
    const id = await engine.subscribe(trigger, onMessage, options);
    return () => engine.unsubscribe(id);
  };
  return {
    kind,
    redis,
    publish: async (message) => {
      // While Redis is down, fail at once (the send still succeeds; see ChatService.publish).
      if (redis && redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
      await engine.publish(channel(message.room), message);
      // Redis matches the pattern subscription itself; in memory there are no patterns.
      if (kind === 'memory') await engine.publish(ALL_ROOMS, message);
    },
    subscribe: (room, onMessage) => subscribe(channel(room), onMessage, {}),
    subscribeAll: (onMessage) => subscribe(ALL_ROOMS, onMessage, { pattern: true }),
    close,
  };
}

export function createPubSub(redisUrl: string | undefined, prefix: string, log: Logger): ChatPubSub {
  if (!redisUrl) return wrap('memory', new PubSub(), prefix, async () => {});

  const connect = (role: string) => {
    const client = new Redis(redisUrl, {
      // Keep retrying forever (capped at 2 s apart): fan-out resumes on its own after an outage.
      retryStrategy: (times) => Math.min(times * 100, 2000),
      maxRetriesPerRequest: 2,
    });
    client.on('error', (err) => log.warn({ err: err.message, role }, 'redis connection error'));
    client.on('ready', () => log.debug({ role }, 'redis ready'));
    return client;
  };
  const publisher = connect('publisher');
  const subscriber = connect('subscriber');
  const engine = new RedisPubSub({ publisher, subscriber, reviver });
  return wrap('redis', engine, prefix, async () => {
    publisher.disconnect();
    subscriber.disconnect();
  }, publisher);
}
