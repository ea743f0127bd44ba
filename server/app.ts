// One HTTP server for everything, routed by path:
//   /graphql                       GraphQL over HTTP and GraphiQL (Yoga), and over
//                                  WebSocket (graphql-ws) on the same path
//   /chat/api/send_message/<room>/ the legacy REST endpoint
//   /healthz /readyz /metrics      for operators
//   /, /chat/…, /accounts/…        the web client
// Every HTTP request is logged (pino-http) with a request id, taken from X-Request-Id
// or made up, and sent back in X-Request-Id; its path is logged, never its query string.
// Before anything reads them, X-Forwarded-* are reduced to what trusted proxies said
// (http/trust-proxy.ts), on requests and WebSocket upgrades alike. Every response carries
// the security headers (http/security-headers.ts). A request must arrive whole within
// REQUEST_TIMEOUT_MS (its headers within HEADERS_TIMEOUT_MS): a client trickling a body
// is answered 408 and disconnected.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServerAdapter, useCORS } from '@whatwg-node/server';
import { pinoHttp } from 'pino-http';
import type { Services } from './services.js';
import { createGraphQL, loadGraphiQL } from './graphql/yoga.js';
import { attachGraphQLWebSocket } from './graphql/ws.js';
import { SEND_MESSAGE_PATH, sendMessageRoute } from './rest/send-message.js';
import { webPages } from './http/web.js';
import { OPS_PATHS, handleOps } from './http/ops.js';
import { clientAddress } from './http/client-ip.js';
import type { PerAddressCap } from './limits/connections.js';
import { applyProxyTrust } from './http/trust-proxy.js';
import { setSecurityHeaders } from './http/security-headers.js';
import { refuseBody } from './http/refuse-body.js';
import { truncate } from './log.js';

/** Longest wait for a request's headers (never more than REQUEST_TIMEOUT_MS). */
const HEADERS_TIMEOUT_MS = 10_000;
/** How long an idle keep-alive connection stays open between requests. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** graphql-ws clients reconnect after this close code; "Service Restart" says why. */
const RESTART_CLOSE_CODE = 1012;

export interface App {
  server: Server;
  /** Stops accepting, tells WebSocket clients to reconnect, waits for HTTP requests in flight. */
  close(): Promise<void>;
}

export function createApp(services: Services): App {
  const { config } = services;
  const yoga = createGraphQL(services);
  const rest = createServerAdapter<{ req: IncomingMessage }>(
    (request, { req }) => {
      const room = SEND_MESSAGE_PATH.exec(new URL(request.url).pathname)![1];
      const ip = clientAddress(req);
      return sendMessageRoute(services, request, room, ip);
    },
    // The same CORS policy as /graphql.
    { plugins: services.origins.cors ? [useCORS(services.origins.cors)] : [] },
  );
  const web = webPages();
  const logHttp = pinoHttp({
    logger: services.log.child({ name: 'http' }),
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    quietReqLogger: true,
    // Only what is needed to follow a request: never credentials (Authorization, Cookie).
    serializers: {
      req: (req) => ({ method: req.method, url: truncate(String(req.url ?? '').split('?')[0], 200), remoteAddress: req.remoteAddress }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
  });

  /**
   * Takes one of the address's places in `cap` until the response is over (taken by the
   * client, or abandoned); answers 429 when there is none.
   */
  const withPlace = (cap: PerAddressCap, what: string, req: IncomingMessage, res: ServerResponse): boolean => {
    const ip = clientAddress(req);
    if (!cap.tryOpen(ip)) {
      const message = `Too many ${what} from this address.`;
      res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
      // Both shapes: REST clients read `error`, GraphQL clients `errors`.
      res.end(JSON.stringify({ error: message, errors: [{ message, extensions: { code: 'RATE_LIMITED' } }] }));
      req.resume();
      return false;
    }
    res.once('close', () => cap.close(ip));
    return true;
  };

  const server = createServer(
    {
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, config.REQUEST_TIMEOUT_MS),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // How often Node looks for requests past those deadlines (its default: 30 s).
      connectionsCheckingInterval: Math.min(1000, config.REQUEST_TIMEOUT_MS),
    },
    (req, res) => {
      applyProxyTrust(req, config.TRUST_PROXY);
      logHttp(req, res);
      const path = (req.url ?? '/').split('?')[0];
      setSecurityHeaders(res);
      const length = Number(req.headers['content-length'] ?? 0);
      if (req.headers['transfer-encoding'] && req.method !== 'GET' && req.method !== 'HEAD') {
        // Without a length the size limit cannot be checked before reading.
        return refuseBody(req, res, 411, 'Send the body with a Content-Length (chunked bodies are not accepted).');
      }
      if (length > config.MAX_BODY_BYTES) {
        return refuseBody(req, res, 413, `The request body is larger than ${config.MAX_BODY_BYTES} bytes.`);
      }
      // A server-sent event stream holds subscriptions open as a WebSocket does, and counts
      // against the same per-address cap; every other request (but /healthz) is in flight
      // until its answer is taken.
      if (path === yoga.graphqlEndpoint && req.headers.accept?.includes('text/event-stream')) {
        if (withPlace(services.connections, 'open connections', req, res)) yoga(req, res);
        return;
      }
      if (path !== '/healthz' && !withPlace(services.requestsInFlight, 'requests in flight', req, res)) return;
      if (path === yoga.graphqlEndpoint) {
        if (req.method === 'GET' && req.headers.accept?.includes('text/html')) {
          return void loadGraphiQL().then(() => yoga(req, res));
        }
        return yoga(req, res);
      }
      if (SEND_MESSAGE_PATH.test(path)) return rest(req, res);
      if (OPS_PATHS.has(path)) return void handleOps(services, res, path);
      web.handle(req, res, () => yoga(req, res)); // Yoga answers 404 for the rest
    },
  );
  server.prependListener('upgrade', (req: IncomingMessage) => applyProxyTrust(req, config.TRUST_PROXY));
  const ws = attachGraphQLWebSocket(server, yoga, services);
  return {
    server,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of ws.wss.clients) socket.close(RESTART_CLOSE_CODE, 'Server restarting');
      await ws.close();
      // Keep-alive connections of requests still in flight become idle when they finish.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      await closed;
      clearInterval(sweep);
    },
  };
}
