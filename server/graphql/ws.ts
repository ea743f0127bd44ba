// GraphQL over WebSocket (graphql-ws protocol) on the HTTP server's /graphql path.
// The socket is authenticated once, from connectionParams.authorization, when it
// connects: a bad credential closes it with 4403. Each operation then runs through
// Yoga's envelop pipeline (same schema, context, error masking as HTTP).
import type { IncomingHttpHeaders, Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionArgs } from 'graphql';
import type { Services } from '../services.js';
import type { Yoga } from './yoga.js';
import type { SocketExtra } from './context.js';

const headerBag = (headers: IncomingHttpHeaders) => ({
  get: (name: string) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  },
});

interface Envelope {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

export function attachGraphQLWebSocket(server: Server, yoga: Yoga, services: Services) {
  const { origins, config } = services;
  const wss = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    // Browsers on a foreign origin may not open a socket (it would carry our cookie).
    verifyClient: ({ req }, done) => {
      const headers = headerBag(req.headers);
      const secure = config.TRUST_PROXY && headers.get('x-forwarded-proto') === 'https';
      if (origins.mayConnect(headers, secure)) done(true);
      else done(false, 403, 'Origin not allowed');
    },
  });
  const handle = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization;
        if (raw !== undefined && raw !== null && typeof raw !== 'string') return false;
        try {
          if (raw) {
            // "Bearer <token>" or the bare token.
            ctx.extra.auth = await services.credentials.bearer(raw.replace(/^bearer\s+/i, '').trim());
          } else {
            const cookie = ctx.extra.request.headers.cookie;
            ctx.extra.auth = await services.credentials.authenticate({ cookie });
          }
          return true;
        } catch {
          return false; // graphql-ws closes the socket with 4403 Forbidden
        }
      },
      execute: (args) => (args.rootValue as Envelope).execute(args) as never,
      subscribe: (args) => (args.rootValue as Envelope).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        const args = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
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
