// Migrations: schemas in sync with models.prisma, the migration history of each provider
// builds exactly the schema, migrate is idempotent and records what Prisma records.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import Database from 'better-sqlite3';
import { migrate } from '../../server/db/migrate.ts';
import type { Provider } from '../../server/db/url.ts';
import { root } from '../support/server.js';
import { drift } from '../../scripts/db-drift.ts';

const PG_SERVER = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

type Row = Record<string, unknown>;

/** Migration folder names and sha256 of their migration.sql, read straight from disk. */
function folders(provider: Provider): { name: string; checksum: string }[] {
  const dir = join(root, 'prisma', provider, 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => ({
      name,
      checksum: createHash('sha256').update(readFileSync(join(dir, name, 'migration.sql'))).digest('hex'),
    }));
}

interface TestDb {
  url: string;
  sql(text: string): Promise<Row[]>;
  drop(): Promise<void>;
}

async function freshDb(provider: Provider): Promise<TestDb> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'chat-migrations-'));
    // A directory that does not exist yet: migrate must create it.
    const file = join(dir, 'nested', 'chat.db');
    return {
      url: `file:${file}`,
      async sql(text) {
        const db = new Database(file);
        try {
          const stmt = db.prepare(text);
          return stmt.reader ? (stmt.all() as Row[]) : (stmt.run(), []);
        } finally {
          db.close();
        }
      },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `chat_test_${Math.random().toString(36).slice(2, 10)}`;
  const admin = async (text: string) => {
    const c = new pg.Client({ connectionString: PG_SERVER });
    await c.connect();
    try { await c.query(text); } finally { await c.end(); }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const u = new URL(PG_SERVER);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    url,
    async sql(text) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try { return (await c.query(text)).rows; } finally { await c.end(); }
    },
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

describe('schemas', () => {
  it('prisma/<provider>/schema.prisma are in sync with prisma/models.prisma (db-schemas --check)', () => {
    const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/db-schemas.ts', '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('migration folders', () => {
  it('both providers have the same, non-empty list of migrations, with a lockfile', () => {
    const sqlite = folders('sqlite').map((m) => m.name);
    const postgresql = folders('postgresql').map((m) => m.name);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(postgresql).toEqual(sqlite);
    for (const name of sqlite) expect(name).toMatch(/^\d{14}_\w+$/);
    for (const p of ['sqlite', 'postgresql'] as const) {
      expect(readFileSync(join(root, 'prisma', p, 'migrations', 'migration_lock.toml'), 'utf8')).toContain(`provider = "${p}"`);
    }
  });
});

for (const provider of ['sqlite', 'postgresql'] as const) {
  describe(`migrate (${provider})`, { timeout: 60_000 }, () => {
    let db: TestDb;
    const expected = folders(provider);
    beforeAll(async () => { db = await freshDb(provider); });
    afterAll(async () => { await db?.drop(); });

    it('applies every migration to an empty database', async () => {
      const { applied } = await migrate(db.url);
      expect(applied).toEqual(expected.map((m) => m.name));
      if (provider === 'sqlite') expect(existsSync(db.url.slice('file:'.length))).toBe(true);
    });

    it('leaves exactly the schema of schema.prisma (no drift)', async () => {
      expect(await drift(db.url)).toBe('');
    });

    it('records one finished row per migration in _prisma_migrations, as Prisma does', async () => {
      const rows = await db.sql(
        'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(expected.map((m) => m.name));
      rows.forEach((r, i) => {
        expect(r.checksum).toBe(expected[i].checksum);
        expect(r.finished_at).not.toBeNull();
        expect(r.rolled_back_at).toBeNull();
        expect(Number(r.applied_steps_count)).toBe(1);
        expect(r.logs).toBeNull();
      });
    });

    it('applies nothing the second time, quickly', async () => {
      const started = performance.now();
      const { applied } = await migrate(db.url);
      const ms = performance.now() - started;
      expect(applied).toEqual([]);
      expect(ms).toBeLessThan(1000);
      expect(await db.sql('SELECT migration_name FROM _prisma_migrations')).toHaveLength(expected.length);
    });

    it('drift reports a change made behind the migrations back', async () => {
      await db.sql('DROP INDEX "Room_name_key"');
      const sql = await drift(db.url);
      expect(sql).toMatch(/CREATE UNIQUE INDEX "Room_name_key" ON "Room"\s*\("name"\)/);
    });
  });
}
