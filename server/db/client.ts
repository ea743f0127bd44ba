// One Prisma client per process, for the provider DATABASE_URL names.
// SQLite (file:…) uses better-sqlite3; postgres://… uses node-postgres. Both generated
// clients have the same models (they come from prisma/models.prisma), so the rest of the
// server is typed against the SQLite one.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from './generated/sqlite/client.js';
import { providerOf, sqlitePath } from './url.js';
import { RawSql } from './raw.js';
import { cacheStatements } from './statement-cache.js';

export type Db = PrismaClient;

const raws = new WeakMap<Db, RawSql>();

/** Raw-SQL transactions on `db`'s own connection (db/raw.ts); `db` must come from createDb. */
export function rawSql(db: Db): RawSql {
  const raw = raws.get(db);
  if (!raw) throw new Error('rawSql: this client was not made by createDb');
  return raw;
}

/**
 * The adapter factory the client is given: one connection, made by whichever of the
 * client and rawSql() asks first and shared by both (a client that disconnects and
 * connects again gets a new one, and so does rawSql from then on).
 */
function keepingAdapter(factory: SqlDriverAdapterFactory, onConnect: (adapter: SqlDriverAdapter) => void = () => {}) {
  let current: Promise<SqlDriverAdapter> | undefined;
  const connect = () => {
    if (current) return current;
    current = factory.connect().then((adapter) => {
      onConnect(adapter);
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = () => {
        current = undefined;
        return dispose();
      };
      return adapter;
    });
    current.catch(() => {
      current = undefined; // the next query tries again
    });
    return current;
  };
  const wrapped: SqlDriverAdapterFactory = { provider: factory.provider, adapterName: factory.adapterName, connect };
  return { wrapped, adapter: connect };
}

export async function createDb(url: string): Promise<Db> {
  if (providerOf(url) === 'postgresql') {
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const { PrismaClient: PgClient } = await import('./generated/postgresql/client.js');
    const { wrapped, adapter } = keepingAdapter(new PrismaPg({ connectionString: url }));
    const client = new PgClient({ adapter: wrapped }) as unknown as Db;
    raws.set(client, new RawSql(adapter, 'postgresql'));
    return client;
  }
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  const file = sqlitePath(url);
  mkdirSync(dirname(file), { recursive: true });
  // Each new connection's statements are prepared once per SQL text (db/statement-cache.ts).
  const { wrapped, adapter } = keepingAdapter(new PrismaBetterSqlite3({ url: `file:${file}` }), (connected) =>
    cacheStatements((connected as unknown as { client: Database }).client),
  );
  const client = new PrismaClient({ adapter: wrapped });
  raws.set(client, new RawSql(adapter, 'sqlite'));
  // A server's SQLite: write-ahead log (readers never wait for the writer; the setting
  // stays with the file), fsync at checkpoints rather than at every commit (a power cut
  // can lose the last commits, never corrupt the file), and wait for a lock rather than
  // fail when another process (a migration, a second server) holds it.
  await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await client.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  await client.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
  return client;
}
