// What an operator sees: /healthz, /readyz, /metrics (and that the numbers move), and the
// JSON logs with request ids and without credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { SEND, gql, send, signUp, sleep, subscribeRoom, uniqueRoom, wsClient } from '../support/client.js';
import { captureOutput, eventually, metricValue, metrics, rawRequest } from './helpers.js';

const METRICS = [
  'chat_websocket_connections',
  'chat_subscriptions_active',
  'chat_messages_sent_total',
  'chat_deliveries_total',
  'chat_send_duration_seconds',
  'chat_errors_total',
];

describe('observability', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let output: { stdout: string; stderr: string };
  let alice: Awaited<ReturnType<typeof signUp>>;
  const clients: { dispose(): unknown }[] = [];

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer({ databaseUrl: db.url, redis: true });
    output = captureOutput(server);
    alice = await signUp(server.graphqlUrl, 'alice');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
    await db?.drop();
  });

  it('/healthz answers 200', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 with a check for the database and for Redis', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });

  it('/metrics exposes the chat metrics, and they move: 1 socket, 1 subscription, 3 messages sent and delivered, 1 bad request', async () => {
    const before = await metrics(server);
    for (const name of METRICS) expect(before, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    expect(metricValue(before, 'chat_websocket_connections')).toBe(0);
    expect(metricValue(before, 'chat_subscriptions_active')).toBe(0);

    const room = uniqueRoom('metrics');
    const c = wsClient(server.wsUrl, alice.token);
    clients.push(c);
    const sub = subscribeRoom(c, room, 0); // with `after`: nothing is missed, no probes needed
    await eventually(async () => metricValue(await metrics(server), 'chat_subscriptions_active') === 1, 5000, 'the subscription to be active');
    const start = await metrics(server);

    for (let i = 1; i <= 3; i++) await send(server.graphqlUrl, alice.token, room, `m${i}`);
    await sub.until(() => sub.messages.length === 3, 5000, '3 messages');
    await sleep(100);
    const after = await metrics(server);
    expect(metricValue(after, 'chat_websocket_connections')).toBe(1);
    expect(metricValue(after, 'chat_subscriptions_active')).toBe(1);
    expect(metricValue(after, 'chat_messages_sent_total') - metricValue(start, 'chat_messages_sent_total')).toBe(3);
    expect(metricValue(after, 'chat_deliveries_total') - metricValue(start, 'chat_deliveries_total')).toBe(3);
    expect(metricValue(after, 'chat_send_duration_seconds_count') - metricValue(start, 'chat_send_duration_seconds_count')).toBe(3);
    expect(metricValue(after, 'chat_send_duration_seconds_sum')).toBeGreaterThan(0);

    const bad = await gql(server.graphqlUrl, SEND, { room, content: '   ' }, alice.token);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const afterBad = await metrics(server);
    const errors = (text: string) => metricValue(text, 'chat_errors_total', { code: 'BAD_USER_INPUT' });
    expect(errors(afterBad) - errors(after)).toBe(1);
    expect(metricValue(afterBad, 'chat_messages_sent_total')).toBe(metricValue(after, 'chat_messages_sent_total'));

    // And back down when the client goes away.
    await c.dispose();
    await eventually(async () => {
      const text = await metrics(server);
      return metricValue(text, 'chat_websocket_connections') === 0 && metricValue(text, 'chat_subscriptions_active') === 0;
    }, 5000, 'the gauges to return to 0');
  });

  it('logs are JSON lines; each request is logged with a request id; X-Request-Id echoes a supplied id', async () => {
    const supplied = `ops-test-${Date.now().toString(36)}`;
    const res = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': supplied },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(supplied);

    // Without one, the server makes one up and sends it back.
    const made = (await fetch(`${server.url}/readyz`)).headers.get('x-request-id');
    expect(made).toMatch(/^[\w.:-]{8,}$/);
    // A malformed one is not echoed (log injection).
    const evil = (await fetch(`${server.url}/readyz`, { headers: { 'x-request-id': 'a b\tc"{}' } })).headers.get('x-request-id');
    expect(evil).not.toBe('a b\tc"{}');

    await eventually(() => output.stdout.includes(supplied) && output.stdout.includes(made!), 3000, 'the request log lines');
    const lines = output.stdout.split('\n').filter((l) => l.trim());
    const entries = lines.map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new Error(`not a JSON log line: ${l}`);
      }
    });
    const ids = (e: any) => [e.reqId, e.req?.id, e.requestId, e.id];
    const mine = entries.filter((e) => ids(e).includes(supplied));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.some((e) => e.req?.url === '/graphql' && e.res?.statusCode === 200)).toBe(true);
    expect(entries.some((e) => ids(e).includes(made))).toBe(true);
    for (const e of mine) expect(typeof e.time === 'number' && typeof e.level === 'number').toBe(true);
  });

  it('the request log never contains the Authorization header value or the session cookie', async () => {
    const signedIn = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ query: 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token } }', variables: { u: alice.username, p: 'correct horse battery' } }),
    });
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('session='))!.split(';')[0];
    const cookieToken = cookie.slice('session='.length);
    const basic = Buffer.from(`${alice.username}:correct horse battery`).toString('base64');
    const room = uniqueRoom('logs');
    const id = `secret-check-${Date.now().toString(36)}`;

    await gql(server.graphqlUrl, SEND, { room, content: 'bearer' }, alice.token, { 'x-request-id': `${id}-1` });
    await gql(server.graphqlUrl, SEND, { room, content: 'cookie' }, undefined, { cookie, origin: server.url, 'x-request-id': `${id}-2` });
    await rawRequest(`${server.url}/chat/api/send_message/${room}/`, {
      body: JSON.stringify({ message: 'basic' }),
      headers: { 'content-type': 'application/json', authorization: `Basic ${basic}`, 'x-request-id': `${id}-3` },
    });
    // A failing one too (errors are logged with more detail).
    await gql(server.graphqlUrl, SEND, { room, content: '' }, alice.token, { 'x-request-id': `${id}-4` });
    await rawRequest(`${server.url}/chat/api/send_message/${room}/`, {
      body: '{not json',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}`, cookie, 'x-request-id': `${id}-5` },
    });
    await eventually(() => [1, 2, 3, 4, 5].every((i) => output.stdout.includes(`${id}-${i}`)), 3000, 'the request log lines');
    await sleep(100);

    const all = output.stdout + output.stderr;
    expect(all).not.toContain(alice.token);
    expect(all).not.toContain(cookieToken);
    expect(all).not.toContain(basic);
    expect(all).not.toContain('correct horse battery');
    expect(all).not.toMatch(/"(authorization|cookie)"\s*:/i);
  });

  it('never logs a password, token or argument of signIn/signUp/createApiToken; expected errors are not errors; lines stay bounded', async () => {
    const out = captureOutput(server);
    const tag = Date.now().toString(36);
    const secret = (n: number) => `pw-${n}-${tag}-secret`;
    const huge = `huge${tag}`.padEnd(300_000, 'x');
    const id = `secrets-${tag}`;
    const post = (i: number, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `${id}-${i}`, ...headers },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json() as Promise<any>);

    // The password written inline in the query, as README's examples once did: wrong, then right.
    const wrong = await post(1, `mutation { signIn(username: "${alice.username}", password: "${secret(1)}") { token } }`);
    expect(wrong.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await post(2, `mutation { signUp(username: "${alice.username}", password: "${secret(2)}") { token } }`);
    const signedIn = await post(3, `mutation { signIn(username: "${alice.username}", password: "correct horse battery") { token } }`);
    const sessionToken = signedIn.data.signIn.token as string;
    // A huge username, inline and as a variable (invalid name, and an unknown one).
    await post(4, `mutation { signIn(username: "${huge}", password: "${secret(4)}") { token } }`);
    await post(5, 'mutation($u:String!,$p:String!){ signUp(username:$u,password:$p){ token } }', { u: huge, p: secret(5) });
    // A syntax error around a password, and a GET that carries one in its query string.
    await post(6, `mutation { signIn(username: "x", password: "${secret(6)}" { token } }`);
    await fetch(`${server.graphqlUrl}?query=${encodeURIComponent(`mutation { signIn(username: "x", password: "${secret(7)}") { token } }`)}`, {
      headers: { 'x-request-id': `${id}-7` },
    });
    // A new API token: its secret is in the answer only.
    const created = await post(8, `mutation { createApiToken(name: "${secret(8)}") { token } }`, {}, { authorization: `Bearer ${sessionToken}` });
    const apiToken = created.data.createApiToken.token as string;

    // Each request's own log line is written when its answer has gone: after anything logged while it ran.
    await eventually(() => [1, 2, 3, 4, 5, 6, 7, 8].every((i) => out.stdout.includes(`${id}-${i}"`)), 5000, 'the request log lines');
    const all = out.stdout + out.stderr;
    for (let i = 1; i <= 8; i++) expect(all, `secret ${i}`).not.toContain(secret(i));
    expect(all).not.toContain(sessionToken);
    expect(all).not.toContain(apiToken);
    expect(all).not.toContain(huge.slice(0, 2000));
    const lines = out.stdout.split('\n').filter((l) => l.trim());
    for (const line of lines) expect(line.length, line.slice(0, 300)).toBeLessThan(16_384);
    // Wrong passwords, taken and invalid names are the users' doing: not logged as errors.
    const errors = lines.map((l) => JSON.parse(l)).filter((e) => e.level >= 50);
    expect(errors).toEqual([]);
  });
});
