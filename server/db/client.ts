// One Prisma client per process, for the provider DATABASE_URL names.
// SQLite (file:…) uses better-sqlite3; postgres://… uses node-postgres. Both generated
// clients have the same models (they come from prisma/models.prisma), so the rest of the
// server is typed against the SQLite one.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaClient } from './generated/sqlite/client.js';
import { providerOf, sqlitePath } from './url.js';

export type Db = PrismaClient;

export async function createDb(url: string): Promise<Db> {
  if (providerOf(url) === 'postgresql') {
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const { PrismaClient: PgClient } = await import('./generated/postgresql/client.js');
    return new PgClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  }
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  const file = sqlitePath(url);
  mkdirSync(dirname(file), { recursive: true });
  const client = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
  // A server's SQLite: write-ahead log (readers never wait for the writer; the setting
  // stays with the file), fsync at checkpoints rather than at every commit (a power cut
  // can lose the last commits, never corrupt the file), and wait for a lock rather than
  // fail when another process (a migration, a second server) holds it.
  await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await client.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  await client.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
  return client;
}
