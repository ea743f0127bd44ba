// Prisma CLI configuration (Prisma 7: the database URL lives here, not in the schema).
// Picks the schema and migration history of the provider DATABASE_URL names (SQLite by
// default), so that on a machine with Prisma's native schema engine
//   npx prisma migrate deploy
// applies the same migrations as server/db/migrate.ts (which this project uses instead,
// since the native engine cannot be downloaded here).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config } from 'dotenv';
import { defineConfig } from 'prisma/config';
import { DEFAULT_DATABASE_URL } from './server/db/url.ts';

if (existsSync('.env')) config({ quiet: true });

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const provider = /^postgres(ql)?:\/\//i.test(url) ? 'postgresql' : 'sqlite';

export default defineConfig({
  schema: `prisma/${provider}/schema.prisma`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: {
    // SQLite paths are relative to the working directory in server/db/client.ts: make them
    // absolute so the CLI opens the same file.
    url: provider === 'sqlite' ? `file:${resolve(url.slice('file:'.length))}` : url,
  },
});
