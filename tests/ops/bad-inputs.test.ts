// Bad inputs, one row each: the error a client gets (code / status / message), and that
// nothing was stored (the room's lastSeq and the Message table unchanged) and nothing was
// delivered to a subscriber of the room. One real server on SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { SEND, deliveredBeforeMarker, gql, send, signUp, subscribeRoom, uniqueRoom, untilLive, wsClient, type Subscription } from '../support/client.js';
import { lastSeq, rawGraphqlSocket, rawRequest, type RawResponse } from './helpers.js';

const MAX_BODY_BYTES = 1_048_576; // the default

describe('bad inputs (SQLite)', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let alice: Awaited<ReturnType<typeof signUp>>;
  let room: string;
  let sub: Subscription;
  let base: number; // lastSeq after the probes
  let seen: number; // messages the subscriber had after the probes
  const clients: { dispose(): unknown }[] = [];

  const messageCount = async () => Number((await db.sql('SELECT COUNT(*) AS n FROM "Message"'))[0].n);
  let storedBefore = 0;

  const postGraphQL = (body: string, headers: Record<string, string> = {}) =>
    rawRequest(server.graphqlUrl, {
      body,
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    });
  const postRest = (path: string, body: string, headers: Record<string, string> = {}) =>
    rawRequest(`${server.url}/chat/api/send_message/${path}/`, {
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}`, ...headers },
    });
  const firstError = (r: RawResponse | { errors?: any[] }) => ('json' in r ? r.json?.errors?.[0] : (r as any).errors?.[0]);

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer({ databaseUrl: db.url });
    alice = await signUp(server.graphqlUrl, 'alice');
    room = uniqueRoom('bad');
    const c = wsClient(server.wsUrl, alice.token);
    clients.push(c);
    sub = subscribeRoom(c, room);
    base = await untilLive(sub, () => send(server.graphqlUrl, alice.token, room, 'probe'));
    seen = sub.messages.length;
    storedBefore = await messageCount();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
    await db?.drop();
  });

  /** After every row: nothing stored. */
  const nothingStored = async () => {
    expect(await lastSeq(server, room)).toBe(base);
    expect(await messageCount()).toBe(storedBefore);
  };

  const big = 'x'.repeat(100 * 1024);
  const rows: [string, () => Promise<void>][] = [
    [
      'empty message (GraphQL)',
      async () => {
        const r = await gql(server.graphqlUrl, SEND, { room, content: '' }, alice.token);
        expect(r.data ?? null).toBeNull();
        expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'content' } });
        expect(r.errors?.[0].message).toMatch(/must not be empty/);
      },
    ],
    [
      'whitespace-only message (GraphQL)',
      async () => {
        const r = await gql(server.graphqlUrl, SEND, { room, content: ' \n\t\u00a0 ' }, alice.token);
        expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'content' } });
        expect(r.errors?.[0].message).toMatch(/must not be empty or only whitespace/);
      },
    ],
    [
      'whitespace-only message (REST)',
      async () => {
        const r = await postRest(room, JSON.stringify({ message: '   ' }));
        expect(r.status).toBe(400);
        expect(r.json.error).toMatch(/must not be empty/);
      },
    ],
    [
      '100 KB message (GraphQL)',
      async () => {
        const r = await gql(server.graphqlUrl, SEND, { room, content: big }, alice.token);
        expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'content', maxLength: 4000 } });
        expect(r.errors?.[0].message).toMatch(/102400 characters long; the limit is 4000/);
      },
    ],
    [
      '100 KB message (REST)',
      async () => {
        const r = await postRest(room, JSON.stringify({ message: big }));
        expect(r.status).toBe(400);
        expect(r.json.error).toMatch(/the limit is 4000/);
      },
    ],
    [
      'invalid room name (GraphQL)',
      async () => {
        const r = await gql(server.graphqlUrl, SEND, { room: 'no spaces allowed!', content: 'hi' }, alice.token);
        expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'room' } });
        expect(r.errors?.[0].message).toMatch(/Invalid room name/);
      },
    ],
    [
      'invalid room name (REST)',
      async () => {
        const r = await postRest(encodeURIComponent('a*b'), JSON.stringify({ message: 'hi' }));
        expect(r.status).toBe(400);
        expect(r.json.error).toMatch(/Invalid room name/);
      },
    ],
    [
      'malformed JSON body (GraphQL POST)',
      async () => {
        const r = await postGraphQL(`{"query":"mutation { sendMessage(room:\\"${room}\\", content:\\"x\\") { id } }"`, {
          authorization: `Bearer ${alice.token}`,
        });
        expect(r.status).toBe(400);
        expect(firstError(r).message).toMatch(/invalid JSON/i);
        expect(r.text).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack trace
      },
    ],
    [
      'malformed JSON body (REST)',
      async () => {
        const r = await postRest(room, '{"message": "unterminated');
        expect(r.status).toBe(400);
        expect(r.json).toEqual({ error: 'The body is not valid JSON.' });
      },
    ],
    [
      'malformed GraphQL (syntax error)',
      async () => {
        const r = await gql(server.graphqlUrl, `mutation { sendMessage(room:"${room}", content:"x") { id `, {}, alice.token);
        expect(r.status).toBe(400);
        expect(r.errors?.[0].message).toMatch(/^Syntax Error/);
        expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
      },
    ],
    [
      'a 50-level deep query (refused by maxDepth / maxCost before anything runs)',
      async () => {
        const deep = `${'sender { '.repeat(48)}id${' }'.repeat(48)}`;
        const r = await gql(server.graphqlUrl, `mutation { sendMessage(room:"${room}", content:"deep") { ${deep} } }`, {}, alice.token);
        expect(r.data ?? null).toBeNull();
        expect(r.errors?.map((e) => e.message).join('\n')).toMatch(/(depth|cost) limit of \d+ exceeded/i);
        // A request refused before execution is a 4xx (GraphQL over HTTP, application/graphql-response+json),
        // as the token limit and syntax errors are.
        expect(r.status).toBe(400);
      },
    ],
    [
      'an 11-level deep query (maxDepth 10)',
      async () => {
        const deep = `${'sender { '.repeat(9)}id${' }'.repeat(9)}`;
        const r = await gql(server.graphqlUrl, `mutation { sendMessage(room:"${room}", content:"deep") { ${deep} } }`, {}, alice.token);
        expect(r.data ?? null).toBeNull();
        expect(r.errors?.map((e) => e.message).join('\n')).toMatch(/depth limit of 10 exceeded, found 11/i);
        expect(r.status).toBe(400);
      },
    ],
    [
      '1,000 aliases (refused by the token limit before anything runs)',
      async () => {
        const many = Array.from({ length: 1000 }, (_, i) => `a${i}: sendMessage(room:"${room}", content:"alias ${i}") { id }`).join('\n');
        const r = await gql(server.graphqlUrl, `mutation { ${many} }`, {}, alice.token);
        expect(r.status).toBe(400);
        expect(r.data ?? null).toBeNull();
        expect(r.errors?.map((e) => e.message).join('\n')).toMatch(/(token|aliases) limit of \d+ exceeded/i);
      },
    ],
    [
      '16 aliases (maxAliases 15)',
      async () => {
        const many = Array.from({ length: 16 }, (_, i) => `a${i}: sendMessage(room:"${room}", content:"alias ${i}") { id }`).join('\n');
        const r = await gql(server.graphqlUrl, `mutation { ${many} }`, {}, alice.token);
        expect(r.data ?? null).toBeNull();
        expect(r.errors?.map((e) => e.message).join('\n')).toMatch(/aliases limit of 15 exceeded/i);
        expect(r.status).toBe(400);
      },
    ],
    [
      'unknown operation name',
      async () => {
        const r = await postGraphQL(
          JSON.stringify({
            query: `mutation A { sendMessage(room:"${room}", content:"a") { id } } mutation B { sendMessage(room:"${room}", content:"b") { id } }`,
            operationName: 'C',
          }),
          { authorization: `Bearer ${alice.token}` },
        );
        expect(r.status).toBe(400);
        expect(firstError(r).message).toMatch(/Could not determine what operation to execute|Unknown operation named "C"/);
      },
    ],
    [
      'wrong variable types',
      async () => {
        const r = await gql(server.graphqlUrl, SEND, { room: 123, content: { text: 'hi' } }, alice.token);
        expect(r.status).toBe(400);
        expect(r.data ?? null).toBeNull();
        const messages = r.errors?.map((e) => e.message).join('\n');
        expect(messages).toMatch(/Variable "\$room" got invalid value 123/);
        expect(messages).toMatch(/Variable "\$content" got invalid value/);
      },
    ],
    [
      'an oversized WebSocket frame (> maxPayload): the socket is closed with 1009',
      async () => {
        const { socket, closed, received } = await rawGraphqlSocket(server.wsUrl, alice.token);
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: SEND, variables: { room, content: 'y'.repeat(3000), pad: 'z'.repeat(100 * 1024) } },
          }),
        );
        const { code } = await closed;
        expect(code).toBe(1009);
        expect(received.filter((m) => m.type === 'next')).toEqual([]);
      },
    ],
    [
      'a cookie mutation from a foreign Origin: 403 FORBIDDEN (GraphQL and REST)',
      async () => {
        const res = await fetch(server.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: server.url },
          body: JSON.stringify({ query: 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token } }', variables: { u: alice.username, p: 'correct horse battery' } }),
        });
        const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('session='));
        expect(setCookie, 'signIn from the own origin sets the session cookie').toMatch(/^session=[^;]{20,};/);
        const cookie = setCookie!.split(';')[0];
        const r = await gql(server.graphqlUrl, SEND, { room, content: 'csrf' }, undefined, { cookie, origin: 'http://evil.example' });
        expect(r.status).toBe(403);
        expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
        expect(r.errors?.[0].message).toMatch(/Cross-origin request refused/);
        const viaRest = await rawRequest(`${server.url}/chat/api/send_message/${room}/`, {
          body: JSON.stringify({ message: 'csrf' }),
          headers: { 'content-type': 'application/json', cookie, origin: 'http://evil.example' },
        });
        expect(viaRest.status).toBe(403);
      },
    ],
    [
      'an expired session token: UNAUTHENTICATED (GraphQL, REST, WebSocket)',
      async () => {
        const bob = await signUp(server.graphqlUrl, 'bob');
        const sessions = await db.sql('SELECT id, "expiresAt" FROM "Session" WHERE "userId" = ?', [bob.id]);
        expect(sessions.length).toBe(1);
        // Whatever the stored format, a date in the past: the same format, 60 days earlier.
        const stored = sessions[0].expiresAt;
        const past = typeof stored === 'number' ? Date.now() - 60_000 : new Date(Date.now() - 60_000).toISOString();
        await db.sql('UPDATE "Session" SET "expiresAt" = ? WHERE "userId" = ?', [past, bob.id]);

        const r = await gql(server.graphqlUrl, SEND, { room, content: 'expired' }, bob.token);
        expect(r.status).toBe(401);
        expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
        expect(r.errors?.[0].message).toMatch(/invalid, expired or revoked/);
        const viaRest = await postRest(room, JSON.stringify({ message: 'expired' }), { authorization: `Bearer ${bob.token}` });
        expect(viaRest.status).toBe(401);
        const ws = wsClient(server.wsUrl, bob.token);
        clients.push(ws);
        const wsSub = subscribeRoom(ws, room);
        await wsSub.until(() => wsSub.errors.length > 0, 5000, 'the socket to be refused');
        expect((wsSub.errors[0] as { code?: number }).code).toBe(4403);
      },
    ],
    [
      'a revoked token (after signOut): UNAUTHENTICATED',
      async () => {
        const carol = await signUp(server.graphqlUrl, 'carol');
        const out = await gql(server.graphqlUrl, 'mutation { signOut }', {}, carol.token);
        expect(out.data).toEqual({ signOut: true });
        const r = await gql(server.graphqlUrl, SEND, { room, content: 'revoked' }, carol.token);
        expect(r.status).toBe(401);
        expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
        const viaRest = await postRest(room, JSON.stringify({ message: 'revoked' }), { authorization: `Bearer ${carol.token}` });
        expect(viaRest.status).toBe(401);
      },
    ],
    [
      `a body over MAX_BODY_BYTES (${MAX_BODY_BYTES}): 413 (GraphQL and REST)`,
      async () => {
        const body = JSON.stringify({ query: SEND, variables: { room, content: 'fits' }, pad: 'p'.repeat(MAX_BODY_BYTES) });
        const r = await postGraphQL(body, { authorization: `Bearer ${alice.token}` });
        expect(r.status).toBe(413);
        expect(r.json.error).toMatch(/larger than 1048576 bytes/);
        const viaRest = await postRest(room, JSON.stringify({ message: 'fits', pad: 'p'.repeat(MAX_BODY_BYTES) }));
        expect(viaRest.status).toBe(413);
      },
    ],
  ];

  it.each(rows)('%s', async (_name, row) => {
    await row();
    await nothingStored();
  });

  it('none of the rows delivered anything: the next good message is the next seq and the first delivered', async () => {
    // The good message is the marker: whatever the rows delivered would have come before it.
    let good!: { seq: number };
    const delivered = await deliveredBeforeMarker(sub, async () => (good = await send(server.graphqlUrl, alice.token, room, 'good')));
    expect(good.seq).toBe(base + 1);
    expect(delivered.length).toBe(seen);
  });
  it('a chunked body (no Content-Length) is refused with 411 (its size cannot be checked up front), nothing stored', async () => {
    // The same oversized request, streamed: nothing announces its size up front. A room of
    // its own, so that a failure here does not spill into the rows above.
    const other = uniqueRoom('chunked');
    const head = JSON.stringify({ query: SEND, variables: { room: other, content: 'chunked and too big' } }).slice(0, -2);
    const chunks = [head, ...Array.from({ length: 4 }, (_, i) => `,"pad${i}":"${'p'.repeat(MAX_BODY_BYTES / 2)}"`), '}}'];
    const r = await rawRequest(server.graphqlUrl, {
      chunks,
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${alice.token}` },
    });
    const stored = await lastSeq(server, other);
    expect({ status: r.status, stored }, r.text.slice(0, 300)).toEqual({ status: 411, stored: 0 });
    expect(JSON.parse(r.text).error).toMatch(/Content-Length/);
  });
});
