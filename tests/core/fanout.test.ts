// Fan-out across server processes (Redis), and the single-process default (in-memory).
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { deliveredBeforeMarker, send, signUp, subscribeRoom, uniqueRoom, untilLive, wsClient } from '../support/client.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

describe('two server processes on one Redis and one PostgreSQL', () => {
  it('a message sent on B reaches a subscriber on A', async () => {
    const db: TestDatabase = await freshDatabase('postgresql');
    cleanup.push(() => db.drop());
    const a: RunningServer = await startServer({ databaseUrl: db.url, redis: true });
    cleanup.push(() => a.stop());
    const b: RunningServer = await startServer({ databaseUrl: db.url, redis: true });
    cleanup.push(() => b.stop());
    expect(a.logs.find((l) => l.msg === 'listening')?.pubsub).toMatch(/redis/);

    const bob = await signUp(b.graphqlUrl, 'bob');
    const room = uniqueRoom('cluster');
    const clientA = wsClient(a.wsUrl);
    cleanup.push(async () => clientA.dispose());
    const sub = subscribeRoom(clientA, room);
    await untilLive(sub, () => send(a.graphqlUrl, bob.token, room, 'probe via A'));
    const before = sub.messages.length;

    const sent = await Promise.all([1, 2, 3].map((i) => send(b.graphqlUrl, bob.token, room, `from B ${i}`)));
    await sub.until(() => sub.messages.length >= before + 3, 5000, 'messages sent on B');
    const got = (await deliveredBeforeMarker(sub, () => send(b.graphqlUrl, bob.token, room, 'marker via B'))).slice(before);
    expect(got.map((m) => m.id).sort()).toEqual(sent.map((m) => m.id).sort());
    expect(got.map((m) => m.seq)).toEqual([...got.map((m) => m.seq)].sort((x, y) => x - y)); // in seq order
    expect(got.every((m) => m.sender?.username === bob.username)).toBe(true);
  });
});

describe('a single server without Redis', () => {
  it('delivers through the in-process pubsub and says so at start', async () => {
    const db = await freshDatabase('sqlite');
    cleanup.push(() => db.drop());
    const server = await startServer({ databaseUrl: db.url, redis: false });
    cleanup.push(() => server.stop());
    expect(server.logs.find((l) => l.msg === 'listening')?.pubsub).toMatch(/in-process/);

    const carol = await signUp(server.graphqlUrl, 'carol');
    const room = uniqueRoom('local');
    const c = wsClient(server.wsUrl, carol.token);
    cleanup.push(async () => c.dispose());
    const sub = subscribeRoom(c, room);
    await untilLive(sub, () => send(server.graphqlUrl, carol.token, room, 'probe'));
    const sent = await send(server.graphqlUrl, carol.token, room, 'local hello');
    await sub.until(() => sub.messages.some((m) => m.id === sent.id), 5000, 'local delivery');
  });
});
