// Rate limits and connection limits, against real server processes with small limits.
// The counters live in a Redis of our own: the sign-up / sign-in counters are keyed by
// address (127.0.0.1), which other suites on the shared Redis count against too. A second
// server process (B) on the same database and Redis shows that the counters are shared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { SEND, gql, send, signUp, subscribeRoom, uniqueRoom, wsClient } from '../support/client.js';
import { eventually, lastSeq, metricValue, metrics, ownRedis, rawRequest, upgradeOutcome } from './helpers.js';

const SIGN_IN = 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token } }';
const SIGN_UP = 'mutation($u:String!,$p:String!){ signUp(username:$u,password:$p){ token } }';
const PASSWORD = 'correct horse battery';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
});

describe('limits (SQLite, counters in Redis)', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let serverB: Promise<RunningServer>;
  let alice: Awaited<ReturnType<typeof signUp>>; // sign-up 1 of 2

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    cleanup.push(() => db.drop());
    const redis = await ownRedis();
    cleanup.push(() => redis.stop());
    const env = {
      REDIS_URL: redis.url,
      RATE_MESSAGES_PER_MINUTE: '5',
      RATE_SIGNINS_PER_USERNAME: '3',
      RATE_SIGNUPS_PER_IP: '2',
      MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
      MAX_CONNECTIONS_PER_IP: '3',
    };
    server = await startServer({ databaseUrl: db.url, env });
    cleanup.push(() => server.stop());
    expect(server.logs.find((l) => l.msg === 'listening')?.pubsub).toMatch(/redis/);
    // B starts while the tests below run (after A migrated the database).
    serverB = startServer({ databaseUrl: db.url, env });
    cleanup.push(async () => (await serverB).stop());
    alice = await signUp(server.graphqlUrl, 'alice');
  });

  it('the 6th message in a room within a minute is RATE_LIMITED (GraphQL: retryAfter; REST: 429 + Retry-After), nothing stored; another room is unaffected', async () => {
    const room = uniqueRoom('limited');
    for (let i = 1; i <= 5; i++) expect((await send(server.graphqlUrl, alice.token, room, `m${i}`)).seq).toBe(i);

    const sixth = await gql(server.graphqlUrl, SEND, { room, content: 'm6' }, alice.token);
    expect(sixth.data ?? null).toBeNull();
    expect(sixth.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(sixth.errors?.[0].message).toMatch(/Too many messages in this room/);
    const retryAfter = sixth.errors?.[0].extensions?.retryAfter;
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `retryAfter ${retryAfter}`).toBe(true);

    const viaRest = await rawRequest(`${server.url}/chat/api/send_message/${room}/`, {
      body: JSON.stringify({ message: 'm7' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
    });
    expect(viaRest.status).toBe(429);
    const header = Number(viaRest.headers['retry-after']);
    expect(header >= 1 && header <= 60, `Retry-After ${viaRest.headers['retry-after']}`).toBe(true);
    expect(viaRest.json.error).toMatch(/Too many messages/);

    expect(await lastSeq(server, room)).toBe(5);
    const rows = await db.sql('SELECT COUNT(*) AS n FROM "Message" m JOIN "Room" r ON r.id = m."roomId" WHERE r.name = ?', [room]);
    expect(Number(rows[0].n)).toBe(5);

    const other = uniqueRoom('unaffected');
    expect((await send(server.graphqlUrl, alice.token, other, 'fine')).seq).toBe(1);
  });

  it('the 4th sign-in attempt for a username is RATE_LIMITED, even with the right password', async () => {
    for (let i = 1; i <= 3; i++) {
      const wrong = await gql(server.graphqlUrl, SIGN_IN, { u: alice.username, p: `wrong ${i}` });
      expect(wrong.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const right = await gql(server.graphqlUrl, SIGN_IN, { u: alice.username, p: PASSWORD });
    expect(right.data ?? null).toBeNull();
    expect(right.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(right.errors?.[0].extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    // Also across case: the counter is per username, not per spelling.
    const upper = await gql(server.graphqlUrl, SIGN_IN, { u: alice.username.toUpperCase(), p: PASSWORD });
    expect(upper.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('the 3rd sign-up from one address is refused', async () => {
    const second = await gql(server.graphqlUrl, SIGN_UP, { u: `second_${Date.now().toString(36)}`, p: PASSWORD });
    expect(second.errors).toBeUndefined();
    const name = `third_${Date.now().toString(36)}`;
    const third = await gql(server.graphqlUrl, SIGN_UP, { u: name, p: PASSWORD });
    expect(third.data ?? null).toBeNull();
    expect(third.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(third.errors?.[0].message).toMatch(/Too many sign-ups/);
    expect(await db.sql('SELECT id FROM "User" WHERE username = ?', [name])).toEqual([]);
  });

  it('MAX_SUBSCRIPTIONS_PER_CONNECTION=2: two subscriptions run on one socket, the 3rd gets an error', async () => {
    const c = wsClient(server.wsUrl, alice.token);
    try {
      const rooms = [uniqueRoom('s1'), uniqueRoom('s2'), uniqueRoom('s3')];
      const first = subscribeRoom(c, rooms[0], 0);
      const second = subscribeRoom(c, rooms[1], 0);
      await eventually(async () => metricValue(await metrics(server), 'chat_subscriptions_active') === 2 || first.errors.length + second.errors.length > 0, 5000, 'two subscriptions');
      const third = subscribeRoom(c, rooms[2], 0);
      await third.until(() => third.errors.length > 0 || third.completed, 5000, 'the 3rd subscription to be refused');

      expect({ first: first.errors, second: second.errors }).toEqual({ first: [], second: [] });
      const refusal = JSON.stringify(third.errors);
      expect(refusal).toMatch(/At most 2 operations/);
      expect(refusal).toMatch(/RATE_LIMITED/);

      // The first two still deliver.
      await send(server.graphqlUrl, alice.token, rooms[0], 'to s1');
      await send(server.graphqlUrl, alice.token, rooms[1], 'to s2');
      await first.until(() => first.messages.length === 1, 5000, 's1 message');
      await second.until(() => second.messages.length === 1, 5000, 's2 message');
    } finally {
      await c.dispose();
    }
  });

  it('MAX_CONNECTIONS_PER_IP=3: the 4th socket upgrade from one address is refused with HTTP 429', async () => {
    await eventually(async () => metricValue(await metrics(server), 'chat_websocket_connections') === 0, 5000, 'no sockets left open');
    const open: { socket: import('ws').WebSocket }[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const outcome = await upgradeOutcome(server.wsUrl);
        expect(outcome).toMatchObject({ open: true });
        open.push(outcome as { socket: import('ws').WebSocket });
      }
      expect(await upgradeOutcome(server.wsUrl)).toEqual({ status: 429 });
      // Closing one frees a slot.
      open.pop()!.socket.close();
      await eventually(async () => metricValue(await metrics(server), 'chat_websocket_connections') === 2, 5000, 'the socket to close');
      const again = await upgradeOutcome(server.wsUrl);
      expect(again).toMatchObject({ open: true });
      open.push(again as { socket: import('ws').WebSocket });
    } finally {
      for (const o of open) o.socket.terminate();
    }
  });
  it('two server processes share the message counter: 3 sends on A + 3 on B with a limit of 5, the 6th is refused', async () => {
    const b = await serverB;
    const room = uniqueRoom('shared');
    for (let i = 1; i <= 3; i++) await send(server.graphqlUrl, alice.token, room, `a${i}`);
    for (let i = 1; i <= 2; i++) await send(b.graphqlUrl, alice.token, room, `b${i}`);
    const sixth = await gql(b.graphqlUrl, SEND, { room, content: 'b3' }, alice.token);
    expect(sixth.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(sixth.errors?.[0].extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    // And A sees the same count.
    const onA = await gql(server.graphqlUrl, SEND, { room, content: 'a4' }, alice.token);
    expect(onA.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(await lastSeq(server, room)).toBe(5);
  });
});
