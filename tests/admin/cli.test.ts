// The admin command line (npm run admin) on SQLite and PostgreSQL: it applies migrations
// to an empty database, creates an admin who can sign in as one, promotes and demotes,
// refuses a taken name, a weak password, an unknown user and demoting the last admin with
// one line on stderr and a non-zero exit, and logs what it changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { gql, signUp } from '../support/client.js';
import { PASSWORD, runAdmin, signIn, uniqueName, type CliResult } from './helpers.js';

const oneLineError = (r: CliResult, message: RegExp) => {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1); // no stack trace
  expect(r.stderr).toMatch(message);
};

for (const provider of providers) {
  describe(`npm run admin (${provider})`, { timeout: 120_000 }, () => {
    let db: TestDatabase;
    let server: RunningServer;
    const admin = uniqueName('Root');
    beforeAll(async () => {
      db = await freshDatabase(provider);
    });
    afterAll(async () => {
      await server?.stop();
      await db?.drop();
    });

    it('create on an empty database: migrates it, makes an admin who signs in as ADMIN', async () => {
      const r = await runAdmin(db.url, ['create', admin, '--password-stdin'], `${PASSWORD}\n`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^created admin ${admin} \\(id \\w+\\)\\n$`));

      server = await startServer({ databaseUrl: db.url });
      const me = await signIn(server.graphqlUrl, admin); // the password came through stdin, newline dropped
      expect(me.role).toBe('ADMIN');
    });

    it('refuses a taken name (whatever its case), a weak password and a bad name, one line each', async () => {
      oneLineError(await runAdmin(db.url, ['create', admin.toUpperCase(), '--password-stdin'], PASSWORD), /^error: The username ".+" is taken\.$/m);
      oneLineError(await runAdmin(db.url, ['create', uniqueName('x'), '--password-stdin'], 'short\n'), /^error: Passwords need at least 8 characters\.$/m);
      oneLineError(await runAdmin(db.url, ['create', 'no spaces', '--password-stdin'], PASSWORD), /^error: Invalid username/m);
    });

    it('promote and demote an existing user; an unknown user and the last admin are refused', async () => {
      const bob = await signUp(server.graphqlUrl, 'bob');
      const promoted = await runAdmin(db.url, ['promote', bob.username]);
      expect(promoted).toMatchObject({ code: 0, stdout: `${bob.username} is an admin\n`, stderr: '' });
      expect((await gql(server.graphqlUrl, '{ me { role } }', {}, bob.token)).data.me.role).toBe('ADMIN');

      const demoted = await runAdmin(db.url, ['demote', bob.username]);
      expect(demoted).toMatchObject({ code: 0, stdout: `${bob.username} is a user\n` });
      expect((await gql(server.graphqlUrl, '{ me { role } }', {}, bob.token)).data.me.role).toBe('USER');

      oneLineError(await runAdmin(db.url, ['promote', 'nobody_here']), /^error: no user named "nobody_here"$/m);
      oneLineError(await runAdmin(db.url, ['demote', admin]), /^error: .+ is the last admin/m);
      oneLineError(await runAdmin(db.url, ['disable', admin]), /^error: .+ is the last admin/m);

      // What the command line changed is in the moderation log, with no actor.
      const rootUser = await signIn(server.graphqlUrl, admin);
      const log = await gql(
        server.graphqlUrl,
        '{ moderationLog(first: 10) { edges { node { action actor { id } targetUser { username } detail } } } }',
        {},
        rootUser.token,
      );
      expect(log.data.moderationLog.edges.map((e: any) => e.node)).toEqual([
        { action: 'setRole', actor: null, targetUser: { username: bob.username }, detail: 'user' },
        { action: 'setRole', actor: null, targetUser: { username: bob.username }, detail: 'admin' },
      ]);
    });

    it('usage errors exit 2', async () => {
      const r = await runAdmin(db.url, ['create', uniqueName('x')]); // no --password-stdin
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^usage: npm run admin/);
    });
  });
}
