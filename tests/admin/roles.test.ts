// Admin GraphQL operations and every refusal: anonymous → UNAUTHENTICATED, a user →
// FORBIDDEN, an unknown id → NOT_FOUND, leaving no enabled admin → CONFLICT; users
// search and paging; role changes take effect on the next request; the moderation log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { gql, signUp, wsClient } from '../support/client.js';
import { createAdmin, SET_DISABLED, SET_ROLE } from './helpers.js';

const USERS = 'query($q:String,$first:Int,$after:String){ users(query:$q,first:$first,after:$after){ edges { cursor node { id username role disabledAt } } pageInfo { hasNextPage endCursor } } }';
const LOG = '{ moderationLog(first: 20) { edges { node { action actor { username } targetUser { username } detail createdAt } } } }';

describe('admin operations (SQLite, one server)', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let server: RunningServer;
  let root: Awaited<ReturnType<typeof createAdmin>>;
  let bob: Awaited<ReturnType<typeof signUp>>;
  let carol: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer({ databaseUrl: db.url });
    root = await createAdmin(db.url, server.graphqlUrl);
    bob = await signUp(server.graphqlUrl, 'Bob');
    carol = await signUp(server.graphqlUrl, 'carol');
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const code = (r: { errors?: { extensions?: Record<string, any> }[] }) => r.errors?.[0]?.extensions?.code;

  it('every admin operation: UNAUTHENTICATED anonymous, FORBIDDEN for a user', async () => {
    const ops: [string, Record<string, unknown>][] = [
      [USERS, {}],
      [LOG, {}],
      [SET_ROLE, { id: carol.id, r: 'ADMIN' }],
      [SET_DISABLED, { id: carol.id, d: true }],
    ];
    for (const [query, variables] of ops) {
      expect(code(await gql(server.graphqlUrl, query, variables))).toBe('UNAUTHENTICATED');
      const asBob = await gql(server.graphqlUrl, query, variables, bob.token);
      expect(code(asBob)).toBe('FORBIDDEN');
      expect(asBob.data ?? null).toBeNull();
    }
    // Nothing changed.
    expect((await gql(server.graphqlUrl, '{ me { role } }', {}, carol.token)).data.me.role).toBe('USER');
  });

  it('users: search ignoring case, paged in username order', async () => {
    const found = await gql(server.graphqlUrl, USERS, { q: 'BOB_' }, root.token);
    expect(found.data.users.edges.map((e: any) => e.node)).toEqual([{ id: bob.id, username: bob.username, role: 'USER', disabledAt: null }]);
    expect(found.data.users.pageInfo.hasNextPage).toBe(false);

    const all: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: any = await gql(server.graphqlUrl, USERS, { first: 1, after }, root.token);
      all.push(...page.data.users.edges.map((e: any) => e.node.username));
      if (!page.data.users.pageInfo.hasNextPage) break;
      after = page.data.users.pageInfo.endCursor;
    }
    expect(all).toEqual([root.username, bob.username, carol.username].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(code(await gql(server.graphqlUrl, USERS, { first: 1000 }, root.token))).toBe('BAD_USER_INPUT');
    expect(code(await gql(server.graphqlUrl, USERS, { after: 'not-a-cursor' }, root.token))).toBe('BAD_USER_INPUT');
    // SQL LIKE wildcards in the query are plain characters: as patterns, "%" matches everyone,
    // "r%l" and "a_o" match "carol", "b_" matches "bob" by its "bo". The answer must be the
    // names that hold the text literally, computed from the generated names themselves (their
    // base-36 timestamps can hold "b_", as "…gcdb_1" did once).
    const holding = (text: string) =>
      [root, bob, carol]
        .filter((u) => u.username.toLowerCase().includes(text))
        .sort((x, y) => x.username.toLowerCase().localeCompare(y.username.toLowerCase()))
        .map((u) => u.id);
    for (const q of ['%', 'r%l', 'a_o', 'b_']) {
      const ids = (await gql(server.graphqlUrl, USERS, { q }, root.token)).data.users.edges.map((e: any) => e.node.id);
      expect(ids, q).toEqual(holding(q));
    }
    expect(holding('b_')).toContain(bob.id);
  });

  it('unknown ids are NOT_FOUND', async () => {
    expect(code(await gql(server.graphqlUrl, SET_ROLE, { id: 'nope', r: 'ADMIN' }, root.token))).toBe('NOT_FOUND');
    expect(code(await gql(server.graphqlUrl, SET_DISABLED, { id: 'nope', d: true }, root.token))).toBe('NOT_FOUND');
  });

  it('setUserRole: promoted users act as admins at once; the last admin cannot demote or disable themselves', async () => {
    expect(code(await gql(server.graphqlUrl, SET_ROLE, { id: root.id, r: 'USER' }, root.token))).toBe('CONFLICT');
    expect(code(await gql(server.graphqlUrl, SET_DISABLED, { id: root.id, d: true }, root.token))).toBe('CONFLICT');

    const promoted = await gql(server.graphqlUrl, SET_ROLE, { id: bob.id, r: 'ADMIN' }, root.token);
    expect(promoted.data.setUserRole).toEqual({ id: bob.id, username: bob.username, role: 'ADMIN', disabledAt: null });
    expect((await gql(server.graphqlUrl, USERS, { q: 'carol' }, bob.token)).data.users.edges).toHaveLength(1);

    // Two admins: one may step down; then the other is the last again.
    expect((await gql(server.graphqlUrl, SET_ROLE, { id: bob.id, r: 'USER' }, bob.token)).data.setUserRole.role).toBe('USER');
    expect(code(await gql(server.graphqlUrl, USERS, {}, bob.token))).toBe('FORBIDDEN');
    expect(code(await gql(server.graphqlUrl, SET_ROLE, { id: root.id, r: 'USER' }, root.token))).toBe('CONFLICT');
  });

  it('the moderation log lists every change, newest first, with who and what', async () => {
    const before = (await gql(server.graphqlUrl, LOG, {}, root.token)).data.moderationLog.edges.length;
    await gql(server.graphqlUrl, SET_DISABLED, { id: carol.id, d: true }, root.token);
    await gql(server.graphqlUrl, SET_DISABLED, { id: carol.id, d: true }, root.token); // no change: not logged
    await gql(server.graphqlUrl, SET_DISABLED, { id: carol.id, d: false }, root.token);
    const log = (await gql(server.graphqlUrl, LOG, {}, root.token)).data.moderationLog.edges.map((e: any) => e.node);
    expect(log).toHaveLength(before + 2);
    expect(log.slice(0, 4).map(({ createdAt: _, ...e }: any) => e)).toEqual([
      { action: 'enableUser', actor: { username: root.username }, targetUser: { username: carol.username }, detail: null },
      { action: 'disableUser', actor: { username: root.username }, targetUser: { username: carol.username }, detail: null },
      { action: 'setRole', actor: { username: bob.username }, targetUser: { username: bob.username }, detail: 'user' },
      { action: 'setRole', actor: { username: root.username }, targetUser: { username: bob.username }, detail: 'admin' },
    ]);
  });

  it('a role change reaches an open WebSocket before its next operation', async () => {
    const erin = await signUp(server.graphqlUrl, 'erin');
    // One socket for every operation below (a lazy client would reconnect, and check afresh, for each).
    const client = wsClient(server.wsUrl, erin.token, { lazy: false, onNonLazyError: () => {} });
    const run = (query: string) =>
      new Promise<any>((resolve, reject) => {
        let result: any;
        client.subscribe({ query }, { next: (v) => (result = v), error: reject, complete: () => resolve(result) });
      });
    try {
      expect((await run('{ me { role } }')).data.me.role).toBe('USER'); // connected and checked just now
      await gql(server.graphqlUrl, SET_ROLE, { id: erin.id, r: 'ADMIN' }, root.token);
      const users = await run('{ users(first: 1) { edges { node { id } } } }');
      expect(users.errors).toBeUndefined();
      expect((await run('{ me { role } }')).data.me.role).toBe('ADMIN');
    } finally {
      await client.dispose();
    }
  });
});
