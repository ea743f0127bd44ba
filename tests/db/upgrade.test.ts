// Upgrading a database that holds data: rows written under the first migration keep their
// data through the later ones and get the new columns' defaults (room/message versions
// filled in from seqs: every change before the event log was a message posted).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openEngine } from '../../server/db/engine.ts';
import { localMigrations, migrate, migrationList } from '../../server/db/migrate.ts';
import { freshDatabase, providers, type TestDatabase } from '../support/db.ts';

for (const provider of providers) {
  describe(`upgrade with data (${provider})`, { timeout: 60_000 }, () => {
    let db: TestDatabase;
    beforeAll(async () => { db = await freshDatabase(provider); });
    afterAll(async () => { await db?.drop(); });

    it('rows from before the room event log migrate with versions and no moderation state', async () => {
      const [first, ...rest] = localMigrations(provider);
      expect(rest.map((m) => m.name)).toContainEqual(expect.stringMatching(/_room_event_log$/));
      // The database as the first release left it.
      const { engine, close } = await openEngine(db.url);
      try {
        await engine.applyMigrations({ migrationsList: migrationList(provider, [first]), filters: { externalTables: [], externalEnums: [] } });
      } finally {
        await close();
      }
      await db.sql(`INSERT INTO "User" ("id", "username", "usernameKey", "passwordHash") VALUES ('u1', 'alice', 'alice', 'x')`);
      await db.sql(`INSERT INTO "Room" ("id", "name", "lastSeq") VALUES ('r1', 'general', 2), ('r2', 'empty', 0)`);
      await db.sql(
        `INSERT INTO "Message" ("id", "roomId", "seq", "senderId", "content") VALUES ('m1', 'r1', 1, 'u1', 'one'), ('m2', 'r1', 2, 'u1', 'two')`,
      );

      const { applied } = await migrate(db.url);
      expect(applied).toEqual(rest.map((m) => m.name));

      expect(await db.sql(`SELECT "username", "role", "disabledAt" FROM "User"`)).toEqual([{ username: 'alice', role: 'user', disabledAt: null }]);
      expect(await db.sql(`SELECT "name", "lastSeq", "version" FROM "Room" ORDER BY "name"`)).toEqual([
        { name: 'empty', lastSeq: 0, version: 0 },
        { name: 'general', lastSeq: 2, version: 2 },
      ]);
      expect(await db.sql(`SELECT "id", "seq", "content", "version", "editedAt", "deletedAt" FROM "Message" ORDER BY "seq"`)).toEqual([
        { id: 'm1', seq: 1, content: 'one', version: 1, editedAt: null, deletedAt: null },
        { id: 'm2', seq: 2, content: 'two', version: 2, editedAt: null, deletedAt: null },
      ]);
      expect(await db.sql(`SELECT COUNT(*) AS n FROM "ModerationAction"`)).toEqual([{ n: provider === 'sqlite' ? 0 : '0' }]);
    });
  });
}
