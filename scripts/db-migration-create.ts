// Creates the next migration for every provider, like `prisma migrate dev --create-only`
// (which needs Prisma's native engine, unavailable here; see server/db/engine.ts):
//   tsx scripts/db-migration-create.ts <name>
// For each provider, the WASM schema engine replays prisma/<provider>/migrations/ on a
// shadow database (SQLite: in memory; PostgreSQL: a temporary database on PG_SHADOW_URL's
// server, default postgres://postgres@127.0.0.1:5432/test) and diffs the result against
// prisma/<provider>/schema.prisma. A non-empty diff is written to
// prisma/<provider>/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql, with
// migration_lock.toml; both providers get the same folder name.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine, withPanic } from '../server/db/engine.js';
import { lockfileContent, lockfileName, migrationList, migrationsDir, repoRoot } from '../server/db/migrate.js';
import { providers, renderSchema, schemaPath, type Provider } from './db-schemas.js';

const pgShadowServer = () => process.env.PG_SHADOW_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** The SQL that brings a database built from the provider's migrations to its schema.prisma ('' if none). */
export async function pendingSql(provider: Provider): Promise<string> {
  // The engine needs a "main" database to start; diffing migrations → datamodel only uses
  // the shadow database, so for SQLite a throw-away file does.
  const tmp = provider === 'sqlite' ? mkdtempSync(join(tmpdir(), 'chat-migrate-')) : undefined;
  const url = tmp ? `file:${join(tmp, 'main.db')}` : pgShadowServer();
  const { engine, close } = await openEngine(url);
  try {
    const path = schemaPath(provider);
    const out = await engine
      .diff({
        from: { tag: 'migrations', ...migrationList(provider) },
        to: { tag: 'schemaDatamodel', files: [{ path, content: readFileSync(path, 'utf8') }] },
        script: true,
        exitCode: true, // exitCode 2 = non-empty diff
        filters: { externalTables: [], externalEnums: [] },
      })
      .catch((e: unknown) => { throw withPanic(e); });
    return out.exitCode === 2 ? (out.stdout ?? '') : '';
  } finally {
    await close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** 20261124235959 (UTC, as Prisma names migration folders). */
export const timestamp = (d = new Date()) => d.toISOString().replace(/\D/g, '').slice(0, 14);

export async function createMigration(name: string, log: (msg: string) => void = console.log): Promise<string[]> {
  const slug = name.trim().replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!slug) throw new Error('usage: tsx scripts/db-migration-create.ts <name>');
  for (const p of providers) {
    if (renderSchema(p) !== readFileSync(schemaPath(p), 'utf8')) {
      throw new Error(`${relative(repoRoot, schemaPath(p))} is out of date with prisma/models.prisma: run npm run db:schemas first`);
    }
  }
  const folder = `${timestamp()}_${slug}`;
  const written: string[] = [];
  for (const provider of providers) {
    const sql = await pendingSql(provider);
    if (!sql.trim()) {
      log(`${provider}: schema.prisma matches the migrations, nothing to create`);
      continue;
    }
    const base = migrationsDir(provider);
    const dir = join(base, folder);
    if (existsSync(dir)) throw new Error(`${dir} already exists`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'migration.sql'), sql);
    writeFileSync(join(base, lockfileName), lockfileContent(provider));
    written.push(join(dir, 'migration.sql'));
    log(`${provider}: wrote ${relative(repoRoot, join(dir, 'migration.sql'))}`);
  }
  if (written.length === 1) log('warning: only one provider changed; the migration histories now differ in names');
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await createMigration(process.argv.slice(2).join('_'));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}
