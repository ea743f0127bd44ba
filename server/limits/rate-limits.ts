// Rate limits (rate-limiter-flexible): counters in Redis when REDIS_URL is set, so every
// server process shares them; in memory otherwise. If Redis is unreachable, an
// in-memory limiter stands in rather than letting everything through or failing sends.
//
// Every counter is keyed by a SHA-256 of what it counts (a username, an address, a user
// and room), so a key is 43 bytes whatever a client sends.
//
// Sign-in (GraphQL signIn and every HTTP Basic request) counts only failures, in the
// way of rate-limiter-flexible's "login endpoint protection": per address, per username
// from one address (low: the owner at their own address is not locked out by strangers)
// and per username from anywhere (much higher: it bounds a distributed guessing attack).
// An attempt is counted before the password is checked (so parallel guesses cannot
// overtake the counter) and given back when the password was right.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import type { Config } from '../config.js';

interface Window {
  points: number;
  seconds: number;
  what: string;
}

/** A bounded key for any client-supplied value. */
const keyOf = (...parts: string[]) => createHash('sha256').update(parts.join('\n'), 'utf8').digest('base64url');

/** What a sign-in attempt must report once the password was checked. */
export interface SignInAttempt {
  /** The password was right: the attempt does not count. */
  succeeded(): Promise<void>;
}

export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly config: Config,
    private readonly redis?: Redis,
  ) {}

  private limiter(name: string, window: Window): RateLimiterAbstract {
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const options = { keyPrefix: `${this.config.REDIS_PREFIX}rl:${name}`, points: window.points, duration: window.seconds };
      const memory = new RateLimiterMemory(options);
      limiter = this.redis
        ? new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: memory, rejectIfRedisNotReady: true })
        : memory;
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  /** Counts one against `key`; throws RATE_LIMITED when the window is used up. */
  private async consume(name: string, window: Window, key: string) {
    if (window.points <= 0) return; // disabled
    try {
      await this.limiter(name, window).consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new AppError('RATE_LIMITED', `Too many ${window.what}. Try again in ${retryAfter} s.`, { retryAfter });
    }
  }

  /** Gives back what consume() counted (a failed give-back only leaves the count higher). */
  private async reward(name: string, window: Window, key: string) {
    if (window.points <= 0) return;
    await this.limiter(name, window).reward(key, 1).catch(() => {});
  }

  private async forget(name: string, window: Window, key: string) {
    if (window.points <= 0) return;
    await this.limiter(name, window).delete(key).catch(() => {});
  }

  private get windows() {
    const c = this.config;
    return {
      messagesInRoom: { points: c.RATE_MESSAGES_PER_MINUTE, seconds: 60, what: 'messages in this room' },
      messagesOfUser: { points: c.RATE_MESSAGES_PER_USER_PER_MINUTE, seconds: 60, what: 'messages from you' },
      newRooms: { points: c.RATE_NEW_ROOMS_PER_HOUR, seconds: 60 * 60, what: 'new rooms from you' },
      signInFailuresByIp: { points: c.RATE_SIGNIN_FAILURES_PER_IP, seconds: 15 * 60, what: 'failed sign-ins from this address' },
      signInFailuresByUserAndIp: {
        points: c.RATE_SIGNIN_FAILURES_PER_USERNAME_AND_IP,
        seconds: 15 * 60,
        what: 'failed sign-ins for this user from this address',
      },
      signInFailuresByUser: { points: c.RATE_SIGNIN_FAILURES_PER_USERNAME, seconds: 60 * 60, what: 'failed sign-ins for this user' },
      signUps: { points: c.RATE_SIGNUPS_PER_IP, seconds: 60 * 60, what: 'sign-ups from this address' },
    } satisfies Record<string, Window>;
  }

  /** A message: per user per room, and per user across all rooms. */
  async message(userId: string, room: string) {
    const w = this.windows;
    await this.consume('msg', w.messagesInRoom, keyOf(userId, room));
    await this.consume('msg-user', w.messagesOfUser, keyOf(userId));
  }

  /** A send that creates a room (its first message). */
  newRoom(userId: string) {
    return this.consume('new-room', this.windows.newRooms, keyOf(userId));
  }

  /**
   * Before a password is checked. `usernameKey` is undefined for a username that cannot
   * exist (it fails without a per-username counter). The address is counted first.
   */
  async signIn(usernameKey: string | undefined, ip: string | undefined): Promise<SignInAttempt> {
    const w = this.windows;
    const byIp = ip === undefined ? undefined : keyOf(ip);
    const byUserAndIp = usernameKey === undefined ? undefined : keyOf(usernameKey, ip ?? '');
    const byUser = usernameKey === undefined ? undefined : keyOf(usernameKey);
    if (byIp) await this.consume('signin-fail-ip', w.signInFailuresByIp, byIp);
    if (byUserAndIp) await this.consume('signin-fail-user-ip', w.signInFailuresByUserAndIp, byUserAndIp);
    if (byUser) await this.consume('signin-fail-user', w.signInFailuresByUser, byUser);
    return {
      succeeded: async () => {
        await Promise.all([
          byIp && this.reward('signin-fail-ip', w.signInFailuresByIp, byIp),
          // A success ends a run of failures from this address.
          byUserAndIp && this.forget('signin-fail-user-ip', w.signInFailuresByUserAndIp, byUserAndIp),
          byUser && this.reward('signin-fail-user', w.signInFailuresByUser, byUser),
        ]);
      },
    };
  }

  signUp(ip: string | undefined) {
    if (!ip) return;
    return this.consume('signup-ip', this.windows.signUps, keyOf(ip));
  }
}
