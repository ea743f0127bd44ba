// Load bench: N graphql-ws subscribers in one room, one sender, against the real chat
// server (child process, Redis fan-out, SQLite in a temp dir or PostgreSQL) and against
// a bare `ws` broadcast server (bench/baseline-ws.ts) under the same load.
//
//   npm run bench                                   # defaults: throughput + latency, 100 subscribers
//   npm run bench -- --subs 1,100,1000 --messages 1000
//   npm run bench -- --db postgres                  # throwaway database on the local PostgreSQL
//   npm run bench -- --json > result.json           # table on stderr-free stdout as JSON
//   npm run bench -- --help
//
// Subscribers run in worker_threads (raw ws speaking graphql-transport-ws); the sender
// runs in the main thread. Progress goes to stderr, the result table (or JSON) to stdout.
import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { DEFAULT_SELECTION, P_FAILED, P_RECEIVED, P_WARM, benchContent, nowMs, warmupContent, type Target } from './protocol.js';
import { bareSender, graphqlSender, pump, type PumpResult, type Sender } from './senders.js';
import {
  cleanupAll,
  cpuMsOf,
  installSignalHandlers,
  machineBusyMs,
  makeTempDir,
  memoryOf,
  onCleanup,
  startNode,
  stopChild,
  type Started,
} from './procs.js';
import type { WorkerInit, WorkerReport } from './subscriber-worker.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');

const HELP = `npm run bench -- [options]

  --scenarios LIST   throughput,latency (default both)
  --subs LIST        subscriber counts, e.g. 1,100,1000 (default 100)
  --targets LIST     graphql,bare (default both; ratios need both)
  --messages M       messages in the throughput scenario (default 2000)
  --window W         max unacknowledged sends (default 32)
  --rate R           messages/s in the latency scenario (default 20)
  --duration S       seconds of the latency scenario (default 10)
  --size BYTES       message content length (default 80)
  --workers K        subscriber worker threads (default: 1 on ≤2 cores, else cores−1)
  --db KIND          sqlite (default, temp dir) | postgres (throwaway database)
  --pg-url URL       admin URL used to create/drop the throwaway database
                     (default $BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --database-url URL use this DATABASE_URL as is (overrides --db)
  --redis-url URL    REDIS_URL for the server (default redis://127.0.0.1:6379; "" = in-process pubsub)
  --selection SEL    messageAdded fields the subscribers select (must include seq and content;
                     default "id seq content sender { username } createdAt")
  --no-client-id     send without clientId (default: a unique clientId per message)
  --idle-timeout S   stop waiting for deliveries after S s without progress (default 10)
  --max-send S       stop sending after S s (default 20): a slow server gets fewer messages
  --max-drain S      after the last send, wait at most S s for deliveries (default 15);
                     deliveries still missing then count as lost
  --server-limits    keep the server's own rate/connection limits (default: the bench sets
                     RATE_MESSAGES_PER_MINUTE=0, RATE_SIGNUPS_PER_IP=0 and raises
                     MAX_CONNECTIONS_PER_IP / MAX_SUBSCRIPTIONS_PER_CONNECTION to fit the load)
  --log-level L      server LOG_LEVEL (default info)
  --cpu-prof         run the GraphQL server with --cpu-prof; profiles kept in ./bench/profiles
  --json             print the results as JSON instead of the table
`;

const { values: flags } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'throughput,latency' },
    subs: { type: 'string', default: '100' },
    targets: { type: 'string', default: 'graphql,bare' },
    messages: { type: 'string', default: '2000' },
    window: { type: 'string', default: '32' },
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '10' },
    size: { type: 'string', default: '80' },
    workers: { type: 'string' },
    db: { type: 'string', default: 'sqlite' },
    'pg-url': { type: 'string' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    'no-client-id': { type: 'boolean', default: false },
    selection: { type: 'string', default: DEFAULT_SELECTION },
    'idle-timeout': { type: 'string', default: '10' },
    'max-send': { type: 'string', default: '20' },
    'max-drain': { type: 'string', default: '15' },
    'server-limits': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'info' },
    'cpu-prof': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (flags.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function num(name: string, v: string, min = 0): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min} (got ${v})`);
  return n;
}
const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

const scenarios = list(flags.scenarios) as Array<'throughput' | 'latency'>;
for (const s of scenarios) if (s !== 'throughput' && s !== 'latency') throw new Error(`unknown scenario ${s}`);
const targets = list(flags.targets) as Target[];
for (const t of targets) if (t !== 'graphql' && t !== 'bare') throw new Error(`unknown target ${t}`);
const subsList = list(flags.subs).map((s) => Math.floor(num('subs', s, 1)));
const throughputMessages = Math.floor(num('messages', flags.messages, 1));
const windowSize = Math.floor(num('window', flags.window, 1));
const rate = num('rate', flags.rate, 0.001);
const duration = num('duration', flags.duration, 0.001);
const size = Math.floor(num('size', flags.size, 1));
const idleTimeoutMs = num('idle-timeout', flags['idle-timeout'], 0.1) * 1000;
const maxSendMs = num('max-send', flags['max-send'], 0.1) * 1000;
const maxDrainMs = num('max-drain', flags['max-drain'], 0.1) * 1000;
const workerCount = Math.floor(num('workers', flags.workers ?? String(cpus().length <= 2 ? 1 : cpus().length - 1), 1));
const useClientId = !flags['no-client-id'];
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------------------------------
// Database for the GraphQL server

interface DbChoice {
  kind: 'sqlite' | 'postgres';
  /** A DATABASE_URL for one server run. */
  url(): string;
}

async function chooseDatabase(): Promise<DbChoice> {
  if (flags['database-url']) {
    const url = flags['database-url'];
    return { kind: url.startsWith('file:') ? 'sqlite' : 'postgres', url: () => url };
  }
  if (flags.db === 'sqlite') {
    // A fresh file per server run, so every scenario starts from an empty database.
    return { kind: 'sqlite', url: () => `file:${join(makeTempDir(), 'chat.db')}` };
  }
  if (flags.db !== 'postgres') throw new Error(`--db must be sqlite or postgres (got ${flags.db})`);
  const adminUrl = flags['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pg = (await import('pg')).default;
  const name = `chatbench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  log(`created PostgreSQL database ${name}`);
  onCleanup(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
    log(`dropped PostgreSQL database ${name}`);
  });
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  return { kind: 'postgres', url: () => url };
}

// ---------------------------------------------------------------------------------------
// One scenario against one target

interface ScenarioSpec {
  target: Target;
  scenario: 'throughput' | 'latency';
  subs: number;
  messages: number;
  intervalMs?: number;
}

interface Result {
  target: Target;
  scenario: string;
  subscribers: number;
  messages: number;
  /** Messages the scenario asked for (messages < planned: the send time limit cut it short). */
  plannedMessages: number;
  expectedDeliveries: number;
  deliveries: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  sendErrors: number;
  firstSendError?: string;
  subscriberErrors: string[];
  failedConnections: number;
  deliveriesPerSec: number;
  messagesPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  lateSends: number;
  maxSendLagMs: number;
  elapsedMs: number;
  serverRssMb: { connected: number; end: number; peak: number };
  serverCpuPct: number;
  redisCpuPct: number | null;
  benchCpuPct: number;
  /** CPU used by everything else on the machine (other processes), % of one core. */
  otherCpuPct: number;
  setupMs: number;
}

let dbChoice: DbChoice | undefined;
const redisUrl = flags['redis-url'];
const profileDir = join(benchDir, 'profiles');

/** Server limits that would otherwise cap or reject the bench's own load (one user, one address). */
function limitEnv(subs: number): Record<string, string> {
  if (flags['server-limits']) return {};
  return {
    RATE_MESSAGES_PER_MINUTE: '0',
    RATE_SIGNUPS_PER_IP: '0',
    MAX_CONNECTIONS_PER_IP: String(subs + 16),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: String(Math.max(50, windowSize * 2 + 10)),
  };
}

async function startTarget(target: Target, subs: number): Promise<Started> {
  if (target === 'bare') {
    return startNode({ script: 'bench/baseline-ws.ts', cwd: repoRoot, env: { PORT: '0', HOST: '127.0.0.1' }, label: 'baseline-ws' });
  }
  return startNode({
    script: 'server/main.ts',
    cwd: repoRoot,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: dbChoice!.url(),
      REDIS_URL: redisUrl,
      LOG_LEVEL: flags['log-level'],
      ...limitEnv(subs),
    },
    nodeArgs: flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    label: 'chat server',
  });
}

async function signUp(port: number): Promise<string> {
  const username = `bench_${randomBytes(4).toString('hex')}`;
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($u: String!, $p: String!) { signUp(username: $u, password: $p) { token } }',
      variables: { u: username, p: 'bench-password-1' },
    }),
  });
  const body = (await res.json()) as { data?: { signUp?: { token: string } }; errors?: unknown };
  const token = body.data?.signUp?.token;
  if (!token) throw new Error(`signUp failed: ${res.status} ${JSON.stringify(body)}`);
  return token;
}

async function redisCpuMs(): Promise<number | null> {
  if (!redisUrl) return null;
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    const info = await r.info('cpu');
    const get = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    return (get('used_cpu_sys') + get('used_cpu_user')) * 1000;
  } catch {
    return null;
  } finally {
    r.disconnect();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

async function runScenario(spec: ScenarioSpec): Promise<Result> {
  const setupStart = nowMs();
  const runId = randomBytes(4).toString('hex');
  const room = `bench-${runId}`;
  const server = await startTarget(spec.target, spec.subs);
  const url = spec.target === 'graphql' ? `ws://127.0.0.1:${server.port}/graphql` : `ws://127.0.0.1:${server.port}`;
  const workers: Array<{ worker: Worker; progress: Int32Array; report?: Promise<WorkerReport> }> = [];
  let sender: Sender | undefined;
  let serverExit: string | undefined;
  let stopping = false;
  server.child.once('exit', (code, signal) => {
    if (stopping) return;
    serverExit = `${spec.target} server exited during the scenario (${code ?? signal}); last output:\n  ${server.tail.slice(-8).join('\n  ')}`;
    log(serverExit);
  });
  try {
    const token = spec.target === 'graphql' ? await signUp(server.port) : '';

    // Subscribers, split over the worker threads.
    const nWorkers = Math.min(workerCount, spec.subs);
    const connected: Promise<void>[] = [];
    for (let w = 0; w < nWorkers; w++) {
      const share = Math.floor(spec.subs / nWorkers) + (w < spec.subs % nWorkers ? 1 : 0);
      const progress = new SharedArrayBuffer(4 * 4);
      const init: WorkerInit = {
        target: spec.target,
        url,
        room,
        runId,
        connections: share,
        messages: spec.messages,
        progress,
        connectConcurrency: 32,
        selection: flags.selection,
      };
      const worker = new Worker(new URL('./subscriber-worker-boot.mjs', import.meta.url), { workerData: init });
      const entry = { worker, progress: new Int32Array(progress) } as (typeof workers)[number];
      workers.push(entry);
      connected.push(
        new Promise((res, rej) => {
          worker.on('message', (m) => m.type === 'connected' && res());
          worker.once('error', rej);
          worker.once('exit', (code) => rej(new Error(`subscriber worker exited (${code}) early`)));
        }),
      );
      entry.report = new Promise((res, rej) => {
        worker.on('message', (m) => m.type === 'report' && res(m.report));
        worker.once('error', rej);
      });
      entry.report.catch(() => {}); // surfaced where it is awaited; no unhandled rejection meanwhile
    }
    const sum = (i: number) => workers.reduce((a, w) => a + Atomics.load(w.progress, i), 0);
    await Promise.all(connected);
    if (sum(P_FAILED) > 0) log(`warning: ${sum(P_FAILED)} subscriber connection(s) failed/closed`);

    sender = spec.target === 'graphql' ? await graphqlSender(url, token, room) : await bareSender(url);

    // Warm-up: a message every 100 ms until every live subscriber has received one, so
    // every subscription is known to be active before the measured run starts.
    const warmDeadline = nowMs() + 60_000;
    const warmSends: Promise<void>[] = [];
    for (let k = 0; sum(P_WARM) < spec.subs - sum(P_FAILED); k++) {
      if (nowMs() > warmDeadline) throw new Error(`only ${sum(P_WARM)}/${spec.subs} subscribers became active in 60 s`);
      if (k % 5 === 0) warmSends.push(sender.send(warmupContent(runId, k), `w-${runId}-${k}`));
      await sleep(20);
    }
    await Promise.all(warmSends);
    await sleep(300); // let the last warm-up deliveries drain
    const setupMs = nowMs() - setupStart;
    const memConnected = memoryOf(server.pid);

    let expected = spec.subs * spec.messages; // until the sender says how many it sent
    const cpu0 = cpuMsOf(server.pid);
    const redis0 = await redisCpuMs();
    const bench0 = process.cpuUsage();
    const machine0 = machineBusyMs();
    const t0 = nowMs() + 5;

    let sendDone = 0;
    const s = sender;
    const pumped: Promise<PumpResult> = pump({
      n: spec.messages,
      window: windowSize,
      t0,
      intervalMs: spec.intervalMs,
      deadline: t0 + maxSendMs,
      send: (i, sentAt) => s.send(benchContent(runId, i, sentAt, size), useClientId ? `${runId}-${i}` : (undefined as never)),
    }).then((r) => {
      sendDone = nowMs();
      expected = spec.subs * r.sent;
      if (r.sent < spec.messages) log(`  send time limit (${maxSendMs / 1000} s): sent ${r.sent}/${spec.messages} messages`);
      return r;
    });

    // Wait for every delivery, or until nothing arrives for idleTimeout after the sends.
    let lastCount = -1;
    let lastChange = nowMs();
    let cpuAtLastChange = cpu0;
    let benchAtLastChange = process.cpuUsage(bench0);
    let machineAtLastChange = machine0;
    let tAtLastChange = t0;
    let lastLog = nowMs();
    for (;;) {
      await sleep(20);
      const got = sum(P_RECEIVED);
      const now = nowMs();
      if (got !== lastCount) {
        lastCount = got;
        lastChange = now;
        tAtLastChange = now;
        cpuAtLastChange = cpuMsOf(server.pid);
        benchAtLastChange = process.cpuUsage(bench0);
        machineAtLastChange = machineBusyMs();
      }
      if (now - lastLog > 2000) {
        lastLog = now;
        log(`  … ${got}/${expected} deliveries, ${((got / (now - t0)) * 1000).toFixed(0)}/s`);
      }
      if (got >= expected && sendDone) break;
      if (serverExit) break;
      if (sendDone && now - lastChange > idleTimeoutMs) {
        log(`  no delivery for ${idleTimeoutMs / 1000} s: stopping with ${got}/${expected}`);
        break;
      }
      if (sendDone && now - sendDone > maxDrainMs) {
        log(`  drain time limit (${maxDrainMs / 1000} s): stopping with ${got}/${expected}`);
        break;
      }
    }
    if (serverExit) throw Object.assign(new Error(serverExit), { serverExited: true });
    const sendResult = await pumped;
    const redis1 = await redisCpuMs();
    const memEnd = memoryOf(server.pid);

    for (const w of workers) w.worker.postMessage({ type: 'finish' });
    const reports = await Promise.all(workers.map((w) => w.report!));

    // Merge.
    let received = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let lastRecv = 0;
    let total = 0;
    const errors: string[] = [];
    for (const r of reports) {
      received += r.received;
      duplicates += r.duplicates;
      outOfOrder += r.outOfOrder;
      lastRecv = Math.max(lastRecv, r.lastRecv);
      total += r.latencyCount;
      errors.push(...r.errors);
    }
    const all = new Float64Array(total);
    let off = 0;
    for (const r of reports) {
      all.set(r.latencies.subarray(0, r.latencyCount), off);
      off += r.latencyCount;
    }
    all.sort();
    let mean = 0;
    for (let i = 0; i < all.length; i++) mean += all[i];
    mean /= all.length || 1;

    const window = Math.max(1, (lastRecv || tAtLastChange) - t0);
    const cpuWindow = Math.max(1, tAtLastChange - t0);
    const benchCpu = benchAtLastChange.user / 1000 + benchAtLastChange.system / 1000;
    return {
      target: spec.target,
      scenario: spec.scenario,
      subscribers: spec.subs,
      messages: sendResult.sent,
      plannedMessages: spec.messages,
      expectedDeliveries: expected,
      deliveries: received,
      lost: expected - received,
      duplicates,
      outOfOrder,
      sendErrors: sendResult.errors,
      firstSendError: sendResult.firstError,
      subscriberErrors: errors.slice(0, 5),
      failedConnections: sum(P_FAILED),
      deliveriesPerSec: (received / window) * 1000,
      messagesPerSec: (sendResult.sent / Math.max(1, sendDone - t0)) * 1000,
      latencyMs: {
        p50: percentile(all, 50),
        p90: percentile(all, 90),
        p99: percentile(all, 99),
        max: all.length ? all[all.length - 1] : NaN,
        mean,
      },
      lateSends: sendResult.late,
      maxSendLagMs: sendResult.maxLagMs,
      elapsedMs: window,
      serverRssMb: { connected: memConnected.rss, end: memEnd.rss, peak: memEnd.hwm },
      serverCpuPct: ((cpuAtLastChange - cpu0) / cpuWindow) * 100,
      redisCpuPct:
        spec.target === 'graphql' && redis0 !== null && redis1 !== null ? ((redis1 - redis0) / cpuWindow) * 100 : null,
      benchCpuPct: (benchCpu / cpuWindow) * 100,
      otherCpuPct:
        ((machineAtLastChange - machine0 - (cpuAtLastChange - cpu0) - benchCpu -
          (spec.target === 'graphql' && redis0 !== null && redis1 !== null ? redis1 - redis0 : 0)) /
          cpuWindow) *
        100,
      setupMs,
    };
  } finally {
    sender?.close();
    await Promise.all(workers.map((w) => w.worker.terminate()));
    stopping = true;
    await stopChild(server.child);
  }
}

// ---------------------------------------------------------------------------------------
// Output

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

interface Ratio {
  scenario: string;
  subscribers: number;
  deliveriesPerSec: number;
  p99: number;
}

function ratios(results: Result[]): Ratio[] {
  const out: Ratio[] = [];
  for (const g of results.filter((r) => r.target === 'graphql')) {
    const b = results.find((r) => r.target === 'bare' && r.scenario === g.scenario && r.subscribers === g.subscribers);
    if (!b) continue;
    out.push({
      scenario: g.scenario,
      subscribers: g.subscribers,
      deliveriesPerSec: g.deliveriesPerSec / b.deliveriesPerSec,
      p99: g.latencyMs.p99 / b.latencyMs.p99,
    });
  }
  return out;
}

function printTable(results: Result[], meta: Record<string, unknown>) {
  const head = [
    'target', 'scenario', 'subs', 'msgs', 'deliv/s', 'msg/s', 'p50 ms', 'p99 ms', 'max ms',
    'lost', 'dup', 'ooo', 'err', 'rss MB conn→end', 'srv cpu', 'redis cpu', 'bench cpu', 'other cpu',
  ];
  const rows = [head];
  for (const r of results) {
    rows.push([
      r.target,
      r.scenario,
      String(r.subscribers),
      r.messages < r.plannedMessages ? `${r.messages}/${r.plannedMessages}` : String(r.messages),
      f0(r.deliveriesPerSec),
      f0(r.messagesPerSec),
      f2(r.latencyMs.p50),
      f2(r.latencyMs.p99),
      f1(r.latencyMs.max),
      String(r.lost),
      String(r.duplicates),
      String(r.outOfOrder),
      String(r.sendErrors + r.failedConnections),
      `${f0(r.serverRssMb.connected)}→${f0(r.serverRssMb.end)}`,
      `${f0(r.serverCpuPct)}%`,
      r.redisCpuPct === null ? '–' : `${f0(r.redisCpuPct)}%`,
      `${f0(r.benchCpuPct)}%`,
      `${f0(r.otherCpuPct)}%`,
    ]);
  }
  const out: string[] = [];
  out.push('');
  out.push(
    `chat bench — db ${meta.db}, pubsub ${meta.pubsub}, window ${meta.window}, ${meta.size}-char messages, ` +
      `${meta.workers} subscriber worker thread(s), ${meta.cpus} CPUs, node ${process.version}`,
    `selection { ${meta.selection} }, clientId ${meta.clientId ? 'on' : 'off'}, ${meta.serverLimits}`,
  );
  out.push('');
  out.push(table(rows));
  const rs = ratios(results);
  if (rs.length) {
    out.push('');
    out.push('GraphQL / bare ws:');
    out.push(
      table([
        ['scenario', 'subs', '', 'deliv/s ratio', 'p99 ratio'],
        ...rs.map((r) => [r.scenario, String(r.subscribers), '', f2(r.deliveriesPerSec), f2(r.p99)]),
      ]),
    );
  }
  out.push('');
  out.push('deliv/s = unique deliveries / (last delivery − first send); msg/s = messages acknowledged / send time;');
  out.push('latency = receipt − send time (in the content); lost = subs×msgs − unique received; ooo = seq lower than');
  out.push('one already received; err = send errors + failed subscriber sockets; cpu = % of one core over the run');
  out.push('(srv = server process, bench = this process incl. subscriber threads, other = the rest of the machine:');
  out.push('if "other" is high, something else competed for the CPUs and the figures are pessimistic).');
  out.push('msgs "a/b": the send time limit (--max-send) stopped the run after a of b messages; deliveries still');
  out.push('undelivered when the drain limit (--max-drain) ran out count as lost.');
  for (const r of results) {
    if (r.firstSendError) out.push(`! ${r.target}/${r.scenario}/${r.subscribers}: first send error: ${r.firstSendError}`);
    for (const e of r.subscriberErrors) out.push(`! ${r.target}/${r.scenario}/${r.subscribers}: ${e}`);
    if (r.lateSends) out.push(`! ${r.target}/${r.scenario}/${r.subscribers}: ${r.lateSends} sends >5 ms behind schedule (max ${f1(r.maxSendLagMs)} ms)`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------

async function main() {
  installSignalHandlers();
  if (targets.includes('graphql')) dbChoice = await chooseDatabase();
  if (flags['cpu-prof']) log(`server CPU profiles go to ${profileDir}`);

  const specs: ScenarioSpec[] = [];
  for (const scenario of scenarios) {
    for (const subs of subsList) {
      for (const target of targets) {
        if (scenario === 'throughput') specs.push({ target, scenario, subs, messages: throughputMessages });
        else specs.push({ target, scenario, subs, messages: Math.max(1, Math.round(rate * duration)), intervalMs: 1000 / rate });
      }
    }
  }

  const results: Result[] = [];
  for (const spec of specs) {
    log(`${spec.target} ${spec.scenario}: ${spec.subs} subscribers, ${spec.messages} messages` +
      (spec.intervalMs ? ` at ${rate}/s` : `, window ${windowSize}`));
    let r: Result;
    try {
      r = await runScenario(spec);
    } catch (err) {
      // Something outside the bench stopped the server (seen on a shared machine): once more.
      if (!(err as { serverExited?: boolean }).serverExited) throw err;
      log('  the server was stopped from outside the bench: running the scenario again');
      r = await runScenario(spec);
    }
    log(
      `  → ${f0(r.deliveriesPerSec)} deliveries/s, p50 ${f2(r.latencyMs.p50)} ms, p99 ${f2(r.latencyMs.p99)} ms, ` +
        `lost ${r.lost}, server cpu ${f0(r.serverCpuPct)}%, bench cpu ${f0(r.benchCpuPct)}%`,
    );
    results.push(r);
  }

  const meta = {
    db: targets.includes('graphql') ? dbChoice!.kind : 'n/a',
    pubsub: redisUrl ? 'redis' : 'in-process',
    window: windowSize,
    size,
    workers: workerCount,
    cpus: cpus().length,
    clientId: useClientId,
    selection: flags.selection,
    serverLimits: flags['server-limits'] ? 'server defaults' : 'rate limits off, connection limits raised',
  };
  if (flags.json) {
    process.stdout.write(JSON.stringify({ meta, results, ratios: ratios(results) }, null, 2) + '\n');
  } else {
    printTable(results, meta);
  }
}

main()
  .then(async () => {
    await cleanupAll();
    process.exit(0);
  })
  .catch(async (err) => {
    console.error(`[bench] failed: ${err instanceof Error ? err.stack : err}`);
    await cleanupAll();
    process.exit(1);
  });
