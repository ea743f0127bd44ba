// Faults, injected into real processes: Redis dies and comes back, a server is killed
// and restarted under its clients, the database refuses connections, and a SIGTERM with
// work in flight.
import { request as httpRequest } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_ADMIN_URL, freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import {
  MESSAGE_ADDED,
  SEND,
  gql,
  send,
  signUp,
  sleep,
  subscribeRoom,
  uniqueRoom,
  untilLive,
  wsClient,
  type Received,
} from '../support/client.js';
import { eventually, freePort, lastSeq, ownRedis, rawRequest, upgradeOutcome, type OwnRedis } from './helpers.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
});

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const seqs = (messages: { seq: number }[]) => messages.map((m) => m.seq);

/**
 * A client as a real app writes one: it remembers the seq of the last message it got, and
 * every time the socket (re)connects it subscribes again with `after: <that seq>`. It does
 * not filter duplicates: what it records is exactly what the server delivered.
 */
function resumingClient(url: string, token: string, room: string) {
  const received: Received[] = [];
  const errors: unknown[] = [];
  let last = 0;
  let connects = 0;
  let current: (() => void) | undefined;
  const client: Client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async () => void (await sleep(150)),
    on: {
      connected: () => {
        connects++;
        current?.();
        current = client.subscribe(
          { query: MESSAGE_ADDED, variables: { room, after: last } },
          {
            next: (value) => {
              if (value.errors) errors.push(...value.errors);
              const m = (value.data as { messageAdded?: Received } | undefined)?.messageAdded;
              if (m) {
                received.push(m);
                last = m.seq;
              }
            },
            error: (err) => errors.push(err),
            complete: () => {},
          },
        );
      },
      closed: () => {
        // The server went away: this subscription is over; the next 'connected' resumes.
        current?.();
        current = undefined;
      },
    },
  });
  return {
    received,
    errors,
    get connects() {
      return connects;
    },
    dispose: () => client.dispose(),
  };
}

describe('faults', () => {
  let redis: OwnRedis;
  let pgDb: TestDatabase; // Redis and SIGKILL tests: servers S and K share it
  let outageDb: TestDatabase; // its own database, made unavailable
  let sqliteDb: TestDatabase; // the SIGTERM test
  let s: RunningServer; // on pgDb + our Redis
  let k: RunningServer; // on pgDb + our Redis, fixed port: killed and restarted
  let kPort: number;
  let p: RunningServer; // on outageDb, no Redis
  let g: RunningServer; // on sqliteDb, shut down with SIGTERM
  const SHUTDOWN_TIMEOUT_MS = 6000;
  const kEnv = () => ({ REDIS_URL: redis.url });

  beforeAll(async () => {
    [redis, pgDb, outageDb, sqliteDb, kPort] = await Promise.all([
      ownRedis(),
      freshDatabase('postgresql'),
      freshDatabase('postgresql'),
      freshDatabase('sqlite'),
      freePort(),
    ]);
    cleanup.push(() => redis.stop(), () => pgDb.drop(), () => outageDb.drop(), () => sqliteDb.drop());
    // S first (it migrates pgDb); the others at the same time.
    [s, p, g] = await Promise.all([
      startServer({ databaseUrl: pgDb.url, env: kEnv() }),
      startServer({ databaseUrl: outageDb.url }),
      startServer({ databaseUrl: sqliteDb.url, env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) } }),
    ]);
    cleanup.push(() => s.stop(), () => p.stop(), () => g.stop());
    k = await startServer({ databaseUrl: pgDb.url, env: kEnv(), port: kPort });
    cleanup.push(() => k.stop());
  });

  it('Redis restarted under connected subscribers: sends keep working, every process catches up from the database, nothing lost or doubled', async () => {
    const alice = await signUp(s.graphqlUrl, 'alice');
    const room = uniqueRoom('redis');
    const c = wsClient(s.wsUrl, alice.token);
    const ck = wsClient(k.wsUrl, alice.token);
    cleanup.push(async () => c.dispose(), async () => ck.dispose());
    const live = subscribeRoom(c, room); // on the process that stores the messages
    const base = await untilLive(live, () => send(s.graphqlUrl, alice.token, room, 'probe'));
    const liveK = subscribeRoom(ck, room, base); // on another process
    await untilLive(liveK, () => send(s.graphqlUrl, alice.token, room, 'probe 2'));
    const before = await lastSeq(s, room);

    await redis.kill();
    const outage = [];
    const took: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const started = Date.now();
      outage.push(await send(s.graphqlUrl, alice.token, room, `during the outage ${i}`));
      took.push(Date.now() - started);
    }
    // A send waits for the publish at most publishTimeoutMs (2 s) before answering anyway.
    expect.soft(Math.max(...took), `send times during the outage: ${took} ms`).toBeLessThan(3000);
    expect(seqs(outage)).toEqual(range(before + 1, before + 3));
    expect(await lastSeq(s, room)).toBe(before + 3); // stored
    expect(s.logs.filter((l) => l.msg === 'publishing a stored event failed' && l.room === room).length).toBe(3);
    // The storing process's own subscribers get them from the database at once.
    await live.until(() => live.messages.at(-1)?.seq === before + 3, 5000, 'the outage messages on the storing process');

    // The other process gets them as soon as its Redis connection is back, with no further
    // message sent.
    await redis.start();
    await liveK.until(() => liveK.messages.at(-1)?.seq === before + 3, 20_000, 'the outage messages on the other process');

    // And fan-out goes on as before.
    const after = await send(s.graphqlUrl, alice.token, room, 'after the restart');
    await live.until(() => live.messages.at(-1)?.seq === after.seq, 10_000, 'the next message on S');
    await liveK.until(() => liveK.messages.at(-1)?.seq === after.seq, 10_000, 'the next message on K');
    // No gaps, no duplicates.
    expect(seqs(live.messages)).toEqual(range(live.messages[0].seq, after.seq));
    expect(seqs(liveK.messages)).toEqual(range(base + 1, after.seq));
    expect(live.errors).toEqual([]);
    expect(liveK.errors).toEqual([]);

    // A subscriber resuming from the last seq it saw before the outage gets the outage
    // messages exactly once, in order.
    const c2 = wsClient(s.wsUrl, alice.token);
    cleanup.push(async () => c2.dispose());
    const resumed = subscribeRoom(c2, room, before);
    await resumed.until(() => resumed.messages.at(-1)?.seq === after.seq, 5000, 'the resumed subscriber to catch up');
    // Nothing more than that: a marker sent now is the next thing it gets.
    const marker = await send(s.graphqlUrl, alice.token, room, 'marker');
    await resumed.until(() => resumed.messages.at(-1)?.seq === marker.seq, 5000, 'the marker');
    expect(seqs(resumed.messages)).toEqual(range(before + 1, marker.seq));
    expect(resumed.messages.slice(0, 3).map((m) => m.content)).toEqual([1, 2, 3].map((i) => `during the outage ${i}`));
  });

  it('a server SIGKILLed and restarted on its port: reconnecting clients resume with `after` and miss nothing, get nothing twice', async () => {
    const bob = await signUp(k.graphqlUrl, 'bob');
    const room = uniqueRoom('crash');
    const clients = [resumingClient(k.wsUrl, bob.token, room), resumingClient(k.wsUrl, bob.token, room)];
    cleanup.push(async () => clients.forEach((c) => c.dispose()));

    for (let i = 1; i <= 3; i++) await send(k.graphqlUrl, bob.token, room, `before ${i}`);
    await eventually(() => clients.every((c) => c.received.length >= 3), 10_000, 'the messages sent before the crash');

    await k.kill();
    // While it is down, the room goes on through the other server process.
    for (let i = 1; i <= 3; i++) await send(s.graphqlUrl, bob.token, room, `during ${i}`);
    k = await startServer({ databaseUrl: pgDb.url, env: kEnv(), port: kPort });
    // Right after the restart, and later.
    await send(k.graphqlUrl, bob.token, room, 'right after');
    await eventually(() => clients.every((c) => c.received.length >= 7 && c.connects >= 2), 15_000, 'the clients to reconnect and catch up');
    for (let i = 1; i <= 3; i++) await send(k.graphqlUrl, bob.token, room, `after ${i}`);
    await eventually(() => clients.every((c) => c.received.length >= 10), 10_000, 'the messages sent after the restart');
    await sleep(300);

    const expected = [1, 2, 3].map((i) => `before ${i}`).concat([1, 2, 3].map((i) => `during ${i}`), ['right after'], [1, 2, 3].map((i) => `after ${i}`));
    for (const c of clients) {
      expect(seqs(c.received)).toEqual(range(1, 10));
      expect(c.received.map((m) => m.content)).toEqual(expected);
      expect(c.errors).toEqual([]);
    }
  });

  it('the database refusing connections (PostgreSQL): UNAVAILABLE, /readyz 503, nothing published; then it recovers by itself', async () => {
    const carol = await signUp(p.graphqlUrl, 'carol');
    const room = uniqueRoom('dbdown');
    const c = wsClient(p.wsUrl, carol.token);
    cleanup.push(async () => c.dispose());
    const live = subscribeRoom(c, room);
    const base = await untilLive(live, () => send(p.graphqlUrl, carol.token, room, 'probe'));
    const seen = live.messages.length;
    expect((await fetch(`${p.url}/readyz`)).status).toBe(200);

    const name = new URL(outageDb.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    cleanup.push(() => admin.end());
    // CONNECTION LIMIT does not bind superusers (the server connects as one here), so
    // ALLOW_CONNECTIONS false as well: then nobody gets in.
    await admin.query(`ALTER DATABASE ${name} CONNECTION LIMIT 0`);
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
    try {
      const failed = await gql(p.graphqlUrl, SEND, { room, content: 'while the database is down' }, carol.token);
      const viaRest = await rawRequest(`${p.url}/chat/api/send_message/${room}/`, {
        body: JSON.stringify({ message: 'while the database is down (REST)' }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${carol.token}` },
      });
      const ready = await fetch(`${p.url}/readyz`);
      const readyBody = await ready.json();
      // Nothing was published: the first message after the outage is the next thing delivered (below).
      expect(p.child.exitCode, 'the server is still running').toBeNull();

      expect(ready.status).toBe(503);
      expect(readyBody.status).toBe('unavailable');
      expect(readyBody.checks.database).not.toBe('ok');

      expect(failed.data ?? null).toBeNull();
      expect(JSON.stringify(failed.errors)).not.toMatch(/\bat .*:\d+:\d+|prisma|ECONN|terminat/i); // no internals
      expect.soft(failed.errors?.[0], 'GraphQL send while the database is down').toMatchObject({ extensions: { code: 'UNAVAILABLE' } });
      expect.soft(failed.errors?.[0].message).not.toBe('Unexpected error.');
      expect.soft({ status: viaRest.status, body: viaRest.json }, 'REST send while the database is down').toMatchObject({ status: 503, body: { error: expect.any(String) } });
      expect.soft(viaRest.text).not.toMatch(/\bat .*:\d+:\d+|prisma|ECONN|terminat/i);
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await admin.query(`ALTER DATABASE ${name} CONNECTION LIMIT -1`);
    }

    // It recovers on its own.
    await eventually(async () => (await fetch(`${p.url}/readyz`)).status === 200, 15_000, '/readyz to answer 200 again', 200);
    let next;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await gql(p.graphqlUrl, SEND, { room, content: 'after the outage' }, carol.token);
      if (r.data) {
        next = r.data.sendMessage;
        break;
      }
      if (Date.now() > deadline) throw new Error(`sends did not recover: ${JSON.stringify(r.errors)}`);
      await sleep(200);
    }
    expect(next.seq).toBe(base + 1); // no hole
    await live.until(() => live.messages.length > seen, 5000, 'the message after the outage');
    expect(live.messages.slice(seen).map((m) => [m.seq, m.content])).toEqual([[base + 1, 'after the outage']]);
  });

  it('SIGTERM: the in-flight send completes, WebSockets close with 1012, new connections are refused, exit 0 in time', async () => {
    const dave = await signUp(g.graphqlUrl, 'dave');
    const room = uniqueRoom('shutdown');
    const closes: number[] = [];
    const c = wsClient(g.wsUrl, dave.token, { lazy: false, onNonLazyError: () => {}, on: { closed: (e) => closes.push((e as { code: number }).code) } });
    cleanup.push(async () => c.dispose());
    const live = subscribeRoom(c, room);
    const base = await untilLive(live, () => send(g.graphqlUrl, dave.token, room, 'probe'));

    // An HTTP send whose body is still arriving when SIGTERM comes.
    const body = JSON.stringify({ query: SEND, variables: { room, content: 'in flight' } });
    const half = Math.floor(body.length / 2);
    let response!: Promise<{ status: number; json: any }>;
    const req = httpRequest(g.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${dave.token}`,
        'content-length': Buffer.byteLength(body),
      },
    });
    response = new Promise((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, half));
    await sleep(200); // the server has the request now

    const exited = new Promise<{ code: number | null; at: number }>((resolve) => g.child.once('exit', (code) => resolve({ code, at: Date.now() })));
    const termAt = Date.now();
    g.child.kill('SIGTERM');

    await eventually(() => closes.length > 0, 3000, 'the WebSocket to be closed');
    expect(closes[0]).toBe(1012);
    // New connections are refused while the request is still in flight.
    await expect(fetch(`${g.url}/healthz`)).rejects.toThrow();
    await expect(upgradeOutcome(g.wsUrl)).rejects.toThrow(/ECONNREFUSED/);
    expect(g.child.exitCode, 'still waiting for the request in flight').toBeNull();

    req.end(body.slice(half));
    const res = await response;
    const answeredAt = Date.now();
    expect(res.status).toBe(200);
    expect(res.json.data.sendMessage).toMatchObject({ room, seq: base + 1, content: 'in flight' });

    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - termAt, 'shutdown time (ms)').toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    // Once the last request is answered there is nothing left to wait for: the process
    // should not sit out the keep-alive timeout (5 s) of that request's idle connection.
    expect.soft(at - answeredAt, 'ms from the last response to exit').toBeLessThan(1500);
    expect(g.logs.some((l) => l.msg === 'stopped')).toBe(true);
    const stored = await sqliteDb.sql('SELECT m.content FROM "Message" m JOIN "Room" r ON r.id = m."roomId" WHERE r.name = ? AND m.seq = ?', [room, base + 1]);
    expect(stored).toEqual([{ content: 'in flight' }]);
  });
});
