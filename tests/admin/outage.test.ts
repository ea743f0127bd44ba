// An account disabled while Redis is down: the process that disabled it acts at once, and
// every other process acts as soon as its Redis connection is back (it reads the state of
// the accounts with open connections), without waiting for the user's next operation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { gql, signUp } from '../support/client.js';
import { ownRedis, type OwnRedis } from '../ops/helpers.js';
import { createAdmin, SET_DISABLED, watchedClient, within } from './helpers.js';

describe('an account disabled during a Redis outage (two processes, PostgreSQL)', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let redis: OwnRedis;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    [db, redis] = await Promise.all([freshDatabase('postgresql'), ownRedis()]);
    const env = { REDIS_URL: redis.url };
    a = await startServer({ databaseUrl: db.url, env }); // migrates first
    b = await startServer({ databaseUrl: db.url, env });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    await db?.drop();
  });

  it("closes the user's socket on the other process once Redis is back", async () => {
    const root = await createAdmin(db.url, b.graphqlUrl); // the command line, without Redis
    const erin = await signUp(a.graphqlUrl, 'erin');
    const onA = watchedClient(a.wsUrl, erin.token);
    await within(onA.connected, 5000, 'the socket on A to connect');
    const onB = watchedClient(b.wsUrl, erin.token);
    await within(onB.connected, 5000, 'the socket on B to connect');

    await redis.kill();
    const r = await gql(b.graphqlUrl, SET_DISABLED, { id: erin.id, d: true }, root.token);
    expect(r.errors).toBeUndefined();
    // B disabled it: B's socket closes now, although the change could not be published.
    expect(await within(onB.closed, 5000, 'the socket on B to close')).toBe(4403);

    await redis.start();
    // A missed the message; it reads the account's state when its connection is back.
    expect(await within(onA.closed, 20_000, 'the socket on A to close after Redis is back')).toBe(4403);
  });
});
