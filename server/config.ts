// Configuration from the environment (and .env, which the real environment overrides),
// validated once at start-up: a bad value stops the process with a message naming it.
import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));

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
  ALLOWED_ORIGINS: csv.optional(),
  MAX_MESSAGE_LENGTH: z.coerce.number().int().min(1).max(1_000_000).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0', ''])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
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
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Reads .env (without overriding the real environment), then validates. */
export async function loadConfig(): Promise<Config> {
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  return parseConfig(process.env);
}
