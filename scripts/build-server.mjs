// Compiles the server for production: server/main.ts (the server) and
// server/db/migrate-cli.ts (`npm run db:migrate`) bundled by esbuild into dist/server/,
// ES modules for Node 20. Our own code and the generated Prisma clients are bundled;
// every package under node_modules stays an import (native modules, WASM engines and
// their files are loaded from node_modules at run time). Dynamic imports become chunks,
// so what the server loads lazily (the migration engine, the PostgreSQL client, GraphiQL)
// is still loaded only when needed. Plain JavaScript, so that it needs no TypeScript runner.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'server');
rmSync(outdir, { recursive: true, force: true });
const started = performance.now();
await build({
  absWorkingDir: root,
  entryPoints: ['server/main.ts', 'server/db/migrate-cli.ts'],
  outbase: 'server',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked', // stack traces in source terms with `node --enable-source-maps`
  logLevel: 'warning',
});
console.log(`dist/server built in ${Math.round(performance.now() - started)} ms`);
