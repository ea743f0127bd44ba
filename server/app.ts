// One HTTP server for everything, routed by path:
//   /graphql                       GraphQL over HTTP and GraphiQL (Yoga), and over
//                                  WebSocket (graphql-ws) on the same path
//   /chat/api/send_message/<room>/ the legacy REST endpoint
//   /, /chat/…, /accounts/…        the web client
import { createServer, type Server } from 'node:http';
import { createServerAdapter } from '@whatwg-node/server';
import type { Services } from './services.js';
import { createGraphQL } from './graphql/yoga.js';
import { attachGraphQLWebSocket } from './graphql/ws.js';
import { SEND_MESSAGE_PATH, sendMessageRoute } from './rest/send-message.js';
import { webPages } from './http/web.js';

export interface App {
  server: Server;
  /** Stops accepting, closes sockets, waits for HTTP requests in flight. */
  close(): Promise<void>;
}

export function createApp(services: Services): App {
  const yoga = createGraphQL(services);
  const rest = createServerAdapter((request: Request) => {
    const room = SEND_MESSAGE_PATH.exec(new URL(request.url).pathname)![1];
    return sendMessageRoute(services, request, room);
  });
  const web = webPages();

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === yoga.graphqlEndpoint) return yoga(req, res);
    if (SEND_MESSAGE_PATH.test(path)) return rest(req, res);
    web.handle(req, res, () => yoga(req, res)); // Yoga answers 404 for the rest
  });
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
