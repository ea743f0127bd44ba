// GraphQL over WebSocket (graphql-ws protocol) on the HTTP server's /graphql path.
// The socket is authenticated once, from connectionParams.authorization, when it
// connects: a bad credential closes it with 4403. Each operation then runs through
// Yoga's envelop pipeline (same schema, context, error masking as HTTP).
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionArgs } from 'graphql';
import type { Services } from '../services.js';
import type { Yoga } from './yoga.js';
import type { SocketExtra } from './context.js';

interface Envelope {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

export function attachGraphQLWebSocket(server: Server, yoga: Yoga, services: Services) {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const handle = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization;
        if (raw === undefined || raw === null || raw === '') {
          ctx.extra.auth = null;
          return true;
        }
        if (typeof raw !== 'string') return false;
        const header = /^bearer\s/i.test(raw) ? raw : `Bearer ${raw}`;
        try {
          ctx.extra.auth = await services.credentials.fromAuthorization(header);
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
