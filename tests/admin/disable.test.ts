// Disabling a user (one server, SQLite, no Redis): sign-in refused with "This account is
// disabled." only when the password is right (a wrong one gets the usual error), the
// session ends, API tokens and HTTP Basic on REST are refused, an open WebSocket is closed
// with 4403 and an event stream ends, without the user doing anything. Enabling again
// lets them sign in and their API tokens work again.
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/db.js';
import { useSqliteServer, type RunningServer } from '../support/server.js';
import { gql, send, signUp, subscribeRoom, uniqueRoom, untilLive } from '../support/client.js';
import { basicAuth, rest } from '../accounts/helpers.js';
import { createAdmin, PASSWORD, SET_DISABLED, signIn, sseSubscription, watchedClient, within } from './helpers.js';


describe('a disabled user (SQLite, one server)', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let server: RunningServer;
  useSqliteServer((d, s) => {
    db = d;
    server = s;
  });

  it('loses every way in at once, and gets them back (but the ended session) when enabled', async () => {
    const root = await createAdmin(db.url, server.graphqlUrl);
    const dave = await signUp(server.graphqlUrl, 'dave');
    const created = await gql(server.graphqlUrl, 'mutation { createApiToken(name: "bot") { token } }', {}, dave.token);
    const apiToken: string = created.data.createApiToken.token;
    const room = uniqueRoom('disable');
    await send(server.graphqlUrl, apiToken, room, 'before');

    // Open: a WebSocket subscription (session token) and an event stream (API token), both live.
    const ws = watchedClient(server.wsUrl, dave.token);
    const sub = subscribeRoom(ws.client, room);
    await untilLive(sub, () => send(server.graphqlUrl, root.token, room, 'probe'));
    const sse = await sseSubscription(server.graphqlUrl, apiToken, room, 0);
    expect(sse.status).toBe(200);
    await sse.until(() => sse.payloads.some((p) => p.data?.messageAdded?.content === 'before'), 5000, 'the replayed message');

    const disabled = await gql(server.graphqlUrl, SET_DISABLED, { id: dave.id, d: true }, root.token);
    expect(disabled.data.setUserDisabled).toMatchObject({ id: dave.id, disabledAt: expect.any(String) });

    // The open connections end, without dave sending anything.
    expect(await within(ws.closed, 5000, 'the open socket to close')).toBe(4403);
    await sse.until(() => sse.ended, 5000, 'the event stream to end');
    expect(sse.payloads.at(-1)?.errors?.[0]).toMatchObject({ message: 'This account is disabled.', extensions: { code: 'FORBIDDEN' } });

    // Sign-in: the usual error for a wrong password (no oracle), "disabled" for the right one.
    const wrong = await gql(server.graphqlUrl, 'mutation($u:String!){ signIn(username:$u,password:"wrong password"){ token } }', { u: dave.username });
    expect(wrong.errors?.[0]).toMatchObject({ message: 'Invalid username or password.', extensions: { code: 'UNAUTHENTICATED' } });
    const right = await gql(server.graphqlUrl, 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token } }', { u: dave.username, p: PASSWORD });
    expect(right.errors?.[0]).toMatchObject({ message: 'This account is disabled.', extensions: { code: 'FORBIDDEN' } });

    // Credentials: the session is gone, the API token refused (HTTP and a new WebSocket), Basic on REST refused.
    const bySession = await gql(server.graphqlUrl, '{ me { id } }', {}, dave.token);
    expect(bySession.status).toBe(401);
    expect(bySession.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const byToken = await gql(server.graphqlUrl, '{ me { id } }', {}, apiToken);
    expect(byToken.status).toBe(403);
    expect(byToken.errors?.[0]).toMatchObject({ message: 'This account is disabled.', extensions: { code: 'FORBIDDEN' } });
    const again = watchedClient(server.wsUrl, apiToken);
    expect(await within(again.closed, 5000, 'a new socket to be refused')).toBe(4403);
    const basic = await rest(server.url, { room, json: { message: 'via basic' }, headers: { authorization: basicAuth(dave.username) } });
    expect(basic.status).toBe(403);
    expect(basic.body.error).toBe('This account is disabled.');

    // Enabled again: sign-in and the API token work; the ended session stays ended.
    await gql(server.graphqlUrl, SET_DISABLED, { id: dave.id, d: false }, root.token);
    expect((await signIn(server.graphqlUrl, dave.username)).id).toBe(dave.id);
    expect((await gql(server.graphqlUrl, '{ me { id } }', {}, apiToken)).data.me.id).toBe(dave.id);
    expect((await gql(server.graphqlUrl, '{ me { id } }', {}, dave.token)).status).toBe(401);
  });
});
