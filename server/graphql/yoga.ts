// GraphQL over HTTP (and GraphiQL) with Yoga. Subscriptions over WebSocket are served
// by graphql-ws (ws.ts) through this same Yoga instance's envelop pipeline.
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GraphiQLOptions } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import { armorPlugins } from '../limits/armor.js';
import type { Services } from '../services.js';
import { schema } from './schema/index.js';
import { type Context, type SocketExtra, createContext } from './context.js';
import { createMaskError } from './errors.js';
import { useCookieOriginCheck, useSetCookies } from './plugins.js';
import { useEndStreamsOfDisabledAccounts } from './account-streams.js';

export type Yoga = YogaServerInstance<ServerContext, Context>;
type ServerContext = { req?: IncomingMessage; extra?: SocketExtra };

// GraphiQL with its assets inlined is ~80 MB of memory once loaded: load it when a
// browser first asks for it (see loadGraphiQL), not at start.
let render: ((options?: GraphiQLOptions) => string) | undefined;
export async function loadGraphiQL() {
  render ??= (await import('@graphql-yoga/render-graphiql')).renderGraphiQL;
}

export function createGraphQL(services: Services): Yoga {
  const log = services.log.child({ name: 'graphql' });
  return createYoga<ServerContext, Context>({
    schema,
    plugins: [...armorPlugins(), useSetCookies(), useCookieOriginCheck(), useEndStreamsOfDisabledAccounts(services.userConnections)],
    cors: services.origins.cors ?? false,
    graphqlEndpoint: '/graphql',
    context: (initial) => createContext(services, initial),
    maskedErrors: { maskError: createMaskError(services.metrics) },
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error({ err: args.find((a) => a instanceof Error) }, args.map(String).join(' ')),
    },
    // GraphiQL with its assets inlined (no CDN), running subscriptions over graphql-ws.
    renderGraphiQL: (options) => render!(options),
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
