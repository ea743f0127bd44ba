// Rate limits (rate-limiter-flexible): counters in Redis when REDIS_URL is set, so every
// server process shares them; in memory otherwise. If Redis is unreachable, an
// in-memory limiter stands in rather than letting everything through or failing sends.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import type { Config } from '../config.js';

interface Window {
  points: number;
  seconds: number;
  what: string;
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

  message(userId: string, room: string) {
    return this.consume(
      'msg',
      { points: this.config.RATE_MESSAGES_PER_MINUTE, seconds: 60, what: 'messages in this room' },
      `${userId}:${room}`,
    );
  }

  async signIn(usernameKey: string, ip: string | undefined) {
    await this.consume(
      'signin-user',
      { points: this.config.RATE_SIGNINS_PER_USERNAME, seconds: 15 * 60, what: 'sign-in attempts for this user' },
      usernameKey,
    );
    if (ip) {
      await this.consume(
        'signin-ip',
        { points: this.config.RATE_SIGNINS_PER_IP, seconds: 15 * 60, what: 'sign-in attempts from this address' },
        ip,
      );
    }
  }

  signUp(ip: string | undefined) {
    if (!ip) return;
    return this.consume(
      'signup-ip',
      { points: this.config.RATE_SIGNUPS_PER_IP, seconds: 60 * 60, what: 'sign-ups from this address' },
      ip,
    );
  }
}
