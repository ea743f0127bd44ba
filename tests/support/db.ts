// A fresh, empty database per test run, for each provider.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

import { providers, type Provider } from '../../server/db/url.js';

export { providers, type Provider };

/** Where test databases are created (trust auth on the local server by default). */
export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  provider: Provider;
  url: string;
  /** SQL straight to the database, bypassing the server (fault injection, assertions). */
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

export async function freshDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'chat-test-'));
    const file = join(dir, 'chat.db');
    let handle: import('better-sqlite3').Database | undefined;
    const open = async () => {
      if (!handle) {
        const { default: Database } = await import('better-sqlite3');
        handle = new Database(file);
        handle.pragma('busy_timeout = 5000');
      }
      return handle;
    };
    return {
      provider,
      url: `file:${file}`,
      async sql(text, params = []) {
        const db = await open();
        const stmt = db.prepare(text);
        return stmt.reader ? (stmt.all(...params) as Record<string, unknown>[]) : (stmt.run(...params), []);
      },
      async drop() {
        handle?.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `chat_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // DROP DATABASE … WITH (FORCE) ends idle connections: not an error for a test.
  pool.on('error', () => {});
  return {
    provider,
    url: url.toString(),
    async sql(text, params = []) {
      return (await pool.query(text, params)).rows;
    },
    async drop() {
      await pool.end();
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
