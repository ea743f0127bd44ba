// Editing and deleting messages, on SQLite and PostgreSQL: every refusal (and that it
// changes nothing and delivers nothing), an admin's delete in the moderation log, and the
// edit history: readable by the author and admins only, and never inside a subscription.
// A sender's first message in a room makes them a member first (MemberJoined, its own
// room version), so a message's versions count from there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import {
  DELETE,
  EDIT,
  eventsBeforeMarker,
  gql,
  send,
  signUp,
  sseSubscribe,
  subscribeEvents,
  uniqueRoom,
  wsClient,
  type GqlResult,
} from '../support/client.js';
import { createAdmin } from '../admin/helpers.js';

const code = (r: GqlResult) => r.errors?.[0]?.extensions?.code;
const HISTORY = 'query($id:ID!){ message(id:$id){ id content version editedAt deletedAt edits { content editedAt editor { username } } } }';
const LOG = '{ moderationLog(first: 50) { edges { node { action actor { username } targetUser { username } messageId room createdAt } } } }';

describe.each(providers)('editing and deleting messages on %s', (provider) => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: Awaited<ReturnType<typeof createAdmin>>;
  const clients: Client[] = [];
  const client = (token?: string) => {
    const c = wsClient(server.wsUrl, token);
    clients.push(c);
    return c;
  };
  const roomVersion = async (room: string) =>
    (await gql(server.graphqlUrl, 'query($r:String!){ room(name:$r){ version } }', { r: room })).data.room.version as number;

  beforeAll(async () => {
    db = await freshDatabase(provider);
    server = await startServer({ databaseUrl: db.url, redis: true });
    admin = await createAdmin(db.url, server.graphqlUrl, { redis: true });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
    await db?.drop();
  });

  it('refuses every change it must, with the right code, and then nothing changed and nothing was delivered', async () => {
    const [alice, bob] = [await signUp(server.graphqlUrl, 'alice'), await signUp(server.graphqlUrl, 'bob')];
    const room = uniqueRoom('refusals');
    const kept = await send(server.graphqlUrl, alice.token, room, 'original');
    const gone = await send(server.graphqlUrl, alice.token, room, 'to be deleted');
    const sub = subscribeEvents(client(), room, 0);
    await sub.until(() => sub.events.length === 3, 5000, 'alice joining and her two posts');

    const refused = async (expected: string, query: string, variables: Record<string, unknown>, token?: string, message?: RegExp) => {
      const r = await gql(server.graphqlUrl, query, variables, token);
      expect(code(r), JSON.stringify({ variables, errors: r.errors })).toBe(expected);
      expect(r.data ?? null).toBeNull();
      if (message) expect(r.errors?.[0].message).toMatch(message);
      return r;
    };

    // Someone else's message: not even an admin may edit it; only an admin may delete it.
    await refused('FORBIDDEN', EDIT, { id: kept.id, c: 'hijacked' }, bob.token, /author/);
    await refused('FORBIDDEN', EDIT, { id: kept.id, c: 'moderated' }, admin.token, /author/);
    await refused('FORBIDDEN', DELETE, { id: kept.id }, bob.token, /author or an admin/);
    // Unknown ids.
    for (const id of ['no-such-message', randomUUID(), 'x'.repeat(500)]) {
      await refused('NOT_FOUND', EDIT, { id, c: 'anything' }, alice.token);
      await refused('NOT_FOUND', DELETE, { id }, alice.token);
    }
    // Content the send rules refuse.
    for (const c of ['', '  \n\t ', 'x'.repeat(4001), 'nul \u0000 inside']) {
      const r = await refused('BAD_USER_INPUT', EDIT, { id: kept.id, c }, alice.token);
      expect(r.errors?.[0].extensions?.field).toBe('content');
    }
    // Anonymous.
    await refused('UNAUTHENTICATED', EDIT, { id: kept.id, c: 'anonymous' });
    await refused('UNAUTHENTICATED', DELETE, { id: kept.id });

    // The same content: answered with the message as it is, no new version.
    const same = await gql(server.graphqlUrl, EDIT, { id: kept.id, c: 'original' }, alice.token);
    expect(same.errors).toBeUndefined();
    expect(same.data.editMessage).toMatchObject({ id: kept.id, content: 'original', version: 2, editedAt: null });

    // A deleted message cannot be edited, and deleting it again changes nothing.
    const deleted = await gql(server.graphqlUrl, DELETE, { id: gone.id }, alice.token);
    expect(deleted.data.deleteMessage).toMatchObject({ id: gone.id, content: '', version: 4, deletedAt: expect.any(String) });
    await refused('CONFLICT', EDIT, { id: gone.id, c: 'back again' }, alice.token, /deleted.*can no longer be edited/);
    const again = await gql(server.graphqlUrl, DELETE, { id: gone.id }, alice.token);
    expect(again.data.deleteMessage).toEqual(deleted.data.deleteMessage);

    // Nor did a refused change make bob or the admin a member.
    expect(await roomVersion(room)).toBe(4);
    const current = await gql(server.graphqlUrl, HISTORY, { id: kept.id }, alice.token);
    expect(current.data.message).toMatchObject({ content: 'original', version: 2, editedAt: null, deletedAt: null, edits: [] });
    const events = await eventsBeforeMarker(sub, () => send(server.graphqlUrl, alice.token, room, 'marker'));
    expect(events.map((e) => [e.__typename, e.version, e.user?.username])).toEqual([
      ['MemberJoined', 1, alice.username],
      ['MessagePosted', 2, undefined],
      ['MessagePosted', 3, undefined],
      ['MessageDeleted', 4, undefined],
    ]);
  });

  it('an edit saved unchanged spends none of the rate limit (RATE_MESSAGES_PER_MINUTE, default 60 per room)', async () => {
    const alice = await signUp(server.graphqlUrl, 'alice');
    const room = uniqueRoom();
    const message = await send(server.graphqlUrl, alice.token, room, 'as it was');
    // More unchanged saves than the whole minute's allowance: each answers the message as it is.
    for (let i = 0; i < 65; i++) {
      const same = await gql(server.graphqlUrl, EDIT, { id: message.id, c: 'as it was' }, alice.token);
      expect(same.errors).toBeUndefined();
      expect(same.data.editMessage).toMatchObject({ content: 'as it was', editedAt: null });
    }
    // A real edit still goes through: the allowance was not spent.
    const edited = await gql(server.graphqlUrl, EDIT, { id: message.id, c: 'changed at last' }, alice.token);
    expect(edited.errors).toBeUndefined();
    expect(edited.data.editMessage.content).toBe('changed at last');
  });

  it("an admin deletes someone else's message: the tombstone is delivered and the moderation log records it; an author's own delete is not moderation", async () => {
    const [alice, bob] = [await signUp(server.graphqlUrl, 'alice'), await signUp(server.graphqlUrl, 'bob')];
    const room = uniqueRoom('moderated');
    const rude = await send(server.graphqlUrl, alice.token, room, 'something rude');
    const own = await send(server.graphqlUrl, alice.token, room, 'a typo');
    const adminsOwn = await send(server.graphqlUrl, admin.token, room, 'an announcement');
    // MemberJoined alice, her two posts, MemberJoined admin, the admin's post.
    const posted = await roomVersion(room);
    expect(posted).toBe(5);
    const sub = subscribeEvents(client(bob.token), room, posted);
    const logLength = async () => (await gql(server.graphqlUrl, LOG, {}, admin.token)).data.moderationLog.edges.length as number;
    const before = await logLength();

    const r = await gql(server.graphqlUrl, DELETE, { id: rude.id }, admin.token);
    expect(r.errors).toBeUndefined();
    expect(r.data.deleteMessage).toMatchObject({ id: rude.id, content: '', version: posted + 1, deletedAt: expect.any(String) });
    const log = (await gql(server.graphqlUrl, LOG, {}, admin.token)).data.moderationLog.edges.map((e: any) => e.node);
    expect(log).toHaveLength(before + 1);
    expect(log[0]).toEqual({
      action: 'deleteMessage',
      actor: { username: admin.username },
      targetUser: { username: alice.username },
      messageId: rude.id,
      room,
      createdAt: r.data.deleteMessage.deletedAt,
    });
    // The log is for admins only.
    expect(code(await gql(server.graphqlUrl, LOG, {}, alice.token))).toBe('FORBIDDEN');
    expect(code(await gql(server.graphqlUrl, LOG, {}))).toBe('UNAUTHENTICATED');

    // Authors deleting their own messages (an admin too) is not moderation.
    expect((await gql(server.graphqlUrl, DELETE, { id: own.id }, alice.token)).errors).toBeUndefined();
    expect((await gql(server.graphqlUrl, DELETE, { id: adminsOwn.id }, admin.token)).errors).toBeUndefined();
    expect(await logLength()).toBe(before + 1);

    // Bob's marker is his first message there: he joins just before it.
    const events = await eventsBeforeMarker(sub, () => send(server.graphqlUrl, bob.token, room, 'marker'));
    expect(events.map((e) => [e.__typename, e.version, e.message?.id, e.message?.content, e.user?.username])).toEqual([
      ['MessageDeleted', posted + 1, rude.id, '', undefined],
      ['MessageDeleted', posted + 2, own.id, '', undefined],
      ['MessageDeleted', posted + 3, adminsOwn.id, '', undefined],
      ['MemberJoined', posted + 4, undefined, undefined, bob.username],
    ]);
  });

  it('keeps the edit history (previous contents, who, when) for the author and admins; FORBIDDEN for others', async () => {
    const [alice, bob] = [await signUp(server.graphqlUrl, 'alice'), await signUp(server.graphqlUrl, 'bob')];
    const room = uniqueRoom('history');
    const m = await send(server.graphqlUrl, alice.token, room, 'first draft');
    const e1 = (await gql(server.graphqlUrl, EDIT, { id: m.id, c: 'second draft' }, alice.token)).data.editMessage;
    const e2 = (await gql(server.graphqlUrl, EDIT, { id: m.id, c: 'final' }, alice.token)).data.editMessage;
    // The same content again is no edit: nothing added to the history.
    expect((await gql(server.graphqlUrl, EDIT, { id: m.id, c: 'final' }, alice.token)).data.editMessage).toEqual(e2);
    // MemberJoined alice @1, the post @2, the edits @3 and @4.
    expect([e1.version, e2.version]).toEqual([3, 4]);

    const expected = {
      id: m.id,
      content: 'final',
      version: e2.version,
      editedAt: e2.editedAt,
      deletedAt: null,
      edits: [
        { content: 'first draft', editedAt: e1.editedAt, editor: { username: alice.username } },
        { content: 'second draft', editedAt: e2.editedAt, editor: { username: alice.username } },
      ],
    };
    expect((await gql(server.graphqlUrl, HISTORY, { id: m.id }, alice.token)).data.message).toEqual(expected);
    expect((await gql(server.graphqlUrl, HISTORY, { id: m.id }, admin.token)).data.message).toEqual(expected);

    const asBob = await gql(server.graphqlUrl, HISTORY, { id: m.id }, bob.token);
    expect(code(asBob)).toBe('FORBIDDEN');
    expect(asBob.data.message).toMatchObject({ content: 'final', edits: null });
    expect(JSON.stringify(asBob)).not.toMatch(/draft/);
    const anonymous = await gql(server.graphqlUrl, HISTORY, { id: m.id });
    expect(code(anonymous)).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymous)).not.toMatch(/draft/);
    // Without the history, anyone reads the message.
    expect((await gql(server.graphqlUrl, 'query($id:ID!){ message(id:$id){ content editedAt } }', { id: m.id })).data.message).toEqual({
      content: 'final',
      editedAt: e2.editedAt,
    });
    expect((await gql(server.graphqlUrl, HISTORY, { id: 'no-such-message' }, alice.token)).data.message).toBeNull();
  });

  it('edits racing each other and a delete: applied one at a time, the history in the order they were applied, nothing left after the delete', async () => {
    const alice = await signUp(server.graphqlUrl, 'alice');
    const room = uniqueRoom('edit-race');
    const m = await send(server.graphqlUrl, alice.token, room, 'draft 0');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => gql(server.graphqlUrl, EDIT, { id: m.id, c: `draft ${i + 1}` }, alice.token)));
    for (const a of answers) expect(a.errors).toBeUndefined();
    // Versions 3…14 (MemberJoined alice @1, the post @2), one per edit; sorted by version
    // they are the order the edits were applied.
    const applied = answers.map((a) => a.data.editMessage).sort((x, y) => x.version - y.version);
    expect(applied.map((e) => e.version)).toEqual(Array.from({ length: 12 }, (_, i) => i + 3));
    const history = (await gql(server.graphqlUrl, HISTORY, { id: m.id }, alice.token)).data.message;
    expect(history.content).toBe(applied.at(-1).content);
    expect(history.edits.map((e: any) => e.content)).toEqual(['draft 0', ...applied.slice(0, -1).map((e) => e.content)]);
    expect(history.edits.map((e: any) => e.editedAt)).toEqual(applied.map((e) => e.editedAt));

    // An edit racing a delete: the edit lands before it or is refused; either way nothing remains.
    const [edited, deleted] = await Promise.all([
      gql(server.graphqlUrl, EDIT, { id: m.id, c: 'one last try' }, alice.token),
      gql(server.graphqlUrl, DELETE, { id: m.id }, alice.token),
    ]);
    expect(deleted.errors).toBeUndefined();
    if (edited.errors) expect(code(edited)).toBe('CONFLICT');
    else expect(edited.data.editMessage.version).toBeLessThan(deleted.data.deleteMessage.version);
    const after = (await gql(server.graphqlUrl, HISTORY, { id: m.id }, alice.token)).data.message;
    expect(after).toMatchObject({ content: '', edits: [], version: deleted.data.deleteMessage.version, deletedAt: expect.any(String) });
  });

  it('selecting the edit history inside a subscription is an error for that field, not a crash: the subscription goes on', async () => {
    const alice = await signUp(server.graphqlUrl, 'alice');
    const room = uniqueRoom('history-sub');
    const m = await send(server.graphqlUrl, alice.token, room, 'first draft');
    const EVENTS_WITH_EDITS = `subscription($room:String!,$after:Int){ roomEvents(room:$room,after:$after){
      __typename version ... on MessageEdited { message { id content edits { content } } } } }`;
    const ADDED_WITH_EDITS = `subscription($room:String!,$after:Int){ messageAdded(room:$room,after:$after){ seq content edits { content } } }`;
    // Over WebSocket (the author's own socket: still refused) and over server-sent events.
    // roomEvents replays alice joining and the post first (no edits selected there), and
    // messageAdded the post: then they are live.
    const ws = subscribeEvents(client(alice.token), room, 0, EVENTS_WITH_EDITS);
    const added = subscribeEvents(client(alice.token), room, 0, ADDED_WITH_EDITS.replace('messageAdded', 'roomEvents: messageAdded'));
    const sse = await sseSubscribe(server.graphqlUrl, EVENTS_WITH_EDITS, { token: alice.token, variables: { room, after: 0 } });
    expect(sse.status).toBe(200);
    await ws.until(() => ws.events.length === 2, 5000, 'the replayed join and post');
    await sse.until(() => sse.payloads.length === 2, 5000, 'the replayed join and post over SSE');
    await added.until(() => added.events.length === 1, 5000, 'the replayed message');

    await gql(server.graphqlUrl, EDIT, { id: m.id, c: 'second draft' }, alice.token);
    await gql(server.graphqlUrl, EDIT, { id: m.id, c: 'final' }, alice.token);
    await ws.until(() => ws.events.length === 4, 5000, 'both edits');
    await sse.until(() => sse.payloads.length === 4, 5000, 'both edits over SSE');

    const refusal = { extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/not available in subscriptions/) };
    expect(ws.events.slice(0, 2)).toEqual([
      { __typename: 'MemberJoined', version: 1 },
      { __typename: 'MessagePosted', version: 2 },
    ]);
    expect(ws.events.slice(2).map((e: any) => [e.version, e.message.content, e.message.edits])).toEqual([
      [3, 'second draft', null],
      [4, 'final', null],
    ]);
    expect(ws.errors).toHaveLength(2);
    for (const error of ws.errors) expect(error).toMatchObject(refusal);
    expect(sse.payloads.slice(0, 2)).toEqual([
      { data: { roomEvents: { __typename: 'MemberJoined', version: 1 } } },
      { data: { roomEvents: { __typename: 'MessagePosted', version: 2 } } },
    ]);
    for (const payload of sse.payloads.slice(2)) {
      expect(payload.errors).toEqual([expect.objectContaining(refusal)]);
      expect(payload.data.roomEvents.message.edits).toBeNull();
    }
    expect(sse.payloads.slice(2).map((p) => p.data.roomEvents.message.content)).toEqual(['second draft', 'final']);
    expect(added.events.map((e: any) => [e.seq, e.edits])).toEqual([[1, null]]);
    expect(added.errors).toEqual([expect.objectContaining(refusal)]);
    expect(added.completed).toBe(false);
    sse.close();

    // The subscriptions carry on with the next change; the server is fine.
    const next = await send(server.graphqlUrl, alice.token, room, 'after');
    await added.until(() => added.events.length === 2, 5000, 'the next message');
    await ws.until(() => ws.events.length === 5, 5000, 'the next event');
    expect(ws.events[4]).toEqual({ __typename: 'MessagePosted', version: 5 });
    expect(added.events[1]).toMatchObject({ seq: next.seq, content: 'after' });
    expect((await gql(server.graphqlUrl, '{ me { username } }', {}, alice.token)).data.me.username).toBe(alice.username);
  });
});
