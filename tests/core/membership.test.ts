// Private and direct rooms end to end, on SQLite and PostgreSQL (one server process with
// Redis): a non-member is shown a private room exactly as a room nobody used, over HTTP,
// WebSocket, SSE and REST; members see all of it; membership changes are room events;
// the refusals of the membership mutations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import {
  ADD_MEMBER,
  CREATE_ROOM,
  JOIN_ROOM,
  LEAVE_ROOM,
  MESSAGE_ADDED,
  OPEN_DIRECT,
  REMOVE_MEMBER,
  ROOM_EVENTS,
  dataOf,
  errorCode,
  gql,
  privateRoom,
  send,
  signUp,
  collectEvents,
  sseSubscribe,
  subscribeSse,
  subscribeWs,
  uniqueRoom,
  wsClient,
  type Collected,
  type TestAccount,
} from '../support/client.js';
import { rest } from '../accounts/helpers.js';
import { createAdmin } from '../admin/helpers.js';

const ROOM_VIEW = `query($name:String!){ room(name:$name){
  id name lastSeq version visibility topic lastMessageAt lastMessage { id }
  messages { edges { node { id content } } pageInfo { hasNextPage hasPreviousPage } }
  members { edges { node { user { username } } } }
  viewerMembership { lastReadSeq }
} }`;
const ROOMS = '{ rooms(first: 50) { edges { node { name visibility } } } }';
const MESSAGE = 'query($id:ID!){ message(id:$id){ id content room } }';
const ACTIVITY = 'subscription { roomActivity { id room content } }';

/** Waits until `sub` has a value satisfying `predicate` (a marker arrived). */
const sees = <T>(sub: Collected<T>, predicate: (v: T) => boolean, what: string) => sub.until(() => sub.values.some(predicate), 5000, what);

describe.each(providers)('membership on %s', (provider) => {
  let db: TestDatabase;
  let server: RunningServer;
  let url: string;
  const clients: Client[] = [];
  const streams: Collected<unknown>[] = [];
  const client = (token?: string) => {
    const c = wsClient(server.wsUrl, token);
    clients.push(c);
    return c;
  };
  const track = <T>(s: Collected<T>) => (streams.push(s as Collected<unknown>), s);

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

  describe('a private room', () => {
    let alice: TestAccount; // creator
    let bob: TestAccount; // member
    let eve: TestAccount; // signed in, not a member
    let secret: string;
    let secretIds: string[];

    beforeAll(async () => {
      [alice, bob, eve] = await Promise.all([signUp(url, 'alice'), signUp(url, 'bob'), signUp(url, 'eve')]);
      secret = await privateRoom(url, alice, [bob], 'the plans');
      secretIds = [(await send(url, alice.token, secret, 'secret one')).id, (await send(url, bob.token, secret, 'secret two')).id];
    });

    it('looks to a non-member (signed in or anonymous) exactly like a room nobody used, over HTTP', async () => {
      const unused = uniqueRoom('never-used');
      const expected = dataOf(await gql(url, ROOM_VIEW, { name: unused }, eve.token)).room;
      expect(expected).toMatchObject({ id: '', lastSeq: 0, visibility: 'PUBLIC', topic: null, messages: { edges: [] }, members: { edges: [] }, viewerMembership: null });
      for (const token of [eve.token, undefined]) {
        expect(dataOf(await gql(url, ROOM_VIEW, { name: secret }, token)).room).toEqual({ ...expected, name: secret });
        const listed = dataOf(await gql(url, ROOMS, {}, token)).rooms.edges.map((e: any) => e.node.name);
        expect(listed).not.toContain(secret);
        for (const id of secretIds) expect(dataOf(await gql(url, MESSAGE, { id }, token)).message).toBeNull();
      }
      const privates = dataOf(await gql(url, '{ rooms(first: 50, visibility: PRIVATE) { edges { node { name } } } }', {}, eve.token));
      expect(privates.rooms.edges).toEqual([]);
    });

    it('shows its members all of it', async () => {
      for (const member of [alice, bob]) {
        const room = dataOf(await gql(url, ROOM_VIEW, { name: secret }, member.token)).room;
        expect(room).toMatchObject({ name: secret, visibility: 'PRIVATE', topic: 'the plans', lastSeq: 2, lastMessage: { id: secretIds[1] } });
        expect(room.id).not.toBe('');
        expect(room.messages.edges.map((e: any) => e.node.content)).toEqual(['secret one', 'secret two']);
        expect(room.members.edges.map((e: any) => e.node.user.username)).toEqual([alice.username, bob.username]);
        expect(room.viewerMembership).not.toBeNull();
        const listed = dataOf(await gql(url, ROOMS, {}, member.token)).rooms.edges.map((e: any) => e.node);
        expect(listed).toContainEqual({ name: secret, visibility: 'PRIVATE' });
        expect(dataOf(await gql(url, MESSAGE, { id: secretIds[0] }, member.token)).message).toEqual({ id: secretIds[0], content: 'secret one', room: secret });
      }
    });

    it('refuses a non-member sending (GraphQL and REST), joining or editing, and stores nothing', async () => {
      const viaGraphql = await gql(url, 'mutation($r:String!){ sendMessage(room:$r, content:"let me in"){ id } }', { r: secret }, eve.token);
      expect(errorCode(viaGraphql)).toBe('FORBIDDEN');
      const viaRest = await rest(server.url, { room: secret, json: { message: 'let me in' }, headers: { authorization: `Bearer ${eve.token}` } });
      expect(viaRest.status).toBe(403);
      expect(viaRest.text).not.toContain('secret');
      expect(errorCode(await gql(url, JOIN_ROOM, { room: secret }, eve.token))).toBe('FORBIDDEN');
      // A message of the room is "no such message" to them.
      const edit = await gql(url, 'mutation($id:ID!){ editMessage(id:$id, content:"mine now"){ id } }', { id: secretIds[0] }, eve.token);
      expect(errorCode(edit)).toBe('NOT_FOUND');
      expect(errorCode(await gql(url, 'mutation($r:String!){ markRead(room:$r, seq:1){ lastReadSeq } }', { r: secret }, eve.token))).toBe('FORBIDDEN');
      expect(errorCode(await gql(url, 'mutation($r:String!){ setRoomTopic(room:$r, topic:"mine"){ topic } }', { r: secret }, eve.token))).toBe('FORBIDDEN');
      const room = dataOf(await gql(url, ROOM_VIEW, { name: secret }, alice.token)).room;
      expect(room.topic).toBe('the plans');
      expect(room.lastSeq).toBe(2);
      expect(room.members.edges.map((e: any) => e.node.user.username)).toEqual([alice.username, bob.username]);
      expect(room.messages.edges.map((e: any) => e.node.content)).toEqual(['secret one', 'secret two']);
    });

    it('delivers nothing of it to a non-member over WebSocket (messageAdded, roomEvents, roomActivity), and all of it to a member', async () => {
      const open = uniqueRoom('public');
      await send(url, alice.token, open, 'public hello');
      const outsiders = [client(eve.token), client()]; // signed in, anonymous
      const hidden = outsiders.flatMap((c) => [
        track(subscribeWs(c, MESSAGE_ADDED, { room: secret, after: 0 }, 'messageAdded')),
        track(collectEvents(c, secret, 0)),
      ]);
      const activities = outsiders.map((c) => track(subscribeWs<{ id: string; room: string }>(c, ACTIVITY, {}, 'roomActivity')));
      const markers = outsiders.map((c) => track(subscribeWs<{ id: string; content: string }>(c, MESSAGE_ADDED, { room: open, after: 0 }, 'messageAdded')));
      await Promise.all(markers.map((m) => sees(m, (v) => v.content === 'public hello', 'the public room replayed')));

      const bobClient = client(bob.token);
      const memberMessages = track(subscribeWs<{ id: string; content: string }>(bobClient, MESSAGE_ADDED, { room: secret, after: 0 }, 'messageAdded'));
      const memberEvents = track(collectEvents(bobClient, secret, 0));
      const memberActivity = track(subscribeWs<{ id: string; room: string }>(bobClient, ACTIVITY, {}, 'roomActivity'));
      await sees(memberMessages, (v) => v.id === secretIds[1], "the member's replay");

      // roomActivity is live only: send to the public room until every activity stream carries it.
      for (let i = 0; !activities.concat(memberActivity).every((a) => a.values.some((v) => v.room === open)); i++) {
        await send(url, alice.token, open, `probe ${i}`);
        await Promise.all(activities.concat(memberActivity).map((a) => a.until(() => a.values.some((v) => v.room === open), 200).catch(() => {})));
      }

      const third = await send(url, alice.token, secret, 'secret three');
      const marker = await send(url, alice.token, open, 'marker');
      for (const a of activities) await sees(a, (v) => v.id === marker.id, 'the marker on roomActivity');
      await Promise.all(markers.map((m) => sees(m, (v) => v.id === marker.id, 'the marker on messageAdded')));
      for (const a of activities) expect(a.values.filter((v) => v.room === secret)).toEqual([]);
      for (const h of hidden) expect({ values: h.values, errors: h.errors, ended: h.ended }).toEqual({ values: [], errors: [], ended: false });

      await sees(memberMessages, (v) => v.id === third.id, 'the new message for the member');
      expect(memberMessages.values.map((v) => v.content)).toEqual(['secret one', 'secret two', 'secret three']);
      await sees(memberEvents, (v) => v.message?.id === third.id, 'the new event for the member');
      await sees(memberActivity, (v) => v.id === third.id, "the member's activity");
    });

    it('delivers nothing of it to a non-member over SSE, and all of it to a member', async () => {
      const open = uniqueRoom('public');
      await send(url, alice.token, open, 'public hello');
      const sse = (query: string, variables: Record<string, unknown>, field: string, token?: string) =>
        subscribeSse<any>(url, query, variables, field, token).then(track);
      const hidden = [
        await sse(MESSAGE_ADDED, { room: secret, after: 0 }, 'messageAdded', eve.token),
        await sse(ROOM_EVENTS, { room: secret, after: 0 }, 'roomEvents', eve.token),
        await sse(MESSAGE_ADDED, { room: secret, after: 0 }, 'messageAdded'),
      ];
      const activity = await sse(ACTIVITY, {}, 'roomActivity', eve.token);
      const publicMessages = await sse(MESSAGE_ADDED, { room: open, after: 0 }, 'messageAdded', eve.token);
      const member = await sse(MESSAGE_ADDED, { room: secret, after: 0 }, 'messageAdded', bob.token);
      const memberActivity = await sse(ACTIVITY, {}, 'roomActivity', bob.token);
      await sees(publicMessages, (v) => v.content === 'public hello', 'the public replay');
      await sees(member, (v) => v.id === secretIds[1], "the member's replay");
      for (let i = 0; ![activity, memberActivity].every((a) => a.values.some((v) => v.room === open)); i++) {
        await send(url, alice.token, open, `probe ${i}`);
        await Promise.all([activity, memberActivity].map((a) => a.until(() => a.values.some((v) => v.room === open), 200).catch(() => {})));
      }

      const sent = await send(url, alice.token, secret, 'secret over sse');
      const marker = await send(url, alice.token, open, 'marker');
      await sees(activity, (v) => v.id === marker.id, 'the marker on roomActivity');
      await sees(publicMessages, (v) => v.id === marker.id, 'the marker on messageAdded');
      expect(activity.values.filter((v) => v.room === secret)).toEqual([]);
      for (const h of hidden) expect({ values: h.values, errors: h.errors, ended: h.ended }).toEqual({ values: [], errors: [], ended: false });
      await sees(member, (v) => v.id === sent.id, 'the new message for the member');
      await sees(memberActivity, (v) => v.id === sent.id, "the member's activity");
    });

    it('answers a non-member subscribing with `after` beyond 0 exactly as a room that does not exist, over WebSocket, SSE and HTTP', async () => {
      const unused = uniqueRoom('never-used');
      /** How messageAdded and roomEvents with `after` are answered for `room` to `token`'s user, on each transport, once ended. */
      const answers = async (room: string, after: number, token: string | undefined) => {
        const seen: Record<string, unknown> = {};
        for (const [query, field] of [[MESSAGE_ADDED, 'messageAdded'], [ROOM_EVENTS, 'roomEvents']]) {
          const variables = { room, after };
          const ws = track(subscribeWs(client(token), query, variables, field));
          await ws.until(() => ws.ended, 5000, `${field} over WebSocket to end`);
          seen[`${field} over WebSocket`] = { values: ws.values, errors: ws.errors };
          for (const post of [false, true]) {
            const sse = await sseSubscribe(url, query, { token, variables, post });
            try {
              await sse.until(() => sse.ended, 5000, `${field} over SSE (${post ? 'POST' : 'GET'}) to end`);
            } finally {
              sse.close();
            }
            seen[`${field} over ${post ? 'HTTP POST' : 'SSE'}`] = { status: sse.status, payloads: sse.payloads };
          }
        }
        return JSON.stringify(seen, null, 1).replaceAll(room, '<room>');
      };
      for (const token of [eve.token, undefined]) {
        const expected = await answers(unused, 1, token);
        // A room that does not exist refuses the position (its newest is 0), on every transport.
        expect(expected.match(/is beyond the newest position of this room \(0\)/g)).toHaveLength(6);
        expect(expected.match(/"BAD_USER_INPUT"/g)).toHaveLength(6);
        expect(await answers(secret, 1, token)).toBe(expected);
      }
    });
  });

  describe('joining a private room while streams are open', () => {
    it('a member added sends through REST, and the room shows up on their open roomActivity', async () => {
      const [owner, newcomer] = await Promise.all([signUp(url, 'owner'), signUp(url, 'newcomer')]);
      const room = await privateRoom(url, owner);
      const activity = track(subscribeWs<{ id: string; room: string; content: string }>(client(newcomer.token), ACTIVITY, {}, 'roomActivity'));
      const open = uniqueRoom('public');
      for (let i = 0; !activity.values.some((v) => v.room === open); i++) {
        await send(url, owner.token, open, `probe ${i}`);
        await activity.until(() => activity.values.some((v) => v.room === open), 200).catch(() => {});
      }
      const before = await send(url, owner.token, room, 'before you came');
      dataOf(await gql(url, ADD_MEMBER, { room, username: newcomer.username }, owner.token));
      // The addition and the room's messages travel on different channels: send until one arrives.
      for (let i = 0; !activity.values.some((v) => v.room === room); i++) {
        await send(url, owner.token, room, `welcome ${i}`);
        await activity.until(() => activity.values.some((v) => v.room === room), 200).catch(() => {});
      }
      expect(activity.values.map((v) => v.id)).not.toContain(before.id);

      const viaRest = await rest(server.url, { room, json: { message: 'hello via REST' }, headers: { authorization: `Bearer ${newcomer.token}` } });
      expect(viaRest.status, viaRest.text).toBe(200);
      await activity.until(() => activity.values.some((v) => v.content === 'hello via REST'), 5000, 'their own REST message');
    });
  });

  describe('creating rooms', () => {
    it('refuses a taken name (private or public) with CONFLICT, and DIRECT with BAD_USER_INPUT', async () => {
      const [ann, ben] = await Promise.all([signUp(url, 'ann'), signUp(url, 'ben')]);
      const name = uniqueRoom('taken');
      const created = dataOf(await gql(url, CREATE_ROOM, { name, visibility: 'PRIVATE', topic: '  quiet  ' }, ann.token)).createRoom;
      expect(created).toMatchObject({ name, visibility: 'PRIVATE', topic: 'quiet' });
      for (const visibility of ['PRIVATE', 'PUBLIC']) {
        const again = await gql(url, CREATE_ROOM, { name, visibility }, ben.token);
        expect(errorCode(again)).toBe('CONFLICT');
        expect(again.errors![0].message).toMatch(/already exists/);
      }
      const used = uniqueRoom('used');
      await send(url, ann.token, used, 'this makes the public room');
      expect(errorCode(await gql(url, CREATE_ROOM, { name: used, visibility: 'PRIVATE' }, ben.token))).toBe('CONFLICT');
      // The room that was refused is still ann's private room, with her as its only member.
      const room = dataOf(await gql(url, ROOM_VIEW, { name }, ann.token)).room;
      expect(room.members.edges.map((e: any) => e.node.user.username)).toEqual([ann.username]);

      const direct = await gql(url, CREATE_ROOM, { name: uniqueRoom('dm'), visibility: 'DIRECT' }, ann.token);
      expect(errorCode(direct)).toBe('BAD_USER_INPUT');
    });
  });

  describe('direct rooms', () => {
    it('are the same room from either side, DIRECT, with both as members, and invisible to a third user', async () => {
      const [ada, bo, cy] = await Promise.all([signUp(url, 'ada'), signUp(url, 'bo'), signUp(url, 'cy')]);
      const fromAda = dataOf(await gql(url, OPEN_DIRECT, { username: bo.username }, ada.token)).openDirectRoom;
      const fromBo = dataOf(await gql(url, OPEN_DIRECT, { username: ada.username }, bo.token)).openDirectRoom;
      const again = dataOf(await gql(url, OPEN_DIRECT, { username: bo.username }, ada.token)).openDirectRoom;
      expect(fromAda.id).not.toBe('');
      expect(fromBo).toEqual(fromAda);
      expect(again).toEqual(fromAda);
      expect(fromAda.visibility).toBe('DIRECT');
      expect(fromAda.members.edges.map((e: any) => e.node.user.username).sort()).toEqual([ada.username, bo.username].sort());
      // Opening it twice more added nobody again: two MemberJoined, no more.
      const version = dataOf(await gql(url, ROOM_VIEW, { name: fromAda.name }, bo.token)).room.version;
      expect(version).toBe(2);

      const hello = await send(url, ada.token, fromAda.name, 'hi bo');
      expect(dataOf(await gql(url, ROOM_VIEW, { name: fromAda.name }, bo.token)).room.messages.edges.map((e: any) => e.node.id)).toEqual([hello.id]);

      const seenByCy = dataOf(await gql(url, ROOM_VIEW, { name: fromAda.name }, cy.token)).room;
      expect(seenByCy).toMatchObject({ id: '', lastSeq: 0, visibility: 'PUBLIC', messages: { edges: [] }, members: { edges: [] } });
      expect(dataOf(await gql(url, ROOMS, {}, cy.token)).rooms.edges.map((e: any) => e.node.name)).not.toContain(fromAda.name);
      expect(dataOf(await gql(url, MESSAGE, { id: hello.id }, cy.token)).message).toBeNull();
      expect(errorCode(await gql(url, 'mutation($r:String!){ sendMessage(room:$r, content:"hi"){ id } }', { r: fromAda.name }, cy.token))).toBe('FORBIDDEN');
      expect(errorCode(await gql(url, JOIN_ROOM, { room: fromAda.name }, cy.token))).toBe('FORBIDDEN');
      // cy's own direct room with ada is another room.
      const cyAda = dataOf(await gql(url, OPEN_DIRECT, { username: ada.username }, cy.token)).openDirectRoom;
      expect(cyAda.id).not.toBe(fromAda.id);
      // A direct room takes no third member.
      expect(errorCode(await gql(url, ADD_MEMBER, { room: fromAda.name, username: cy.username }, ada.token))).toBe('BAD_USER_INPUT');
    });
  });

  describe('membership events', () => {
    it('MemberJoined and MemberLeft are replayed by roomEvents(after) and delivered live', async () => {
      const [owner, x, y] = await Promise.all([signUp(url, 'owner'), signUp(url, 'x'), signUp(url, 'y')]);
      const room = await privateRoom(url, owner, [x]); // joined: owner 1, x 2
      const posted = await send(url, owner.token, room, 'hello'); // 3
      dataOf(await gql(url, LEAVE_ROOM, { room }, x.token)); // left: x 4
      dataOf(await gql(url, ADD_MEMBER, { room, username: y.username }, owner.token)); // joined: y 5
      const shape = (e: any) => [e.__typename, e.version, e.user?.username ?? e.message?.id];

      const all = track(collectEvents(client(owner.token), room, 0));
      await all.until(() => all.values.length >= 5, 5000, 'the replay');
      expect(all.values.map(shape)).toEqual([
        ['MemberJoined', 1, owner.username],
        ['MemberJoined', 2, x.username],
        ['MessagePosted', 3, posted.id],
        ['MemberLeft', 4, x.username],
        ['MemberJoined', 5, y.username],
      ]);
      const fromThree = track(collectEvents(client(y.token), room, 3));
      await fromThree.until(() => fromThree.values.length >= 2, 5000, 'the replay after 3');
      expect(fromThree.values.map(shape)).toEqual([
        ['MemberLeft', 4, x.username],
        ['MemberJoined', 5, y.username],
      ]);

      expect(dataOf(await gql(url, REMOVE_MEMBER, { room, username: y.username }, owner.token)).removeMember).toBe(true);
      await all.until(() => all.values.length >= 6, 5000, 'MemberLeft live');
      expect(shape(all.values[5])).toEqual(['MemberLeft', 6, y.username]);
      // Removing someone who is no member changes nothing (and takes no version).
      expect(dataOf(await gql(url, REMOVE_MEMBER, { room, username: y.username }, owner.token)).removeMember).toBe(false);
      expect(dataOf(await gql(url, ROOM_VIEW, { name: room }, owner.token)).room.version).toBe(6);
    });

    it('joining and leaving a public room are room events too', async () => {
      const [p, q] = await Promise.all([signUp(url, 'p'), signUp(url, 'q')]);
      const room = uniqueRoom('public');
      dataOf(await gql(url, JOIN_ROOM, { room }, p.token));
      dataOf(await gql(url, JOIN_ROOM, { room }, p.token)); // again: nothing changes
      await send(url, q.token, room, 'q joins by sending');
      expect(dataOf(await gql(url, LEAVE_ROOM, { room }, p.token)).leaveRoom).toBe(true);
      expect(dataOf(await gql(url, LEAVE_ROOM, { room }, p.token)).leaveRoom).toBe(false);
      const events = track(collectEvents(client(), room, 0));
      await events.until(() => events.values.length >= 4, 5000, 'the replay');
      expect(events.values.map((e) => [e.__typename, e.version, e.user?.username ?? e.message?.content])).toEqual([
        ['MemberJoined', 1, p.username],
        ['MemberJoined', 2, q.username],
        ['MessagePosted', 3, 'q joins by sending'],
        ['MemberLeft', 4, p.username],
      ]);
    });
  });

  describe('refusals', () => {
    let owner: TestAccount;
    let member: TestAccount;
    let outsider: TestAccount;
    let room: string;
    beforeAll(async () => {
      [owner, member, outsider] = await Promise.all([signUp(url, 'owner'), signUp(url, 'member'), signUp(url, 'outsider')]);
      room = await privateRoom(url, owner, [member]);
    });
    const members = async () => dataOf(await gql(url, ROOM_VIEW, { name: room }, owner.token)).room.members.edges.map((e: any) => e.node.user.username);

    it('addMember by a non-member: FORBIDDEN', async () => {
      const r = await gql(url, ADD_MEMBER, { room, username: outsider.username }, outsider.token);
      expect(errorCode(r)).toBe('FORBIDDEN');
      expect(await members()).toEqual([owner.username, member.username]);
    });

    it('removeMember by a member who is not the creator: FORBIDDEN; by a non-member: FORBIDDEN', async () => {
      expect(errorCode(await gql(url, REMOVE_MEMBER, { room, username: owner.username }, member.token))).toBe('FORBIDDEN');
      expect(errorCode(await gql(url, REMOVE_MEMBER, { room, username: member.username }, outsider.token))).toBe('FORBIDDEN');
      expect(await members()).toEqual([owner.username, member.username]);
    });

    it('addMember to a public room: BAD_USER_INPUT', async () => {
      const open = uniqueRoom('public');
      await send(url, owner.token, open, 'a public room');
      expect(errorCode(await gql(url, ADD_MEMBER, { room: open, username: outsider.username }, owner.token))).toBe('BAD_USER_INPUT');
    });

    it('an unknown username: NOT_FOUND', async () => {
      const nobody = `nobody_${Date.now().toString(36)}`;
      expect(errorCode(await gql(url, ADD_MEMBER, { room, username: nobody }, owner.token))).toBe('NOT_FOUND');
      expect(errorCode(await gql(url, REMOVE_MEMBER, { room, username: nobody }, owner.token))).toBe('NOT_FOUND');
      expect(errorCode(await gql(url, OPEN_DIRECT, { username: nobody }, owner.token))).toBe('NOT_FOUND');
    });

    it('anonymous: UNAUTHENTICATED', async () => {
      const calls: [string, Record<string, unknown>][] = [
        [CREATE_ROOM, { name: uniqueRoom('anon'), visibility: 'PRIVATE' }],
        [JOIN_ROOM, { room: uniqueRoom('anon') }],
        [LEAVE_ROOM, { room }],
        [ADD_MEMBER, { room, username: outsider.username }],
        [REMOVE_MEMBER, { room, username: member.username }],
        [OPEN_DIRECT, { username: owner.username }],
        ['mutation($room:String!){ markRead(room:$room, seq:1){ lastReadSeq } }', { room }],
        ['{ myRooms { edges { node { unreadCount } } } }', {}],
      ];
      for (const [query, variables] of calls) expect(errorCode(await gql(url, query, variables)), query).toBe('UNAUTHENTICATED');
      expect(await members()).toEqual([owner.username, member.username]);
    });
  });

  it('an admin who is not a member removes a member of a private room and sets its topic, yet still cannot read it', async () => {
    const owner = await signUp(url, 'owner');
    const member = await signUp(url, 'member');
    const room = await privateRoom(url, owner, [member]);
    await send(url, member.token, room, 'members only');
    const admin = await createAdmin(db.url, url);
    dataOf(await gql(url, REMOVE_MEMBER, { room, username: member.username }, admin.token));
    const topic = await gql(url, 'mutation($r:String!){ setRoomTopic(room:$r, topic:"moderated"){ name } }', { r: room }, admin.token);
    expect(topic.errors).toBeUndefined();
    // The admin is shown the room as unused, like any non-member.
    const seen = dataOf(await gql(url, ROOM_VIEW, { name: room }, admin.token)).room;
    expect(seen).toMatchObject({ lastSeq: 0, topic: null, messages: { edges: [] } });
    const mine = dataOf(await gql(url, ROOM_VIEW, { name: room }, owner.token)).room;
    expect(mine.topic).toBe('moderated');
    expect(mine.members.edges.map((e: { node: { user: { username: string } } }) => e.node.user.username)).toEqual([owner.username]);
  });
});
