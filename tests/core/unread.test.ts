// Unread and mention counts, on SQLite and PostgreSQL (a real server with Redis): one
// user signed in twice (two devices) sees the same counts, a read position moved on one
// reaches the other through viewerEvents, read positions never move backwards, sending
// moves your own, and @mentions are resolved when a message is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import {
  JOIN_ROOM,
  dataOf,
  deleteMessage,
  editMessage,
  gql,
  privateRoom,
  send,
  signIn,
  signUp,
  subscribeWs,
  uniqueRoom,
  wsClient,
  type Collected,
  type TestAccount,
} from '../support/client.js';

const COUNTS = 'lastReadSeq unreadCount mentionCount';
const VIEWER_EVENTS = `subscription { viewerEvents {
  __typename room
  ... on MembershipAdded { membership { ${COUNTS} } }
  ... on ReadPositionChanged { membership { ${COUNTS} } }
} }`;
const MY_ROOMS = `{ myRooms(first: 50) { edges { node { room { name } ${COUNTS} } } } }`;
const VIEWER_MEMBERSHIP = `query($name:String!){ room(name:$name){ viewerMembership { ${COUNTS} } } }`;
const MARK_READ = `mutation($room:String!,$seq:Int!){ markRead(room:$room, seq:$seq){ ${COUNTS} } }`;
const HISTORY = 'query($name:String!){ room(name:$name){ messages { edges { node { seq content mentions { id username } } } } } }';
const MENTIONS = 'query($id:ID!){ message(id:$id){ mentions { username } } }';

interface Counts {
  lastReadSeq: number;
  unreadCount: number;
  mentionCount: number;
}
interface ViewerEvent {
  __typename: string;
  room: string;
  membership?: Counts;
}

describe.each(providers)('unread and mention counts on %s', (provider) => {
  let db: TestDatabase;
  let server: RunningServer;
  let url: string;
  const clients: Client[] = [];
  const streams: Collected<unknown>[] = [];

  beforeAll(async () => {
    db = await freshDatabase(provider);
    server = await startServer({ databaseUrl: db.url, redis: true });
    url = server.graphqlUrl;
  });
  afterAll(async () => {
    streams.forEach((s) => s.close());
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
    await db?.drop();
  });

  /** What `session` sees of its membership in `room`: through myRooms and room.viewerMembership (they must agree). */
  async function countsOf(session: TestAccount, room: string): Promise<Counts> {
    const mine = dataOf(await gql(url, MY_ROOMS, {}, session.token)).myRooms.edges.map((e: any) => e.node);
    const { room: _, ...listed } = mine.find((m: any) => m.room.name === room) ?? { room: null };
    const viewer = dataOf(await gql(url, VIEWER_MEMBERSHIP, { name: room }, session.token)).room.viewerMembership;
    expect(listed, 'myRooms agrees with room.viewerMembership').toEqual(viewer);
    return viewer;
  }

  /** viewerEvents of `session`, shown live (a throwaway public room joined until its MembershipAdded arrives). */
  async function liveViewerEvents(session: TestAccount) {
    const c = wsClient(server.wsUrl, session.token);
    clients.push(c);
    const events = subscribeWs<ViewerEvent>(c, VIEWER_EVENTS, {}, 'viewerEvents');
    streams.push(events);
    while (!events.values.some((e) => e.__typename === 'MembershipAdded')) {
      dataOf(await gql(url, JOIN_ROOM, { room: uniqueRoom('probe') }, session.token));
      await events.until(() => events.values.length > 0, 200).catch(() => {});
    }
    return events;
  }

  it('two sessions of one user: the same counts, a read position moved on one reaches the other, never backwards', async () => {
    const session1 = await signUp(url, 'alice');
    const session2 = await signIn(url, session1.username);
    expect(session2.token).not.toBe(session1.token);
    const bob = await signUp(url, 'bob');
    const events = await liveViewerEvents(session2);
    const room = await privateRoom(url, bob, [session1]);
    await events.until(() => events.values.some((e) => e.room === room), 5000, 'MembershipAdded of the room on session 2');
    expect(events.values.find((e) => e.room === room)).toEqual({
      __typename: 'MembershipAdded',
      room,
      membership: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
    });

    const nobody = `nobody_${Date.now().toString(36)}`;
    await send(url, bob.token, room, 'one');
    await send(url, bob.token, room, `hey @${session1.username}, look`);
    await send(url, bob.token, room, `and @${nobody} too`);
    for (const session of [session1, session2]) expect(await countsOf(session, room)).toEqual({ lastReadSeq: 0, unreadCount: 3, mentionCount: 1 });

    const history = dataOf(await gql(url, HISTORY, { name: room }, session2.token)).room.messages.edges.map((e: any) => e.node);
    expect(history).toEqual([
      { seq: 1, content: 'one', mentions: [] },
      { seq: 2, content: `hey @${session1.username}, look`, mentions: [{ id: session1.id, username: session1.username }] },
      { seq: 3, content: `and @${nobody} too`, mentions: [] },
    ]);

    // Each move on session 1 reaches session 2 with the counts as they are then.
    const readEvents = () => events.values.filter((e) => e.__typename === 'ReadPositionChanged' && e.room === room).map((e) => e.membership);
    const moves: [number, Counts][] = [
      [1, { lastReadSeq: 1, unreadCount: 2, mentionCount: 1 }],
      [2, { lastReadSeq: 2, unreadCount: 1, mentionCount: 0 }],
      [1, { lastReadSeq: 2, unreadCount: 1, mentionCount: 0 }], // never backwards: no event
      [99, { lastReadSeq: 3, unreadCount: 0, mentionCount: 0 }], // never past the newest message
    ];
    const expected: Counts[] = [];
    for (const [seq, counts] of moves) {
      expect(dataOf(await gql(url, MARK_READ, { room, seq }, session1.token)).markRead).toEqual(counts);
      if (expected.at(-1)?.lastReadSeq !== counts.lastReadSeq) expected.push(counts);
      await events.until(() => readEvents().length >= expected.length, 5000, `ReadPositionChanged to ${counts.lastReadSeq}`);
      expect(readEvents()).toEqual(expected);
      for (const session of [session1, session2]) expect(await countsOf(session, room)).toEqual(counts);
    }
  });

  it('sending moves your own read position; others count your message as unread', async () => {
    const [ann, ben] = await Promise.all([signUp(url, 'ann'), signUp(url, 'ben')]);
    const room = uniqueRoom('public');
    await send(url, ann.token, room, 'ann starts');
    dataOf(await gql(url, JOIN_ROOM, { room }, ben.token));
    await send(url, ann.token, room, `@${ben.username} one`);
    await send(url, ann.token, room, 'two');
    expect(await countsOf(ben, room)).toEqual({ lastReadSeq: 1, unreadCount: 2, mentionCount: 1 });
    expect(await countsOf(ann, room)).toEqual({ lastReadSeq: 3, unreadCount: 0, mentionCount: 0 });

    await send(url, ben.token, room, 'ben answers');
    expect(await countsOf(ben, room)).toEqual({ lastReadSeq: 4, unreadCount: 0, mentionCount: 0 });
    expect(await countsOf(ann, room)).toEqual({ lastReadSeq: 3, unreadCount: 1, mentionCount: 0 });
  });

  it('mentions follow edits and deletes: a deleted message mentions nobody, an edit re-resolves who it mentions', async () => {
    const [ada, bob, carol] = await Promise.all([signUp(url, 'ada'), signUp(url, 'bob'), signUp(url, 'carol')]);
    const room = await privateRoom(url, ada, [bob, carol]);
    const deleted = await send(url, ada.token, room, `hi @${bob.username}`);
    const editedOut = await send(url, ada.token, room, `ping @${bob.username}`);
    const editedIn = await send(url, ada.token, room, 'plain');
    /** Who a message mentions, as `viewer` reads it (sorted usernames). */
    const mentionsOf = async (viewer: TestAccount, id: string): Promise<string[]> =>
      dataOf(await gql(url, MENTIONS, { id }, viewer.token)).message.mentions.map((u: { username: string }) => u.username).sort();
    const mentionCounts = async () => [(await countsOf(bob, room)).mentionCount, (await countsOf(carol, room)).mentionCount];
    expect(await mentionCounts()).toEqual([2, 0]);

    // (a) A deleted message mentions nobody, and counts for nobody.
    await deleteMessage(url, ada.token, deleted.id);
    expect(await mentionsOf(bob, deleted.id)).toEqual([]);
    expect(await mentionCounts()).toEqual([1, 0]);

    // (b) Editing @bob out: he is no longer mentioned (the old content is not leaked through mentions) nor counted.
    await editMessage(url, ada.token, editedOut.id, 'ping nobody');
    expect(await mentionsOf(bob, editedOut.id)).toEqual([]);
    expect(await mentionCounts()).toEqual([0, 0]);

    // (c) Editing @carol in mentions her; editing again keeps her and adds bob (the rows are replaced, not added to).
    await editMessage(url, ada.token, editedIn.id, `plain, @${carol.username}`);
    expect(await mentionsOf(carol, editedIn.id)).toEqual([carol.username]);
    expect(await mentionCounts()).toEqual([0, 1]);
    await editMessage(url, ada.token, editedIn.id, `plain, @${carol.username} and @${bob.username}`);
    expect(await mentionsOf(bob, editedIn.id)).toEqual([bob.username, carol.username].sort());
    expect(await mentionCounts()).toEqual([1, 1]);

    // Read past it: no mention is left unread.
    dataOf(await gql(url, MARK_READ, { room, seq: editedIn.seq }, bob.token));
    expect((await countsOf(bob, room)).mentionCount).toBe(0);
  });
});
