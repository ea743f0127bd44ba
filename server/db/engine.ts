// Prisma's schema engine (migrations, diffs) as WebAssembly, driven through driver adapters.
//
// Why: Prisma 7's CLI only runs the *native* schema engine, which cannot be downloaded
// on our machines (see /work/shared/notes/prisma-offline.md). `@prisma/schema-engine-wasm`
// is the same engine compiled to WASM. Its API is internal to Prisma and changes without
// notice, so the package is pinned exactly in package.json and every use of it is here.
//
// What this file works around:
// - Loading: the package's entry does `import * as wasm from './schema_engine_bg.wasm'`,
//   which Node 20 cannot import. We instantiate the .wasm by hand with the wasm-bindgen
//   glue module (`schema_engine_bg.js`) as the import object.
// - Adapters: the engine wants a migration-aware adapter factory (one that can open a
//   shadow database), wrapped by `bindMigrationAwareSqlAdapterFactory`.
// - SQLite: the engine sends each whole migration script through `executeRaw` (replaying
//   a migrations folder on the shadow db, applying migrations on the main one), which
//   better-sqlite3 refuses for more than one statement; argument-less raw SQL is routed to
//   `executeScript` instead, on both connections.
// - PostgreSQL shadow db: adapter-pg's own `connectToShadowDb` drops the shadow database
//   while its pool is still open (and with a connectionString it even connects to the main
//   database), so we supply our own: create the database, connect with a rewritten URL,
//   close the pool, then drop it.
// - PostgreSQL `"char"` columns (OID 18, read by the engine's schema describer from
//   pg_catalog) cannot be deserialized by adapter-pg 7.10: they are reported as text by
//   wrapping adapter-pg's private `performIO` (re-check when upgrading adapter-pg).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { providerOf, sqlitePath, type Provider } from './url.js';

export type { SchemaEngine, MigrationList } from '@prisma/schema-engine-wasm';

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

let glue: Promise<Glue> | undefined;

/** Instantiates the WASM module once per process (≈ a few hundred ms: it is 5 MB). */
function loadWasm(): Promise<Glue> {
  glue ??= (async () => {
    // The engine reports Rust panics through this global before throwing.
    const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void } };
    g.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (m) => { lastPanic = m; } };
    const bg: Glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
    });
    const exports = instance.exports as WebAssembly.Exports & { __wbindgen_start(): void };
    bg.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return bg;
  })();
  return glue;
}
let lastPanic: string | undefined;

/** Routes argument-less `executeRaw` (a whole migration script) to `executeScript`. */
function scriptsViaExecuteScript(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (q: SqlQuery) => {
    if (q.args.length > 0) return executeRaw(q);
    await adapter.executeScript(q.sql);
    return 0;
  };
  return adapter;
}

/** adapter-pg reads result column types from `performIO`'s pg result: map "char" (18) to text (25). */
function charAsText<T extends object>(queryable: T): T {
  const q = queryable as T & { performIO(query: SqlQuery): Promise<{ fields: { dataTypeID: number }[] }> };
  const performIO = q.performIO.bind(q);
  q.performIO = async (query) => {
    const result = await performIO(query);
    for (const f of result.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
    return result;
  };
  const a = q as unknown as Partial<SqlDriverAdapter>;
  if (a.startTransaction) {
    const start = a.startTransaction.bind(a);
    a.startTransaction = async (level) => charAsText(await start(level));
  }
  return queryable;
}

/** The URL with another database name (path), keeping host, credentials and parameters. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function pgAdmin<T>(url: string, fn: (c: import('pg').Client) => Promise<T>): Promise<T> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return await fn(client); } finally { await client.end(); }
}

/**
 * Makes `dispose` idempotent and remembers open adapters: the engine does not dispose its
 * main connection when freed, and an open pg pool would keep the process alive.
 */
function tracked(open: Set<SqlDriverAdapter>, adapter: SqlDriverAdapter): SqlDriverAdapter {
  const dispose = adapter.dispose.bind(adapter);
  let done: Promise<void> | undefined;
  open.add(adapter);
  adapter.dispose = () => {
    open.delete(adapter);
    return (done ??= dispose());
  };
  return adapter;
}

async function adapterFactory(url: string, open: Set<SqlDriverAdapter>): Promise<SqlMigrationAwareDriverAdapterFactory> {
  if (providerOf(url) === 'sqlite') {
    const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
    const file = sqlitePath(url);
    mkdirSync(dirname(file), { recursive: true });
    // Shadow database: an in-memory SQLite database (the adapter's default).
    const f = new PrismaBetterSqlite3({ url: `file:${file}` });
    return {
      provider: f.provider,
      adapterName: f.adapterName,
      connect: async () => {
        const adapter = await f.connect();
        // The server's own fsync setting (db/client.ts): a migration script is many
        // statements, each its own commit, and with synchronous = FULL each commit waits for
        // its fsyncs (3 migrations on a fresh database: 340–400 ms → about 310 ms). Not the
        // journal mode: switching to WAL here needs a lock a connection of the caller's may hold.
        await adapter.executeScript('PRAGMA synchronous = NORMAL;');
        return tracked(open, scriptsViaExecuteScript(adapter));
      },
      connectToShadowDb: async () => tracked(open, scriptsViaExecuteScript(await f.connectToShadowDb())),
    };
  }
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const schema = new URL(url).searchParams.get('schema') ?? undefined;
  const f = new PrismaPg({ connectionString: url }, { schema });
  return {
    provider: f.provider,
    adapterName: f.adapterName,
    connect: async () => tracked(open, charAsText(await f.connect())),
    connectToShadowDb: async () => {
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await pgAdmin(url, (c) => c.query(`CREATE DATABASE "${name}"`));
      const shadow = charAsText(await new PrismaPg({ connectionString: withDatabase(url, name) }).connect());
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose(); // closes the pool first, then the database can be dropped
        await pgAdmin(url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      };
      return tracked(open, shadow);
    },
  };
}

export interface Engine {
  engine: SchemaEngine;
  provider: Provider;
  /** Frees the engine and closes every connection it opened. */
  close(): Promise<void>;
}

/**
 * A schema engine connected to the database of `url` (SQLite file or PostgreSQL).
 * `log` receives the engine's tracing output (JSON lines), when given.
 */
export async function openEngine(url: string, log?: (line: string) => void): Promise<Engine> {
  const provider = providerOf(url);
  const bg = await loadWasm();
  const open = new Set<SqlDriverAdapter>();
  const factory = bindMigrationAwareSqlAdapterFactory(await adapterFactory(url, open));
  let engine: SchemaEngine;
  try {
    engine = await bg.SchemaEngine.new({ datamodels: undefined }, (line: string) => log?.(line), factory);
  } catch (e) {
    throw withPanic(e);
  }
  return {
    engine,
    provider,
    close: async () => {
      engine.free();
      await Promise.all([...open].map((a) => a.dispose()));
    },
  };
}

/** Engine errors come back as plain objects or Errors; make them readable Errors. */
export function withPanic(e: unknown): Error {
  const panic = lastPanic;
  lastPanic = undefined;
  const message =
    e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : JSON.stringify(e);
  return new Error(panic ? `${message}\n(schema engine panic: ${panic})` : message, { cause: e });
}
