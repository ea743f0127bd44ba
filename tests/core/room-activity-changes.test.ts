// roomActivity carries edits and deletions as well as new messages, on SQLite and
// PostgreSQL, over WebSocket and server-sent events: each message as it is after the
// change (an edit with editedAt, a deletion as its tombstone with nothing of what it said),
// so a list of rooms showing it can replace it; with the same visibility as new messages
// (a private room's changes reach its members only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import {
  deleteMessage,
  editMessage,
  privateRoom,
  send,
  signUp,
  subscribeSse,
  subscribeWs,
  uniqueRoom,
  wsClient,
  type Collected,
  type TestAccount,
} from '../support/client.js';

const ACTIVITY = 'subscription { roomActivity { id room seq version content editedAt deletedAt sender { username } } }';

interface Activity {
  id: string;
  room: string;
  seq: number;
  version: number;
  content: string;
  editedAt: string | null;
  deletedAt: string | null;
}

describe.each(providers)('roomActivity edits and deletions on %s', (provider) => {
  let db: TestDatabase;
  let server: RunningServer;
  let url: string;
  let alice: TestAccount; // author, creator of the private room
  let bob: TestAccount; // member of the private room
  let eve: TestAccount; // not a member
  const clients: Client[] = [];
  const streams: Collected<unknown>[] = [];

  beforeAll(async () => {
    db = await freshDatabase(provider);
    server = await startServer({ databaseUrl: db.url, redis: true });
    url = server.graphqlUrl;
    [alice, bob, eve] = await Promise.all([signUp(url, 'alice'), signUp(url, 'bob'), signUp(url, 'eve')]);
  });
  afterAll(async () => {
    streams.forEach((s) => s.close());
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
    await db?.drop();
  });

  /** bob's and eve's roomActivity over one transport, live (it has no replay: probed until a public message arrives). */
  async function activities(transport: 'ws' | 'sse'): Promise<{ member: Collected<Activity>; outsider: Collected<Activity> }> {
    const open = async (token: string) => {
      if (transport === 'sse') return subscribeSse<Activity>(url, ACTIVITY, {}, 'roomActivity', token);
      const client = wsClient(server.wsUrl, token);
      clients.push(client);
      return subscribeWs<Activity>(client, ACTIVITY, {}, 'roomActivity');
    };
    const [member, outsider] = [await open(bob.token), await open(eve.token)];
    streams.push(member, outsider);
    const probeRoom = uniqueRoom('probe');
    for (let i = 0; ![member, outsider].every((a) => a.values.some((v) => v.room === probeRoom)); i++) {
      await send(url, alice.token, probeRoom, `probe ${i}`);
      await Promise.all([member, outsider].map((a) => a.until(() => a.values.some((v) => v.room === probeRoom), 200).catch(() => {})));
    }
    return { member, outsider };
  }

  /** Posts a message, edits it, deletes it: what roomActivity must carry of each step. */
  async function postEditDelete(room: string) {
    const posted = await send(url, alice.token, room, 'SECRET first wording');
    const edited = await editMessage(url, alice.token, posted.id, 'SECRET second wording');
    const deleted = await deleteMessage(url, alice.token, posted.id);
    return {
      id: posted.id,
      expected: [
        { id: posted.id, room, seq: posted.seq, version: edited.version - 1, content: 'SECRET first wording', editedAt: null, deletedAt: null },
        { id: posted.id, room, seq: posted.seq, version: edited.version, content: 'SECRET second wording', editedAt: edited.editedAt, deletedAt: null },
        { id: posted.id, room, seq: posted.seq, version: deleted.version, content: '', editedAt: edited.editedAt, deletedAt: deleted.deletedAt },
      ],
    };
  }

  const of = (a: Collected<Activity>, id: string) =>
    a.values.filter((v) => v.id === id).map(({ id, room, seq, version, content, editedAt, deletedAt }) => ({ id, room, seq, version, content, editedAt, deletedAt }));

  for (const transport of ['ws', 'sse'] as const) {
    it(`delivers the edit and the tombstone (no old content) over ${transport === 'ws' ? 'WebSocket' : 'SSE'}, to whoever saw the message`, async () => {
      const { member, outsider } = await activities(transport);
      const open = uniqueRoom('public');
      const secret = await privateRoom(url, alice, [bob]);

      const inPublic = await postEditDelete(open);
      const inPrivate = await postEditDelete(secret);
      const marker = await send(url, alice.token, open, 'marker');
      await member.until(() => member.values.some((v) => v.id === marker.id), 5000, 'the marker (member)');
      await outsider.until(() => outsider.values.some((v) => v.id === marker.id), 5000, 'the marker (outsider)');

      // In version order, each as it was after its change.
      expect(of(member, inPublic.id)).toEqual(inPublic.expected);
      expect(of(outsider, inPublic.id)).toEqual(inPublic.expected);
      expect(of(member, inPrivate.id)).toEqual(inPrivate.expected);
      // A private room's changes, like its messages, reach its members only.
      expect(outsider.values.filter((v) => v.room === secret)).toEqual([]);
      // The tombstone says nothing of what the message said, before or after its edit.
      for (const a of [member, outsider]) {
        const tombstones = a.values.filter((v) => v.deletedAt);
        expect(tombstones.length).toBeGreaterThan(0);
        expect(JSON.stringify(tombstones)).not.toMatch(/SECRET|wording/);
      }
      for (const a of [member, outsider]) expect(a.errors).toEqual([]);
    });
  }
});
