// Security headers on every HTTP response (app.ts sets them before routing; a handler
// may replace the Content-Security-Policy with a looser one for its own page):
//   Content-Security-Policy  the web client's pages load only this server's scripts,
//                            styles and connections; API answers (JSON, /metrics) may
//                            load nothing; no page may be framed (frame-ancestors)
//   X-Frame-Options: DENY    the same for browsers without frame-ancestors
//   X-Content-Type-Options: nosniff
//   Referrer-Policy: same-origin  (the Referer stays on our own requests, where the CSRF
//                            check may read it, and never leaves for other sites)
// GraphiQL's page is inline scripts and styles: graphiqlPolicy allows exactly its
// scripts by hash (worker code comes from blob: URLs it makes itself).
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

const COMMON = "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The web client (dist/web): only our own files; connections (HTTP and WebSocket) to ourselves. */
export const PAGE_POLICY = `default-src 'self'; img-src 'self' data:; connect-src 'self'; ${COMMON}`;

/** Everything that is not a page (GraphQL JSON, REST, /metrics, errors): nothing may load. */
const API_POLICY = `default-src 'none'; ${COMMON}`;

export function setSecurityHeaders(res: ServerResponse, policy = API_POLICY): void {
  res.setHeader('content-security-policy', policy);
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
}

let last: { html: string; policy: string } | undefined;

/** The policy for a rendered GraphiQL page: its inline scripts by SHA-256, its inline styles, blob: workers. */
export function graphiqlPolicy(html: string): string {
  if (last?.html === html) return last.policy;
  const hashes = [...html.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)]
    .filter((m) => m[1].length > 0)
    .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  const policy = [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    COMMON,
  ].join('; ');
  last = { html, policy };
  return policy;
}
