// GraphQL over HTTP (and GraphiQL) with Yoga. Subscriptions over WebSocket are served
// by graphql-ws (ws.ts) through this same Yoga instance's envelop pipeline.
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GraphiQLOptions } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import { armorPlugins } from '../limits/armor.js';
import type { Services } from '../services.js';
import { schema } from './schema/index.js';
import { type Context, type SocketExtra, createContext } from './context.js';
import { createMaskError, expectedError } from './errors.js';
import { useCookieOriginCheck, usePagePolicy, useRefuseFormPosts, useSetCookies } from './plugins.js';
import { graphiqlPolicy } from '../http/security-headers.js';

/** Log text for Yoga's logger arguments: errors by their message only. */
const describe = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
import { useEndStreamsOfDisabledAccounts } from './account-streams.js';

export type Yoga = YogaServerInstance<ServerContext, Context>;
type ServerContext = { req?: IncomingMessage; extra?: SocketExtra };

// GraphiQL with its assets inlined is ~80 MB of memory once loaded: load it when a
// browser first asks for it (see loadGraphiQL), not at start.
let render: ((options?: GraphiQLOptions) => string) | undefined;
/** The Content-Security-Policy of the GraphiQL page last rendered (its inline scripts by hash). */
let graphiqlCsp: string | undefined;
export async function loadGraphiQL() {
  render ??= (await import('@graphql-yoga/render-graphiql')).renderGraphiQL;
}

export function createGraphQL(services: Services): Yoga {
  const log = services.log.child({ name: 'graphql' });
  return createYoga<ServerContext, Context>({
    schema,
    plugins: [
      useRefuseFormPosts(),
      ...armorPlugins(),
      useSetCookies(),
      useCookieOriginCheck(),
      usePagePolicy(() => graphiqlCsp),
      useEndStreamsOfDisabledAccounts(services.userConnections),
    ],
    cors: services.origins.cors ?? false,
    graphqlEndpoint: '/graphql',
    context: (initial) => createContext(services, initial),
    maskedErrors: { maskError: createMaskError(services.metrics) },
    // Yoga logs every error it masks, AppErrors included. Expected ones (wrong password,
    // bad input…) are not faults: at debug, by code only. Messages are never built with
    // String(error): a GraphQLError prints its query source, which may hold a password.
    logging: {
      debug: (...args) => log.debug(describe(args)),
      info: (...args) => log.info(describe(args)),
      warn: (...args) => log.warn(describe(args)),
      error: (...args) => {
        const err = args.find((a) => a instanceof Error);
        const expected = expectedError(err);
        if (expected) return log.debug({ code: expected.code }, 'expected error');
        log.error({ err }, describe(args));
      },
    },
    // GraphiQL with its assets inlined (no CDN), running subscriptions over graphql-ws.
    renderGraphiQL: (options) => {
      const html = render!(options);
      graphiqlCsp = graphiqlPolicy(html);
      return html;
    },
    graphiql: {
      title: 'Chat API',
      subscriptionsProtocol: 'WS',
      defaultQuery: `# Rooms with recent activity
query Rooms {
  rooms(first: 10) {
    edges { node { name lastSeq lastMessage { content sender { username } createdAt } } }
  }
}

# Open a second tab and send a message (needs a signed-in token) to see it arrive here
subscription Live {
  messageAdded(room: "general") { seq content sender { username } createdAt }
}
`,
    },
    landingPage: false,
  });
}
