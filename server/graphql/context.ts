// What every resolver gets: the services, and who is asking. HTTP requests are
// authenticated here from their Authorization header; WebSocket connections once, when
// they connect (ws.ts), and every operation on the socket reuses that.
import { GraphQLError } from 'graphql';
import type { Services } from '../services.js';
import type { Authenticated } from '../auth/credentials.js';
import { AppError } from '../errors.js';
import type { Viewer } from '../auth/sessions.js';

export interface Context extends Services {
  auth: Authenticated | null;
}

/** Set on the graphql-ws connection by ws.ts when the socket connects. */
export type SocketExtra = {
  auth?: Authenticated | null;
};

export async function createContext(
  services: Services,
  initial: { request?: Request; extra?: SocketExtra },
): Promise<Context> {
  if (initial.extra) return { ...services, auth: initial.extra.auth ?? null };
  try {
    const auth = await services.credentials.fromAuthorization(initial.request?.headers.get('authorization'));
    return { ...services, auth };
  } catch (err) {
    if (err instanceof AppError) {
      throw new GraphQLError(err.message, { extensions: { code: err.code, http: { status: 401 } } });
    }
    throw err;
  }
}

export function requireViewer(ctx: Context): Viewer {
  if (!ctx.auth) throw new AppError('UNAUTHENTICATED', 'Sign in to do this.');
  return ctx.auth.viewer;
}
