// The room event log end to end, on SQLite and PostgreSQL, with Redis fan-out: edits and
// deletes delivered live and replayed with roomEvents(after) with the guarantees of
// messageAdded (no gap, no duplicate), messageAdded unchanged by them, and ResyncRequired
// for a client more than MAX_REPLAY_EVENTS (the default, 1,000) behind. Sending to a public
// room first makes the sender a member: a MemberJoined event with its own version, just
// before their first message, replayed like every other change (never compacted).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import type { Client } from 'graphql-ws';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { REDIS_PREFIX, REDIS_URL, startServer, type RunningServer } from '../support/server.js';
import {
  DELETE,
  EDIT,
  ROOM_EVENTS,
  deliveredBeforeMarker,
  eventsBeforeMarker,
  gql,
  isMemberEvent,
  send,
  signUp,
  sseSubscribe,
  subscribeEvents,
  subscribeRoom,
  uniqueRoom,
  untilEventsLive,
  untilLive,
  wsClient,
  type RoomEventReceived,
  type TestAccount,
} from '../support/client.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
// A message event's content, or a member event's username.
const summary = (events: RoomEventReceived[]) => events.map((e) => [e.__typename, e.version, e.message ? e.message.content : e.user?.username]);

describe.each(providers)('room events on %s', (provider) => {
  let db: TestDatabase;
  let server: RunningServer;
  const clients: Client[] = [];
  const client = (token?: string) => {
    const c = wsClient(server.wsUrl, token);
    clients.push(c);
    return c;
  };
  const edit = async (who: TestAccount, id: string, content: string) => {
    const r = await gql(server.graphqlUrl, EDIT, { id, c: content }, who.token);
    if (!r.data) throw new Error(`edit failed: ${JSON.stringify(r.errors)}`);
    return r.data.editMessage as { id: string; version: number; content: string };
  };
  const remove = async (who: TestAccount, id: string) => {
    const r = await gql(server.graphqlUrl, DELETE, { id }, who.token);
    if (!r.data) throw new Error(`delete failed: ${JSON.stringify(r.errors)}`);
    return r.data.deleteMessage as { id: string; version: number; content: string };
  };
  const roomVersion = async (room: string) =>
    (await gql(server.graphqlUrl, 'query($r:String!){ room(name:$r){ version } }', { r: room })).data.room.version as number;

  beforeAll(async () => {
    db = await freshDatabase(provider);
    server = await startServer({ databaseUrl: db.url, redis: true });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
    await db?.drop();
  });

  it('a burst of first messages is published in version order, each MemberJoined just before its message', async () => {
    // What the bus carries, read straight from Redis: subscribers of every process take
    // the events in this order, so none has to hold one back or read it from the database.
    const room = uniqueRoom();
    const senders = await Promise.all(range(1, 12).map(() => signUp(server.graphqlUrl, 'burst')));
    await send(server.graphqlUrl, senders[0].token, room, 'the room exists'); // versions 1 (joined), 2
    const bus = new Redis(REDIS_URL);
    try {
      const published: number[] = [];
      bus.on('message', (_channel, raw: string) => published.push(JSON.parse(raw).version));
      await bus.subscribe(`${REDIS_PREFIX}room:${room}`);
      // Sent at once, so that the server stores most of them in one transaction.
      await Promise.all(senders.slice(1).map((s, i) => send(server.graphqlUrl, s.token, room, `first of ${i}`)));
      await vi.waitFor(() => expect(published).toHaveLength(22), { timeout: 5000 });
      expect(published).toEqual(range(3, 24));
    } finally {
      bus.disconnect();
    }
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

    await live.until(() => live.events.length >= 5, 5000, 'five events');
    expect(summary(live.events)).toEqual([
      ['MemberJoined', 1, alice.username], // her first send made her a member, just before it
      ['MessagePosted', 2, 'one'],
      ['MessagePosted', 3, 'two'],
      ['MessageEdited', 4, 'one, corrected'],
      ['MessageDeleted', 5, ''],
    ]);
    expect(live.events[3].message).toMatchObject({ id: one.id, seq: 1, version: 4, editedAt: expect.any(String), deletedAt: null });
    expect(live.events[4].message).toMatchObject({ id: two.id, seq: 2, version: 5, deletedAt: expect.any(String) });

    // The member event is replayed as it was; each message as it is now.
    const replay = subscribeEvents(client(), room, 0);
    await replay.until(() => replay.events.length >= 3, 5000, 'the replay');
    expect(summary(replay.events)).toEqual([
      ['MemberJoined', 1, alice.username],
      ['MessageEdited', 4, 'one, corrected'],
      ['MessageDeleted', 5, ''],
    ]);
    expect(await roomVersion(room)).toBe(5);
  });

  it('replays with `after` while sends, edits and deletes race: no gap, no duplicate; a live-only subscriber gets every version once, in order', async () => {
    const room = uniqueRoom('race');
    const people = [await signUp(server.graphqlUrl, 'alice'), await signUp(server.graphqlUrl, 'bob'), await signUp(server.graphqlUrl, 'carol')];
    const live = subscribeEvents(client(), room);
    await untilEventsLive(live, () => send(server.graphqlUrl, people[0].token, room, 'probe'));
    const seeded: Awaited<ReturnType<typeof send>>[] = [];
    for (let i = 0; i < 9; i++) seeded.push(await send(server.graphqlUrl, people[i % 3].token, room, `seed ${i}`));
    const k = (await roomVersion(room)) - 5; // the resuming client missed the last five seeds

    // Each person sends 10 messages and edits their own seeds, and deletes one midway;
    // the resuming subscription starts while they do.
    const expectedEdits: string[] = [];
    const deletedIds: string[] = [];
    const racing = Promise.all(
      people.map(async (p, i) => {
        const own = seeded.filter((m) => m.sender.id === p.id);
        for (let j = 0; j < 10; j++) {
          await send(server.graphqlUrl, p.token, room, `race ${i}.${j}`);
          await edit(p, own[j % 2].id, `edit ${i}.${j}`);
          expectedEdits.push(`edit ${i}.${j}`);
          if (j === 5) deletedIds.push((await remove(p, own[2].id)).id);
        }
      }),
    );
    const resumed = subscribeEvents(client(), room, k);
    await racing;

    const marker = await send(server.graphqlUrl, people[0].token, room, 'marker');
    const liveEvents = await eventsBeforeMarker(live, async () => marker);
    const resumedEvents = await eventsBeforeMarker(resumed, async () => marker);
    const markerVersion = live.events.at(-1)!.version;
    expect(live.errors).toEqual([]);
    expect(resumed.errors).toEqual([]);

    // Live only: every version from the first one seen to the marker, each once, in order.
    expect(live.events.map((e) => e.version)).toEqual(range(live.events[0].version, markerVersion));
    // Bob and Carol joined with their first seeds (the live subscriber was live by then),
    // once each; nobody joined again while racing. Alice joined with the first probe, which
    // the subscriber sees only if it was live already: then it is its first event.
    const aliceJoined = (e: RoomEventReceived) => isMemberEvent(e) && e.user?.username === people[0].username;
    expect(liveEvents.filter((e) => isMemberEvent(e) && !aliceJoined(e)).map((e) => [e.__typename, e.user?.username])).toEqual([
      ['MemberJoined', people[1].username],
      ['MemberJoined', people[2].username],
    ]);
    expect(liveEvents.slice(1).filter(aliceJoined)).toEqual([]);
    expect(liveEvents.filter((e) => e.__typename === 'MessageEdited').map((e) => e.message!.content).sort()).toEqual([...expectedEdits].sort());
    expect(liveEvents.filter((e) => e.__typename === 'MessageDeleted').map((e) => e.message!.id).sort()).toEqual([...deletedIds].sort());
    expect(liveEvents.filter((e) => e.__typename === 'MessagePosted' && e.message!.content.startsWith('race '))).toHaveLength(30);

    // Resumed: versions strictly increasing after k (no duplicate); every change after k
    // arrived, or (for a message) a later change of the same message did: a replay shows
    // each message as it is now. A member event is never superseded: it must arrive itself.
    const versions = resumedEvents.map((e) => e.version);
    expect(versions[0]).toBeGreaterThan(k);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    const messageAt = new Map(live.events.filter((e) => e.message).map((e) => [e.version, e.message!.id]));
    const got = new Set(versions);
    const missing = range(k + 1, markerVersion - 1).filter(
      (v) => !got.has(v) && !(messageAt.has(v) && resumedEvents.some((e) => e.version > v && e.message?.id === messageAt.get(v))),
    );
    expect(missing, 'versions neither received nor superseded').toEqual([]);

    // What the resumed client ends up with is what the room holds.
    const history = (
      await gql(server.graphqlUrl, 'query($r:String!){ room(name:$r){ messages(last:100){ edges { node { id version content } } } } }', { r: room })
    ).data.room.messages.edges.map((e: any) => e.node);
    const now = new Map<string, string>();
    // Messages only: member events (none expected after k, checked above) carry none.
    for (const e of resumed.events.filter((e) => e.message)) now.set(e.message!.id, e.message!.content);
    for (const m of history.filter((m: any) => m.version > k)) expect(now.get(m.id), m.id).toBe(m.content);
    for (const id of deletedIds) expect(now.get(id)).toBe('');
  });

  it('messageAdded keeps its contract: edits and deletes are not delivered live; its replay shows a deleted message as a tombstone', async () => {
    const alice = await signUp(server.graphqlUrl, 'alice');
    const room = uniqueRoom('added');
    const one = await send(server.graphqlUrl, alice.token, room, 'one');
    const two = await send(server.graphqlUrl, alice.token, room, 'two');
    const resumed = subscribeRoom(client(), room, 0);
    await resumed.until(() => resumed.messages.length === 2, 5000, 'the replay');
    const liveOnly = subscribeRoom(client(), room);
    await untilLive(liveOnly, () => send(server.graphqlUrl, alice.token, room, 'probe'));
    const probes = liveOnly.messages.length;

    await edit(alice, one.id, 'one, edited');
    await remove(alice, two.id);
    const marker = await send(server.graphqlUrl, alice.token, room, 'marker');
    const fromResumed = await deliveredBeforeMarker(resumed, async () => marker);
    const fromLive = await deliveredBeforeMarker(liveOnly, async () => marker);
    expect(fromResumed.map((m) => [m.seq, m.content])).toEqual([[1, 'one'], [2, 'two'], ...range(3, marker.seq - 1).map((s) => [s, 'probe'])]);
    expect(fromLive).toHaveLength(probes);
    expect(resumed.errors).toEqual([]);

    const replay = subscribeRoom(client(), room, 0);
    await replay.until(() => replay.messages.length === marker.seq, 5000, 'the replay');
    expect(replay.messages.slice(0, 2).map((m) => [m.id, m.seq, m.content])).toEqual([
      [one.id, 1, 'one, edited'],
      [two.id, 2, ''],
    ]);
    expect(replay.messages.map((m) => m.seq)).toEqual(range(1, marker.seq));
  });

  it('a live-only messageAdded subscriber whose first event is an edit gets nothing for it, nor older messages', async () => {
    const alice = await signUp(server.graphqlUrl, 'alice');
    const room = uniqueRoom('added-first');
    const one = await send(server.graphqlUrl, alice.token, room, 'one');
    await send(server.graphqlUrl, alice.token, room, 'two');
    // No message can show that a live-only messageAdded subscription is live without
    // being its first event; a roomEvents subscription started after it on the same
    // socket can: once that one sees an edit, the messageAdded one was subscribed first.
    const socket = client();
    const added = subscribeRoom(socket, room);
    const events = subscribeEvents(socket, room);
    for (let i = 0; events.events.length === 0 && i < 50; i++) {
      await edit(alice, one.id, `one, edit ${i}`);
      await events.until(() => events.events.length > 0, 200).catch(() => {});
    }
    expect(events.events[0]?.__typename).toBe('MessageEdited');
    await remove(alice, one.id);
    await untilLive(added, () => send(server.graphqlUrl, alice.token, room, 'probe'));
    expect(added.messages.filter((m) => m.content !== 'probe').map((m) => [m.seq, m.content])).toEqual([]);
    const seqs = added.messages.map((m) => m.seq);
    expect(seqs).toEqual(range(3, 2 + seqs.length));
  });

  it('refuses a negative `after` and an invalid room name, saying why', async () => {
    const room = uniqueRoom('args');
    for (const [variables, field] of [
      [{ room, after: -1 }, 'after'],
      [{ room: 'no spaces allowed', after: 0 }, 'room'],
    ] as const) {
      const sub = subscribeEvents(client(), variables.room, variables.after);
      await sub.until(() => sub.errors.length > 0, 5000, 'the refusal');
      expect(sub.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
      expect(sub.events).toEqual([]);
    }
  });

  it('a client more than MAX_REPLAY_EVENTS behind gets one ResyncRequired at Room.version, then live events; one exactly that far behind is replayed', async () => {
    const room = uniqueRoom('resync');
    // 1,003 messages sent as people send them: one person may send 60 messages a minute to
    // a room (the default limit, kept), so 17 people send 59 each. Each one's first send
    // also makes them a member (MemberJoined), so the room has 1,020 changes.
    const people = await Promise.all(range(1, 17).map(() => signUp(server.graphqlUrl, 'talker')));
    await send(server.graphqlUrl, people[0].token, room, 'first'); // creates the room once
    await Promise.all(
      people.map(async (p, i) => {
        for (let j = i === 0 ? 1 : 0; j < 59; j++) await send(server.graphqlUrl, p.token, room, `m ${i}.${j}`);
      }),
    );
    const version = await roomVersion(room);
    expect(version).toBe(17 * 59 + 17);

    const behind = subscribeEvents(client(), room, version - 1001);
    const fromStart = subscribeEvents(client(), room, 0);
    const atLimit = subscribeEvents(client(), room, version - 1000);
    const overSse = await sseSubscribe(server.graphqlUrl, ROOM_EVENTS, { variables: { room, after: 0 } });
    await atLimit.until(() => atLimit.events.length >= 1000, 30_000, 'the 1,000-event replay');
    await behind.until(() => behind.events.length >= 1, 5000, 'the resync');
    await fromStart.until(() => fromStart.events.length >= 1, 5000, 'the resync');
    await overSse.until(() => overSse.payloads.length >= 1, 5000, 'the resync over SSE');

    const marker = await send(server.graphqlUrl, people[1].token, room, 'live');
    for (const sub of [behind, fromStart]) {
      const before = await eventsBeforeMarker(sub, async () => marker);
      expect(before).toEqual([{ __typename: 'ResyncRequired', room, version }]);
      expect(sub.events.at(-1)).toMatchObject({ __typename: 'MessagePosted', version: version + 1, message: { content: 'live' } });
      expect(sub.errors).toEqual([]);
    }
    await overSse.until(() => overSse.payloads.length >= 2, 5000, 'the live event over SSE');
    overSse.close();
    expect(overSse.payloads.map((p) => [p.data.roomEvents.__typename, p.data.roomEvents.version])).toEqual([
      ['ResyncRequired', version],
      ['MessagePosted', version + 1],
    ]);
    const replayed = await eventsBeforeMarker(atLimit, async () => marker);
    expect(replayed.map((e) => e.version)).toEqual(range(version - 999, version));
    // The talkers joined concurrently with the first sends, so some MemberJoined events may
    // fall inside the last 1,000 versions: each is a talker's, once, before any message of theirs.
    const names = new Set(people.map((p) => p.username));
    const joined = replayed.filter(isMemberEvent);
    expect(joined.every((e) => e.__typename === 'MemberJoined' && names.has(e.user!.username))).toBe(true);
    expect(new Set(joined.map((e) => e.user!.username)).size).toBe(joined.length);
    for (const j of joined) {
      const theirs = replayed.filter((e) => e.message?.sender?.username === j.user!.username);
      expect(theirs[0].version, `${j.user!.username} joined before their first message`).toBeGreaterThan(j.version);
    }
    expect(replayed.filter((e) => !isMemberEvent(e)).every((e) => e.__typename === 'MessagePosted')).toBe(true);
    expect(replayed.filter((e) => e.__typename === 'MessagePosted')).toHaveLength(1000 - joined.length);
  });
});
