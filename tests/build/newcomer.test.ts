// What a new user meets first, from the sources (tests/build/production.test.ts runs the
// build): page URLs without their trailing slash, a port that is already taken, --help.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../server/config.ts';
import type { TestDatabase } from '../support/db.js';
import { root, useSqliteServer, type RunningServer } from '../support/server.js';

let db: TestDatabase;
let server: RunningServer;
useSqliteServer((d, s) => {
  db = d;
  server = s;
});

describe('page URLs without the trailing slash', () => {
  it.each([
    ['/chat', '/chat/'],
    ['/accounts/signin', '/accounts/signin/'],
    ['/accounts/signup', '/accounts/signup/'],
    ['/chat/general', '/chat/general/'],
    ['/chat/general?from=mail', '/chat/general/?from=mail'],
    ['/admin', '/admin/'],
  ])('%s redirects permanently to %s, which is the page', async (path, canonical) => {
    const res = await fetch(server.url + path, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe(canonical);
    const page = await fetch(server.url + canonical);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('leaves the REST endpoint and unknown paths alone', async () => {
    expect((await fetch(`${server.url}/chat/api`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${server.url}/accounts`, { redirect: 'manual' })).status).toBe(404);
    const rest = await fetch(`${server.url}/chat/api/send_message/general`, { method: 'POST', redirect: 'manual' });
    expect(rest.status).toBe(401); // the endpoint itself answered (no credentials)
  });
});

describe('a port already in use', () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it('is one line naming the port and the variable PORT, and a non-zero exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, REDIS_URL: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Before the fix the process printed a stack trace and stayed up: give it 20 s.
    const code = await new Promise<number | null | 'still running'>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still running');
      }, 20_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code).toBe(1);
    const lines = stderr.split('\n').filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(String(port));
    expect(lines[0]).toContain('PORT');
  });
});

describe('--help', () => {
  it('lists every variable of the configuration schema, with its default', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', '--help'], { cwd: root, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
    expect(r.status).toBe(0);
    const listed = r.stdout.split('\n').map((l) => /^ {2}([A-Z_]+) /.exec(l)?.[1]).filter(Boolean);
    expect(listed).toEqual(Object.keys(schema.shape));
    expect(r.stdout).toMatch(/^ {2}PORT +8000 +HTTP port/m);
    expect(r.stdout).toMatch(/^ {2}REDIS_URL +\(none\) /m);
  });
});
