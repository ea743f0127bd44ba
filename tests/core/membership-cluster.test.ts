// Removal from a private room reaches every server process: two servers on one Redis and
// one database (SQLite and PostgreSQL, as the room event log's cluster test runs them);
// a member's streams are open on B; they are removed (or leave) through A; B ends their
// messageAdded and roomEvents streams (WebSocket and SSE) with FORBIDDEN, stops carrying
// the room on their roomActivity, and refuses them afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import {
  LEAVE_ROOM,
  MESSAGE_ADDED,
  REMOVE_MEMBER,
  ROOM_EVENTS,
  dataOf,
  errorCode,
  errorCodes,
  gql,
  privateRoom,
  send,
  signUp,
  collectEvents,
  subscribeSse,
  subscribeWs,
  uniqueRoom,
  wsClient,
  type Collected,
  type RoomEventReceived,
  type TestAccount,
} from '../support/client.js';

const ACTIVITY = 'subscription { roomActivity { id room content } }';

describe.each(providers)('membership across two server processes on one Redis and %s', { timeout: 60_000 }, (provider) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: Client[] = [];
  const streams: Collected<unknown>[] = [];
  const client = (token: string) => {
    const c = wsClient(b.wsUrl, token);
    clients.push(c);
    return c;
  };
  const track = <T>(s: Collected<T>) => (streams.push(s as Collected<unknown>), s);

  beforeAll(async () => {
    db = await freshDatabase(provider);
    [a, b] = await Promise.all([startServer({ databaseUrl: db.url, redis: true }), startServer({ databaseUrl: db.url, redis: true })]);
  });
  afterAll(async () => {
    streams.forEach((s) => s.close());
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  /** The member's streams of `room` on B, each shown live by its replay of `first`. */
  async function openStreamsOnB(member: TestAccount, room: string, first: { id: string }) {
    const c = client(member.token);
    const ws = [
      track(subscribeWs<{ id: string }>(c, MESSAGE_ADDED, { room, after: 0 }, 'messageAdded')),
      track(collectEvents(c, room, 0)),
    ];
    const sse = track(await subscribeSse<{ id: string }>(b.graphqlUrl, MESSAGE_ADDED, { room, after: 0 }, 'messageAdded', member.token));
    const sseEvents = track(await subscribeSse<RoomEventReceived>(b.graphqlUrl, ROOM_EVENTS, { room, after: 0 }, 'roomEvents', member.token));
    await ws[0].until(() => ws[0].values.some((v: any) => v.id === first.id), 5000, 'the messageAdded replay');
    await ws[1].until(() => ws[1].values.some((v: any) => v.message?.id === first.id), 5000, 'the roomEvents replay');
    await sse.until(() => sse.values.some((v) => v.id === first.id), 5000, 'the SSE replay');
    await sseEvents.until(() => sseEvents.values.some((v) => v.message?.id === first.id), 5000, 'the SSE roomEvents replay');
    return [...ws, sse, sseEvents] as Collected<unknown>[];
  }

  const endedForbidden = async (streams: Collected<unknown>[], what: string) => {
    for (const s of streams) {
      await s.until(() => s.ended, 5000, `${what}: the stream on B to end`);
      expect(errorCodes(s.errors), what).toContain('FORBIDDEN');
    }
  };

  it("removeMember on A ends the member's streams on B with FORBIDDEN; B refuses them afterwards", async () => {
    const [owner, bob] = await Promise.all([signUp(a.graphqlUrl, 'owner'), signUp(a.graphqlUrl, 'bob')]);
    const room = await privateRoom(a.graphqlUrl, owner, [bob]);
    const first = await send(a.graphqlUrl, owner.token, room, 'before');
    const open = uniqueRoom('public');
    const streamsOnB = await openStreamsOnB(bob, room, first);
    const activity = track(subscribeWs<{ id: string; room: string }>(client(bob.token), ACTIVITY, {}, 'roomActivity'));
    for (let i = 0; !activity.values.some((v) => v.room === room); i++) {
      await send(a.graphqlUrl, owner.token, room, `probe ${i}`);
      await activity.until(() => activity.values.some((v) => v.room === room), 200).catch(() => {});
    }

    const viewerEvents = track(subscribeWs<{ __typename: string; room: string }>(client(bob.token), 'subscription { viewerEvents { __typename room } }', {}, 'viewerEvents'));
    // viewerEvents is live only: join throwaway public rooms through A until one shows on B.
    while (!viewerEvents.values.length) {
      dataOf(await gql(a.graphqlUrl, 'mutation($r:String!){ joinRoom(room:$r){ lastReadSeq } }', { r: uniqueRoom('probe') }, bob.token));
      await viewerEvents.until(() => viewerEvents.values.length > 0, 200).catch(() => {});
    }

    expect(dataOf(await gql(a.graphqlUrl, REMOVE_MEMBER, { room, username: bob.username }, owner.token)).removeMember).toBe(true);
    await endedForbidden(streamsOnB, 'removed');
    await viewerEvents.until(() => viewerEvents.values.some((e) => e.room === room), 5000, 'MembershipRemoved on B');
    expect(viewerEvents.values.filter((e) => e.room === room)).toEqual([{ __typename: 'MembershipRemoved', room }]);

    // roomActivity stays open but carries the room no more: a public marker comes after.
    const after = await send(a.graphqlUrl, owner.token, room, 'after the removal');
    const marker = await send(a.graphqlUrl, owner.token, open, 'marker');
    await activity.until(() => activity.values.some((v) => v.id === marker.id), 5000, 'the marker on roomActivity');
    expect(activity.values.map((v) => v.id)).not.toContain(after.id);
    expect(activity.ended).toBe(false);

    const viaB = await gql(b.graphqlUrl, 'mutation($r:String!){ sendMessage(room:$r, content:"still here?"){ id } }', { r: room }, bob.token);
    expect(errorCode(viaB)).toBe('FORBIDDEN');
    const room2 = dataOf(await gql(b.graphqlUrl, 'query($r:String!){ room(name:$r){ id lastSeq messages { edges { node { id } } } } }', { r: room }, bob.token)).room;
    expect(room2).toEqual({ id: '', lastSeq: 0, messages: { edges: [] } });
  });

  it("leaveRoom on A ends the member's own streams on B with FORBIDDEN", async () => {
    const [owner, carol] = await Promise.all([signUp(a.graphqlUrl, 'owner'), signUp(a.graphqlUrl, 'carol')]);
    const room = await privateRoom(a.graphqlUrl, owner, [carol]);
    const first = await send(a.graphqlUrl, owner.token, room, 'before');
    const streamsOnB = await openStreamsOnB(carol, room, first);
    expect(dataOf(await gql(a.graphqlUrl, LEAVE_ROOM, { room }, carol.token)).leaveRoom).toBe(true);
    await endedForbidden(streamsOnB, 'left');
  });

  it('a removed member is refused on B even when B knew them as a member and they had no stream open there', async () => {
    const [owner, dan] = await Promise.all([signUp(a.graphqlUrl, 'owner'), signUp(a.graphqlUrl, 'dan')]);
    const room = await privateRoom(a.graphqlUrl, owner, [dan]);
    await send(b.graphqlUrl, dan.token, room, 'dan sends through B'); // B has seen dan as a member
    expect(dataOf(await gql(a.graphqlUrl, REMOVE_MEMBER, { room, username: dan.username }, owner.token)).removeMember).toBe(true);
    const secret = await send(a.graphqlUrl, owner.token, room, 'after dan left');

    const viaB = await gql(b.graphqlUrl, 'mutation($r:String!){ sendMessage(room:$r, content:"still here?"){ id } }', { r: room }, dan.token);
    expect.soft(errorCode(viaB), 'a send through B').toBe('FORBIDDEN');
    const c = client(dan.token);
    const replay = track(subscribeWs<{ id: string }>(c, MESSAGE_ADDED, { room, after: 0 }, 'messageAdded'));
    const open = uniqueRoom('public');
    const marker = track(subscribeWs<{ id: string }>(c, MESSAGE_ADDED, { room: open, after: 0 }, 'messageAdded'));
    const m = await send(a.graphqlUrl, owner.token, open, 'marker');
    await marker.until(() => marker.values.some((v) => v.id === m.id), 5000, 'the marker');
    expect(replay.values.map((v) => v.id), 'a replay on B').not.toContain(secret.id);
  });

  it('leaving a public room on A, then sending to it through B (which had seen them as a member) joins them again', async () => {
    const pat = await signUp(a.graphqlUrl, 'pat');
    const room = uniqueRoom('public');
    await send(b.graphqlUrl, pat.token, room, 'first, through B'); // joins
    await send(b.graphqlUrl, pat.token, room, 'second, through B'); // B has seen pat as a member
    // B hears of the leave on Redis; a witness's own event published on A after it reaches B
    // after it (one connection each way keeps their order), so B has heard once it shows.
    const witness = await signUp(a.graphqlUrl, 'witness');
    const heard = track(subscribeWs<{ room: string }>(client(witness.token), 'subscription { viewerEvents { room } }', {}, 'viewerEvents'));
    const joinThroughA = (r: string) => gql(a.graphqlUrl, 'mutation($r:String!){ joinRoom(room:$r){ lastReadSeq } }', { r }, witness.token);
    while (!heard.values.length) {
      dataOf(await joinThroughA(uniqueRoom('probe')));
      await heard.until(() => heard.values.length > 0, 200).catch(() => {});
    }
    expect(dataOf(await gql(a.graphqlUrl, LEAVE_ROOM, { room }, pat.token)).leaveRoom).toBe(true);
    const after = uniqueRoom('after-leave');
    dataOf(await joinThroughA(after));
    await heard.until(() => heard.values.some((e) => e.room === after), 5000, "the witness's event on B");

    await send(b.graphqlUrl, pat.token, room, 'again, through B');
    const view = dataOf(await gql(a.graphqlUrl, 'query($r:String!){ room(name:$r){ viewerMembership { lastReadSeq } } }', { r: room }, pat.token));
    expect(view.room.viewerMembership).toEqual({ lastReadSeq: 3 });
    const events = track(collectEvents(client(pat.token), room, 0));
    await events.until(() => events.values.length >= 6, 5000, 'the replay');
    expect(events.values.map((e) => [e.__typename, e.version])).toEqual([
      ['MemberJoined', 1],
      ['MessagePosted', 2],
      ['MessagePosted', 3],
      ['MemberLeft', 4],
      ['MemberJoined', 5],
      ['MessagePosted', 6],
    ]);
  });
});
