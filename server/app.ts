// One HTTP server for everything: GraphQL over HTTP and GraphiQL (Yoga) and GraphQL
// over WebSocket (graphql-ws) on /graphql, and the legacy REST endpoint.
import { createServer, type Server } from 'node:http';
import type { Services } from './services.js';
import { createGraphQL } from './graphql/yoga.js';
import { attachGraphQLWebSocket } from './graphql/ws.js';
import { useRoutes } from './http/routes.js';
import { SEND_MESSAGE_PATH, sendMessageRoute } from './rest/send-message.js';

export interface App {
  server: Server;
  /** Stops accepting, closes sockets, waits for HTTP requests in flight. */
  close(): Promise<void>;
}

export function createApp(services: Services): App {
  const routes = useRoutes([
    { match: SEND_MESSAGE_PATH, handle: (request, [, room]) => sendMessageRoute(services, request, room) },
  ]);
  const yoga = createGraphQL(services, [routes]);
  const server = createServer(yoga);
  const ws = attachGraphQLWebSocket(server, yoga, services);
  return {
    server,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await ws.close();
      server.closeIdleConnections();
      await closed;
    },
  };
}
