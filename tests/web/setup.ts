// Makes sure dist/web (the production build the server serves) exists and is newer than
// every file of web/, building it when not. Test files call it in beforeAll; a lock
// directory keeps two test files running at once from building together.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../support/server.js';

const WEB = join(root, 'web');
const INDEX = join(root, 'dist', 'web', 'index.html');
const LOCK = join(root, 'dist', '.web-build-lock');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const upToDate = () => existsSync(INDEX) && statSync(INDEX).mtimeMs >= newest(WEB);

export async function ensureWebBuilt(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!upToDate()) {
    mkdirSync(join(root, 'dist'), { recursive: true });
    let locked = false;
    try {
      mkdirSync(LOCK);
      locked = true;
    } catch {
      // Someone else is building (or died doing it: a lock older than 2 min is stale).
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
    }
    if (locked) {
      try {
        if (!upToDate()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
      return;
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for another web build');
    await new Promise((r) => setTimeout(r, 250));
  }
}

export default ensureWebBuilt;
