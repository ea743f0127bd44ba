// What every resolver gets: the services it may call, and who is asking. HTTP requests
// are authenticated here from their Authorization header or session cookie; WebSocket
// operations take what ws.ts found when the socket connected (checked again before an
// operation when the last check is more than a few seconds old).
//
// Resolvers reach data only through these services. The Prisma client is not in the
// context: @pothos/plugin-prisma's object types get it from prismaClientOf (builder.ts).
import type { Services } from '../services.js';
import type { Authenticated } from '../auth/credentials.js';
import { AppError, UNAVAILABLE_MESSAGE } from '../errors.js';
import { toGraphQLError } from './errors.js';
import type { Viewer } from '../auth/sessions.js';
import { clearedSessionCookie, isHttps, sessionCookie } from '../auth/cookies.js';
import type { IncomingMessage } from 'node:http';
import { clientAddress } from '../http/client-ip.js';

/** Facts about the HTTP request and a way to set cookies on its response (absent on WebSocket). */
export interface HttpExchange {
  request: Request;
  secure: boolean;
  setSessionCookie(token: string, expiresAt: Date): void;
  clearSessionCookie(): void;
}

/** The services resolvers and GraphQL plugins call. */
type ResolverServices = Pick<Services, 'chat' | 'store' | 'membership' | 'accounts' | 'apiTokens' | 'admin' | 'origins' | 'config'>;

export interface Context extends ResolverServices {
  auth: Authenticated | null;
  http?: HttpExchange;
  /** The client's address (for per-address limits). */
  ip?: string;
}

/** Set on the graphql-ws connection by ws.ts when the socket connects. */
export type SocketExtra = {
  auth?: Authenticated | null;
  /** The client's address, taken when the socket connected. */
  ip?: string;
  /** When the credential was last found valid (ms since epoch). */
  checkedAt?: number;
  /** Checks the socket's credential again (it may have been revoked since it connected). */
  reauthenticate?: () => Promise<Authenticated | null>;
};

/** Set-Cookie values a request's resolvers asked for; the set-cookie plugin adds them to the response. */
export const responseCookies = new WeakMap<Request, string[]>();

/**
 * The Prisma client behind a context, for @pothos/plugin-prisma's types only: under a
 * symbol, so that it survives Yoga merging the context and no resolver reads it by name.
 */
const PRISMA = Symbol('prisma client');
export const prismaClientOf = (ctx: Context) => (ctx as Context & { [PRISMA]: Services['db'] })[PRISMA];

function withServices(services: Services, who: Pick<Context, 'auth' | 'http' | 'ip'>): Context {
  const { chat, store, membership, accounts, apiTokens, admin, origins, config } = services;
  return { chat, store, membership, accounts, apiTokens, admin, origins, config, ...who, [PRISMA]: services.db } as Context;
}

export async function createContext(
  services: Services,
  initial: { request?: Request; req?: IncomingMessage; extra?: SocketExtra },
): Promise<Context> {
  const ip = initial.req && clientAddress(initial.req);
  if (initial.extra) return withServices(services, { auth: initial.extra.auth ?? null, ip: initial.extra.ip });

  const request = initial.request!;
  const secure = isHttps(request.url, request.headers, services.config.TRUST_PROXY);
  const cookies: string[] = [];
  responseCookies.set(request, cookies);
  const http: HttpExchange = {
    request,
    secure,
    setSessionCookie: (token, expiresAt) => cookies.push(sessionCookie(token, expiresAt, secure)),
    clearSessionCookie: () => cookies.push(clearedSessionCookie(secure)),
  };
  try {
    const auth = await services.credentials.authenticate({
      authorization: request.headers.get('authorization'),
      cookie: request.headers.get('cookie'),
    });
    return withServices(services, { auth, http, ip });
  } catch (err) {
    if (err instanceof AppError) {
      // A stale cookie must not lock the browser out of signing in again: drop it.
      if (!request.headers.get('authorization')) http.clearSessionCookie();
      // 401 for a bad credential, 403 for a disabled account.
      throw toGraphQLError(err, undefined, true);
    }
    services.log.error({ err }, 'authenticating a request failed');
    throw toGraphQLError(new AppError('UNAVAILABLE', UNAVAILABLE_MESSAGE), undefined, true);
  }
}

export function requireViewer(ctx: Context): Viewer {
  if (!ctx.auth) throw new AppError('UNAUTHENTICATED', 'Sign in to do this.');
  return ctx.auth.viewer;
}

/** Token management needs a real sign-in: an API token cannot mint or revoke tokens. */
export function requireSession(ctx: Context): Viewer {
  const viewer = requireViewer(ctx);
  if (ctx.auth!.via === 'apiToken' || ctx.auth!.via === 'basic') {
    throw new AppError('FORBIDDEN', 'Managing API tokens needs a signed-in session, not an API token.');
  }
  return viewer;
}
