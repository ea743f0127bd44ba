// Accounts end to end, on SQLite and PostgreSQL: API tokens, the session cookie and its
// CSRF (Origin) checks, and WebSocket authentication — real server processes, real fetch
// and real graphql-ws / ws clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { SEND, deliveredBeforeMarker, gql, send, signUp, sleep, subscribeRoom, uniqueRoom, untilLive, wsClient } from '../support/client.js';
import {
  PASSWORD,
  SIGN_IN,
  closeCode,
  gqlRaw,
  lastSeq,
  messageCount,
  rest,
  sessionCookies,
  sha256Hex,
  sql,
  upgradeOutcome,
  webSocketWithHeaders,
  wsExecute,
} from './helpers.js';

const CREATE = 'mutation($n:String!){ createApiToken(name:$n){ token apiToken { id name createdAt lastUsedAt } } }';
const REVOKE = 'mutation($id:ID!){ revokeApiToken(id:$id) }';
const LIST = '{ apiTokens { id name createdAt lastUsedAt } }';
const ME = '{ me { id username } }';
const APP_ORIGIN = 'http://app.example';

describe.each(providers)('accounts on %s', (provider) => {
  let db: TestDatabase;
  let cfgDb: TestDatabase;
  let server: RunningServer;
  /** TRUST_PROXY=true, ALLOWED_ORIGINS=http://app.example */
  let cfg: RunningServer;
  let alice: Awaited<ReturnType<typeof signUp>>;
  const clients: { dispose(): unknown }[] = [];
  const client = (token?: string, extra = {}) => {
    const c = wsClient(server.wsUrl, token, extra);
    clients.push(c);
    return c;
  };

  /** Signs alice in over HTTP and returns the Set-Cookie she got and the payload token. */
  async function cookieSignIn(target: RunningServer, username: string, headers: Record<string, string> = {}) {
    const r = await gqlRaw(target.graphqlUrl, SIGN_IN, { u: username, p: PASSWORD }, headers);
    expect(r.status, r.text).toBe(200);
    const cookies = sessionCookies(r.headers);
    expect(cookies).toHaveLength(1);
    return { setCookie: cookies[0], token: r.data.signIn.token as string, cookie: `session=${cookies[0].value}` };
  }

  beforeAll(async () => {
    [db, cfgDb] = await Promise.all([freshDatabase(provider), freshDatabase(provider)]);
    [server, cfg] = await Promise.all([
      startServer({ databaseUrl: db.url, redis: true }),
      startServer({ databaseUrl: cfgDb.url, redis: true, env: { TRUST_PROXY: 'true', ALLOWED_ORIGINS: APP_ORIGIN } }),
    ]);
    alice = await signUp(server.graphqlUrl, 'alice');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([server?.stop(), cfg?.stop()]);
    await Promise.all([db?.drop(), cfgDb?.drop()]);
  });

  describe('API tokens', () => {
    it('are shown once, stored hashed, work over HTTP, REST and WebSocket, and stop working when revoked', async () => {
      const created = await gql(server.graphqlUrl, CREATE, { n: 'deploy bot' }, alice.token);
      expect(created.errors).toBeUndefined();
      const { token, apiToken } = created.data.createApiToken;
      expect(token).toMatch(/^chat_pat_[a-z2-7]{20,}$/);
      expect(apiToken).toMatchObject({ name: 'deploy bot', lastUsedAt: null });
      expect(Number.isNaN(Date.parse(apiToken.createdAt))).toBe(false);

      // Stored hashed: the row holds the SHA-256 (hex) of the secret, never the secret.
      const rows = await sql(db, 'SELECT * FROM "ApiToken" WHERE id = $1', [apiToken.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].tokenHash).not.toBe(token);
      expect(rows[0].tokenHash).toBe(sha256Hex(token));
      expect(JSON.stringify(rows[0])).not.toContain(token.slice('chat_pat_'.length));

      // GraphQL over HTTP.
      expect((await gql(server.graphqlUrl, ME, {}, token)).data.me).toEqual({ id: alice.id, username: alice.username });
      const room = uniqueRoom('pat');
      const sub = subscribeRoom(client(), room);
      const base = await untilLive(sub, () => send(server.graphqlUrl, alice.token, room, 'probe'));
      const viaHttp = await send(server.graphqlUrl, token, room, 'via GraphQL with an API token');
      expect(viaHttp).toMatchObject({ seq: base + 1, sender: { id: alice.id, username: alice.username } });

      // REST with Bearer.
      const viaRest = await rest(server.url, { room, json: { message: 'via REST with an API token' }, headers: { authorization: `Bearer ${token}` } });
      expect(viaRest.status, viaRest.text).toBe(200);
      expect(viaRest.body.message).toMatchObject({ seq: base + 2, sender: { id: alice.id } });

      // WebSocket: connectionParams.authorization (with and without "Bearer ").
      const socket = client(token);
      const viaWs = await wsExecute(socket, SEND, { room, content: 'via WebSocket with an API token' });
      expect(viaWs.errors).toBeUndefined();
      expect(viaWs.data.sendMessage).toMatchObject({ seq: base + 3, sender: { username: alice.username } });
      const bare = wsClient(server.wsUrl, undefined, { connectionParams: { authorization: token } });
      clients.push(bare);
      expect((await wsExecute(bare, ME)).data.me.username).toBe(alice.username);

      const ids = [viaHttp.id, viaRest.body.message.id, viaWs.data.sendMessage.id];
      await sub.until(() => ids.every((id) => sub.messages.some((m) => m.id === id)), 5000, 'the three API-token messages');
      expect(sub.messages.filter((m) => ids.includes(m.id)).map((m) => m.seq)).toEqual([base + 1, base + 2, base + 3]);

      // Listed without the secret, and with lastUsedAt set now that it was used.
      const list = await gqlRaw(server.graphqlUrl, LIST, {}, { authorization: `Bearer ${alice.token}` });
      const listed = list.data.apiTokens.find((t: any) => t.id === apiToken.id);
      expect(listed).toMatchObject({ name: 'deploy bot', createdAt: apiToken.createdAt });
      expect(listed.lastUsedAt).not.toBeNull();
      expect(Date.parse(listed.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(apiToken.createdAt));
      expect(list.text).not.toContain(token);
      expect(list.text).not.toContain(token.slice('chat_pat_'.length));
      expect(list.text).not.toContain(sha256Hex(token));

      // Another user can neither see nor revoke it.
      const mallory = await signUp(server.graphqlUrl, 'mallory');
      expect((await gql(server.graphqlUrl, LIST, {}, mallory.token)).data.apiTokens).toEqual([]);
      expect((await gql(server.graphqlUrl, REVOKE, { id: apiToken.id }, mallory.token)).data.revokeApiToken).toBe(false);
      expect((await gql(server.graphqlUrl, ME, {}, token)).data.me.username).toBe(alice.username);

      // Keep `socket` connected through the revocation (a lazy client closes when idle).
      const keepOpen = subscribeRoom(socket, uniqueRoom('keep-open'), 0);
      await sleep(300);

      // Revoke (once).
      expect((await gql(server.graphqlUrl, REVOKE, { id: apiToken.id }, alice.token)).data.revokeApiToken).toBe(true);
      expect((await gql(server.graphqlUrl, REVOKE, { id: apiToken.id }, alice.token)).data.revokeApiToken).toBe(false);
      expect((await gql(server.graphqlUrl, LIST, {}, alice.token)).data.apiTokens.map((t: any) => t.id)).not.toContain(apiToken.id);

      // Refused everywhere now.
      const httpAfter = await gql(server.graphqlUrl, SEND, { room, content: 'after revoke' }, token);
      expect(httpAfter.status).toBe(401);
      expect(httpAfter.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      const restAfter = await rest(server.url, { room, json: { message: 'after revoke' }, headers: { authorization: `Bearer ${token}` } });
      expect(restAfter.status, restAfter.text).toBe(401);
      expect(typeof restAfter.body.error).toBe('string');
      const wsAfter = await closeCode(
        (onClosed) => wsClient(server.wsUrl, token, { lazy: false, on: { closed: (e: any) => onClosed(e.code) }, onNonLazyError: () => {} }),
        clients,
      );
      expect(wsAfter).toBe(4403);
      // The socket opened before the revocation: once its last check is over 2 s old, its
      // next operation finds the token revoked, is refused and the socket closed (4403).
      await sleep(2100);
      const openAfter = await wsExecute(socket, SEND, { room, content: 'after revoke' }).then(
        (r) => r.errors?.[0]?.extensions?.code ?? 'sent',
        (e) => e?.code,
      );
      expect([4403, 'UNAUTHENTICATED']).toContain(openAfter);
      await keepOpen.until(() => keepOpen.completed || keepOpen.errors.length > 0, 5000, 'the open socket to close');
      expect(await lastSeq(server.graphqlUrl, room)).toBe(base + 3);
      const delivered = await deliveredBeforeMarker(sub, () => send(server.graphqlUrl, alice.token, room, 'marker'));
      expect(delivered.some((m) => m.content === 'after revoke')).toBe(false);
    });

    it('need a session: an API token cannot create or revoke tokens, anonymous cannot either', async () => {
      const { token, apiToken } = (await gql(server.graphqlUrl, CREATE, { n: 'ci' }, alice.token)).data.createApiToken;
      const before = (await sql(db, 'SELECT COUNT(*) AS n FROM "ApiToken"'))[0].n;

      const mint = await gql(server.graphqlUrl, CREATE, { n: 'child' }, token);
      expect(mint.data).toBeNull();
      expect(mint.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const revoke = await gql(server.graphqlUrl, REVOKE, { id: apiToken.id }, token);
      expect(revoke.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const anon = await gql(server.graphqlUrl, CREATE, { n: 'anon' });
      expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      const anonList = await gql(server.graphqlUrl, LIST);
      expect(anonList.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      const blank = await gql(server.graphqlUrl, CREATE, { n: '   ' }, alice.token);
      expect(blank.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

      expect((await sql(db, 'SELECT COUNT(*) AS n FROM "ApiToken"'))[0].n).toBe(before);
      // …and the API token itself still works (the refusals did not revoke it).
      expect((await gql(server.graphqlUrl, ME, {}, token)).data.me.username).toBe(alice.username);
    });

    it('a user holds at most 50 live tokens: concurrent creations stop at 50, the 51st is refused until one is revoked', async () => {
      const owner = await signUp(server.graphqlUrl, 'tokens');
      const live = async () =>
        Number((await sql(db, 'SELECT COUNT(*) AS n FROM "ApiToken" WHERE "userId" = $1 AND "revokedAt" IS NULL', [owner.id]))[0].n);
      // 60 at once: the cap holds under concurrency (some may be refused while others race).
      const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => gql(server.graphqlUrl, CREATE, { n: `t${i}` }, owner.token)));
      const made = burst.filter((r) => r.data?.createApiToken).length;
      expect(made).toBeLessThanOrEqual(50);
      expect(await live()).toBe(made);
      for (const r of burst.filter((r) => !r.data?.createApiToken)) expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      for (let i = made; i < 50; i++) expect((await gql(server.graphqlUrl, CREATE, { n: `fill${i}` }, owner.token)).errors).toBeUndefined();

      const over = await gql(server.graphqlUrl, CREATE, { n: 'one too many' }, owner.token);
      expect(over.data ?? null).toBeNull();
      expect(over.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(over.errors?.[0].message).toMatch(/You have 50 API tokens, the most one user may hold\. Revoke one/);
      const list = (await gql(server.graphqlUrl, LIST, {}, owner.token)).data.apiTokens;
      expect(list).toHaveLength(50);
      expect(await live()).toBe(50);

      expect((await gql(server.graphqlUrl, REVOKE, { id: list[0].id }, owner.token)).data.revokeApiToken).toBe(true);
      expect((await gql(server.graphqlUrl, CREATE, { n: 'after revoking' }, owner.token)).errors).toBeUndefined();
      expect(await live()).toBe(50);
    });
  });

  describe('usernames', () => {
    const SIGN_UP = 'mutation($u:String!,$p:String!){ signUp(username:$u,password:$p){ token user { id username } } }';
    const signUpAs = (u: string) => gql(server.graphqlUrl, SIGN_UP, { u, p: PASSWORD });

    it('that differ only by case folding, compatibility forms or look-alike letters of another script are one account', async () => {
      const strasse = await signUpAs('straße');
      expect(strasse.errors).toBeUndefined();
      for (const variant of ['STRASSE', 'Strasse', 'ｓｔｒａｓｓｅ']) {
        const taken = await signUpAs(variant);
        expect(taken.errors?.[0], variant).toMatchObject({ message: `The username "${variant.normalize('NFC')}" is taken.`, extensions: { code: 'BAD_USER_INPUT' } });
      }
      // …and each spelling signs in to that one account.
      const upper = await gqlRaw(server.graphqlUrl, SIGN_IN, { u: 'STRASSE', p: PASSWORD });
      expect(upper.data?.signIn.user).toEqual(strasse.data.signUp.user);

      expect((await signUpAs('paypal')).errors).toBeUndefined();
      const cyrillic = await signUpAs('\u0440\u0430ypal'); // Cyrillic р and а
      expect(cyrillic.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(cyrillic.errors?.[0].message).toMatch(/is taken/);
      const [{ n }] = await sql(db, 'SELECT COUNT(*) AS n FROM "User" WHERE username IN ($1, $2, $3)', ['STRASSE', '\u0440\u0430ypal', 'ｓｔｒａｓｓｅ']);
      expect(Number(n)).toBe(0);
    });

    it('with invisible or control characters are refused (BAD_USER_INPUT), at sign-up and sign-in alike', async () => {
      for (const name of ['a\u3164b', '\u3164', 'ab\u200b', 'a\u00adb', 'a\u0007b']) {
        const r = await signUpAs(name);
        expect(r.errors?.[0], JSON.stringify(name)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'username' } });
        const signIn = await gqlRaw(server.graphqlUrl, SIGN_IN, { u: name, p: PASSWORD });
        expect(signIn.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      }
    });

    it('an account whose key was stored the old way (before look-alike keys) still signs in, and gets its new key', async () => {
      const mike = await signUpAs('Mike');
      expect(mike.errors).toBeUndefined();
      // As servers before look-alike keys stored it: NFKC, lower case.
      await sql(db, 'UPDATE "User" SET "usernameKey" = $1 WHERE id = $2', ['mike', mike.data.signUp.user.id]);
      expect((await signUpAs('MIKE')).errors?.[0].message).toMatch(/is taken/);
      const r = await gqlRaw(server.graphqlUrl, SIGN_IN, { u: 'mike', p: PASSWORD });
      expect(r.data?.signIn.user.id).toBe(mike.data.signUp.user.id);
      const [row] = await sql(db, 'SELECT "usernameKey" AS k FROM "User" WHERE id = $1', [mike.data.signUp.user.id]);
      expect(row.k).not.toBe('mike');
      expect((await signUpAs('rnike')).errors?.[0].message).toMatch(/is taken/); // "m" looks like "rn"
    });
  });

  describe('the session cookie', () => {
    it('is set by signIn: HttpOnly, SameSite=Lax, Path=/, not Secure over plain http', async () => {
      const { setCookie, token } = await cookieSignIn(server, alice.username);
      expect(setCookie.value).toBe(token);
      expect(setCookie.attributes.httponly).toBe(true);
      expect(String(setCookie.attributes.samesite).toLowerCase()).toBe('lax');
      expect(setCookie.attributes.path).toBe('/');
      expect(setCookie.attributes.secure).toBeUndefined();
      expect(Date.parse(String(setCookie.attributes.expires))).toBeGreaterThan(Date.now() + 24 * 3600_000);
      // The session is stored hashed too.
      const rows = await sql(db, 'SELECT id FROM "Session" WHERE id = $1', [sha256Hex(token)]);
      expect(rows).toHaveLength(1);
      expect(await sql(db, 'SELECT id FROM "Session" WHERE id = $1', [token])).toEqual([]);

      // signUp over HTTP signs in with the cookie as well.
      const up = await gqlRaw(server.graphqlUrl, 'mutation($u:String!,$p:String!){ signUp(username:$u,password:$p){ token } }', {
        u: uniqueRoom('erin'),
        p: PASSWORD,
      });
      const upCookie = sessionCookies(up.headers);
      expect(upCookie).toHaveLength(1);
      expect(upCookie[0].value).toBe(up.data.signUp.token);
      expect(upCookie[0].attributes.httponly).toBe(true);
    });

    it('is Secure when TRUST_PROXY=true and the proxy says X-Forwarded-Proto: https (and only then)', async () => {
      const carol = await signUp(cfg.graphqlUrl, 'carol');
      const https = await cookieSignIn(cfg, carol.username, { 'x-forwarded-proto': 'https' });
      expect(https.setCookie.attributes.secure).toBe(true);
      expect(https.setCookie.attributes.httponly).toBe(true);
      const http = await cookieSignIn(cfg, carol.username, { 'x-forwarded-proto': 'http' });
      expect(http.setCookie.attributes.secure).toBeUndefined();
      // Without TRUST_PROXY the header is ignored.
      const untrusted = await cookieSignIn(server, alice.username, { 'x-forwarded-proto': 'https' });
      expect(untrusted.setCookie.attributes.secure).toBeUndefined();
    });

    it('authenticates mutations only from an allowed Origin (or Referer); queries from anywhere', async () => {
      const { cookie } = await cookieSignIn(server, alice.username);
      const room = uniqueRoom('cookie');
      const sub = subscribeRoom(client(), room, 0);
      const mutate = (content: string, headers: Record<string, string>) => gqlRaw(server.graphqlUrl, SEND, { room, content }, { cookie, ...headers });

      const ok = await mutate('own origin', { origin: server.url });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.data.sendMessage).toMatchObject({ seq: 1, sender: { id: alice.id, username: alice.username } });

      const viaReferer = await mutate('own referer', { referer: `${server.url}/rooms/x?y=1` });
      expect(viaReferer.status, viaReferer.text).toBe(200);
      expect(viaReferer.data.sendMessage.seq).toBe(2);

      for (const [what, headers] of [
        ['foreign Origin', { origin: 'http://evil.example' }],
        ['foreign Origin with own Referer', { origin: 'http://evil.example', referer: `${server.url}/` }],
        ['foreign Referer', { referer: 'http://evil.example/page' }],
        ['no Origin and no Referer', {}],
        ['Origin: null', { origin: 'null' }],
        ['own host over https', { origin: server.url.replace('http:', 'https:') }],
        ['ALLOWED_ORIGINS of another server', { origin: APP_ORIGIN }],
      ] as [string, Record<string, string>][]) {
        const r = await mutate(`refused: ${what}`, headers);
        expect(r.status, `${what}: ${r.text}`).toBe(403);
        expect(r.errors?.[0].extensions?.code, what).toBe('FORBIDDEN');
        expect(r.data ?? null, what).toBeNull();
      }

      // Read-only queries with the cookie work from a foreign origin (and without one).
      const me = await gqlRaw(server.graphqlUrl, ME, {}, { cookie, origin: 'http://evil.example' });
      expect(me.status).toBe(200);
      expect(me.data.me).toEqual({ id: alice.id, username: alice.username });
      expect((await gqlRaw(server.graphqlUrl, ME, {}, { cookie })).data.me.username).toBe(alice.username);

      await sub.until(() => sub.messages.length >= 2, 5000, 'the two allowed messages');
      expect(await messageCount(db, room)).toBe(2);
      const delivered = await deliveredBeforeMarker(sub, () => send(server.graphqlUrl, alice.token, room, 'marker'));
      expect(delivered.map((m) => m.content)).toEqual(['own origin', 'own referer']);
    });

    it('signOut clears the cookie and the old cookie value is refused afterwards', async () => {
      const { cookie, token } = await cookieSignIn(server, alice.username);
      const out = await gqlRaw(server.graphqlUrl, 'mutation { signOut }', {}, { cookie, origin: server.url });
      expect(out.status, out.text).toBe(200);
      expect(out.data.signOut).toBe(true);
      const cleared = sessionCookies(out.headers);
      expect(cleared).toHaveLength(1);
      expect(cleared[0].value).toBe('');
      expect(Date.parse(String(cleared[0].attributes.expires))).toBeLessThan(Date.now());
      expect(cleared[0].attributes.path).toBe('/');
      expect(await sql(db, 'SELECT id FROM "Session" WHERE id = $1', [sha256Hex(token)])).toEqual([]);

      const after = await gqlRaw(server.graphqlUrl, ME, {}, { cookie, origin: server.url });
      expect(after.status).toBe(401);
      expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      const room = uniqueRoom('signedout');
      const restAfter = await rest(server.url, { room, json: { message: 'x' }, headers: { cookie, origin: server.url } });
      expect(restAfter.status, restAfter.text).toBe(401);
      expect(await lastSeq(server.graphqlUrl, room)).toBe(0);
      // The same token as Bearer is dead too.
      expect((await gql(server.graphqlUrl, ME, {}, token)).status).toBe(401);
      // A foreign page cannot sign the user out with the cookie either.
      const fresh = await cookieSignIn(server, alice.username);
      const csrfOut = await gqlRaw(server.graphqlUrl, 'mutation { signOut }', {}, { cookie: fresh.cookie, origin: 'http://evil.example' });
      expect(csrfOut.status).toBe(403);
      expect((await gqlRaw(server.graphqlUrl, ME, {}, { cookie: fresh.cookie })).data.me.username).toBe(alice.username);
    });

    it('ALLOWED_ORIGINS lets a configured origin act with the cookie (GraphQL, REST, WebSocket)', async () => {
      const dave = await signUp(cfg.graphqlUrl, 'dave');
      const { cookie } = await cookieSignIn(cfg, dave.username);
      const room = uniqueRoom('allowed');

      const r = await gqlRaw(cfg.graphqlUrl, SEND, { room, content: 'from the app' }, { cookie, origin: APP_ORIGIN });
      expect(r.status, r.text).toBe(200);
      expect(r.data.sendMessage).toMatchObject({ seq: 1, sender: { username: dave.username } });
      expect(r.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(r.headers.get('access-control-allow-credentials')).toBe('true');

      const viaRest = await rest(cfg.url, { room, json: { message: 'from the app via REST' }, headers: { cookie, origin: APP_ORIGIN } });
      expect(viaRest.status, viaRest.text).toBe(200);
      expect(viaRest.body.message.seq).toBe(2);

      // Its own origin still works; others are still refused.
      const own = await gqlRaw(cfg.graphqlUrl, SEND, { room, content: 'own' }, { cookie, origin: cfg.url });
      expect(own.status, own.text).toBe(200);
      const evil = await gqlRaw(cfg.graphqlUrl, SEND, { room, content: 'evil' }, { cookie, origin: 'http://evil.example' });
      expect(evil.status).toBe(403);
      expect(evil.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const evilRest = await rest(cfg.url, { room, json: { message: 'evil' }, headers: { cookie, origin: 'http://app.example.evil.example' } });
      expect(evilRest.status).toBe(403);
      expect(await messageCount(cfgDb, room)).toBe(3);

      expect(await upgradeOutcome(cfg.wsUrl, { origin: APP_ORIGIN })).toEqual({ open: true });
      expect(await upgradeOutcome(cfg.wsUrl, { origin: 'http://evil.example' })).toEqual({ status: 403 });
      // Behind the trusted proxy, the own origin is https:// when the proxy says so.
      const proxied = await gqlRaw(cfg.graphqlUrl, SEND, { room, content: 'proxied' }, {
        cookie,
        origin: cfg.url.replace('http:', 'https:'),
        'x-forwarded-proto': 'https',
      });
      expect(proxied.status, proxied.text).toBe(200);
    });

    it('REST answers CORS for an ALLOWED_ORIGINS origin like /graphql does (preflight, and a readable response)', async () => {
      const heidi = await signUp(cfg.graphqlUrl, 'heidi');
      const { cookie } = await cookieSignIn(cfg, heidi.username);
      const room = uniqueRoom('cors');
      const preflight = (path: string, origin: string) =>
        fetch(cfg.url + path, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
        });

      // The reference: /graphql lets the configured origin in, with credentials.
      const gqlPre = await preflight('/graphql', APP_ORIGIN);
      expect(gqlPre.status).toBeLessThan(300);
      expect(gqlPre.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);

      // A JSON POST from http://app.example is preflighted by browsers: REST must answer it.
      const restPre = await preflight(`/chat/api/send_message/${room}/`, APP_ORIGIN);
      expect(restPre.status, 'REST preflight status').toBeLessThan(300);
      expect(restPre.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(restPre.headers.get('access-control-allow-credentials')).toBe('true');

      const sent = await rest(cfg.url, { room, json: { message: 'from the app' }, headers: { cookie, origin: APP_ORIGIN } });
      expect(sent.status, sent.text).toBe(200);
      expect(sent.headers.get('access-control-allow-origin'), 'REST response readable by the app').toBe(APP_ORIGIN);
      expect(sent.headers.get('access-control-allow-credentials')).toBe('true');
    });
  });

  describe('behind a trusted proxy', () => {
    it('takes the own origin from X-Forwarded-Proto/-Host with TRUST_PROXY=true, for HTTP and WebSocket alike, and ignores them without', async () => {
      const frank = await signUp(cfg.graphqlUrl, 'frank');
      const { cookie } = await cookieSignIn(cfg, frank.username, { 'x-forwarded-proto': 'https' });
      const room = uniqueRoom('proxy');
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'chat.example' };
      const mutate = (target: RunningServer, c: string, headers: Record<string, string>) =>
        gqlRaw(target.graphqlUrl, SEND, { room, content: 'via proxy' }, { cookie: c, ...headers });

      const ok = await mutate(cfg, cookie, { ...forwarded, origin: 'https://chat.example' });
      expect(ok.status, ok.text).toBe(200);
      expect((await mutate(cfg, cookie, { origin: 'https://chat.example' })).status).toBe(403);
      expect((await mutate(cfg, cookie, { ...forwarded, origin: 'http://chat.example' })).status).toBe(403);
      expect(await upgradeOutcome(cfg.wsUrl, { ...forwarded, origin: 'https://chat.example' })).toEqual({ open: true });
      expect(await upgradeOutcome(cfg.wsUrl, { origin: 'https://chat.example' })).toEqual({ status: 403 });

      // Without TRUST_PROXY, a client cannot make its own Origin "own" with forwarded headers.
      const { cookie: aliceCookie } = await cookieSignIn(server, alice.username);
      const spoofed = { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example', origin: 'http://evil.example' };
      const refused = await mutate(server, aliceCookie, spoofed);
      expect(refused.status).toBe(403);
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(await upgradeOutcome(server.wsUrl, spoofed)).toEqual({ status: 403 });
      expect(await messageCount(cfgDb, room)).toBe(1);
      expect(await messageCount(db, room)).toBe(0);
    });

    it('treats a proxy chain\'s X-Forwarded-Proto "https, http" the same on the WebSocket upgrade as over HTTP', async () => {
      const grace = await signUp(cfg.graphqlUrl, 'grace');
      const { cookie } = await cookieSignIn(cfg, grace.username);
      const headers = { 'x-forwarded-proto': 'https, http', origin: cfg.url.replace('http:', 'https:') };
      // Over HTTP the first (client-facing) value counts: the https own origin may act.
      const overHttp = await gqlRaw(cfg.graphqlUrl, SEND, { room: uniqueRoom('chain'), content: 'chain' }, { cookie, ...headers });
      expect(overHttp.status, overHttp.text).toBe(200);
      // The WebSocket upgrade with the same headers must be accepted as well.
      expect(await upgradeOutcome(cfg.wsUrl, headers)).toEqual({ open: true });
    });
  });

  describe('WebSocket authentication', () => {
    it('refuses an upgrade from a foreign Origin with 403, allows the own origin and non-browser clients', async () => {
      expect(await upgradeOutcome(server.wsUrl, { origin: 'http://evil.example' })).toEqual({ status: 403 });
      expect(await upgradeOutcome(server.wsUrl, { origin: `http://127.0.0.1:${server.port + 1}` })).toEqual({ status: 403 });
      expect(await upgradeOutcome(server.wsUrl, { origin: server.url })).toEqual({ open: true });
      expect(await upgradeOutcome(server.wsUrl, {})).toEqual({ open: true });
    });

    it('closes with 4403 for an invalid token or an invalid cookie', async () => {
      const closedWith = (extra: Record<string, unknown>) =>
        closeCode(
          (onClosed) =>
            wsClient(server.wsUrl, undefined, { lazy: false, on: { closed: (e: any) => onClosed(e.code) }, onNonLazyError: () => {}, ...extra }),
          clients,
        );
      expect(await closedWith({ connectionParams: { authorization: 'Bearer not-a-real-token' } })).toBe(4403);
      expect(await closedWith({ connectionParams: { authorization: 'chat_pat_forged' } })).toBe(4403);
      expect(await closedWith({ webSocketImpl: webSocketWithHeaders({ cookie: 'session=forged' }) })).toBe(4403);
    });

    it('authenticates the socket from a valid session cookie on the upgrade', async () => {
      const { cookie, token } = await cookieSignIn(server, alice.username);
      const socket = wsClient(server.wsUrl, undefined, { webSocketImpl: webSocketWithHeaders({ cookie, origin: server.url }) });
      clients.push(socket);
      const me = await wsExecute(socket, ME);
      expect(me.errors).toBeUndefined();
      expect(me.data.me).toEqual({ id: alice.id, username: alice.username });

      const room = uniqueRoom('wscookie');
      const sub = subscribeRoom(socket, room, 0);
      const sent = await wsExecute(socket, SEND, { room, content: 'sent over a cookie socket' });
      expect(sent.errors).toBeUndefined();
      expect(sent.data.sendMessage).toMatchObject({ room, seq: 1, content: 'sent over a cookie socket', sender: { id: alice.id, username: alice.username } });
      await sub.until(() => sub.messages.length === 1, 5000, 'the cookie-socket message');
      expect(sub.messages[0].sender?.username).toBe(alice.username);

      // Without the cookie, the same socket setup is anonymous and may not send.
      const anon = client();
      const refused = await wsExecute(anon, SEND, { room, content: 'anonymous' });
      expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(await messageCount(db, room)).toBe(1);

      // Once signed out, the cookie no longer opens an authenticated socket.
      await gql(server.graphqlUrl, 'mutation { signOut }', {}, token);
      const code = await closeCode(
        (onClosed) =>
          wsClient(server.wsUrl, undefined, {
            lazy: false,
            webSocketImpl: webSocketWithHeaders({ cookie }),
            on: { closed: (e: any) => onClosed(e.code) },
            onNonLazyError: () => {},
          }),
        clients,
      );
      expect(code).toBe(4403);
    });
  });
});
