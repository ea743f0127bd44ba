// Footprint of the production server (`npm run bench -- --footprint`): the compiled
// server (dist/server, rebuilt first so it matches the sources) started the way
// production starts it — plain `node dist/server/main.js`, SQLite in a temp dir, Redis
// fan-out — and measured from outside through /proc:
//   - ready: spawn → first /readyz 200, on a fresh database (migrations applied at start)
//     and on restarts (nothing pending), median of the restarts;
//   - idle RSS: VmRSS of the server process 5 s after it became ready, on the fresh
//     database and on a restart, and settled (--settle, 30 s after ready: V8's memory
//     reducer shrinks an idle heap about 20 s after start); its anonymous and
//     file-backed parts (the node binary's pages are file-backed and shared);
//   - RSS per idle WebSocket: 2,000 graphql-ws connections (connection_init → ack), then
//     the same 2,000 each holding one messageAdded subscription (confirmed by one message
//     reaching all of them): settled VmRSS growth / 2,000, each read after the same
//     settling time, so that garbage not yet collected is not counted as the sockets'.
// `--compare` measures the same for the sources run through tsx (`node --import tsx
// server/main.ts`), as `npm start` ran before the build existed.
//
//   npm run bench -- --footprint [--compare] [--sockets N] [--restarts N] [--json]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { cleanupAll, installSignalHandlers, makeTempDir } from './procs.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const { values: opts } = parseArgs({
  options: {
    footprint: { type: 'boolean' },
    compare: { type: 'boolean' },
    sockets: { type: 'string', default: '2000' },
    restarts: { type: 'string', default: '3' },
    'idle-wait': { type: 'string', default: '5' },
    settle: { type: 'string', default: '30' },
    json: { type: 'boolean' },
    'node-args': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});
if (opts.help) {
  console.log(`npm run bench -- --footprint [--compare] [--sockets N (2000)] [--restarts N (3)] [--idle-wait S (5)] [--settle S (30)] [--node-args "FLAGS"] [--json]`);
  process.exit(0);
}
const SOCKETS = Number(opts.sockets);
const RESTARTS = Number(opts.restarts);
const IDLE_WAIT_MS = Number(opts['idle-wait']) * 1000;
const SETTLE_MS = Number(opts.settle) * 1000;

const log = (msg: string) => process.stderr.write(`[footprint] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function status(pid: number): { rss: number; anon: number; file: number } {
  const text = spawnSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' }).stdout;
  const kb = (f: string) => Number(new RegExp(`^${f}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

interface Target {
  label: string;
  argv: string[];
}
// --node-args "…": node flags to try (e.g. V8 heap settings) on the build, beside it as is.
const nodeArgs = opts['node-args']?.split(' ').filter(Boolean) ?? [];
const targets: Target[] = [{ label: 'build: node dist/server/main.js', argv: ['dist/server/main.js'] }];
if (nodeArgs.length) targets.push({ label: `build: node ${nodeArgs.join(' ')} dist/server/main.js`, argv: [...nodeArgs, 'dist/server/main.js'] });
if (opts.compare) targets.push({ label: 'sources: node --import tsx server/main.ts', argv: ['--import', 'tsx', 'server/main.ts'] });

interface Started {
  child: ChildProcess;
  port: number;
  readyMs: number;
}

async function start(target: Target, databaseUrl: string, port: number): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, target.argv, {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: `bench:footprint:${process.pid}:`,
      LOG_LEVEL: 'warn',
      // All the bench's sockets come from one address: allow them (default 200 per address).
      MAX_CONNECTIONS_PER_IP: String(SOCKETS + 100),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${target.label} exited ${child.exitCode}:\n${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return { child, port, readyMs: performance.now() - t0 };
    if (performance.now() - t0 > 60_000) throw new Error(`${target.label}: not ready after 60 s\n${stderr}`);
    await sleep(5);
  }
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Opens `n` graphql-ws connections and waits for every connection_ack. */
async function openSockets(port: number, n: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const batch = 100;
  for (let i = 0; i < n; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, () => new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
        sockets.push(ws);
        ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
        ws.once('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve() : reject(new Error(String(data)))));
        ws.once('error', reject);
      })),
    );
  }
  return sockets;
}

async function gql(port: number, query: string, token?: string) {
  const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await r.json()) as { data?: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Every socket subscribes to one room; resolves once one sent message reached all of them. */
async function subscribeAll(port: number, sockets: WebSocket[]) {
  const room = `footprint${Date.now().toString(36)}`;
  let delivered = 0;
  const all = new Promise<void>((resolve) => {
    for (const ws of sockets) {
      ws.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'next' && ++delivered === sockets.length) resolve();
      });
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { messageAdded(room: "${room}") { seq } }` } }));
    }
  });
  const { signUp } = await gql(port, `mutation { signUp(username: "fp${Date.now().toString(36)}", password: "footprint bench") { token } }`);
  // A subscription is live once its first message arrives: send until all have one
  // (messageAdded without `after` delivers live messages only).
  const sender = (async () => {
    for (let i = 0; delivered < sockets.length && i < 50; i++) {
      await gql(port, `mutation { sendMessage(room: "${room}", content: "m${i}") { seq } }`, signUp.token);
      await Promise.race([all, sleep(500)]);
    }
  })();
  await Promise.race([all, sender.then(() => all)]);
}

const results: Record<string, unknown>[] = [];
installSignalHandlers();
try {
  log('building dist/server');
  const built = spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');

  for (const target of targets) {
    const dir = makeTempDir('chat-footprint-');
    const databaseUrl = `file:${join(dir, 'chat.db')}`;
    const port = await freePort();
    log(`${target.label}: first start (fresh database)`);
    const first = await start(target, databaseUrl, port);
    await sleep(IDLE_WAIT_MS);
    const firstIdle = status(first.child.pid!);
    await stop(first.child);
    const restarts: number[] = [];
    let last: Started | undefined;
    for (let i = 0; i < RESTARTS; i++) {
      if (last) await stop(last.child);
      last = await start(target, databaseUrl, port);
      restarts.push(last.readyMs);
    }
    const server = last!;
    await sleep(IDLE_WAIT_MS);
    const early = status(server.child.pid!);
    await sleep(SETTLE_MS - IDLE_WAIT_MS);
    const idle = status(server.child.pid!);
    log(`${target.label}: idle RSS ${(early.rss / 1024).toFixed(1)} MB after ${IDLE_WAIT_MS / 1000} s, ${(idle.rss / 1024).toFixed(1)} MB settled; opening ${SOCKETS} sockets`);
    const sockets = await openSockets(server.port, SOCKETS);
    await sleep(SETTLE_MS);
    const connected = status(server.child.pid!);
    log(`${target.label}: subscribing them`);
    await subscribeAll(server.port, sockets);
    await sleep(SETTLE_MS);
    const subscribed = status(server.child.pid!);
    for (const ws of sockets) ws.terminate();
    await stop(server.child);
    const median = [...restarts].sort((a, b) => a - b)[Math.floor(restarts.length / 2)];
    results.push({
      target: target.label,
      readyFirstMs: Math.round(first.readyMs),
      readyRestartMedianMs: Math.round(median),
      freshIdleRssMB: +(firstIdle.rss / 1024).toFixed(1),
      earlyIdleRssMB: +(early.rss / 1024).toFixed(1),
      idleRssMB: +(idle.rss / 1024).toFixed(1),
      idleAnonMB: +(idle.anon / 1024).toFixed(1),
      idleFileMB: +(idle.file / 1024).toFixed(1),
      sockets: SOCKETS,
      kbPerIdleSocket: +((connected.rss - idle.rss) / SOCKETS).toFixed(1),
      kbPerSubscribedSocket: +((subscribed.rss - idle.rss) / SOCKETS).toFixed(1),
    });
  }
} finally {
  await cleanupAll();
}

if (opts.json) console.log(JSON.stringify(results, null, 2));
else {
  const w = IDLE_WAIT_MS / 1000;
  console.log(`| server | ready, fresh db (ms) | ready, restart median (ms) | idle RSS ${w} s after ready: fresh db / restart (MB) | idle RSS settled, ${SETTLE_MS / 1000} s (MB) | anon + file-backed (MB) | KB per idle WebSocket | KB per subscribed WebSocket |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(`| ${r.target} | ${r.readyFirstMs} | ${r.readyRestartMedianMs} | ${r.freshIdleRssMB} / ${r.earlyIdleRssMB} | ${r.idleRssMB} | ${r.idleAnonMB} + ${r.idleFileMB} | ${r.kbPerIdleSocket} | ${r.kbPerSubscribedSocket} |`);
  }
  console.log(`(${SOCKETS} sockets; SQLite in a temp dir; REDIS_URL=${REDIS_URL}; Node ${process.version})`);
}
process.exit(0);
