// The one graphql-ws connection of the page, at /graphql on the page's own origin. The
// browser sends the session cookie with the upgrade, which is how the server knows us.
// It stays open (lazy: false) so the status line means something, and reconnects forever
// with connection.ts's backoff; graphql-ws re-sends every active subscription on reconnect.
import { createClient, type Client } from 'graphql-ws';
import { connection } from '../connection';

export function socketUrl(base: string = location.href): string {
  const url = new URL('/graphql', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export function createSocket(url: string = socketUrl()): Client {
  return createClient({
    url,
    lazy: false,
    retryAttempts: Infinity,
    retryWait: (retries) => connection.wait(retries),
    // Every close is worth another try (a restarting server closes with 1012 Service
    // Restart, a dropped network shows as 1006).
    shouldRetry: () => true,
    // Pings notice a dead connection that never closed (a sleeping laptop, a lost Wi-Fi).
    keepAlive: 15_000,
    on: {
      connecting: (isRetry) => connection.connecting(isRetry),
      connected: (_socket, _payload, wasRetry) => connection.connected(wasRetry),
      closed: () => connection.closed(),
    },
    onNonLazyError: () => {
      /* only fatal protocol errors end up here; the status stays "reconnecting"/"connecting" */
    },
  });
}
