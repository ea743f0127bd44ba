// GraphQL over WebSocket (graphql-ws protocol) on the HTTP server's /graphql path.
// The socket is authenticated when it connects, from connectionParams.authorization or
// the session cookie: a bad credential closes it with 4403. Before an operation, a
// credential last checked more than RECHECK_MS ago is checked again (it may have been
// revoked); an account disabled by an admin has its sockets closed with 4403 at once, on
// every process (auth/user-connections.ts). Each operation runs through Yoga's envelop
// pipeline (same schema, context, limits, error masking as HTTP); subscriptions to room
// events go through the shared fan-out (delivery/broadcast.ts).
// Limits: frame size (maxPayload: larger frames close the socket with 1009), sockets per
// client address (with event streams: limits/connections.ts), operations per socket, and
// what a slow socket may have queued (delivery/client-budget.ts).
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { CloseCode } from 'graphql-ws';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { clientAddress } from '../http/client-ip.js';
import { isHttps } from '../auth/cookies.js';
import { shareKey, subscribeShared, type Sink } from '../delivery/broadcast.js';
import { createMaskError } from './errors.js';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import type { Yoga } from './yoga.js';
import type { SocketExtra } from './context.js';

/** How stale a socket's credential check may be before an operation checks it again. */
const RECHECK_MS = 2000;

const headerBag = (headers: IncomingHttpHeaders) => ({
  get: (name: string) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  },
});

/** Subscriptions whose events are the same for every viewer: they share one execution per event. */
const SHAREABLE = new Set(['messageAdded', 'roomEvents', 'roomActivity']);

/** Close code for "the server cannot check this now, reconnect later" (RFC 6455 registry). */
const TRY_AGAIN_LATER = 1013;

/**
 * Room for the largest allowed message plus the operation around it. The worst case of a
 * code point in a JSON string is 12 bytes (an astral character written as two \uXXXX
 * escapes), so a legal message always fits however the client escapes it.
 */
const webSocketMaxPayload = (maxMessageLength: number) => Math.max(64 * 1024, maxMessageLength * 12 + 16 * 1024);

interface Envelope {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
  /** Set when subscribers of this operation can share each event's execution. */
  shareKey?: string;
  sink?: Sink;
}

export function attachGraphQLWebSocket(server: Server, yoga: Yoga, services: Services) {
  const { origins, config } = services;
  const maskError = createMaskError(services.metrics);
  const { connections, budgets } = services;
  const ipOf = (req: IncomingMessage) =>
    clientAddress(req);
  const wss = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: webSocketMaxPayload(config.MAX_MESSAGE_LENGTH),
    verifyClient: ({ req }, done) => {
      const headers = headerBag(req.headers);
      const secure = isHttps('http:', headers, config.TRUST_PROXY);
      // Browsers on a foreign origin may not open a socket (it would carry our cookie).
      if (!origins.mayConnect(headers, secure)) return done(false, 403, 'Origin not allowed');
      if (!connections.hasRoom(ipOf(req))) {
        return done(false, 429, 'Too many connections from this address');
      }
      done(true);
    },
  });
  wss.on('connection', (socket, req) => {
    const ip = ipOf(req);
    // verifyClient saw room; another upgrade from the address may have taken it since.
    if (!connections.tryOpen(ip)) return socket.close(CloseCode.Forbidden, 'Too many connections from this address');
    services.metrics.connections.inc();
    // 'close' fires once; `on` avoids the per-socket wrapper `once` allocates.
    socket.on('close', () => {
      services.metrics.connections.dec();
      connections.close(ip);
      budgets.release(ip, socket);
    });
  });
  const handle = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization;
        if (raw !== undefined && raw !== null && typeof raw !== 'string') return false;
        const cookie = ctx.extra.request.headers.cookie;
        ctx.extra.ip = ipOf(ctx.extra.request);
        // Nothing else of the upgrade request is needed: let it go (memory per socket).
        (ctx.extra as { request?: IncomingMessage }).request = undefined;
        ctx.extra.reauthenticate = raw
          ? // "Bearer <token>" or the bare token.
            () => services.credentials.bearer(raw.replace(/^bearer\s+/i, '').trim())
          : () => services.credentials.authenticate({ cookie });
        try {
          ctx.extra.auth = await ctx.extra.reauthenticate();
          ctx.extra.checkedAt = Date.now();
          const userId = ctx.extra.auth?.viewer.id;
          if (userId) {
            // Account changes: disabled → close now; anything else (role) → check again
            // before the next operation.
            const { socket } = ctx.extra;
            const untrack = services.userConnections.add(userId, (change) => {
              if (change.disabled) socket.close(CloseCode.Forbidden, 'This account is disabled');
              else ctx.extra.checkedAt = 0;
            });
            // A socket that closed while its credential was checked has fired 'close' already.
            if (socket.readyState >= socket.CLOSING) untrack();
            else socket.on('close', untrack);
          }
          return true;
        } catch (err) {
          if (!(err instanceof AppError)) {
            // Not the credential's fault (the database is down): "try again later", which
            // clients treat as a reason to reconnect, not to give up.
            services.log.error({ err }, 'authenticating a WebSocket failed');
            ctx.extra.socket.close(TRY_AGAIN_LATER, 'Try again later');
          }
          return false; // graphql-ws closes the socket with CloseCode.Forbidden (4403)
        }
      },
      // graphql-ws wraps an error thrown by a running subscription (e.g. FELL_BEHIND) in a
      // bare GraphQLError: give it its code and details as every other error has them.
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => (maskError(e, 'Unexpected error.') as GraphQLError).toJSON()),
      execute: (args) => (args.rootValue as Envelope).execute(args) as never,
      subscribe: (args) => {
        const envelope = args.rootValue as Envelope;
        if (!envelope.shareKey) return envelope.subscribe(args) as never;
        return subscribeShared(args, envelope.shareKey, maskError, envelope.sink!) as never;
      },
      onSubscribe: async (ctx, id, params) => {
        // graphql-ws has registered this operation already: count the others.
        if (Object.keys(ctx.subscriptions).length - 1 >= config.MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [
            new GraphQLError(`At most ${config.MAX_SUBSCRIPTIONS_PER_CONNECTION} operations may run at once on one connection.`, {
              extensions: { code: 'RATE_LIMITED' },
            }),
          ];
        }
        // A credential revoked (sign-out, token revoked) or expired since the socket
        // connected ends the socket, as an invalid one would have at connect time.
        // Checked at most every RECHECK_MS, so a busy socket does not pay a lookup per send.
        if (ctx.extra.auth && Date.now() - (ctx.extra.checkedAt ?? 0) > RECHECK_MS) {
          try {
            ctx.extra.auth = await ctx.extra.reauthenticate!();
            ctx.extra.checkedAt = Date.now();
          } catch {
            ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden');
            return [new GraphQLError('Forbidden', { extensions: { code: 'UNAUTHENTICATED' } })];
          }
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          socket: ctx.extra.socket,
          params,
        });
        let document;
        try {
          document = parse(params.query);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        const args = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } as Envelope,
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        args.rootValue.shareKey = shareKey(args, SHAREABLE);
        args.rootValue.sink = { socket: ctx.extra.socket, id, client: ctx.extra.ip ?? 'unknown', budgets };
        return args;
      },
    },
    wss,
  );
  return {
    wss,
    /** Closes every socket (with 1001 Going Away) and the WebSocket server. */
    close: () => handle.dispose(),
  };
}
