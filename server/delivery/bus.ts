// Step 1 of delivery: the bus carries each stored event to every server process, on one
// channel per room. With REDIS_URL: graphql-redis-subscriptions over ioredis (one publisher
// and one subscriber connection per process, channels reference-counted). Without it: an
// in-process PubSub behind the same interface, for a single server.
//
// While Redis is down a publish fails at once; the room's newest such event is published
// again when Redis is back, so every process notices what it missed and reads it from the
// database (room-feed.ts).
//
// The bus knows only that an event belongs to a room; what the event is belongs to its
// publisher (dates are revived by the `revive` function the caller gives).
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.js';

/** Rooms whose last failed publish is remembered for when Redis is back. */
const MAX_UNPUBLISHED_ROOMS = 10_000;

export interface RoomScoped {
  room: string;
}

export interface Bus<T extends RoomScoped> {
  readonly kind: 'redis' | 'memory';
  /** The command connection (Redis only): for rate limits and readiness checks. */
  readonly redis?: Redis;
  publish(event: T): Promise<void>;
  /** Resolves once the subscription is active: anything published afterwards is received. */
  subscribe(room: string, onEvent: (event: T) => void): Promise<() => void>;
  /** Every room's events (for room lists). */
  subscribeAll(onEvent: (event: T) => void): Promise<() => void>;
  /**
   * Calls `listener` each time the subscriber connection is back after an outage and its
   * channels are subscribed again: events published meanwhile were lost and must be read
   * from the database.
   */
  onReconnect(listener: () => void): void;
  /**
   * Resolves true once the Redis connections are up (at once in memory), or false after
   * `timeoutMs`: the server waits for it before listening, so that rate-limit counters
   * live in Redis from the first request.
   */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface BusOptions {
  redisUrl: string | undefined;
  prefix: string;
  log: Logger;
  /** JSON.parse reviver for events arriving from Redis (e.g. ISO strings back to Dates). */
  revive?: (key: string, value: unknown) => unknown;
}

function wrap<T extends RoomScoped>(
  kind: Bus<T>['kind'],
  engine: PubSubEngine,
  prefix: string,
  extra: { close: () => Promise<void>; redis?: Redis; onReconnect: Bus<T>['onReconnect']; ready: Bus<T>['ready'] },
): Bus<T> {
  const channel = (room: string) => `${prefix}room:${room}`;
  // Room names cannot hold glob characters (see chat/rules.ts), so this matches rooms only.
  const ALL_ROOMS = `${prefix}room:*`;
  const { redis } = extra;
  const subscribe = async (trigger: string, onEvent: (e: T) => void, options: object) => {
    const id = await engine.subscribe(trigger, onEvent, options);
    return () => engine.unsubscribe(id);
  };
  // The newest event of each room whose publish failed (Redis down): published again when
  // Redis is back, so that other processes see the gap and read what they missed.
  const unpublished = new Map<string, T>();
  const send = async (event: T) => {
    await engine.publish(channel(event.room), event);
    // Redis matches the pattern subscription itself; in memory there are no patterns.
    if (kind === 'memory') await engine.publish(ALL_ROOMS, event);
  };
  redis?.on('ready', () => {
    const events = [...unpublished.values()];
    unpublished.clear();
    for (const event of events) send(event).catch(() => unpublished.set(event.room, event));
  });
  return {
    kind,
    redis,
    publish: async (event) => {
      try {
        // While Redis is down, fail at once (the send still succeeds; see ChatService.publish).
        if (redis && redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
        await send(event);
      } catch (err) {
        unpublished.delete(event.room);
        if (unpublished.size < MAX_UNPUBLISHED_ROOMS) unpublished.set(event.room, event);
        throw err;
      }
    },
    subscribe: (room, onEvent) => subscribe(channel(room), onEvent, {}),
    subscribeAll: (onEvent) => subscribe(ALL_ROOMS, onEvent, { pattern: true }),
    onReconnect: extra.onReconnect,
    ready: extra.ready,
    close: extra.close,
  };
}

export function createBus<T extends RoomScoped>({ redisUrl, prefix, log, revive }: BusOptions): Bus<T> {
  if (!redisUrl) {
    return wrap<T>('memory', new PubSub(), prefix, { close: async () => {}, onReconnect: () => {}, ready: async () => true });
  }

  const connect = (role: string, options: RedisOptions = {}) => {
    const client = new Redis(redisUrl, {
      // Keep retrying forever (capped at 2 s apart): fan-out resumes on its own after an outage.
      retryStrategy: (times) => Math.min(times * 100, 2000),
      maxRetriesPerRequest: 2,
      ...options,
    });
    client.on('error', (err) => log.warn({ err: err.message, role }, 'redis connection error'));
    client.on('ready', () => log.debug({ role }, 'redis ready'));
    return client;
  };
  // The publisher also carries the rate-limit counters and the user channels' publishes:
  // a few commands per send. Auto-pipelining writes the commands of one turn of the
  // event loop to the socket together (one write instead of one each), in order.
  const publisher = connect('publisher', { enableAutoPipelining: true });
  const subscriber = connect('subscriber');
  const engine = new RedisPubSub({ publisher, subscriber, reviver: revive });

  const reconnectListeners: (() => void)[] = [];
  let wasReady = false;
  subscriber.on('ready', () => {
    if (!wasReady) return void (wasReady = true);
    // ioredis emits 'ready' before it sends the SUBSCRIBE commands that restore the
    // channels; a PING queued behind them answers once they are all active.
    setImmediate(() => {
      subscriber.ping().then(
        () => {
          log.info('redis subscriber back: catching up every room from the database');
          for (const listener of reconnectListeners) listener();
        },
        (err) => log.warn({ err: err.message }, 'redis subscriber ping after reconnect failed'),
      );
    });
  });

  const isReady = (client: Redis) =>
    client.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => client.once('ready', () => resolve()));

  return wrap<T>('redis', engine, prefix, {
    redis: publisher,
    ready: (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const up = Promise.all([isReady(publisher), isReady(subscriber)]).then(() => true);
      return Promise.race([up, late]).finally(() => clearTimeout(timer));
    },
    onReconnect: (listener) => void reconnectListeners.push(listener),
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  });
}
