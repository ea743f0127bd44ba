// Configuration from the environment (and .env, which the real environment overrides),
// validated once at start-up: a bad value stops the process with a message naming it.
// A variable set to the empty string is such a bad value (`PORT=` must not mean port 0,
// nor `RATE_…=` a limit of 0): leave the line out to get the default.
import { z } from 'zod';
import { DEFAULT_DATABASE_URL } from './db/url.js';
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

/** Every variable the server reads; `.describe()` is what `--help` prints for it. */
export const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000).describe("HTTP port (0: any free port; the start-up log says which)"),
  HOST: z.string().min(1).default('127.0.0.1').describe("interface to listen on (0.0.0.0 for all)"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/i, 'must start with file: (SQLite) or postgres:// (PostgreSQL)')
    .default(DEFAULT_DATABASE_URL).describe("file:<path> for SQLite, postgres://… / postgresql://… for PostgreSQL"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional()
    .or(z.literal('').transform(() => undefined)).describe("redis://…: fan-out across processes and shared rate limits; unset: in-process"),
  /** Prefix of every Redis key and channel: lets deployments share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{0,64}$/, 'letters, digits and _ : . - only').default('chat:').describe("prefix of every Redis key and channel (lets deployments share one Redis)"),
  ALLOWED_ORIGINS: origins.optional().describe("comma-separated exact origins (https://app.example.com), besides the server's own, whose pages may act with the session cookie (CORS with credentials, CSRF check, WebSocket upgrades); *, wildcards and paths are refused at start-up"),
  MAX_MESSAGE_LENGTH: z.coerce.number().int().min(1).max(1_000_000).default(4000).describe("characters per message"),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe("fatal error warn info debug trace silent"),
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
    }).describe("which peers are reverse proxies whose X-Forwarded-For/-Proto/-Host count: false, true (one hop), a hop count, or addresses/CIDRs (10.0.0.0/8,::1, loopback); see Security"),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30).describe("session lifetime; extended when used in its second half"),

  // Limits (0 disables a rate limit).
  RATE_MESSAGES_PER_MINUTE: z.coerce.number().int().min(0).default(60).describe("messages per user per room per minute (0: off)"),
  RATE_MESSAGES_PER_USER_PER_MINUTE: z.coerce.number().int().min(0).default(120).describe("messages per user per minute, all rooms together (0: off)"),
  RATE_NEW_ROOMS_PER_HOUR: z.coerce.number().int().min(0).default(20).describe("rooms one user may create (by sending a room's first message) per hour (0: off)"),
  RATE_SIGNIN_FAILURES_PER_USERNAME_AND_IP: z.coerce.number().int().min(0).default(10).describe("failed sign-ins (GraphQL and HTTP Basic) for one username from one client address per 15 min; then that address is refused for that username, even with the right password (0: off)"),
  RATE_SIGNIN_FAILURES_PER_USERNAME: z.coerce.number().int().min(0).default(100).describe("failed sign-ins for one username from all addresses per hour; then sign-ins for it are refused everywhere (0: off)"),
  RATE_SIGNIN_FAILURES_PER_IP: z.coerce.number().int().min(0).default(100).describe("failed sign-ins from one client address per 15 min, whatever the username (0: off)"),
  RATE_SIGNUPS_PER_IP: z.coerce.number().int().min(0).default(20).describe("sign-ups per client address per hour"),
  MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(200).describe("open WebSockets and server-sent event streams per client address, together"),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).default(50).describe("operations running at once on one WebSocket"),
  /** HTTP requests of one address in flight at once (answered but not yet read counts). */
  MAX_REQUESTS_IN_FLIGHT_PER_IP: z.coerce.number().int().min(1).default(64).describe("other HTTP requests per client address whose answers are not yet taken by the client"),
  /** Subscriptions of one address replaying history at once (each holds one page). */
  REPLAYS_PER_IP: z.coerce.number().int().min(1).default(8).describe("subscriptions of one client address replaying history (after) at once; the others wait their turn"),
  MAX_REPLAY_EVENTS: z.coerce.number().int().min(1).default(1000).describe("room events a roomEvents subscription replays (after); a client further behind gets one ResyncRequired instead"),
  /** Bytes queued on one address's sockets, together, before the socket written to is dropped. */
  MAX_BUFFERED_BYTES_PER_IP: z.coerce.number().int().min(65_536).default(16 << 20).describe("bytes queued on one client address's sockets, together, before a subscription writing more is ended with FELL_BEHIND"),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576).describe("largest HTTP request body (413 above)"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000).describe("how long a SIGTERM shutdown may take before the process exits anyway"),
  /** A request (headers and body) must arrive within this; slower ones are answered 408. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000).describe("a request's headers and body must arrive within this (headers within 10 s); 408 otherwise"),
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

/** `--help`: every variable of the schema, its default and what it means. */
export function configHelp(): string {
  const rows = Object.entries(schema.shape).map(([name, field]) => {
    const value = defaultOf(field);
    return { name, fallback: value === undefined ? '(none)' : String(value), meaning: field.description ?? '' };
  });
  const w1 = Math.max(...rows.map((r) => r.name.length));
  const w2 = Math.max(...rows.map((r) => r.fallback.length));
  return rows.map((r) => `  ${r.name.padEnd(w1)}  ${r.fallback.padEnd(w2)}  ${r.meaning}`).join('\n');
}

/** The default a variable has when unset, as written in the schema (before any transform). */
function defaultOf(field: z.ZodType): unknown {
  let def = field._zod.def as { type: string; in?: z.ZodType; innerType?: z.ZodType; defaultValue?: unknown };
  for (;;) {
    if (def.type === 'default') return def.defaultValue;
    const inner = def.type === 'pipe' ? def.in : def.innerType;
    if (!inner) return undefined;
    def = inner._zod.def as typeof def;
  }
}
