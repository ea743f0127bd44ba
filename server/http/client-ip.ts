// The client's address, for per-address limits and logs: the socket's, or behind a
// trusted proxy the one address applyProxyTrust (trust-proxy.ts) left in X-Forwarded-For
// (the right-most that is not a trusted proxy's). applyProxyTrust runs first on every
// request and upgrade, and removes the header when the peer is not a trusted proxy, so
// this needs no trust setting of its own.
import type { IncomingHttpHeaders } from 'node:http';

export function clientAddress(req: { headers: IncomingHttpHeaders; socket: { remoteAddress?: string } }): string {
  const forwarded = req.headers['x-forwarded-for'];
  const value = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim();
  return (value || req.socket.remoteAddress || 'unknown').replace(/^::ffff:/, '');
}
