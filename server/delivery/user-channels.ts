// One channel per signed-in user, across server processes: what concerns that user alone
// (memberships added or removed, read positions moved) reaches every process where the
// user has connections. With REDIS_URL: channel `<prefix>user:<id>`, published on the
// bus's command connection; a process subscribes to a user's channel while it holds at
// least one listener for them (reference-counted), on a subscriber connection of its own.
// Without Redis: in process.
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export interface UserChannels<T> {
  publish(userId: string, event: T): Promise<void>;
  /** Calls `listener` with each event of the user, from any process, until the returned function is called. */
  subscribe(userId: string, listener: (event: T) => void): Promise<() => void>;
  close(): Promise<void>;
}

export function createUserChannels<T>(options: { redisUrl: string | undefined; prefix: string; log: Logger; publisher?: Redis }): UserChannels<T> {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const { redisUrl, publisher, log } = options;
  const channel = (userId: string) => `${options.prefix}user:${userId}`;
  const on = (userId: string, listener: (event: T) => void) => {
    local.on(userId, listener);
    return () => void local.off(userId, listener);
  };
  if (!redisUrl || !publisher) {
    return {
      publish: async (userId, event) => void local.emit(userId, event),
      subscribe: async (userId, listener) => on(userId, listener),
      close: async () => {},
    };
  }

  let subscriber: Redis | undefined;
  const connection = () => {
    if (subscriber) return subscriber;
    subscriber = new Redis(redisUrl, { retryStrategy: (times) => Math.min(times * 100, 2000), maxRetriesPerRequest: 2 });
    subscriber.on('error', (err) => log.warn({ err: err.message, role: 'user channels' }, 'redis connection error'));
    subscriber.on('message', (from: string, text: string) => {
      const userId = from.slice(channel('').length);
      try {
        local.emit(userId, JSON.parse(text) as T);
      } catch (err) {
        log.warn({ err }, 'unreadable user event');
      }
    });
    return subscriber;
  };
  const counts = new Map<string, number>();
  return {
    async publish(userId, event) {
      try {
        await publisher.publish(channel(userId), JSON.stringify(event));
      } catch (err) {
        // Stored already: at least this process acts on it; the others' streams notice at their next check.
        log.warn({ err: (err as Error).message, userId }, 'publishing a user event failed; acting on it here only');
        local.emit(userId, event);
      }
    },
    async subscribe(userId, listener) {
      const off = on(userId, listener);
      const n = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, n);
      if (n === 1) await connection().subscribe(channel(userId));
      let done = false;
      return () => {
        if (done) return;
        done = true;
        off();
        const left = (counts.get(userId) ?? 1) - 1;
        if (left > 0) return void counts.set(userId, left);
        counts.delete(userId);
        connection().unsubscribe(channel(userId)).catch(() => {});
      };
    },
    close: async () => void subscriber?.disconnect(),
  };
}
