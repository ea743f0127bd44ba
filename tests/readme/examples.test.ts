// README's examples run as written, pasted in order into one shell session, against a
// server started as "Run it" starts it (here on a free port and a fresh SQLite database:
// `127.0.0.1:8000` in the examples is rewritten to that port).
//
// Which examples: every ```sh and ```js block that talks to the server README starts
// (mentions 127.0.0.1:8000), except commands that install, build or start things (a line
// starting with npm or node dist/…). Found by scanning README, not listed here, so new
// examples are run too. Shell variables carry from block to block, as in one terminal
// (exported or not); a ```js block is saved as a module in the repository (so its imports
// resolve) and run with node from that shell, seeing only what was exported.
// A block passes when it exits 0, or — for one that streams until stopped (a
// subscription) — when it printed something before the 10 s limit; and when nothing it
// printed is an error (`"errors"`, `"error"`, 401/403 statuses, close code 4403).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../server/config.ts';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { root, startServer, type RunningServer } from '../support/server.js';

interface Block {
  lang: 'sh' | 'js';
  line: number;
  code: string;
  heading: string;
}

function readmeBlocks(): Block[] {
  const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
  const blocks: Block[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    if (/^#+ /.test(lines[i])) heading = lines[i].replace(/^#+ /, '');
    const open = /^```(sh|bash|js|javascript)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i]);
    blocks.push({ lang: open[1].startsWith('j') ? 'js' : 'sh', line: start + 1, code: body.join('\n'), heading });
  }
  return blocks;
}

const runnable = readmeBlocks().filter(
  (b) => b.code.includes('127.0.0.1:8000') && !b.code.split('\n').some((l) => /^\s*(npm\s|node\s+dist\/)/.test(l)),
);

let db: TestDatabase;
let server: RunningServer;
const work = mkdtempSync(join(tmpdir(), 'chat-readme-'));
const state = join(work, 'vars.sh');
const baseline = join(work, 'baseline.txt');
beforeAll(async () => {
  db = await freshDatabase('sqlite');
  // The product's defaults, limits included (startServer raises them for other tests):
  // nothing but the port and the database differ from what README's reader runs.
  const limits = Object.entries(schema.shape).filter(([name]) => /^(RATE|MAX)_/.test(name));
  server = await startServer({ databaseUrl: db.url, env: Object.fromEntries(limits.map(([name, field]) => [name, String(field.parse(undefined))])) });
  writeFileSync(state, '');
  spawnSync('bash', ['-c', `compgen -v > ${baseline}`]);
});
afterAll(async () => {
  await server?.stop();
  await db?.drop();
  rmSync(work, { recursive: true, force: true });
});

const FAILURE = /"errors?"\s*:|\b(401|403) (Unauthorized|Forbidden)\b|\b4403\b|Bearer undefined/;

describe('README examples', () => {
  it('finds examples to run', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(3);
  });

  for (const block of runnable) {
    it(`${block.heading} (README line ${block.line}, ${block.lang})`, () => {
      const code = block.code.replaceAll('127.0.0.1:8000', `127.0.0.1:${server.port}`);
      // Save every shell variable the examples made (not the ones bash starts with).
      const save = `declare -p $(compgen -v | grep -vxF -f ${baseline} | grep -v '^BASH_\\|^FUNCNAME$\\|^_$') > ${state} 2>/dev/null`;
      let script: string;
      if (block.lang === 'sh') {
        script = `source ${state}\n${code}\nstatus=$?\n${save}\nexit $status`;
      } else {
        const file = join(root, `.readme-example-${process.pid}-${block.line}.mjs`);
        writeFileSync(file, code);
        script = `source ${state}\nnode ${file}; status=$?; rm -f ${file}; exit $status`;
      }
      const r = spawnSync('timeout', ['10', 'bash', '-c', script], { cwd: root, encoding: 'utf8', env: { ...process.env, TOKEN: '', API_TOKEN: '' } });
      const output = `${r.stdout}${r.stderr}`;
      if (block.lang === 'js') rmSync(join(root, `.readme-example-${process.pid}-${block.line}.mjs`), { force: true });
      const timedOut = r.status === 124; // timeout(1) stopped it (SIGTERM to the whole group)
      if (timedOut) expect(r.stdout.trim(), `streamed nothing in 10 s:\n${output}`).not.toBe('');
      else expect(r.status, output).toBe(0);
      expect(output).not.toMatch(FAILURE);
    }, 30_000);
  }
});
