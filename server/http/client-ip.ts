// The client's address: the socket's, or behind a trusted proxy the address that
// applyProxyTrust (trust-proxy.ts) left in X-Forwarded-For — the right-most address that
// is not a trusted proxy's. Without a trusted proxy that header has been removed.
import type { TrustProxy } from './trust-proxy.js';

export function clientIp(
  forwardedFor: string | string[] | null | undefined,
  socketAddress: string | undefined,
  trustProxy: TrustProxy,
): string | undefined {
  if (trustProxy && forwardedFor) {
    const value = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').pop()?.trim();
    if (value) return value.replace(/^::ffff:/, '');
  }
  return socketAddress?.replace(/^::ffff:/, '');
}
