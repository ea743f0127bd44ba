// Deleted content is never served again, on SQLite and PostgreSQL: after a message is
// deleted (by its author, or by an admin), no read path returns what it said, nor what it
// said before an edit: history, message(id) and its edits, rooms' lastMessage, and the
// messageAdded and roomEvents replays, over HTTP, WebSocket and server-sent events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { DELETE, EDIT, gql, send, signUp, sseSubscribe, subscribeEvents, subscribeRoom, uniqueRoom, wsClient } from '../support/client.js';
import { createAdmin } from '../admin/helpers.js';

/** A query or mutation over graphql-ws: its one result. */
function wsQuery(client: Client, query: string, variables: Record<string, unknown>) {
  return new Promise<{ data?: any; errors?: unknown[] }>((resolve, reject) => {
    let result: { data?: any; errors?: unknown[] } = {};
    client.subscribe({ query, variables }, { next: (v) => (result = v as typeof result), error: reject, complete: () => resolve(result) });
  });
}

const ROOM = `query($r:String!){ room(name:$r){ version lastMessage { id seq content deletedAt }
  messages { edges { node { id seq content editedAt deletedAt } } } } }`;
const MESSAGE = 'query($id:ID!){ message(id:$id){ id seq content editedAt deletedAt edits { content } } }';
const ROOMS = '{ rooms(first: 100) { edges { node { name lastMessage { id seq content deletedAt } } } } }';
const ADDED = 'subscription($r:String!){ messageAdded(room:$r, after:0){ id seq content } }';
const EVENTS = `subscription($r:String!){ roomEvents(room:$r, after:0){ __typename version
  ... on MessagePosted { message { id content } } ... on MessageEdited { message { id content } } ... on MessageDeleted { message { id content deletedAt } }
  ... on MemberJoined { user { username } } } }`;

describe.each(providers)('deleted content on %s', (provider) => {
  let db: TestDatabase;
  let server: RunningServer;
  const clients: Client[] = [];
  const client = (token?: string) => {
    const c = wsClient(server.wsUrl, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await freshDatabase(provider);
    server = await startServer({ databaseUrl: db.url, redis: true });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
    await db?.drop();
  });

  it('is absent from every read path over HTTP, WebSocket and SSE; a tombstone stays in its place', async () => {
    const admin = await createAdmin(db.url, server.graphqlUrl, { redis: true });
    const [alice, bob] = [await signUp(server.graphqlUrl, 'alice'), await signUp(server.graphqlUrl, 'bob')];
    const room = uniqueRoom('deleted');
    // Alice's first message is edited (its first wording goes to the history), then she
    // deletes it; an admin deletes her last one, which is the room's last message.
    const first = await send(server.graphqlUrl, alice.token, room, 'SECRET first wording');
    expect((await gql(server.graphqlUrl, EDIT, { id: first.id, c: 'SECRET second wording' }, alice.token)).errors).toBeUndefined();
    const kept = await send(server.graphqlUrl, bob.token, room, 'this one stays');
    const last = await send(server.graphqlUrl, alice.token, room, 'SECRET last words');
    // Before the deletes, the content is served (so the checks below could fail).
    expect(JSON.stringify((await gql(server.graphqlUrl, MESSAGE, { id: first.id }, alice.token)).data)).toMatch(/SECRET first wording/);
    expect((await gql(server.graphqlUrl, DELETE, { id: first.id }, alice.token)).errors).toBeUndefined();
    expect((await gql(server.graphqlUrl, DELETE, { id: last.id }, admin.token)).errors).toBeUndefined();

    const tombstone = (m: { id: string; seq: number }) => ({ id: m.id, seq: m.seq, content: '', deletedAt: expect.any(String) });
    const noSecret = (what: string, value: unknown) => expect(JSON.stringify(value), what).not.toMatch(/SECRET/);
    const checkRoom = (data: any) => {
      // MemberJoined alice, first, its edit, MemberJoined bob, kept, last, the two deletes.
      expect(data.room.version).toBe(8);
      expect(data.room.lastMessage).toEqual(tombstone(last));
      expect(data.room.messages.edges.map((e: any) => e.node)).toEqual([
        { ...tombstone(first), editedAt: expect.any(String) },
        { id: kept.id, seq: 2, content: 'this one stays', editedAt: null, deletedAt: null },
        { ...tombstone(last), editedAt: null },
      ]);
    };
    const checkMessage = (data: any, m: typeof first) => expect(data.message).toMatchObject({ ...tombstone(m), edits: [] });
    const checkRooms = (data: any) => expect(data.rooms.edges.find((e: any) => e.node.name === room)?.node.lastMessage).toEqual(tombstone(last));

    // HTTP: anonymous, the author, an admin.
    for (const token of [undefined, alice.token, admin.token]) {
      const r = await gql(server.graphqlUrl, ROOM, { r: room }, token);
      checkRoom(r.data);
      noSecret('room over HTTP', r);
      const rooms = await gql(server.graphqlUrl, ROOMS, {}, token);
      checkRooms(rooms.data);
      noSecret('rooms over HTTP', rooms);
    }
    for (const token of [alice.token, admin.token]) {
      for (const m of [first, last]) {
        const r = await gql(server.graphqlUrl, MESSAGE, { id: m.id }, token);
        expect(r.errors).toBeUndefined();
        checkMessage(r.data, m);
        noSecret('message(id) over HTTP', r);
      }
    }

    // WebSocket: the same queries, and both replays.
    const aliceSocket = client(alice.token);
    checkRoom((await wsQuery(aliceSocket, ROOM, { r: room })).data);
    checkRooms((await wsQuery(aliceSocket, ROOMS, {})).data);
    for (const m of [first, last]) checkMessage((await wsQuery(aliceSocket, MESSAGE, { id: m.id })).data, m);
    const added = subscribeRoom(client(), room, 0);
    const events = subscribeEvents(client(), room, 0);
    await added.until(() => added.messages.length === 3, 5000, 'the messageAdded replay');
    await events.until(() => events.events.length === 5, 5000, 'the roomEvents replay');
    expect(added.messages.map((m) => [m.id, m.seq, m.content])).toEqual([
      [first.id, 1, ''],
      [kept.id, 2, 'this one stays'],
      [last.id, 3, ''],
    ]);
    // Member events are replayed as they were; each message as it is now.
    expect(events.events.map((e) => [e.__typename, e.version, e.message?.id ?? e.user?.username, e.message?.content, e.message?.deletedAt ?? null])).toEqual([
      ['MemberJoined', 1, alice.username, undefined, null],
      ['MemberJoined', 4, bob.username, undefined, null],
      ['MessagePosted', 5, kept.id, 'this one stays', null],
      ['MessageDeleted', 7, first.id, '', expect.any(String)],
      ['MessageDeleted', 8, last.id, '', expect.any(String)],
    ]);
    noSecret('replays over WebSocket', [added.messages, events.events]);

    // Server-sent events: both replays.
    const sseAdded = await sseSubscribe(server.graphqlUrl, ADDED, { variables: { r: room } });
    const sseEvents = await sseSubscribe(server.graphqlUrl, EVENTS, { token: alice.token, variables: { r: room } });
    await sseAdded.until(() => sseAdded.payloads.length === 3, 5000, 'the messageAdded replay over SSE');
    await sseEvents.until(() => sseEvents.payloads.length === 5, 5000, 'the roomEvents replay over SSE');
    sseAdded.close();
    sseEvents.close();
    expect(sseAdded.payloads.map((p) => p.data.messageAdded.content)).toEqual(['', 'this one stays', '']);
    expect(sseEvents.payloads.map((p) => [p.data.roomEvents.__typename, p.data.roomEvents.message?.content ?? p.data.roomEvents.user.username])).toEqual([
      ['MemberJoined', alice.username],
      ['MemberJoined', bob.username],
      ['MessagePosted', 'this one stays'],
      ['MessageDeleted', ''],
      ['MessageDeleted', ''],
    ]);
    noSecret('replays over SSE', [sseAdded.payloads, sseEvents.payloads]);

    // Nor is it kept in the database, where a later feature (search, an export) could find it.
    const p = (n: number) => (provider === 'sqlite' ? '?' : `$${n}`);
    const rows = await db.sql(`SELECT content FROM "Message" WHERE id IN (${p(1)}, ${p(2)})`, [first.id, last.id]);
    expect(rows.map((r) => r.content)).toEqual(['', '']);
    const edits = await db.sql(`SELECT COUNT(*) AS n FROM "MessageEdit" WHERE "messageId" = ${p(1)}`, [first.id]);
    expect(Number(edits[0].n)).toBe(0);
  });
});
