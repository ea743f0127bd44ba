// The urql client: queries and mutations over HTTP (fetchExchange, with the session
// cookie), subscriptions over the page's graphql-ws socket (subscriptionExchange).
// No document cache: chat data changes under us, so every query asks the server.
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import type { Client as SocketClient } from 'graphql-ws';
import { resumablePayload } from './resume';

export function createGraphQLClient(socket: SocketClient, url = '/graphql'): Client {
  return new Client({
    url,
    requestPolicy: 'network-only',
    fetchOptions: { credentials: 'same-origin' },
    exchanges: [
      subscriptionExchange({
        forwardSubscription: (request, operation) => ({
          subscribe: (sink) => ({ unsubscribe: socket.subscribe(resumablePayload(request, operation), sink) }),
        }),
      }),
      fetchExchange,
    ],
  });
}
