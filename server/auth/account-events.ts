// "An account changed" (disabled, enabled, role set), told to every server process, so
// that each ends the open WebSockets and event streams of a disabled user at once. With
// REDIS_URL: one channel, `<prefix>accounts`, published on the bus's command connection
// and received on a subscriber connection of its own; without it: in process.
// A sibling of delivery/bus.ts (which carries room events only).
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export interface AccountChange {
  userId: string;
  disabled: boolean;
  role: string;
}

export interface AccountEvents {
  publish(change: AccountChange): Promise<void>;
  /** Calls `listener` for every change published by any process (this one included). */
  subscribe(listener: (change: AccountChange) => void): () => void;
  /**
   * Calls `listener` when the subscriber connection is back after an outage: changes
   * published meanwhile were lost here, so what they said must be read from the database.
   */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export function createAccountEvents(options: {
  redisUrl: string | undefined;
  prefix: string;
  log: Logger;
  /** The connection to publish on (the bus's command connection). */
  publisher?: Redis;
}): AccountEvents {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const emit = (change: AccountChange) => local.emit('change', change);
  const subscribe = (listener: (change: AccountChange) => void) => {
    local.on('change', listener);
    return () => void local.off('change', listener);
  };
  const { redisUrl, publisher, log } = options;
  if (!redisUrl || !publisher) {
    return { publish: async (change) => void emit(change), subscribe, onReconnect: () => {}, close: async () => {} };
  }
  const reconnectListeners: (() => void)[] = [];

  const channel = `${options.prefix}accounts`;
  // Opened on the first subscribe: a process that only publishes (the admin command line)
  // needs no subscriber connection.
  let subscriber: Redis | undefined;
  const listen = () => {
    subscriber = new Redis(redisUrl, { retryStrategy: (times) => Math.min(times * 100, 2000), maxRetriesPerRequest: 2 });
    subscriber.on('error', (err) => log.warn({ err: err.message, role: 'accounts' }, 'redis connection error'));
    // ioredis subscribes again by itself after a reconnect; a PING queued behind that
    // SUBSCRIBE answers once it is active, and then what was missed is read.
    subscriber.subscribe(channel).catch((err) => log.error({ err: err.message }, 'subscribing to account changes failed'));
    let wasReady = false;
    subscriber.on('ready', () => {
      if (!wasReady) return void (wasReady = true);
      setImmediate(() =>
        subscriber!.ping().then(
          () => reconnectListeners.forEach((listener) => listener()),
          (err) => log.warn({ err: err.message }, 'redis accounts subscriber ping after reconnect failed'),
        ),
      );
    });
    subscriber.on('message', (from, text) => {
      if (from !== channel) return;
      try {
        emit(JSON.parse(text) as AccountChange);
      } catch (err) {
        log.warn({ err }, 'unreadable account change');
      }
    });
  };
  return {
    async publish(change) {
      try {
        await publisher.publish(channel, JSON.stringify(change));
      } catch (err) {
        // The change is stored: at least this process acts on it; the others refuse the
        // user's credentials at their next check.
        log.warn({ err: (err as Error).message }, 'publishing an account change failed; acting on it here only');
        emit(change);
      }
    },
    subscribe(listener) {
      if (!subscriber) listen();
      return subscribe(listener);
    },
    onReconnect: (listener) => void reconnectListeners.push(listener),
    close: async () => void subscriber?.disconnect(),
  };
}
