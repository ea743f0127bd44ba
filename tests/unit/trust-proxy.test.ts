// The trust decision about X-Forwarded-* (server/http/trust-proxy.ts) on its own: which
// address is the client's, and which forwarded headers survive, for each TRUST_PROXY form.
// (tests/ops/http-hardening.test.ts shows the same through a real server's limits.)
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { applyProxyTrust, parseTrustProxy } from '../../server/http/trust-proxy.js';
import { clientAddress } from '../../server/http/client-ip.js';
import { isHttps } from '../../server/auth/cookies.js';

function seen(setting: string, peer: string, headers: Record<string, string>) {
  const req = { socket: { remoteAddress: peer }, headers: { ...headers } } as unknown as IncomingMessage;
  const trust = parseTrustProxy(setting);
  applyProxyTrust(req, trust);
  const get = (name: string) => req.headers[name] as string | undefined;
  return {
    ip: clientAddress(req),
    https: isHttps('http://x/', { get }, trust),
    host: get('x-forwarded-host'),
  };
}

describe('TRUST_PROXY', () => {
  const spoofed = { 'x-forwarded-for': '10.0.0.7, 198.51.100.20', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'chat.example' };

  it('false: every forwarded header is ignored', () => {
    expect(seen('false', '127.0.0.1', spoofed)).toEqual({ ip: '127.0.0.1', https: false, host: undefined });
  });

  it('true (one hop): the client is the right-most address, not the left-most a client can write', () => {
    expect(seen('true', '127.0.0.1', spoofed)).toEqual({ ip: '198.51.100.20', https: true, host: 'chat.example' });
    expect(seen('true', '127.0.0.1', { 'x-forwarded-for': '198.51.100.20' }).ip).toBe('198.51.100.20');
  });

  it('a hop count: that many proxies from the right are skipped', () => {
    expect(seen('2', '127.0.0.1', { 'x-forwarded-for': '10.0.0.7, 198.51.100.20, 172.16.0.5' }).ip).toBe('198.51.100.20');
  });

  it('addresses/CIDRs: trusted proxies are skipped wherever they are; an untrusted peer is taken at its word for nothing', () => {
    const chain = { ...spoofed, 'x-forwarded-for': '10.0.0.7, 198.51.100.20, 10.1.1.1' };
    expect(seen('10.0.0.0/8, 127.0.0.1', '127.0.0.1', chain)).toEqual({ ip: '198.51.100.20', https: true, host: 'chat.example' });
    // The peer is not one of the proxies: it is the client, and its headers count for nothing.
    expect(seen('10.0.0.0/8', '127.0.0.1', chain)).toEqual({ ip: '127.0.0.1', https: false, host: undefined });
  });
});
