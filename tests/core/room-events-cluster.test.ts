// The room event log across server processes: two servers on one database and one Redis,
// on SQLite and PostgreSQL. Edits and deletes made through one reach subscribers of the
// other live; a subscriber that drops, misses changes and resumes with `after` on the
// other process gets exactly what it missed, each message as it is now. A sender's first
// message in a room makes them a member first: a MemberJoined event with its own version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { DELETE, EDIT, eventsBeforeMarker, gql, send, signUp, subscribeEvents, uniqueRoom, wsClient, type RoomEventReceived } from '../support/client.js';

// For a member event, its username in place of the message's content.
const summary = (events: RoomEventReceived[]) =>
  events.map((e) => [e.__typename, e.version, e.message?.id, e.message ? e.message.content : e.user?.username]);

describe.each(providers)('room events across two processes on %s', (provider) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: Client[] = [];
  const client = (server: RunningServer) => {
    const c = wsClient(server.wsUrl);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await freshDatabase(provider);
    // One after the other: the first applies the migrations.
    a = await startServer({ databaseUrl: db.url, redis: true });
    b = await startServer({ databaseUrl: db.url, redis: true });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  it('edits and deletes made on A reach B live; a subscriber resuming on the other process gets exactly what it missed', async () => {
    const alice = await signUp(a.graphqlUrl, 'alice');
    const change = async (query: string, variables: Record<string, unknown>) => {
      const r = await gql(a.graphqlUrl, query, variables, alice.token);
      expect(r.errors).toBeUndefined();
    };
    const room = uniqueRoom('cluster-events');
    const [m1, m2, m3] = [await send(a.graphqlUrl, alice.token, room, 'one'), await send(a.graphqlUrl, alice.token, room, 'two'), await send(a.graphqlUrl, alice.token, room, 'three')];

    // A subscriber on B that stays, and one on B that will drop.
    const stays = subscribeEvents(client(b), room, 0);
    const drops = subscribeEvents(client(b), room, 0);
    await drops.until(() => drops.events.length === 4, 5000, 'alice joining and the three posts');
    await stays.until(() => stays.events.length === 4, 5000, 'alice joining and the three posts');

    await change(EDIT, { id: m1.id, c: 'one, corrected' });
    await change(DELETE, { id: m2.id });
    await drops.until(() => drops.events.length === 6, 5000, 'the edit and the delete');
    expect(summary(drops.events)).toEqual([
      ['MemberJoined', 1, undefined, alice.username],
      ['MessagePosted', 2, m1.id, 'one'],
      ['MessagePosted', 3, m2.id, 'two'],
      ['MessagePosted', 4, m3.id, 'three'],
      ['MessageEdited', 5, m1.id, 'one, corrected'],
      ['MessageDeleted', 6, m2.id, ''],
    ]);
    expect(drops.events[4].message).toMatchObject({ seq: 1, editedAt: expect.any(String), deletedAt: null, sender: { username: alice.username } });
    expect(drops.events[5].message).toMatchObject({ seq: 2, deletedAt: expect.any(String) });
    const last = drops.events.at(-1)!.version;
    drops.dispose();

    // Missed while away: an edit and a delete; then a message posted and edited (one
    // change shown as it is now), all made on A.
    await change(EDIT, { id: m3.id, c: 'three, corrected' });
    await change(DELETE, { id: m1.id });
    const m4 = await send(a.graphqlUrl, alice.token, room, 'four');
    await change(EDIT, { id: m4.id, c: 'four, corrected' });

    const resumedOnA = subscribeEvents(client(a), room, last);
    const resumedOnB = subscribeEvents(client(b), room, last);
    const marker = await send(b.graphqlUrl, alice.token, room, 'marker');
    for (const resumed of [resumedOnA, resumedOnB]) {
      const missed = await eventsBeforeMarker(resumed, async () => marker);
      expect(summary(missed)).toEqual([
        ['MessageEdited', 7, m3.id, 'three, corrected'],
        ['MessageDeleted', 8, m1.id, ''],
        ['MessageEdited', 10, m4.id, 'four, corrected'],
      ]);
      expect(missed[2].message).toMatchObject({ seq: 4, editedAt: expect.any(String) });
      expect(resumed.events.at(-1)).toMatchObject({ __typename: 'MessagePosted', version: 11, message: { seq: 5, content: 'marker' } });
      expect(resumed.errors).toEqual([]);
    }

    // The subscriber that stayed on B saw every change live, each once, in order.
    const all = await eventsBeforeMarker(stays, async () => marker);
    expect(summary(all).slice(6)).toEqual([
      ['MessageEdited', 7, m3.id, 'three, corrected'],
      ['MessageDeleted', 8, m1.id, ''],
      ['MessagePosted', 9, m4.id, 'four'],
      ['MessageEdited', 10, m4.id, 'four, corrected'],
    ]);
    expect(all.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('changes made on both processes at once reach subscribers of both, every version once, in order', async () => {
    const [alice, bob] = [await signUp(a.graphqlUrl, 'alice'), await signUp(b.graphqlUrl, 'bob')];
    const room = uniqueRoom('cluster-race');
    await send(a.graphqlUrl, alice.token, room, 'start');
    const subs = [subscribeEvents(client(a), room, 0), subscribeEvents(client(b), room, 0)];
    // Past their replay (alice joining, the start message) before the changes begin: from here every change is live.
    for (const sub of subs) await sub.until(() => sub.events.length === 2, 5000, 'alice joining and the start message');
    // Alice works through A, Bob through B, at the same time: each posts, edits and deletes.
    const work = async (server: RunningServer, who: typeof alice) => {
      for (let i = 0; i < 8; i++) {
        const m = await send(server.graphqlUrl, who.token, room, `${who.username} ${i}`);
        const edited = await gql(server.graphqlUrl, EDIT, { id: m.id, c: `${who.username} ${i} edited` }, who.token);
        expect(edited.errors).toBeUndefined();
        if (i % 2 === 0) expect((await gql(server.graphqlUrl, DELETE, { id: m.id }, who.token)).errors).toBeUndefined();
      }
    };
    await Promise.all([work(a, alice), work(b, bob)]);
    // Each: 8 posts, 8 edits, 4 deletes; and bob joins with his first post.
    const changes = 2 * (8 + 8 + 4) + 1;
    const marker = await send(a.graphqlUrl, alice.token, room, 'marker');
    // Before them alice's MemberJoined and the start message; after them the marker.
    expect((await gql(b.graphqlUrl, 'query($r:String!){ room(name:$r){ version } }', { r: room })).data.room.version).toBe(2 + changes + 1);
    const seen: ReturnType<typeof summary>[] = [];
    for (const sub of subs) {
      const events = await eventsBeforeMarker(sub, async () => marker);
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: 2 + changes }, (_, i) => i + 1));
      expect(sub.errors).toEqual([]);
      seen.push(summary(events));
    }
    expect(seen[1]).toEqual(seen[0]);
    const joins = seen[0].filter(([type]) => type === 'MemberJoined');
    expect(joins.map(([, version, , username]) => [version, username])).toEqual([
      [1, alice.username],
      [expect.any(Number), bob.username],
    ]);
    // Bob joined before his first message.
    const bobsFirst = seen[0].find(([type, , , content]) => type === 'MessagePosted' && content === `${bob.username} 0`)!;
    expect(bobsFirst[1]).toBeGreaterThan(joins[1][1] as number);
    expect(seen[0].filter(([type]) => type === 'MessagePosted')).toHaveLength(1 + 16);
    expect(seen[0].filter(([type]) => type === 'MessageDeleted')).toHaveLength(8);
    expect(seen[0].filter(([type]) => type === 'MessageEdited')).toHaveLength(16);
  });
});
