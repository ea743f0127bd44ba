// Compiles the server for production: server/main.ts (the server),
// server/db/migrate-cli.ts (`npm run db:migrate`), server/db/migrate-worker.ts (the thread
// that applies migrations) and server/admin/cli.ts (`npm run admin`)
// bundled by esbuild into dist/server/,
// ES modules for Node 20. Our code, the generated Prisma clients and the pure-JavaScript
// packages are bundled: the server then starts from a few files instead of about 1,200
// (time to ready measured by `npm run bench -- --footprint`: about 0.9 s bundled, 1.9 s
// with every package left in node_modules, same idle memory). Native modules, packages
// that load files of their own and optional add-ons stay imports (EXTERNAL below).
// Dynamic imports become chunks, so what the server loads lazily (the migration engine,
// the PostgreSQL client, GraphiQL) is still loaded only when needed. Plain JavaScript, so
// that it needs no TypeScript runner.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Left as imports, loaded from node_modules at run time: native modules, packages that
// load files of their own (WASM engines, worker scripts, GraphiQL's assets), optional
// native add-ons, and the CommonJS packages the server imports with import() (a bundled
// CommonJS module's import() namespace has no named exports: dotenv). ioredis is bundled: its
// 60 files took about 8% of the main thread's start (resolving, reading, compiling each).
const EXTERNAL = [
  'better-sqlite3',
  '@node-rs/argon2',
  '@prisma/*',
  'pg',
  'pg-native',
  'bufferutil',
  'utf-8-validate',
  'pino',
  'pino-http',
  'thread-stream',
  '@graphql-yoga/render-graphiql',
  'dotenv',
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'server');
rmSync(outdir, { recursive: true, force: true });
const started = performance.now();
await build({
  absWorkingDir: root,
  entryPoints: ['server/main.ts', 'server/db/migrate-cli.ts', 'server/db/migrate-worker.ts', 'server/admin/cli.ts'],
  outbase: 'server',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // ES module builds first (graphql's index.mjs rather than its CommonJS index.js): one copy
  // of each package either way, but a CommonJS package imported by ES modules is wrapped,
  // and graphql's 400 exports were copied onto a wrapper 36 times at every start.
  mainFields: ['module', 'main'],
  external: EXTERNAL,
  // Bundled CommonJS packages call require() for Node's built-ins: give them one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  // Whitespace and syntax minified, identifiers kept: no comments left to make a chunk's
  // source a two-byte string (one non-ASCII character in a comment doubles it), and less
  // source for V8 to hold and parse. Stack traces map back with the linked source maps.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  sourcemap: 'linked', // stack traces in source terms with `node --enable-source-maps`
  logLevel: 'warning',
});
console.log(`dist/server built in ${Math.round(performance.now() - started)} ms`);
