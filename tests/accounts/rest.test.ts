// The legacy REST endpoint POST /chat/api/send_message/<room>/ end to end, on SQLite and
// PostgreSQL: a real server process with Redis fan-out, real fetch and graphql-ws clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { deliveredBeforeMarker, gql, send, signUp, subscribeRoom, uniqueRoom, untilLive, wsClient } from '../support/client.js';
import { PASSWORD, SIGN_IN, basicAuth, lastSeq, messageCount, rest, sessionCookies, gqlRaw, sql } from './helpers.js';

const multipart = (message: string) => {
  const f = new FormData();
  f.set('message', message);
  return f;
};

describe.each(providers)('REST send_message on %s', (provider) => {
  let db: TestDatabase;
  let server: RunningServer;
  let alice: Awaited<ReturnType<typeof signUp>>;
  let apiToken: string;
  let cookie: string;
  const clients: { dispose(): unknown }[] = [];
  const client = (token?: string) => {
    const c = wsClient(server.wsUrl, token);
    clients.push(c);
    return c;
  };
  const own = () => server.url;

  beforeAll(async () => {
    db = await freshDatabase(provider);
    server = await startServer({ databaseUrl: db.url, redis: true });
    alice = await signUp(server.graphqlUrl, 'alice');
    const created = await gql(server.graphqlUrl, 'mutation { createApiToken(name:"rest script") { token } }', {}, alice.token);
    apiToken = created.data.createApiToken.token;
    const signedIn = await gqlRaw(server.graphqlUrl, SIGN_IN, { u: alice.username, p: PASSWORD });
    cookie = `session=${sessionCookies(signedIn.headers)[0].value}`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
    await db?.drop();
  });

  it('accepts JSON and form bodies with Basic, Bearer (session and API token) and cookie credentials, and delivers each', async () => {
    const room = uniqueRoom('rest');
    const sub = subscribeRoom(client(), room);
    const base = await untilLive(sub, () => send(server.graphqlUrl, alice.token, room, 'probe'));

    const variants: { what: string; content: string; req: Parameters<typeof rest>[1] }[] = [
      { what: 'JSON + Basic', content: 'json basic', req: { room, json: { message: 'json basic' }, headers: { authorization: basicAuth(alice.username) } } },
      { what: 'form + Basic', content: 'form basic & = ü', req: { room, form: { message: 'form basic & = ü' }, headers: { authorization: basicAuth(alice.username) } } },
      { what: 'multipart + Basic', content: 'multipart basic', req: { room, formData: multipart('multipart basic'), headers: { authorization: basicAuth(alice.username) } } },
      { what: 'JSON + session Bearer', content: 'json session', req: { room, json: { message: 'json session' }, headers: { authorization: `Bearer ${alice.token}` } } },
      { what: 'JSON + API token', content: 'json api token', req: { room, json: { message: 'json api token' }, headers: { authorization: `Bearer ${apiToken}` } } },
      { what: 'form + API token', content: 'form api token', req: { room, form: { message: 'form api token' }, headers: { authorization: `Bearer ${apiToken}` } } },
      { what: 'JSON + cookie + own Origin', content: 'json cookie', req: { room, json: { message: 'json cookie' }, headers: { cookie, origin: own() } } },
      { what: 'form + cookie + own Origin, no trailing slash', content: 'form cookie', req: { room, slash: false, form: { message: 'form cookie' }, headers: { cookie, origin: own() } } },
    ];

    const ids: string[] = [];
    for (const [i, v] of variants.entries()) {
      const r = await rest(server.url, v.req);
      expect(r.status, `${v.what}: ${r.text}`).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.body.status, v.what).toBe('ok');
      const m = r.body.message;
      expect(m, v.what).toMatchObject({ room, seq: base + 1 + i, content: v.content, sender: { id: alice.id, username: alice.username } });
      expect(typeof m.id).toBe('string');
      expect(Number.isNaN(Date.parse(m.createdAt))).toBe(false);
      expect(Math.abs(Date.parse(m.createdAt) - Date.now())).toBeLessThan(60_000);
      ids.push(m.id);
    }
    expect(new Set(ids).size).toBe(variants.length);

    await sub.until(() => ids.every((id) => sub.messages.some((m) => m.id === id)), 5000, 'every REST message');
    const got = sub.messages.filter((m) => ids.includes(m.id));
    expect(got.map((m) => m.content)).toEqual(variants.map((v) => v.content));
    expect(got.map((m) => m.seq)).toEqual(variants.map((_, i) => base + 1 + i));
    expect(got.every((m) => m.room === room && m.sender?.username === alice.username)).toBe(true);
    expect(await messageCount(db, room)).toBe(base + variants.length);
  });

  it('takes a percent-encoded Chinese room name', async () => {
    const room = '一般';
    const sub = subscribeRoom(client(), room, 0);
    const r = await rest(server.url, { room, json: { message: '你好' }, headers: { authorization: `Bearer ${apiToken}` } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.message).toMatchObject({ room: '一般', seq: 1, content: '你好' });
    await sub.until(() => sub.messages.some((m) => m.id === r.body.message.id), 5000, 'the Chinese-room message');
    expect(sub.messages[0]).toMatchObject({ room: '一般', content: '你好' });
    const rows = await sql(db, 'SELECT name, "lastSeq" FROM "Room" WHERE name = $1', ['一般']);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].lastSeq)).toBe(1);
  });

  it('refuses requests without (valid) credentials with 401 and a Basic challenge, storing nothing', async () => {
    const room = uniqueRoom('noauth');
    const sub = subscribeRoom(client(), room, 0);
    const attempts: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ['wrong Basic password', { authorization: basicAuth(alice.username, 'not the password') }],
      ['unknown Basic user', { authorization: basicAuth('nobody_here_at_all') }],
      ['bogus Bearer', { authorization: 'Bearer not-a-real-token' }],
      ['bogus API token', { authorization: 'Bearer chat_pat_notarealtoken' }],
      ['stale cookie', { cookie: 'session=stale-or-forged', origin: own() }],
    ];
    for (const [what, headers] of attempts) {
      const r = await rest(server.url, { room, json: { message: 'should not be stored' }, headers });
      expect(r.status, what).toBe(401);
      expect(r.headers.get('www-authenticate'), what).toMatch(/^Basic /);
      expect(typeof r.body?.error, what).toBe('string');
      expect(r.body.error.length).toBeGreaterThan(0);
    }
    expect(await lastSeq(server.graphqlUrl, room)).toBe(0);
    expect(await messageCount(db, room)).toBe(0);
    expect(await deliveredBeforeMarker(sub, () => send(server.graphqlUrl, alice.token, room, 'marker'))).toEqual([]);
  });

  it('refuses bad rooms and bad bodies with 400 {error}, storing and delivering nothing', async () => {
    const room = uniqueRoom('bad');
    const sub = subscribeRoom(client(), room);
    const base = await untilLive(sub, () => send(server.graphqlUrl, alice.token, room, 'probe'));
    const seen = sub.messages.length;
    const auth = { authorization: basicAuth(alice.username) };

    const badRoom = await rest(server.url, { rawPath: '/chat/api/send_message/bad%20room/', json: { message: 'hi' }, headers: auth });
    expect(badRoom.status, badRoom.text).toBe(400);
    expect(badRoom.body.error).toMatch(/room/i);
    const badEncoding = await rest(server.url, { rawPath: '/chat/api/send_message/%E4%B8/', json: { message: 'hi' }, headers: auth });
    expect(badEncoding.status, badEncoding.text).toBe(400);
    expect(typeof badEncoding.body.error).toBe('string');

    const bodies: [string, Parameters<typeof rest>[1]][] = [
      ['empty JSON message', { room, json: { message: '' } }],
      ['whitespace-only JSON message', { room, json: { message: ' \n\t  ' } }],
      ['oversized JSON message', { room, json: { message: 'x'.repeat(4001) } }],
      ['oversized (astral) message', { room, json: { message: '😀'.repeat(4001) } }],
      ['empty form message', { room, form: { message: '' } }],
      ['whitespace-only form message', { room, form: { message: '   ' } }],
      ['oversized form message', { room, form: { message: 'y'.repeat(4001) } }],
      ['broken JSON', { room, body: '{"message": "unterminated', contentType: 'application/json' }],
      ['JSON without message', { room, json: { text: 'hello' } }],
      ['JSON with a non-string message', { room, json: { message: 42 } }],
      ['JSON array', { room, json: ['hello'] }],
      ['form without message', { room, form: { text: 'hello' } }],
      ['oversized Idempotency-Key', { room, json: { message: 'hi' }, headers: { 'idempotency-key': 'k'.repeat(129) } }],
    ];
    for (const [what, req] of bodies) {
      const r = await rest(server.url, { ...req, headers: { ...auth, ...req.headers } });
      expect(r.status, `${what}: ${r.text}`).toBe(400);
      expect(typeof r.body?.error, what).toBe('string');
    }

    expect(await lastSeq(server.graphqlUrl, room)).toBe(base);
    expect(await messageCount(db, room)).toBe(base);
    expect((await deliveredBeforeMarker(sub, () => send(server.graphqlUrl, alice.token, room, 'marker'))).length).toBe(seen);
    expect(await sql(db, 'SELECT id FROM "Room" WHERE name = $1', ['bad room'])).toEqual([]);

    // The refused ones took no seq (the marker took base + 1); exactly 4000 characters is fine.
    const ok = await rest(server.url, { room, json: { message: 'z'.repeat(4000) }, headers: auth });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.message.seq).toBe(base + 2);
    await sub.until(() => sub.messages.some((m) => m.id === ok.body.message.id), 5000, 'the valid message');
  });

  it('answers GET with 405 Allow: POST, a foreign-origin cookie with 403, text/plain with 415 — storing nothing', async () => {
    const room = uniqueRoom('refused');
    const sub = subscribeRoom(client(), room, 0);

    const get = await rest(server.url, { room, method: 'GET', headers: { authorization: basicAuth(alice.username) } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(typeof get.body?.error).toBe('string');

    const foreign = await rest(server.url, { room, json: { message: 'csrf' }, headers: { cookie, origin: 'http://evil.example' } });
    expect(foreign.status, foreign.text).toBe(403);
    expect(typeof foreign.body?.error).toBe('string');
    const foreignReferer = await rest(server.url, { room, json: { message: 'csrf' }, headers: { cookie, referer: 'http://evil.example/page' } });
    expect(foreignReferer.status, foreignReferer.text).toBe(403);
    const noOrigin = await rest(server.url, { room, json: { message: 'csrf' }, headers: { cookie } });
    expect(noOrigin.status, noOrigin.text).toBe(403);
    // A look-alike of the own origin (other port) is foreign too.
    const otherPort = await rest(server.url, { room, json: { message: 'csrf' }, headers: { cookie, origin: `http://127.0.0.1:${server.port + 1}` } });
    expect(otherPort.status, otherPort.text).toBe(403);

    // A foreign page's form, sent with Basic credentials the browser has cached.
    const basicForeign = await rest(server.url, { room, body: 'message=csrf', contentType: 'application/x-www-form-urlencoded', headers: { authorization: basicAuth(alice.username), origin: 'http://evil.example' } });
    expect(basicForeign.status, basicForeign.text).toBe(403);

    const plain = await rest(server.url, { room, body: 'message=hi', contentType: 'text/plain', headers: { authorization: basicAuth(alice.username) } });
    expect(plain.status, plain.text).toBe(415);
    expect(typeof plain.body?.error).toBe('string');

    expect(await messageCount(db, room)).toBe(0);
    expect(await lastSeq(server.graphqlUrl, room)).toBe(0);
    expect(await deliveredBeforeMarker(sub, () => send(server.graphqlUrl, alice.token, room, 'marker'))).toEqual([]);

    // The same cookie from the own origin via Referer is fine.
    const viaReferer = await rest(server.url, { room, json: { message: 'same origin' }, headers: { cookie, referer: `${server.url}/some/page` } });
    expect(viaReferer.status, viaReferer.text).toBe(200);
    expect(viaReferer.body.message.seq).toBe(2); // after the marker: the refused ones took no seq
  });

  it('treats a repeated Idempotency-Key as one message: same id, one stored, one delivered', async () => {
    const room = uniqueRoom('idem');
    const sub = subscribeRoom(client(), room);
    const base = await untilLive(sub, () => send(server.graphqlUrl, alice.token, room, 'probe'));
    const seen = sub.messages.length;
    const headers = { authorization: `Bearer ${apiToken}`, 'idempotency-key': `key-${room}` };

    const first = await rest(server.url, { room, json: { message: 'exactly once' }, headers });
    const second = await rest(server.url, { room, json: { message: 'exactly once' }, headers });
    expect(first.status, first.text).toBe(200);
    expect(second.status, second.text).toBe(200);
    expect(second.body.message.id).toBe(first.body.message.id);
    expect(second.body.message.seq).toBe(base + 1);
    // The same key for another room is a mistake, not a retry: 409, and nothing stored there.
    const otherRoom = uniqueRoom('idem-other');
    const conflict = await rest(server.url, { room: otherRoom, json: { message: 'elsewhere' }, headers });
    expect(conflict.status, conflict.text).toBe(409);
    expect(conflict.body.error).toMatch(/already used/);
    expect(await lastSeq(server.graphqlUrl, otherRoom)).toBe(0);
    // Concurrent retries with another key race each other.
    const raced = await Promise.all(
      [1, 2, 3].map(() => rest(server.url, { room, form: { message: 'raced' }, headers: { ...headers, 'idempotency-key': `key2-${room}` } })),
    );
    expect(raced.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(raced.map((r) => r.body.message.id)).size).toBe(1);

    // The key is the sender's own: another user with the same key sends a new message.
    const bob = await signUp(server.graphqlUrl, 'bob');
    const bobs = await rest(server.url, { room, json: { message: 'exactly once' }, headers: { authorization: basicAuth(bob.username), 'idempotency-key': `key-${room}` } });
    expect(bobs.status, bobs.text).toBe(200);
    expect(bobs.body.message.id).not.toBe(first.body.message.id);
    expect(bobs.body.message).toMatchObject({ seq: base + 3, sender: { username: bob.username } });

    await sub.until(() => sub.messages.length >= seen + 3, 5000, 'three messages');
    expect(await messageCount(db, room)).toBe(base + 3);
    const delivered = (await deliveredBeforeMarker(sub, () => send(server.graphqlUrl, alice.token, room, 'marker'))).slice(seen);
    expect(delivered.map((m) => m.content)).toEqual(['exactly once', 'raced', 'exactly once']);
    expect(delivered.map((m) => m.seq)).toEqual([base + 1, base + 2, base + 3]);
    const rows = await sql(db, 'SELECT "clientId" FROM "Message" WHERE id = $1', [first.body.message.id]);
    expect(rows[0].clientId).toBe(`key-${room}`);
  });

  // Two server processes on one Redis and one PostgreSQL database: B shares A's database.
  if (provider === 'postgresql') {
    it('a REST send on a second server process reaches a graphql-ws subscriber on the first', async () => {
      const b = await startServer({ databaseUrl: db.url, redis: true });
      try {
        expect(server.logs.find((l) => l.msg === 'listening')?.pubsub).toMatch(/redis/);
        const bob = await signUp(b.graphqlUrl, 'bob');
        const room = uniqueRoom('cluster');
        const sub = subscribeRoom(client(), room);
        const base = await untilLive(sub, () => send(server.graphqlUrl, bob.token, room, 'probe via A'));
        const seen = sub.messages.length;

        const sent = [];
        for (const [i, req] of [
          { json: { message: 'from B as JSON' }, headers: { authorization: basicAuth(bob.username) } },
          { form: { message: 'from B as a form' }, headers: { authorization: `Bearer ${bob.token}` } },
        ].entries()) {
          const r = await rest(b.url, { room, ...req });
          expect(r.status, r.text).toBe(200);
          expect(r.body.message.seq).toBe(base + 1 + i);
          sent.push(r.body.message);
        }
        await sub.until(() => sub.messages.length >= seen + 2, 5000, 'the messages sent on B');
        const got = (await deliveredBeforeMarker(sub, () => send(b.graphqlUrl, bob.token, room, 'marker via B'))).slice(seen);
        expect(got.map((m) => m.id)).toEqual(sent.map((m) => m.id));
        expect(got.map((m) => m.content)).toEqual(['from B as JSON', 'from B as a form']);
        expect(got.every((m) => m.sender?.username === bob.username)).toBe(true);
      } finally {
        await b.stop();
      }
    });
  }
});
