// Schema drift: the SQL that would take the database at `url` from its actual state to the
// provider's prisma/<provider>/schema.prisma ('' = no drift). Like
// `prisma migrate diff --from-config-datasource --to-schema … --script`, through the WASM
// schema engine (server/db/engine.ts). `_prisma_migrations` is ignored, as Prisma does.
//   tsx scripts/db-drift.ts        (DATABASE_URL from the environment or .env;
//                                   default file:./data/chat.db; exit code 2 on drift)
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { providerOf } from '../server/db/url.js';
import { openEngine, withPanic } from '../server/db/engine.js';
import { repoRoot } from '../server/db/migrate.js';
import { schemaPath } from './db-schemas.js';
import { DEFAULT_DATABASE_URL } from '../server/db/url.js';

export async function drift(url: string): Promise<string> {
  const path = schemaPath(providerOf(url));
  const files = [{ path, content: readFileSync(path, 'utf8') }];
  const { engine, close } = await openEngine(url);
  try {
    const out = await engine
      .diff({
        from: { tag: 'schemaDatasource', files, configDir: repoRoot }, // the live database
        to: { tag: 'schemaDatamodel', files },
        script: true,
        exitCode: true, // exitCode 2 = non-empty diff (an empty one prints "-- This is an empty migration.")
        filters: { externalTables: [], externalEnums: [] },
      })
      .catch((e: unknown) => { throw withPanic(e); });
    return out.exitCode === 2 ? (out.stdout ?? '').trim() : '';
  } finally {
    await close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (existsSync('.env')) (await import('dotenv')).default.config({ quiet: true });
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  try {
    const sql = await drift(url);
    if (sql) {
      console.log(sql);
      process.exitCode = 2;
    } else {
      console.log('no drift: the database matches the schema');
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}
