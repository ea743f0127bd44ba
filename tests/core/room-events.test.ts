// The room event log end to end: edits and deletes delivered live and replayed with
// roomEvents(after), on SQLite and PostgreSQL, with Redis fan-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { gql, send, signUp, subscribeEvents, uniqueRoom, wsClient } from '../support/client.js';

const EDIT = 'mutation($id:ID!,$c:String!){ editMessage(id:$id,content:$c){ id content editedAt version } }';
const DELETE = 'mutation($id:ID!){ deleteMessage(id:$id){ id content deletedAt version } }';

describe.each(providers)('room events on %s', (provider) => {
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

  it('delivers posts, edits and deletes live in version order, and replays each message as it is now', async () => {
    const alice = await signUp(server.graphqlUrl, 'alice');
    const room = uniqueRoom();
    const live = subscribeEvents(client(), room, 0);
    const one = await send(server.graphqlUrl, alice.token, room, 'one');
    const two = await send(server.graphqlUrl, alice.token, room, 'two');
    const edited = await gql(server.graphqlUrl, EDIT, { id: one.id, c: 'one, corrected' }, alice.token);
    expect(edited.errors).toBeUndefined();
    const deleted = await gql(server.graphqlUrl, DELETE, { id: two.id }, alice.token);
    expect(deleted.data.deleteMessage).toMatchObject({ id: two.id, content: '', version: 5 });

    // Sending to a public room joins the sender first: MemberJoined takes version 1.
    await live.until(() => live.values.length >= 5, 5000, 'five events');
    expect(live.values.map((e) => [e.__typename, e.version, e.message?.content])).toEqual([
      ['MemberJoined', 1, undefined],
      ['MessagePosted', 2, 'one'],
      ['MessagePosted', 3, 'two'],
      ['MessageEdited', 4, 'one, corrected'],
      ['MessageDeleted', 5, ''],
    ]);

    const replay = subscribeEvents(client(), room, 0);
    await replay.until(() => replay.values.length >= 3, 5000, 'the replay');
    expect(replay.values.map((e) => [e.__typename, e.version, e.message?.content])).toEqual([
      ['MemberJoined', 1, undefined],
      ['MessageEdited', 4, 'one, corrected'],
      ['MessageDeleted', 5, ''],
    ]);
  });
});
