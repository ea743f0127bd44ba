// Structured JSON logs (pino). One root logger; modules take children with a `name`.
// The logger itself keeps secrets and floods out of the log:
//  - every string is cut to MAX_STRING characters (stacks to MAX_STACK), objects and
//    arrays to a few levels and entries, so no line can grow with what a client sent;
//  - errors are written as type, message, code, path and stack only: never a GraphQL
//    error's source, nodes or variables (a query may carry a password inline);
//  - fields that hold credentials or a client's query text are redacted wherever they
//    appear (password, token, authorization, cookie, query, variables).
// What to log at all is decided by the callers: expected errors (AppError: bad input,
// wrong password, rate limit…) are not logged (graphql/errors.ts).
import { pino, type Logger } from 'pino';

export type { Logger };

export const MAX_STRING = 1000;
const MAX_STACK = 4000;
const MAX_DEPTH = 4;
const MAX_ENTRIES = 50;

const REDACTED_KEYS = ['password', 'token', 'authorization', 'cookie', 'query', 'variables', 'source', 'body'];
export const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export function truncate(s: string, max = MAX_STRING): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[${s.length - max} more characters]`;
}

const isPlain = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null || Array.isArray(v);
};

/** A copy of `value` with long strings cut and deep or wide plain objects trimmed; class instances (errors, requests) are left to their serializers. */
export function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return truncate(value);
  if (value === null || typeof value !== 'object' || !isPlain(value)) return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.slice(0, MAX_ENTRIES).map((v) => bounded(v, depth + 1));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key in value) {
    if (n++ >= MAX_ENTRIES) break;
    out[key] = bounded((value as Record<string, unknown>)[key], depth + 1);
  }
  return out;
}

/** An error as a log line may show it (see above); `cause` is the error a GraphQL error wraps. */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) && !(err && typeof err === 'object' && 'message' in err)) return bounded(err);
  const e = err as Error & { code?: unknown; path?: unknown; originalError?: unknown; cause?: unknown };
  const out: Record<string, unknown> = {
    type: e.constructor?.name ?? e.name,
    message: truncate(String(e.message)),
  };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (Array.isArray(e.path)) out.path = bounded(e.path);
  if (typeof e.stack === 'string') out.stack = truncate(e.stack, MAX_STACK);
  const cause = e.originalError ?? e.cause;
  if (cause && cause !== err && depth < 2) out.cause = serializeError(cause, depth + 1);
  return out;
}

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        return method.apply(this, args.map((a) => bounded(a)) as Parameters<typeof method>);
      },
    },
  });
}
