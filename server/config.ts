// Configuration from the environment (and .env, which the real environment overrides),
// validated once at start-up: a bad value stops the process with a message naming it.
// A variable set to the empty string is such a bad value (`PORT=` must not mean port 0,
// nor `RATE_…=` a limit of 0): leave the line out to get the default.
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { DEFAULT_DATABASE_URL } from './db/url.js';
import { parseTrustProxy } from './http/trust-proxy.js';

// zod/mini: the same validator as zod, in functions a bundler keeps only when used (the
// full zod is 590 KB of bundle that every start compiled before it could read PORT).
z.config(en());

/** A whole number from the variable's text, within [min, max]. */
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));

/** `schema` with `fallback` when unset, and what `--help` prints for it. */
const withDefault = <T extends z.ZodMiniType>(schema: T, fallback: z.output<T>, description: string) =>
  z._default(schema, fallback as never).check(z.describe(description));
const described = <T extends z.ZodMiniType>(schema: T, description: string) => schema.check(z.describe(description));

const csv = z.pipe(
  z.string(),
  z.transform((s: string) => s.split(',').map((v) => v.trim()).filter(Boolean)),
);

/** Origins as browsers send them (scheme://host[:port]); `*` or a URL with a path is refused. */
const origins = csv.check(z.superRefine((list: string[], ctx) => {
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
}));

/** Variables that may be set to the empty string, and what it means for them. */
const EMPTY_ALLOWED = new Set(['REDIS_URL' /* no Redis: in-process fan-out */]);

/** Every variable the server reads; the description is what `--help` prints for it. */
export const schema = z.object({
  PORT: withDefault(int(0, 65535), 8000, "HTTP port (0: any free port; the start-up log says which)"),
  HOST: withDefault(z.string().check(z.minLength(1)), '127.0.0.1', "interface to listen on (0.0.0.0 for all)"),
  DATABASE_URL: withDefault(
    z.string().check(z.regex(/^(file:|postgres(ql)?:\/\/)/i, 'must start with file: (SQLite) or postgres:// (PostgreSQL)')),
    DEFAULT_DATABASE_URL,
    "file:<path> for SQLite, postgres://… / postgresql://… for PostgreSQL",
  ),
  REDIS_URL: described(
    z.union([
      z.optional(z.string().check(z.regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'))),
      z.pipe(z.literal(''), z.transform(() => undefined)),
    ]),
    "redis://…: fan-out across processes and shared rate limits; unset: in-process",
  ),
  /** Prefix of every Redis key and channel: lets deployments share one Redis. */
  REDIS_PREFIX: withDefault(z.string().check(z.regex(/^[\w:.-]{0,64}$/, 'letters, digits and _ : . - only')), 'chat:', "prefix of every Redis key and channel (lets deployments share one Redis)"),
  ALLOWED_ORIGINS: described(z.optional(origins), "comma-separated exact origins (https://app.example.com), besides the server's own, whose pages may act with the session cookie (CORS with credentials, CSRF check, WebSocket upgrades); *, wildcards and paths are refused at start-up"),
  MAX_MESSAGE_LENGTH: withDefault(int(1, 1_000_000), 4000, "characters per message"),
  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info', "fatal error warn info debug trace silent"),
  /** `false`, `true` (one hop), a hop count, or proxy addresses/CIDRs: see http/trust-proxy.ts. */
  TRUST_PROXY: described(
    z.pipe(
      z._default(z.string(), 'false'),
      z.transform((v: string, ctx) => {
        try {
          return parseTrustProxy(v);
        } catch (err) {
          ctx.issues.push({ code: 'custom', message: (err as Error).message, input: v });
          return z.NEVER;
        }
      }),
    ),
    "which peers are reverse proxies whose X-Forwarded-For/-Proto/-Host count: false, true (one hop), a hop count, or addresses/CIDRs (10.0.0.0/8,::1, loopback); see Security",
  ),
  SESSION_DAYS: withDefault(int(1, 365), 30, "session lifetime; extended when used in its second half"),

  // Limits (0 disables a rate limit).
  RATE_MESSAGES_PER_MINUTE: withDefault(int(0), 60, "messages per user per room per minute (0: off)"),
  RATE_MESSAGES_PER_USER_PER_MINUTE: withDefault(int(0), 120, "messages per user per minute, all rooms together (0: off)"),
  RATE_NEW_ROOMS_PER_HOUR: withDefault(int(0), 20, "rooms one user may create (by sending a room's first message) per hour (0: off)"),
  RATE_SIGNIN_FAILURES_PER_USERNAME_AND_IP: withDefault(int(0), 10, "failed sign-ins (GraphQL and HTTP Basic) for one username from one client address per 15 min; then that address is refused for that username, even with the right password (0: off)"),
  RATE_SIGNIN_FAILURES_PER_USERNAME: withDefault(int(0), 100, "failed sign-ins for one username from all addresses per hour; then sign-ins for it are refused everywhere (0: off)"),
  RATE_SIGNIN_FAILURES_PER_IP: withDefault(int(0), 100, "failed sign-ins from one client address per 15 min, whatever the username (0: off)"),
  RATE_SIGNUPS_PER_IP: withDefault(int(0), 20, "sign-ups per client address per hour"),
  MAX_CONNECTIONS_PER_IP: withDefault(int(1), 200, "open WebSockets and server-sent event streams per client address, together"),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: withDefault(int(1), 50, "operations running at once on one WebSocket"),
  /** HTTP requests of one address in flight at once (answered but not yet read counts). */
  MAX_REQUESTS_IN_FLIGHT_PER_IP: withDefault(int(1), 64, "other HTTP requests per client address whose answers are not yet taken by the client"),
  /** Subscriptions of one address replaying history at once (each holds one page). */
  REPLAYS_PER_IP: withDefault(int(1), 8, "subscriptions of one client address replaying history (after) at once; the others wait their turn"),
  MAX_REPLAY_EVENTS: withDefault(int(1), 1000, "room events a roomEvents subscription replays (after); a client further behind gets one ResyncRequired instead"),
  /** Bytes queued on one address's sockets, together, before the socket written to is dropped. */
  MAX_BUFFERED_BYTES_PER_IP: withDefault(int(65_536), 16 << 20, "bytes queued on one client address's sockets, together, before a subscription writing more is ended with FELL_BEHIND"),
  MAX_BODY_BYTES: withDefault(int(1024), 1_048_576, "largest HTTP request body (413 above)"),
  SHUTDOWN_TIMEOUT_MS: withDefault(int(100), 10_000, "how long a SIGTERM shutdown may take before the process exits anyway"),
  /** A request (headers and body) must arrive within this; slower ones are answered 408. */
  REQUEST_TIMEOUT_MS: withDefault(int(1000, 600_000), 30_000, "a request's headers and body must arrive within this (headers within 10 s); 408 otherwise"),
});

export type Config = z.output<typeof schema>;

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
    return { name, fallback: value === undefined ? '(none)' : String(value), meaning: z.globalRegistry.get(field)?.description ?? '' };
  });
  const w1 = Math.max(...rows.map((r) => r.name.length));
  const w2 = Math.max(...rows.map((r) => r.fallback.length));
  return rows.map((r) => `  ${r.name.padEnd(w1)}  ${r.fallback.padEnd(w2)}  ${r.meaning}`).join('\n');
}

/** The default a variable has when unset, as written in the schema (before any transform). */
function defaultOf(field: z.ZodMiniType): unknown {
  let def = field._zod.def as { type: string; in?: z.ZodMiniType; innerType?: z.ZodMiniType; defaultValue?: unknown };
  for (;;) {
    if (def.type === 'default') return def.defaultValue;
    const inner = def.type === 'pipe' ? def.in : def.innerType;
    if (!inner) return undefined;
    def = inner._zod.def as typeof def;
  }
}
