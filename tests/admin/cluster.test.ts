// Disabling reaches every server process: two servers on one Redis and one PostgreSQL;
// a user's WebSocket and event stream are open on A; an admin disables the user on B (and
// later with the command line, which talks to no server) and A closes the socket with
// 4403 and ends the stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { gql, send, signUp, uniqueRoom } from '../support/client.js';
import { createAdmin, runAdmin, SET_DISABLED, SET_ROLE, sseSubscription, watchedClient, within } from './helpers.js';

/** A connected graphql-ws client that reports its close code. */
async function openSocket(url: string, token: string) {
  const socket = watchedClient(url, token);
  await within(socket.connected, 5000, 'the socket to connect');
  return socket;
}

describe('two server processes on one Redis and PostgreSQL', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    [a, b] = await Promise.all([startServer({ databaseUrl: db.url, redis: true }), startServer({ databaseUrl: db.url, redis: true })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  it("disabling on B closes the user's socket (4403) and ends their event stream on A; so does the command line", async () => {
    const root = await createAdmin(db.url, b.graphqlUrl, { redis: true });
    const erin = await signUp(a.graphqlUrl, 'erin');
    const apiToken: string = (await gql(a.graphqlUrl, 'mutation { createApiToken(name: "bot") { token } }', {}, erin.token)).data.createApiToken.token;
    const room = uniqueRoom('cluster-disable');
    await send(a.graphqlUrl, erin.token, room, 'hello');

    const socket = await openSocket(a.wsUrl, erin.token);
    const sse = await sseSubscription(a.graphqlUrl, apiToken, room, 0);
    await sse.until(() => sse.payloads.some((p) => p.data?.messageAdded?.content === 'hello'), 5000, 'the replayed message');

    const r = await gql(b.graphqlUrl, SET_DISABLED, { id: erin.id, d: true }, root.token);
    expect(r.errors).toBeUndefined();
    expect(await within(socket.closed, 5000, 'the socket on A to close')).toBe(4403);
    await sse.until(() => sse.ended, 5000, 'the event stream on A to end');
    expect(sse.payloads.at(-1)?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Enabled on B; a new socket on A (API token: the session ended); disabled from the command line.
    await gql(b.graphqlUrl, SET_DISABLED, { id: erin.id, d: false }, root.token);
    const second = await openSocket(a.wsUrl, apiToken);
    const cli = await runAdmin(db.url, ['disable', erin.username], '', { redis: true });
    expect(cli).toMatchObject({ code: 0, stdout: `${erin.username} is disabled\n` });
    expect(await within(second.closed, 5000, 'the socket on A to close after the command line')).toBe(4403);
  });

  it('two admins demoting each other at once on two processes: one wins, one gets CONFLICT, one admin is left', async () => {
    const [x, y] = await Promise.all([createAdmin(db.url, a.graphqlUrl, { redis: true }), createAdmin(db.url, b.graphqlUrl, { redis: true })]);
    // Leave x and y as the only enabled admins.
    const others = (await gql(a.graphqlUrl, '{ users(first: 100) { edges { node { id role } } } }', {}, x.token)).data.users.edges
      .map((e: any) => e.node)
      .filter((u: any) => u.role === 'ADMIN' && u.id !== x.id && u.id !== y.id);
    for (const u of others) expect((await gql(a.graphqlUrl, SET_ROLE, { id: u.id, r: 'USER' }, x.token)).errors).toBeUndefined();

    for (let round = 0; round < 3; round++) {
      const [byX, byY] = await Promise.all([
        gql(a.graphqlUrl, SET_ROLE, { id: y.id, r: 'USER' }, x.token),
        gql(b.graphqlUrl, SET_ROLE, { id: x.id, r: 'USER' }, y.token),
      ]);
      const outcomes = [byX, byY].map((r) => r.errors?.[0]?.extensions?.code ?? 'ok').sort();
      // Either one demotion won and the other was refused, or the winner's demotion was
      // committed before the loser's credential check (then the loser is no admin: FORBIDDEN).
      expect([['CONFLICT', 'ok'], ['FORBIDDEN', 'ok']]).toContainEqual(outcomes);
      const admins = (await gql(a.graphqlUrl, '{ me { role } }', {}, x.token)).data.me.role === 'ADMIN' ? x : y;
      const loser = admins === x ? y : x;
      expect((await gql(a.graphqlUrl, '{ me { role } }', {}, loser.token)).data.me.role).toBe('USER');
      expect((await gql(a.graphqlUrl, SET_ROLE, { id: loser.id, r: 'ADMIN' }, admins.token)).errors).toBeUndefined();
    }
  });
});
