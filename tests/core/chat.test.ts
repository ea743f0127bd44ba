// The chat core end to end, on SQLite and on PostgreSQL: a real server process with
// Redis fan-out, real HTTP and graphql-ws clients.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { SEND, deliveredBeforeMarker, gql, send, signUp, subscribeRoom, uniqueRoom, untilLive, wsClient } from '../support/client.js';

describe.each(providers)('chat core on %s', (provider) => {
  let db: TestDatabase;
  let server: RunningServer;
  let alice: Awaited<ReturnType<typeof signUp>>;
  const clients: { dispose(): unknown }[] = [];
  const client = (token?: string) => {
    const c = wsClient(server.wsUrl, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await freshDatabase(provider);
    server = await startServer({ databaseUrl: db.url, redis: true });
  });
  // A new alice for each test: the server runs with the default message limits per user.
  beforeEach(async () => {
    alice = await signUp(server.graphqlUrl, 'alice');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
    await db?.drop();
  });

  it('delivers a sent message to subscribers of its room only, with seq and sender', async () => {
    const room = uniqueRoom();
    const other = uniqueRoom();
    const sub = subscribeRoom(client(), room);
    const otherSub = subscribeRoom(client(), other);
    const base = await untilLive(sub, () => send(server.graphqlUrl, alice.token, room, 'probe'));
    await untilLive(otherSub, () => send(server.graphqlUrl, alice.token, other, 'probe'));
    const otherCount = otherSub.messages.length;

    const sent = await send(server.graphqlUrl, alice.token, room, 'hello, 世界');
    expect(sent.seq).toBe(base + 1);
    expect(sent.sender.username).toBe(alice.username);

    await sub.until(() => sub.messages.some((m) => m.id === sent.id), 5000, 'the message');
    const got = sub.messages.find((m) => m.id === sent.id)!;
    expect(got).toMatchObject({ room, seq: base + 1, content: 'hello, 世界', sender: { username: alice.username } });
    const inOther = await deliveredBeforeMarker(otherSub, () => send(server.graphqlUrl, alice.token, other, 'marker'));
    expect(inOther.length).toBe(otherCount);
    expect(otherSub.messages.every((m) => m.room === other)).toBe(true);
  });

  it('pages through 120 messages: newest 50 first, back to seq 1', async () => {
    const room = uniqueRoom('history');
    // Three people talk (one may send at most RATE_MESSAGES_PER_MINUTE, 60, to a room).
    const people = [alice, await signUp(server.graphqlUrl, 'bob'), await signUp(server.graphqlUrl, 'carol')];
    for (let i = 1; i <= 120; i++) await send(server.graphqlUrl, people[i % 3].token, room, `m${i}`);
    const PAGE = `query($room:String!,$before:String){ room(name:$room){ lastSeq messages(last:50,before:$before){
      edges { cursor node { seq content } } pageInfo { hasPreviousPage hasNextPage startCursor } } } }`;
    const first = await gql(server.graphqlUrl, `query($room:String!){ room(name:$room){ messages {
      edges { node { seq } } pageInfo { hasPreviousPage hasNextPage startCursor } } } }`, { room });
    const newest = first.data.room.messages;
    expect(newest.edges.map((e: any) => e.node.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(newest.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });

    const seen: number[] = newest.edges.map((e: any) => e.node.seq);
    let before = newest.pageInfo.startCursor;
    let more = true;
    while (more) {
      const page = (await gql(server.graphqlUrl, PAGE, { room, before })).data.room.messages;
      seen.unshift(...page.edges.map((e: any) => e.node.seq));
      for (const e of page.edges) expect(e.node.content).toBe(`m${e.node.seq}`);
      more = page.pageInfo.hasPreviousPage;
      before = page.pageInfo.startCursor;
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));

    const forward = await gql(server.graphqlUrl, `query($room:String!){ room(name:$room){ messages(first:10, after:"115"){
      edges { node { seq } } pageInfo { hasPreviousPage hasNextPage } } } }`, { room });
    expect(forward.data.room.messages.edges.map((e: any) => e.node.seq)).toEqual([116, 117, 118, 119, 120]);
    expect(forward.data.room.messages.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: false });

    const tooMany = await gql(server.graphqlUrl, `{ room(name:"${room}"){ messages(last:101){ edges { cursor } } } }`);
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resumes with `after`: exactly the missed messages, then live ones, even with sends racing the resubscribe', async () => {
    const room = uniqueRoom('resume');
    const first = subscribeRoom(client(), room, 0);
    for (let i = 1; i <= 5; i++) await send(server.graphqlUrl, alice.token, room, `a${i}`);
    await first.until(() => first.messages.length === 5, 5000, '5 messages');
    const k = first.messages.at(-1)!.seq;
    first.dispose();

    for (let i = 1; i <= 10; i++) await send(server.graphqlUrl, alice.token, room, `b${i}`);

    // Resubscribe while another sender keeps sending.
    const racing = (async () => {
      for (let i = 1; i <= 30; i++) await send(server.graphqlUrl, alice.token, room, `c${i}`);
    })();
    const resumed = subscribeRoom(client(), room, k);
    await racing;
    const total = 5 + 10 + 30;
    await resumed.until(() => resumed.messages.length >= total - k, 10_000, 'all missed and racing messages');
    // And live ones after that (the live message also proves nothing else came before it).
    const before = await deliveredBeforeMarker(resumed, () => send(server.graphqlUrl, alice.token, room, 'live'));
    expect(before.map((m) => m.seq)).toEqual(Array.from({ length: total - k }, (_, i) => k + 1 + i));
    expect(resumed.messages.at(-1)!.seq).toBe(total + 1);
    expect(resumed.errors).toEqual([]);
  });

  it('treats a repeated clientId as the same message: one stored, one delivered', async () => {
    const room = uniqueRoom('idem');
    const sub = subscribeRoom(client(), room, 0);
    const a = await send(server.graphqlUrl, alice.token, room, 'once', 'client-1');
    const b = await send(server.graphqlUrl, alice.token, room, 'once', 'client-1');
    // Concurrent retries with a fresh clientId race each other.
    const racing = await Promise.all([1, 2, 3].map(() => send(server.graphqlUrl, alice.token, room, 'twice', 'client-2')));
    expect(b.id).toBe(a.id);
    expect(new Set(racing.map((m) => m.id)).size).toBe(1);
    await sub.until(() => sub.messages.length >= 2, 5000, 'two messages');
    const rows = await db.sql(`SELECT COUNT(*) AS n FROM "Message" m JOIN "Room" r ON r.id = m."roomId" WHERE r.name = $1`.replace('$1', provider === 'sqlite' ? '?' : '$1'), [room]);
    expect(Number(rows[0].n)).toBe(2);
    // The same clientId in another room is a mistake, not a retry: refused, nothing stored there.
    const elsewhere = uniqueRoom('idem-other');
    const conflict = await gql(server.graphqlUrl, SEND, { room: elsewhere, content: 'other', clientId: 'client-1' }, alice.token);
    expect(conflict.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'clientId' });
    expect((await gql(server.graphqlUrl, '{ room(name:$r) { lastSeq } }'.replace('$r', JSON.stringify(elsewhere)))).data.room.lastSeq).toBe(0);
    const delivered = await deliveredBeforeMarker(sub, () => send(server.graphqlUrl, alice.token, room, 'marker'));
    expect(delivered.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('many senders to many rooms at once: every room gets each message once, seqs 1…n with no hole', async () => {
    const rooms = [uniqueRoom('burst'), uniqueRoom('burst'), uniqueRoom('burst'), uniqueRoom('burst')];
    // after: 0 replays from the start, so nothing sent below can be missed.
    const subs = rooms.map((room) => subscribeRoom(client(), room, 0));
    const senders = [alice, await signUp(server.graphqlUrl, 'bob'), await signUp(server.graphqlUrl, 'carol')];
    // 48 sends and 8 retries at once from this one address: under the default cap of 64
    // requests in flight per address (MAX_REQUESTS_IN_FLIGHT_PER_IP), which a burst of 70
    // reached once a first send to a room also makes its sender a member.
    const sends = Array.from({ length: 48 }, (_, i) => ({ who: senders[i % 3], room: rooms[i % 4], content: `m${i}`, clientId: `burst-${i}` }));
    // Every sixth send is also retried within the same burst (same sender, same clientId).
    // So alice sends 24 times at once to 4 rooms nobody used: that is 4 new rooms for the
    // limit of 20 new rooms an hour, not 24 (sends racing to create a room count once).
    const retries = sends.filter((_, i) => i % 6 === 0);
    const answers = await Promise.all(
      [...sends, ...retries].map((m) => send(server.graphqlUrl, m.who.token, m.room, m.content, m.clientId)),
    );
    retries.forEach((_, k) => expect(answers[sends.length + k].id).toBe(answers[k * 6].id));

    for (const [r, room] of rooms.entries()) {
      const expected = sends.filter((m) => m.room === room);
      const sub = subs[r];
      await sub.until(() => sub.messages.length >= expected.length, 10_000, `room ${r}'s messages`);
      expect(sub.messages.map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
      expect(sub.messages.map((m) => m.content).sort()).toEqual(expected.map((m) => m.content).sort());
      const info = await gql(server.graphqlUrl, 'query($room:String!){ room(name:$room){ lastSeq } }', { room });
      expect(info.data.room.lastSeq).toBe(expected.length);
    }
    // A marker after the burst is the next delivery: no duplicate was still on its way.
    const marker = await send(server.graphqlUrl, alice.token, rooms[0], 'marker');
    await subs[0].until(() => subs[0].messages.some((m) => m.id === marker.id), 5000, 'the marker');
    expect(subs[0].messages.map((m) => m.seq)).toEqual(Array.from({ length: sends.length / 4 + 1 }, (_, i) => i + 1));
  });

  it('a failed database write errors and delivers nothing; the next message gets the next seq', async () => {
    if (provider === 'sqlite') {
      await db.sql(`CREATE TRIGGER fail_insert BEFORE INSERT ON "Message" WHEN NEW.content = 'fail-me'
        BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    } else {
      await db.sql(`CREATE FUNCTION fail_insert() RETURNS trigger AS $$ BEGIN
        IF NEW.content = 'fail-me' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await db.sql(`CREATE TRIGGER fail_insert BEFORE INSERT ON "Message" FOR EACH ROW EXECUTE FUNCTION fail_insert()`);
    }
    const room = uniqueRoom('fail');
    const sub = subscribeRoom(client(), room);
    const base = await untilLive(sub, () => send(server.graphqlUrl, alice.token, room, 'probe'));
    const seen = sub.messages.length;

    const failed = await gql(server.graphqlUrl, `mutation { sendMessage(room:"${room}", content:"fail-me") { id } }`, {}, alice.token);
    expect(failed.data).toBeNull();
    expect(failed.errors?.[0].extensions?.code).toBe('UNAVAILABLE');
    expect(failed.errors?.[0].message).toMatch(/could not be stored/);
    expect(JSON.stringify(failed.errors)).not.toMatch(/injected failure/); // internals stay in the log
    // The next message is the next seq, and the first thing delivered after the probe.
    let next!: { id: string; seq: number };
    const delivered = await deliveredBeforeMarker(sub, async () => (next = await send(server.graphqlUrl, alice.token, room, 'after the failure')));
    expect(next.seq).toBe(base + 1);
    expect(delivered.length).toBe(seen);
  });

  it('authenticates: one error for wrong password and unknown user, sign-out revokes, anonymous read-only', async () => {
    const SIGN_IN = 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token user { username } } }';
    const wrong = await gql(server.graphqlUrl, SIGN_IN, { u: alice.username, p: 'not the password' });
    const unknown = await gql(server.graphqlUrl, SIGN_IN, { u: 'nobody_here', p: 'not the password' });
    expect(wrong.errors?.[0]).toMatchObject({ message: 'Invalid username or password.', extensions: { code: 'UNAUTHENTICATED' } });
    expect(unknown.errors?.[0].message).toBe(wrong.errors?.[0].message);
    expect(unknown.errors?.[0].extensions).toEqual(wrong.errors?.[0].extensions);

    // Usernames are case-insensitive for sign-in and uniqueness.
    const session = await gql(server.graphqlUrl, SIGN_IN, { u: alice.username.toUpperCase(), p: 'correct horse battery' });
    expect(session.data.signIn.user.username).toBe(alice.username);
    const dup = await gql(server.graphqlUrl, 'mutation($u:String!){ signUp(username:$u,password:"long enough pw"){ token } }', { u: alice.username.toUpperCase() });
    expect(dup.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const short = await gql(server.graphqlUrl, 'mutation{ signUp(username:"shorty_pw",password:"1234567"){ token } }');
    expect(short.errors?.[0].message).toMatch(/at least 8/);

    const token = session.data.signIn.token;
    expect((await gql(server.graphqlUrl, '{ me { username } }', {}, token)).data.me.username).toBe(alice.username);
    expect((await gql(server.graphqlUrl, 'mutation { signOut }', {}, token)).data.signOut).toBe(true);
    const after = await gql(server.graphqlUrl, '{ me { username } }', {}, token);
    expect(after.status).toBe(401);
    expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    // The revoked token is refused on the WebSocket too: closed with 4403.
    const closed = new Promise<number>((resolve) => {
      const c = wsClient(server.wsUrl, token, { lazy: false, on: { closed: (e: any) => resolve(e.code) }, onNonLazyError: () => {} });
      clients.push(c);
    });
    expect(await closed).toBe(4403);

    // Anonymous: may subscribe and read, may not send.
    const room = uniqueRoom('anon');
    const sub = subscribeRoom(client(), room, 0);
    const anonSend = await gql(server.graphqlUrl, `mutation { sendMessage(room:"${room}", content:"hi") { id } }`);
    expect(anonSend.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const ok = await send(server.graphqlUrl, alice.token, room, 'for everyone');
    await sub.until(() => sub.messages.length === 1, 5000, 'anonymous delivery');
    expect(sub.messages[0].id).toBe(ok.id);
    expect(ok.seq).toBe(1); // the refused send stored nothing
  });

  it('validates room names and content with errors that state the rule', async () => {
    for (const room of ['general', 'my_secret_room', '一般', 'Room-2']) {
      const sent = await send(server.graphqlUrl, alice.token, `${room}`, 'ok');
      expect(sent.room).toBe(room);
    }
    for (const room of ['', 'has space', 'a/b', 'x'.repeat(65), 'emoji😀', '../etc']) {
      const r = await gql(server.graphqlUrl, 'mutation($r:String!){ sendMessage(room:$r, content:"x"){ id } }', { r: room }, alice.token);
      expect(r.errors?.[0].extensions?.code, room).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0].message).toMatch(/1–64 characters/);
    }
    const room = uniqueRoom('content');
    for (const content of ['', '   \n\t ', 'x'.repeat(4001)]) {
      const r = await gql(server.graphqlUrl, 'mutation($r:String!,$c:String!){ sendMessage(room:$r, content:$c){ id } }', { r: room, c: content }, alice.token);
      expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    // Text that one database could not store as sent: refused the same way on both.
    for (const [what, content] of [
      ['a NUL character', 'before\u0000after'],
      ['a lone surrogate', 'half \ud83d of an emoji'],
    ]) {
      const r = await gql(server.graphqlUrl, 'mutation($r:String!,$c:String!){ sendMessage(room:$r, content:$c){ id } }', { r: room, c: content }, alice.token);
      expect(r.errors?.[0].extensions, what).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content' });
    }
    expect((await send(server.graphqlUrl, alice.token, room, 'whole 😀 emoji')).seq).toBe(1);
    const exact = '  keeps  <b>spacing</b> & markup \n';
    expect((await send(server.graphqlUrl, alice.token, room, exact)).content).toBe(exact);
    expect((await send(server.graphqlUrl, alice.token, room, 'y'.repeat(4000))).seq).toBe(3); // refused ones took no seq
    const sub = await gql(server.graphqlUrl, '{ room(name:"bad name") { name } }');
    expect(sub.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
