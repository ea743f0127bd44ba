// What a DATABASE_URL names. Kept apart from client.ts so the migration tools can use it
// without loading a generated client.
import { resolve } from 'node:path';

/** Where the data lives when DATABASE_URL is not set: a SQLite file, made on first start. */
export const DEFAULT_DATABASE_URL = 'file:./data/chat.db';

/** The databases this server runs on; each has its own Prisma schema, client and migrations. */
export const providers = ['sqlite', 'postgresql'] as const;
export type Provider = (typeof providers)[number];

export function providerOf(url: string): Provider {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgresql';
  if (url.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL), got "${url}"`);
}

/** file:./data/chat.db → absolute path (relative to the working directory, as Prisma does). */
export function sqlitePath(url: string): string {
  return resolve(url.slice('file:'.length).replace(/\?.*$/, ''));
}
