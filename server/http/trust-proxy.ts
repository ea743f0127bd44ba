// The one decision about X-Forwarded-For/-Proto/-Host: which of them come from proxies
// we trust. TRUST_PROXY is read as Express' `trust proxy` is (proxy-addr does the
// matching), except that `true` means one hop, not "trust every hop" (which would let a
// client choose its own address):
//   false / 0            trust no proxy: the forwarded headers are ignored
//   true / 1 / <n>       trust the nearest n hops, whatever their address
//   10.0.0.0/8,::1,…     trust peers with these addresses / CIDRs (or loopback,
//                        linklocal, uniquelocal)
// applyProxyTrust runs once per HTTP request and WebSocket upgrade (app.ts), before any
// reader: when the connecting peer is not trusted it removes the three headers (a client
// may not write them); when it is, X-Forwarded-For is replaced by the client's address —
// the right-most address not of a trusted proxy — and -Proto/-Host are kept as the proxy
// sent them (their first value counts, as in Express). So every reader (client-ip.ts,
// auth/cookies.ts isHttps, http/origins.ts) sees only what trusted proxies said.
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** Whether the address at `hop` (0: the connecting peer) is a trusted proxy; false: none is. */
export type TrustProxy = false | ((address: string, hop: number) => boolean);

const FORWARDED_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'] as const;

/** Parses TRUST_PROXY; throws an Error saying what is wrong. */
export function parseTrustProxy(value: string): TrustProxy {
  const v = value.trim().toLowerCase();
  if (v === 'false') return false;
  if (v === 'true') return hops(1);
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n > 32) throw new Error('a hop count is at most 32');
    return n === 0 ? false : hops(n);
  }
  const entries = v.split(',').map((e) => e.trim());
  for (const entry of entries) {
    try {
      proxyaddr.compile(entry);
    } catch {
      throw new Error(
        `${JSON.stringify(entry)} is not true, false, a hop count, an IP address, a CIDR, or loopback/linklocal/uniquelocal`,
      );
    }
  }
  return proxyaddr.compile(entries);
}

function hops(n: number): TrustProxy {
  return (_address, hop) => hop < n;
}

/** Makes the forwarded headers of `req` say only what trusted proxies said (see above). */
export function applyProxyTrust(req: IncomingMessage, trust: TrustProxy): void {
  const peer = req.socket.remoteAddress;
  if (!trust || !peer || !trust(peer, 0)) {
    for (const name of FORWARDED_HEADERS) delete req.headers[name];
    return;
  }
  if (req.headers['x-forwarded-for'] !== undefined) req.headers['x-forwarded-for'] = proxyaddr(req, trust);
}
