// The HTTP edge under attack, on real server processes with real clients: the client
// address behind a proxy (X-Forwarded-For), login CSRF (form posts, cross-origin
// sign-ins), security headers on every response, /readyz keeping database details to
// the log, and a request body trickled slowly being cut off.
import { createHash } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, PG_ADMIN_URL, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { gql, uniqueRoom } from '../support/client.js';
import { captureOutput, eventually, upgradeOutcome } from './helpers.js';

const PASSWORD = 'correct horse battery';
const SIGN_IN = 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token } }';
const SIGN_UP = 'mutation($u:String!,$p:String!){ signUp(username:$u,password:$p){ token } }';
const EVIL = 'http://evil.example';

/** A TCP relay to PostgreSQL that can be cut (the database host going away). */
async function cuttableRelay(target: URL) {
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const port = (relay.address() as { port: number }).port;
  return {
    port,
    async cut() {
      const closed = new Promise((resolve) => relay.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describe('HTTP hardening', () => {
  let db: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer({
      databaseUrl: db.url,
      env: {
        // This process is the test's own proxy: one trusted hop.
        TRUST_PROXY: 'true',
        // The product's default (the test helper raises it for other tests).
        RATE_SIGNUPS_PER_IP: '20',
        // The default is 30 s; the slow-body test would wait that long for the same cut.
        REQUEST_TIMEOUT_MS: '2000',
        // Two sockets per address (default 200), so that the test sees which address counts.
        MAX_CONNECTIONS_PER_IP: '2',
      },
    });
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('X-Forwarded-For: the client address is the right-most untrusted one, so a forged left part does not escape per-address limits', async () => {
    const signUpFrom = (forwardedFor: string) =>
      gql(server.graphqlUrl, SIGN_UP, { u: uniqueRoom('xff'), p: PASSWORD }, undefined, { 'x-forwarded-for': forwardedFor });
    // 20 sign-ups an hour per address (the default); each forges a different left-most address.
    for (let i = 1; i <= 20; i++) {
      const r = await signUpFrom(`10.0.${i}.1, 203.0.113.77`);
      expect(r.errors, `sign-up ${i}`).toBeUndefined();
    }
    const refused = await signUpFrom('10.0.99.1, 203.0.113.77');
    expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    // Another client behind the same proxy is not affected.
    const other = await signUpFrom('10.0.99.1, 203.0.113.78');
    expect(other.errors).toBeUndefined();
  });

  it('X-Forwarded-For on WebSocket upgrades: sockets count against the right-most untrusted address', async () => {
    const from = (forwardedFor: string) => upgradeOutcome(server.wsUrl, { 'x-forwarded-for': forwardedFor });
    const first = await from('10.0.0.1, 203.0.113.5');
    const second = await from('10.0.0.2, 203.0.113.5');
    expect([first, second].every((o) => 'open' in o)).toBe(true);
    expect(await from('10.0.0.3, 203.0.113.5')).toEqual({ status: 429 });
    const other = await from('10.0.0.3, 203.0.113.6');
    expect('open' in other).toBe(true);
    for (const o of [first, second, other]) if ('socket' in o) o.socket.terminate();
  });

  describe('login CSRF', () => {
    let username: string;
    beforeAll(async () => {
      username = uniqueRoom('csrf');
      const r = await gql(server.graphqlUrl, SIGN_UP, { u: username, p: PASSWORD }, undefined, { 'x-forwarded-for': '198.51.100.1' });
      expect(r.errors).toBeUndefined();
    });
    const signInMutation = () => `mutation { signIn(username: "${username}", password: "${PASSWORD}") { token } }`;

    it('refuses GraphQL POSTs a plain HTML form can send (urlencoded, multipart, text/plain): 415, no cookie', async () => {
      const form = new URLSearchParams({ query: signInMutation() });
      const multipart = new FormData();
      multipart.set('query', signInMutation());
      for (const [what, init] of [
        ['urlencoded form', { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: EVIL } }],
        ['multipart form', { body: multipart, headers: { origin: EVIL } }],
        ['text/plain', { body: JSON.stringify({ query: signInMutation() }), headers: { 'content-type': 'text/plain' } }],
      ] as [string, RequestInit][]) {
        const res = await fetch(server.graphqlUrl, { method: 'POST', ...init });
        expect(res.status, what).toBe(415);
        expect(res.headers.getSetCookie(), what).toEqual([]);
        expect(await res.text(), what).toContain('application/json');
      }
    });

    it('refuses signIn and signUp from a foreign Origin or Referer (403, no cookie, no account); own origin and non-browser clients sign in', async () => {
      const post = (query: string, variables: Record<string, unknown>, headers: Record<string, string>) =>
        fetch(server.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query, variables }),
        });
      for (const [what, headers] of [
        ['foreign Origin', { origin: EVIL }],
        ['foreign Referer', { referer: `${EVIL}/page` }],
      ] as [string, Record<string, string>][]) {
        const res = await post(SIGN_IN, { u: username, p: PASSWORD }, headers);
        expect(res.status, what).toBe(403);
        expect(res.headers.getSetCookie(), what).toEqual([]);
        const body = await res.json();
        expect(body.errors?.[0].extensions?.code, what).toBe('FORBIDDEN');
      }
      const newName = uniqueRoom('csrfup');
      const up = await post(SIGN_UP, { u: newName, p: PASSWORD }, { origin: EVIL });
      expect(up.status).toBe(403);
      expect(up.headers.getSetCookie()).toEqual([]);
      const noAccount = await gql(server.graphqlUrl, SIGN_IN, { u: newName, p: PASSWORD });
      expect(noAccount.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

      const own = await post(SIGN_IN, { u: username, p: PASSWORD }, { origin: server.url });
      expect(own.status).toBe(200);
      expect(own.headers.getSetCookie().some((c) => c.startsWith('session='))).toBe(true);
      const curl = await post(SIGN_IN, { u: username, p: PASSWORD }, {});
      expect(curl.status).toBe(200);
    });
  });

  it('sends CSP (frame-ancestors), X-Frame-Options, nosniff and Referrer-Policy on pages, GraphQL, REST, /metrics and 404s', async () => {
    const responses: [string, Response][] = [
      ['page', await fetch(`${server.url}/chat/`)],
      ['asset redirect', await fetch(`${server.url}/`, { redirect: 'manual' })],
      ['GraphQL', await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' })],
      ['GraphQL GET', await fetch(`${server.graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`)],
      ['REST', await fetch(`${server.url}/chat/api/send_message/general/`, { method: 'POST' })],
      ['/metrics', await fetch(`${server.url}/metrics`)],
      ['/healthz', await fetch(`${server.url}/healthz`)],
      ['404', await fetch(`${server.url}/no/such/thing`)],
      ['GraphiQL', await fetch(server.graphqlUrl, { headers: { accept: 'text/html' } })],
    ];
    for (const [what, res] of responses) {
      expect(res.headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), what).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), what).toBe('same-origin');
    }
    const csp = (what: string) => responses.find(([w]) => w === what)![1].headers.get('content-security-policy')!;
    expect(csp('page')).toContain("default-src 'self'");
    expect(csp('page')).not.toContain('unsafe');
    expect(csp('GraphQL')).toContain("default-src 'none'");
    // GraphiQL's inline scripts are allowed by their hashes, not by 'unsafe-inline'.
    const graphiql = responses.find(([w]) => w === 'GraphiQL')![1];
    expect(graphiql.headers.get('content-type')).toMatch(/^text\/html/);
    const scriptSrc = csp('GraphiQL').split(';').find((d) => d.trim().startsWith('script-src'))!;
    expect(scriptSrc).not.toContain('unsafe-inline');
    const html = await graphiql.text();
    const inline = [...html.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)].map((m) => m[1]).filter(Boolean);
    expect(inline.length).toBeGreaterThan(0);
    for (const script of inline) expect(scriptSrc).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    await Promise.all(responses.map(([, r]) => (r.bodyUsed ? undefined : r.body?.cancel())));
  });

  it('cuts off a request body trickled slowly (408, connection closed) instead of holding it open', async () => {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (d) => (received += d));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
    // 5 bytes a second: the whole body would take 200 s.
    const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
    const started = Date.now();
    try {
      await Promise.race([
        closed,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`still open after 20 s; received: ${received}`)), 20_000)),
      ]);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('behind proxies given by address, on PostgreSQL', () => {
  let db: TestDatabase;
  let relay: Awaited<ReturnType<typeof cuttableRelay>>;
  let server: RunningServer;

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    relay = await cuttableRelay(new URL(PG_ADMIN_URL));
    const viaRelay = new URL(db.url);
    viaRelay.port = String(relay.port);
    // The only trusted proxies are in 10.0.0.0/8: this test (127.0.0.1) is a client.
    server = await startServer({ databaseUrl: viaRelay.toString(), env: { TRUST_PROXY: '10.0.0.0/8' } });
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('ignores X-Forwarded-Proto/-Host/-For from a peer that is not a listed proxy, over HTTP and on the WebSocket upgrade', async () => {
    const spoofed = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', origin: 'https://evil.example' };
    const up = await gql(server.graphqlUrl, SIGN_UP, { u: uniqueRoom('spoof'), p: PASSWORD }, undefined, spoofed);
    expect(up.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await upgradeOutcome(server.wsUrl, spoofed)).toEqual({ status: 403 });
    const res = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ query: SIGN_UP, variables: { u: uniqueRoom('proto'), p: PASSWORD } }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('session='));
    expect(cookie).toBeDefined();
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });

  it('/readyz answers a generic reason when the database host is gone; the detail goes to the log only', async () => {
    const output = captureOutput(server);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    await relay.cut();
    const res = await fetch(`${server.url}/readyz`);
    const text = await res.text();
    expect(res.status).toBe(503);
    const body = JSON.parse(text);
    expect(body.status).toBe('unavailable');
    expect(['unavailable', 'timed out']).toContain(body.checks.database);
    expect(text).not.toContain(String(relay.port));
    expect(text).not.toMatch(/127\.0\.0\.1|ECONN|prisma|postgres/i);
    await eventually(() => /readiness check failed/.test(output.stdout), 5000, 'the readiness failure in the log');
  });
});
