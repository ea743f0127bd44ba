// Configuration from the environment (and .env, which the real environment overrides),
// validated once at start-up: a bad value stops the process with a message naming it.
// A variable set to the empty string is such a bad value (`PORT=` must not mean port 0,
// nor `RATE_…=` a limit of 0): leave the line out to get the default.
import { z } from 'zod';
import { parseTrustProxy } from './http/trust-proxy.js';

const csv = z
  .string()
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));

/** Origins as browsers send them (scheme://host[:port]); `*` or a URL with a path is refused. */
const origins = csv.superRefine((list, ctx) => {
  for (const entry of list) {
    const given = entry.replace(/\/+$/, '');
    let origin: string | undefined;
    try {
      const url = new URL(given);
      if (url.protocol === 'http:' || url.protocol === 'https:') origin = url.origin;
    } catch {
      /* not a URL */
    }
    if (origin !== given || given.includes('*')) {
      ctx.addIssue({
        code: 'custom',
        message:
          given === '*'
            ? '"*" is not allowed: these origins may act with the session cookie, so name each one (https://app.example)'
            : given.includes('*')
            ? `${JSON.stringify(entry)}: wildcards are not allowed, name each origin`
            : `${JSON.stringify(entry)} is not an origin: write scheme://host[:port] (https://app.example), without a path`,
      });
    }
  }
});

/** Variables that may be set to the empty string, and what it means for them. */
const EMPTY_ALLOWED = new Set(['REDIS_URL' /* no Redis: in-process fan-out */]);

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/i, 'must start with file: (SQLite) or postgres:// (PostgreSQL)')
    .default('file:./data/chat.db'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Prefix of every Redis key and channel: lets deployments share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{0,64}$/, 'letters, digits and _ : . - only').default('chat:'),
  ALLOWED_ORIGINS: origins.optional(),
  MAX_MESSAGE_LENGTH: z.coerce.number().int().min(1).max(1_000_000).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `false`, `true` (one hop), a hop count, or proxy addresses/CIDRs: see http/trust-proxy.ts. */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      try {
        return parseTrustProxy(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),

  // Limits (0 disables a rate limit).
  RATE_MESSAGES_PER_MINUTE: z.coerce.number().int().min(0).default(60),
  RATE_MESSAGES_PER_USER_PER_MINUTE: z.coerce.number().int().min(0).default(120),
  RATE_NEW_ROOMS_PER_HOUR: z.coerce.number().int().min(0).default(20),
  RATE_SIGNIN_FAILURES_PER_USERNAME_AND_IP: z.coerce.number().int().min(0).default(10),
  RATE_SIGNIN_FAILURES_PER_USERNAME: z.coerce.number().int().min(0).default(100),
  RATE_SIGNIN_FAILURES_PER_IP: z.coerce.number().int().min(0).default(100),
  RATE_SIGNUPS_PER_IP: z.coerce.number().int().min(0).default(20),
  MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(200),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).default(50),
  /** HTTP requests of one address in flight at once (answered but not yet read counts). */
  MAX_REQUESTS_IN_FLIGHT_PER_IP: z.coerce.number().int().min(1).default(64),
  /** Subscriptions of one address replaying history at once (each holds one page). */
  REPLAYS_PER_IP: z.coerce.number().int().min(1).default(8),
  /** Bytes queued on one address's sockets, together, before the socket written to is dropped. */
  MAX_BUFFERED_BYTES_PER_IP: z.coerce.number().int().min(65_536).default(16 << 20),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** A request (headers and body) must arrive within this; slower ones are answered 408. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Variables earlier versions read, and what replaced them: setting one is an error, not a no-op. */
const RENAMED: Record<string, string> = {
  RATE_SIGNINS_PER_USERNAME: 'RATE_SIGNIN_FAILURES_PER_USERNAME_AND_IP and RATE_SIGNIN_FAILURES_PER_USERNAME (only failed sign-ins count now)',
  RATE_SIGNINS_PER_IP: 'RATE_SIGNIN_FAILURES_PER_IP (only failed sign-ins count now)',
};

export function parseConfig(env: Record<string, string | undefined>): Config {
  const empty = Object.keys(schema.shape).filter((name) => env[name] === '' && !EMPTY_ALLOWED.has(name));
  const result = schema.safeParse(env);
  const lines = empty.map((name) => `  ${name}: is set but empty; remove the line to use the default, or give a value`);
  for (const [old, now] of Object.entries(RENAMED)) {
    if (env[old] !== undefined) lines.push(`  ${old}: no longer read; use ${now}`);
  }
  if (!result.success) {
    for (const i of result.error.issues) {
      if (empty.includes(String(i.path[0]))) continue;
      const name = String(i.path[0]);
      // A URL may hold a password: name the variable, not its value.
      const got = name.endsWith('_URL') ? '' : ` (got ${JSON.stringify(env[name])})`;
      lines.push(`  ${i.path.join('.')}: ${i.message}${got}`);
    }
  }
  if (lines.length) throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  return result.data!;
}

/** Reads .env (without overriding the real environment), then validates. */
export async function loadConfig(): Promise<Config> {
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  return parseConfig(process.env);
}
