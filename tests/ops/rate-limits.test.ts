// Rate limits and connection limits, against real server processes. The counters live
// in a Redis of our own: the sign-up / sign-in counters are keyed by address
// (127.0.0.1), which other suites on the shared Redis count against too. The first block
// runs with small limits (so a test needs few requests) and a second server process (B)
// on the same database and Redis shows that the counters are shared; the second block
// runs with the product's default limits. Requests "from another address" really come
// from another loopback address (127.0.0.2…), which Linux routes to the server as is.
import { getIntrospectionQuery } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { SEND, gql, send, signUp, subscribeRoom, uniqueRoom, wsClient } from '../support/client.js';
import { eventually, lastSeq, metricValue, metrics, ownRedis, rawRequest, upgradeOutcome } from './helpers.js';

const SIGN_IN = 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token } }';
const SIGN_UP = 'mutation($u:String!,$p:String!){ signUp(username:$u,password:$p){ token } }';
const PASSWORD = 'correct horse battery';

/** A JSON POST from a given local (loopback) address. */
const post = (url: string, body: unknown, options: { from?: string; headers?: Record<string, string> } = {}) =>
  rawRequest(url, { body: JSON.stringify(body), from: options.from, headers: { 'content-type': 'application/json', ...options.headers } });

const basic = (username: string, password = PASSWORD) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
});

describe('limits (SQLite, counters in Redis)', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let serverB: Promise<RunningServer>;
  let alice: Awaited<ReturnType<typeof signUp>>; // sign-up 1 of 2
  let keys: Redis;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    cleanup.push(() => db.drop());
    const redis = await ownRedis();
    cleanup.push(() => redis.stop());
    keys = new Redis(redis.url);
    cleanup.push(async () => keys.disconnect());
    const env = {
      REDIS_URL: redis.url,
      RATE_MESSAGES_PER_MINUTE: '5',
      // Small, so the tests need few attempts (defaults: 10, 100 and 100).
      RATE_SIGNIN_FAILURES_PER_USERNAME_AND_IP: '3',
      RATE_SIGNIN_FAILURES_PER_USERNAME: '5',
      RATE_SIGNIN_FAILURES_PER_IP: '6',
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
    // From 127.0.0.1: the sign-up test below counts this one (the helper's default spreads sign-ups over addresses).
    alice = await signUp(server.graphqlUrl, 'alice', { from: '127.0.0.1' });
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

  it('3 failed sign-ins lock a username from that address only (even the right password); 5 from anywhere lock it everywhere', async () => {
    const signIn = (from: string, u: string, p: string) => post(server.graphqlUrl, { query: SIGN_IN, variables: { u, p } }, { from });
    for (let i = 1; i <= 3; i++) {
      const wrong = await signIn('127.0.0.2', alice.username, `wrong ${i}`);
      expect(wrong.json.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const right = await signIn('127.0.0.2', alice.username, PASSWORD);
    expect(right.json.data ?? null).toBeNull();
    expect(right.json.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(right.json.errors?.[0].message).toMatch(/Too many failed sign-ins for this user from this address/);
    expect(right.json.errors?.[0].extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    // Also across case: the counter is per username, not per spelling.
    const upper = await signIn('127.0.0.2', alice.username.toUpperCase(), PASSWORD);
    expect(upper.json.errors?.[0].extensions?.code).toBe('RATE_LIMITED');

    // The owner, at another address, is not locked out by those guesses.
    const owner = await signIn('127.0.0.1', alice.username, PASSWORD);
    expect(owner.json.errors).toBeUndefined();
    expect(owner.json.data.signIn.token).toEqual(expect.any(String));

    // 3 failures so far for the username from anywhere; 2 more from a third address make 5:
    // then even the owner's right password is refused, from any address.
    for (let i = 1; i <= 2; i++) {
      const wrong = await signIn('127.0.0.3', alice.username, `wrong ${i}`);
      expect(wrong.json.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const locked = await signIn('127.0.0.1', alice.username, PASSWORD);
    expect(locked.json.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(locked.json.errors?.[0].message).toMatch(/Too many failed sign-ins for this user\./);
  });

  it('an address over its failure limit is refused before any per-username counting: 6 failures, then even a real username adds no key', async () => {
    const signIn = (u: string, p: string) => post(server.graphqlUrl, { query: SIGN_IN, variables: { u, p } }, { from: '127.0.0.9' });
    for (let i = 1; i <= 6; i++) {
      const r = await signIn(`nobody_${i}`, 'wrong');
      expect(r.json.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const before = (await keys.keys('*')).sort();
    const refused = await signIn(alice.username, PASSWORD);
    expect(refused.json.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(refused.json.errors?.[0].message).toMatch(/Too many failed sign-ins from this address/);
    expect((await keys.keys('*')).sort()).toEqual(before);
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

describe('limits at their defaults (SQLite, counters in Redis)', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let redis: Redis;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    cleanup.push(() => db.drop());
    const own = await ownRedis();
    cleanup.push(() => own.stop());
    redis = new Redis(own.url);
    cleanup.push(async () => redis.disconnect());
    server = await startServer({ databaseUrl: db.url, env: { REDIS_URL: own.url } /* the product's default limits: startServer pins them */ });
    cleanup.push(() => server.stop());
  });

  const restSend = (room: string, authorization: string, message: string, from?: string) =>
    post(`${server.url}/chat/api/send_message/${room}/`, { message }, { from, headers: { authorization } });

  it('HTTP Basic spends no sign-in budget when the password is right; strangers guessing from elsewhere do not lock the owner out', async () => {
    const bob = await signUp(server.graphqlUrl, 'bob');
    const room = uniqueRoom('integration');
    // An integration sending with Basic: more requests than the sign-in limits allow failures.
    for (let i = 1; i <= 25; i++) {
      const r = await restSend(room, basic(bob.username), `m${i}`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }
    // A stranger guesses from another address until that address is locked for bob…
    for (let i = 1; i <= 10; i++) {
      const r = await restSend(room, basic(bob.username, `guess ${i}`), 'x', '127.0.0.2');
      expect(r.status).toBe(401);
    }
    const strangerRight = await restSend(room, basic(bob.username), 'x', '127.0.0.2');
    expect(strangerRight.status).toBe(429);
    expect(strangerRight.json.error).toMatch(/failed sign-ins for this user from this address/);
    // …and bob's integration and bob signing in go on.
    expect((await restSend(room, basic(bob.username), 'still here')).status).toBe(200);
    const signIn = await post(server.graphqlUrl, { query: SIGN_IN, variables: { u: bob.username, p: PASSWORD } });
    expect(signIn.json.errors).toBeUndefined();
    expect(await lastSeq(server, room)).toBe(26);
  });

  it('sign-in counters are keyed by bounded values: hostile 200 KB usernames add no per-username key and no big key to Redis', async () => {
    const before = await redis.keys('*');
    for (let i = 0; i < 5; i++) {
      const r = await post(server.graphqlUrl, { query: SIGN_IN, variables: { u: `${'x'.repeat(200_000)}${i}`, p: 'whatever' } }, { from: '127.0.0.5' });
      expect(r.json.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const after = await redis.keys('*');
    const added = after.filter((k) => !before.includes(k));
    // One counter for the address; none per (impossible) username.
    expect(added.length, `added keys: ${added.map((k) => k.slice(0, 80))}`).toBeLessThanOrEqual(1);
    const longest = Math.max(...after.map((k) => Buffer.byteLength(k)));
    expect(longest).toBeLessThan(200);
  });

  it('one user: 120 messages a minute across all rooms, the 121st is RATE_LIMITED (per room: 60)', async () => {
    const carol = await signUp(server.graphqlUrl, 'carol');
    const [r1, r2, r3] = [uniqueRoom('c1'), uniqueRoom('c2'), uniqueRoom('c3')];
    for (const room of [r1, r2]) {
      for (let i = 1; i <= 60; i++) await send(server.graphqlUrl, carol.token, room, `m${i}`);
    }
    const next = await gql(server.graphqlUrl, SEND, { room: r3, content: 'one too many' }, carol.token);
    expect(next.data ?? null).toBeNull();
    expect(next.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(next.errors?.[0].message).toMatch(/Too many messages from you/);
    expect(await lastSeq(server, r3)).toBe(0);
  });

  it('one user creates at most 20 rooms an hour (a first message creates a room); existing rooms still take messages', async () => {
    const dave = await signUp(server.graphqlUrl, 'dave');
    const rooms = Array.from({ length: 20 }, (_, i) => uniqueRoom(`d${i}`));
    for (const room of rooms) expect((await send(server.graphqlUrl, dave.token, room, 'first')).seq).toBe(1);

    const fresh = uniqueRoom('d20');
    const refused = await gql(server.graphqlUrl, SEND, { room: fresh, content: 'new room' }, dave.token);
    expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0].message).toMatch(/Too many new rooms from you/);
    const viaRest = await restSend(fresh, `Bearer ${dave.token}`, 'new room');
    expect(viaRest.status).toBe(429);
    expect(await lastSeq(server, fresh)).toBe(0);

    // Rooms that exist (his own, or someone else's) are not new.
    expect((await send(server.graphqlUrl, dave.token, rooms[0], 'second')).seq).toBe(2);
    const other = await signUp(server.graphqlUrl, 'erin');
    const theirs = uniqueRoom('erin');
    await send(server.graphqlUrl, other.token, theirs, 'hello');
    expect((await send(server.graphqlUrl, dave.token, theirs, 'hi')).seq).toBe(2);
  });

  it('the cost limit counts page sizes: the web client and GraphiQL pass; 10 pages of 100 messages in one anonymous query are refused before running', async () => {
    const room = uniqueRoom('cost');
    const frank = await signUp(server.graphqlUrl, 'frank');
    await send(server.graphqlUrl, frank.token, room, 'hello');
    // The web client's largest queries, with the largest pages (web/src/graphql/documents.ts).
    const messagesPage = `query($name:String!,$last:Int){ room(name:$name){ name lastSeq messages(last:$last){
      edges { node { id seq room content clientId createdAt sender { id username } } } pageInfo { hasPreviousPage startCursor } } } }`;
    const page = await gql(server.graphqlUrl, messagesPage, { name: room, last: 100 });
    expect(page.errors).toBeUndefined();
    expect(page.data.room.messages.edges).toHaveLength(1);
    const roomsPage = `query($first:Int){ rooms(first:$first){ edges { node { name lastSeq lastMessageAt
      lastMessage { id seq content createdAt sender { id username } } } } } }`;
    expect((await gql(server.graphqlUrl, roomsPage, { first: 100 })).errors).toBeUndefined();
    const introspection = await gql(server.graphqlUrl, getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data.__schema.queryType.name).toBe('Query');

    const aliases = (args: string) =>
      `query${args.includes('$n') ? '($n:Int)' : ''}{ ${Array.from({ length: 10 }, (_, i) => `a${i}: room(name:"${room}"){ messages${args}{ edges { node { content } } } }`).join(' ')} }`;
    for (const [args, variables] of [['(last:100)', {}], ['(last:$n)', { n: 100 }], ['', {}]] as const) {
      const r = await gql(server.graphqlUrl, aliases(args), variables);
      expect(r.status, `messages${args}`).toBe(400);
      expect(r.data ?? null).toBeNull();
      expect(r.errors?.[0].message).toMatch(/Query cost \d+ exceeds the limit of 3000/);
      expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });
});
