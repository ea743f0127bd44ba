// The repository (or installed release) root, for files the server reads at run time
// (migrations under prisma/, the web build under dist/web). Found by walking up from this
// module to the nearest package.json, so it is the same whether the sources run
// (server/paths.ts) or the build does (dist/server/*.js, where this module is bundled).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const root = findRoot(dirname(fileURLToPath(import.meta.url)));
