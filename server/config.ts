// Configuration from the environment (and .env, which the real environment overrides),
// validated once at start-up: a bad value stops the process with a message naming it.
import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));

/** Every variable the server reads; `.describe()` is what `--help` prints for it. */
export const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000).describe('HTTP port (0: any free port; the start-up log says which)'),
  HOST: z.string().min(1).default('127.0.0.1').describe('interface to listen on (0.0.0.0 for all)'),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/i, 'must start with file: (SQLite) or postgres:// (PostgreSQL)')
    .default('file:./data/chat.db')
    .describe('file:<path> for SQLite, postgres://… or postgresql://… for PostgreSQL'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional()
    .or(z.literal('').transform(() => undefined))
    .describe('redis://…: fan-out across processes and shared rate limits; unset: in-process'),
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{0,64}$/, 'letters, digits and _ : . - only').default('chat:').describe('prefix of every Redis key and channel (lets deployments share one Redis)'),
  ALLOWED_ORIGINS: csv.optional().describe("comma-separated origins, besides the server's own, whose pages may act with the session cookie"),
  MAX_MESSAGE_LENGTH: z.coerce.number().int().min(1).max(1_000_000).default(4000).describe('characters per message'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('fatal error warn info debug trace silent'),
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0', ''])
    .default('false')
    .transform((v) => v === 'true' || v === '1')
    .describe('trust X-Forwarded-Proto/-Host/-For from a reverse proxy'),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30).describe('session lifetime in days; extended when used in its second half'),

  // Limits (0 disables a rate limit).
  RATE_MESSAGES_PER_MINUTE: z.coerce.number().int().min(0).default(60).describe('messages per user per room per minute (0: off)'),
  RATE_SIGNINS_PER_USERNAME: z.coerce.number().int().min(0).default(10).describe('sign-in attempts per username per 15 min (0: off)'),
  RATE_SIGNINS_PER_IP: z.coerce.number().int().min(0).default(100).describe('sign-in attempts per client address per 15 min (0: off)'),
  RATE_SIGNUPS_PER_IP: z.coerce.number().int().min(0).default(20).describe('sign-ups per client address per hour (0: off)'),
  MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(200).describe('open WebSockets per client address'),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).default(50).describe('operations running at once on one WebSocket'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576).describe('largest HTTP request body in bytes (413 above)'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000).describe('how long a SIGTERM shutdown may take before the process exits anyway'),
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

/** `--help`: every variable of the schema, its default and what it means. */
export function configHelp(): string {
  const rows = Object.entries(schema.shape).map(([name, field]) => {
    const parsed = field.safeParse(undefined);
    const fallback = !parsed.success || parsed.data === undefined ? '(none)' : typeof parsed.data === 'string' ? parsed.data : JSON.stringify(parsed.data);
    return { name, fallback, meaning: field.description ?? '' };
  });
  const w1 = Math.max(...rows.map((r) => r.name.length));
  const w2 = Math.max(...rows.map((r) => r.fallback.length));
  return rows.map((r) => `  ${r.name.padEnd(w1)}  ${r.fallback.padEnd(w2)}  ${r.meaning}`).join('\n');
}
