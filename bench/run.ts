// Load bench: N graphql-ws subscribers in one room, one sender, against the real chat
// server (child process, Redis fan-out, SQLite in a temp dir or PostgreSQL) and against
// a bare `ws` broadcast server (bench/baseline-ws.ts) under the same load; optionally
// against several GraphQL server processes behind one Redis and one PostgreSQL (cluster).
//
//   npm run bench                                   # defaults: throughput + latency, 100 subscribers
//   npm run bench -- --subs 1,100,1000 --messages 1000
//   npm run bench -- --subs 1,100,1000,10000 --messages auto --scenarios throughput
//   npm run bench -- --scale                        # the production-readiness preset (≈ 4–6 min)
//   npm run bench -- --scenarios cluster --cluster 2 --cluster-subs 1000
//   npm run bench -- --db postgres                  # throwaway database on the local PostgreSQL
//   npm run bench -- --json > result.json           # table on stderr-free stdout as JSON
//   npm run bench -- --footprint                    # startup time and memory of the build (bench/footprint.ts)
//   npm run bench -- --help
//   npm run bench -- --rooms 200 --per-room 10 --senders 50 --rate 500   # many rooms: bench/many-rooms.ts
//
// Subscribers run in worker_threads (raw ws speaking graphql-transport-ws); the sender
// runs in the main thread. Progress goes to stderr, the result table (or JSON) to stdout.
import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { DEFAULT_SELECTION, P_FAILED, P_OPEN, P_RECEIVED, P_WARM, benchContent, isChatServer, nowMs, warmupContent, type Target } from './protocol.js';
import { bareSender, graphqlSender, pump, signUp, type PumpResult, type Sender } from './senders.js';
import { mergeReports, pgCpuDelta, pgCpuSnapshot, percentile, redisCpuMs, warningKey } from './measure.js';
import {
  cleanupAll,
  cpuMsOf,
  installSignalHandlers,
  machineBusyMs,
  makeTempDir,
  memoryOf,
  startNode,
  stopChild,
  throwawayPgDatabase,
  type Started,
} from './procs.js';
import type { WorkerInit, WorkerReport } from './subscriber-worker.js';
import { MANY_ROOMS_FLAGS, runManyRooms } from './many-rooms.js';

// The many-rooms scenario (bench/many-rooms.ts) has options of its own: route to it.
if (process.argv.slice(2).some((a) => MANY_ROOMS_FLAGS.includes(a.split('=')[0]))) {
  process.exit(await runManyRooms(process.argv.slice(2)));
}

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');

const HELP = `npm run bench -- [options]

  --scale            production-readiness preset: throughput at 1,100,1000,10000 subscribers
                     (messages auto), latency at 100, cluster (2 processes) at 1000 and 10000;
                     one table. Same as --scenarios throughput,latency,cluster --subs
                     1,100,1000,10000 --messages auto --latency-subs 100 --cluster 2
                     --cluster-subs 1000,10000
                     (any of these given explicitly wins over the preset)
  --scenarios LIST   throughput,latency,cluster (default throughput,latency)
  --subs LIST        subscriber counts, e.g. 1,100,1000 (default 100)
  --latency-subs L   subscriber counts of the latency scenario (default: --subs)
  --cluster K        server processes in the cluster scenario (default 2); adds "cluster"
                     to the scenarios. Cluster = K GraphQL servers on one throwaway PostgreSQL
                     database (whatever --db says) and the same REDIS_URL, subscribers split
                     evenly over them, the sender on the first one
  --cluster-subs L   subscriber counts of the cluster scenario (default: --subs)
  --targets LIST     graphql,events,bare (default all three; ratios need them): graphql =
                     subscribers on messageAdded, events = the same server with subscribers on
                     roomEvents, bare = a plain ws broadcast server
  --messages M       messages in the throughput scenario (default 2000); a list matches --subs
                     one to one; "auto" = --deliveries / subs, clamped to 20…2000
  --deliveries D     target subs×messages for --messages auto (default 300000)
  --window W         max unacknowledged sends (default 32)
  --rate R           messages/s in the latency scenario (default 20)
  --duration S       seconds of the latency scenario (default 10)
  --size BYTES       message content length (default 80)
  --workers K        subscriber worker threads (default: 1 on ≤2 cores, else cores−1; at least
                     2 for ≥5,000 subscribers)
  --source-addrs K   spread subscriber sockets over K loopback source addresses 127.0.0.2…
                     (0 = the OS default; default auto: one address per 4,000 subscribers
                     above 4,000, so 10,000 → 3)
  --db KIND          sqlite (default, temp dir) | postgres (throwaway database)
  --pg-url URL       admin URL used to create/drop the throwaway database
                     (default $BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --database-url URL use this DATABASE_URL as is (overrides --db; not for the cluster)
  --redis-url URL    REDIS_URL for the server (default redis://127.0.0.1:6379; "" = in-process pubsub)
  --selection SEL    messageAdded fields the subscribers select (must include seq and content;
                     default "id seq content sender { username } createdAt")
  --no-client-id     send without clientId (default: a unique clientId per message)
  --idle-timeout S   stop waiting for deliveries after S s without progress (default 10)
  --max-send S       stop sending after S s (default 20): a slow server gets fewer messages
  --max-drain S      after the last send, wait at most S s for deliveries (default 15);
                     deliveries still missing then count as lost
  --server-limits    keep the server's own rate/connection limits (default: the bench sets
                     RATE_MESSAGES_PER_MINUTE=0, RATE_MESSAGES_PER_USER_PER_MINUTE=0,
                     RATE_NEW_ROOMS_PER_HOUR=0, RATE_SIGNUPS_PER_IP=0 and raises
                     MAX_CONNECTIONS_PER_IP / MAX_SUBSCRIPTIONS_PER_CONNECTION to fit the load)
  --log-level L      server LOG_LEVEL (default info)
  --cpu-prof         run the GraphQL server with --cpu-prof; profiles kept in ./bench/profiles
  --node-args=FLAGS  node/V8 flags for the GraphQL server (e.g. --node-args=--max-semi-space-size=1)
  --json             print the results as JSON instead of the table
  --footprint        instead of the load bench: idle RSS, time to ready and RSS per WebSocket
                     of the production build (bench/footprint.ts; --footprint --help)

  Many rooms and senders (bench/many-rooms.ts): any of --rooms, --per-room, --senders,
  --sweep selects it; \`npm run bench -- --rooms 200 --help\` lists its options.
`;

// A bench of its own, with its own options.
if (process.argv.includes('--footprint')) {
  await import('./footprint.js'); // exits when done
}

const { values: given } = parseArgs({
  options: {
    scale: { type: 'boolean' },
    scenarios: { type: 'string' },
    subs: { type: 'string' },
    'latency-subs': { type: 'string' },
    cluster: { type: 'string' },
    'cluster-subs': { type: 'string' },
    targets: { type: 'string' },
    messages: { type: 'string' },
    deliveries: { type: 'string' },
    window: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    size: { type: 'string' },
    workers: { type: 'string' },
    'source-addrs': { type: 'string' },
    db: { type: 'string' },
    'pg-url': { type: 'string' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    'no-client-id': { type: 'boolean' },
    selection: { type: 'string' },
    'idle-timeout': { type: 'string' },
    'max-send': { type: 'string' },
    'max-drain': { type: 'string' },
    'server-limits': { type: 'boolean' },
    'log-level': { type: 'string' },
    'cpu-prof': { type: 'boolean' },
    'node-args': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (given.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

// Defaults, then the --scale preset, then what was given explicitly.
const DEFAULTS = {
  scale: false,
  scenarios: 'throughput,latency',
  subs: '100',
  'latency-subs': undefined as string | undefined,
  cluster: undefined as string | undefined,
  'cluster-subs': undefined as string | undefined,
  targets: 'graphql,events,bare',
  messages: '2000',
  deliveries: '300000',
  window: '32',
  rate: '20',
  duration: '10',
  size: '80',
  workers: undefined as string | undefined,
  'source-addrs': 'auto',
  db: 'sqlite',
  'pg-url': undefined as string | undefined,
  'database-url': undefined as string | undefined,
  'redis-url': 'redis://127.0.0.1:6379',
  'no-client-id': false,
  selection: DEFAULT_SELECTION,
  'idle-timeout': '10',
  'max-send': '20',
  'max-drain': '15',
  'server-limits': false,
  'log-level': 'info',
  'cpu-prof': false,
  'node-args': '',
  json: false,
};
const SCALE_PRESET: Partial<typeof DEFAULTS> = {
  scenarios: 'throughput,latency,cluster',
  subs: '1,100,1000,10000',
  'latency-subs': '100',
  cluster: '2',
  'cluster-subs': '1000,10000',
  messages: 'auto',
};
const flags = {
  ...DEFAULTS,
  ...(given.scale ? SCALE_PRESET : {}),
  ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
} as typeof DEFAULTS;

function num(name: string, v: string, min = 0): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min} (got ${v})`);
  return n;
}
const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

type Scenario = 'throughput' | 'latency' | 'cluster';
const scenarios = list(flags.scenarios) as Scenario[];
for (const s of scenarios) if (s !== 'throughput' && s !== 'latency' && s !== 'cluster') throw new Error(`unknown scenario ${s}`);
if (flags.cluster !== undefined && !scenarios.includes('cluster')) scenarios.push('cluster');
const clusterSize = Math.floor(num('cluster', flags.cluster ?? '2', 1));
const targets = list(flags.targets) as Target[];
for (const t of targets) if (t !== 'graphql' && t !== 'events' && t !== 'bare') throw new Error(`unknown target ${t}`);
const subsOf = (name: string, v: string) => list(v).map((s) => Math.floor(num(name, s, 1)));
const subsList = subsOf('subs', flags.subs);
const latencySubsList = flags['latency-subs'] ? subsOf('latency-subs', flags['latency-subs']) : subsList;
const clusterSubsList = flags['cluster-subs'] ? subsOf('cluster-subs', flags['cluster-subs']) : subsList;
const targetDeliveries = num('deliveries', flags.deliveries, 1);
const messagesSpec = flags.messages.trim() === 'auto' ? 'auto' : list(flags.messages).map((m) => Math.floor(num('messages', m, 1)));
if (messagesSpec !== 'auto' && messagesSpec.length !== 1 && messagesSpec.length !== subsList.length) {
  throw new Error(`--messages: give one count, "auto", or one count per --subs entry (${subsList.length})`);
}
/** Messages of a throughput (or cluster) run with `subs` subscribers. */
function throughputMessagesFor(subs: number): number {
  if (messagesSpec === 'auto') return Math.min(2000, Math.max(20, Math.round(targetDeliveries / subs)));
  if (messagesSpec.length === 1) return messagesSpec[0];
  const i = subsList.indexOf(subs);
  return messagesSpec[i >= 0 ? i : messagesSpec.length - 1];
}
const windowSize = Math.floor(num('window', flags.window, 1));
const rate = num('rate', flags.rate, 0.001);
const duration = num('duration', flags.duration, 0.001);
const size = Math.floor(num('size', flags.size, 1));
const idleTimeoutMs = num('idle-timeout', flags['idle-timeout'], 0.1) * 1000;
const maxSendMs = num('max-send', flags['max-send'], 0.1) * 1000;
const maxDrainMs = num('max-drain', flags['max-drain'], 0.1) * 1000;
const defaultWorkers = cpus().length <= 2 ? 1 : cpus().length - 1;
const explicitWorkers = flags.workers === undefined ? undefined : Math.floor(num('workers', flags.workers, 1));
/** Subscriber worker threads for a run: one thread tops out around 10k sockets' frames. */
const workersFor = (subs: number) => explicitWorkers ?? (subs >= 5000 ? Math.max(2, defaultWorkers) : defaultWorkers);
const SUBS_PER_SOURCE_ADDR = 4000;
/** Loopback source addresses to spread a run's subscriber sockets over (none: the OS picks 127.0.0.1). */
function sourceAddrsFor(subs: number): string[] {
  const v = flags['source-addrs'];
  const k = v === 'auto' ? (subs > SUBS_PER_SOURCE_ADDR ? Math.ceil(subs / SUBS_PER_SOURCE_ADDR) : 0) : Math.floor(num('source-addrs', v, 0));
  if (k > 250) throw new Error('--source-addrs: at most 250 (127.0.0.2 … 127.0.0.251)');
  return Array.from({ length: k }, (_, i) => `127.0.0.${i + 2}`);
}
const useClientId = !flags['no-client-id'];
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------------------------------
// Database for the GraphQL server

interface DbChoice {
  kind: 'sqlite' | 'postgres';
  /** A DATABASE_URL for one server run. */
  url(): string;
  /** PostgreSQL database name (when the bench created it): its backends' CPU is measured. */
  pgName?: string;
}

const pgAdminUrl = () => flags['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway PostgreSQL database, dropped at cleanup. */
async function createPgDatabase(): Promise<DbChoice> {
  const { name, url } = await throwawayPgDatabase(pgAdminUrl(), log);
  return { kind: 'postgres', url: () => url, pgName: name };
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
  return createPgDatabase();
}

let clusterDb: Promise<DbChoice> | undefined;
/** The cluster's database: PostgreSQL always (several processes on one SQLite file is not a deployment). */
function clusterDatabase(): Promise<DbChoice> {
  if (dbChoice?.kind === 'postgres' && dbChoice.pgName) return Promise.resolve(dbChoice);
  clusterDb ??= createPgDatabase();
  return clusterDb;
}

// ---------------------------------------------------------------------------------------
// One scenario against one target (or, for the cluster, several GraphQL server processes)

interface ScenarioSpec {
  target: Target;
  scenario: Scenario;
  subs: number;
  messages: number;
  intervalMs?: number;
  /** Server processes (1, or the cluster size). */
  servers: number;
}

interface Mem {
  /** Before subscribers connect, after one warm-up request. */
  idle: number;
  /** After every subscriber is connected, subscribed and has received a warm-up message. */
  connected: number;
  end: number;
  peak: number;
}

interface ProcessResult {
  pid: number;
  subscribers: number;
  rssMb: Mem;
  rssPerConnKb: number;
  cpuPct: number;
}

interface Result {
  target: Target;
  scenario: string;
  servers: number;
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
  /** Sum over the server processes. */
  serverRssMb: Mem;
  /** (RSS connected − RSS idle) / subscribers, summed over the processes, in KiB. */
  rssPerConnKb: number;
  /** Server CPU (all processes) per 1,000 unique deliveries over the measured window, in ms. */
  cpuMsPer1kDeliveries: number;
  serverCpuPct: number;
  processes: ProcessResult[];
  redisCpuPct: number | null;
  /** PostgreSQL backends of the bench's database (null: SQLite, or a database the bench did not create). */
  dbCpuPct: number | null;
  benchCpuPct: number;
  /** CPU used by everything else on the machine (other processes), % of one core. */
  otherCpuPct: number;
  workers: number;
  sourceAddrs: number;
  setupMs: number;
  /** Server log lines at warn level or above during the scenario, grouped by message. */
  serverWarnings: Array<{ message: string; count: number; first: string; example: string }>;
  serverWarningCount: number;
}

let dbChoice: DbChoice | undefined;
const redisUrl = flags['redis-url'];
const profileDir = join(benchDir, 'profiles');

/** Server limits that would otherwise cap or reject the bench's own load (one user, one address). */
function limitEnv(subs: number): Record<string, string> {
  if (flags['server-limits']) return {};
  return {
    RATE_MESSAGES_PER_MINUTE: '0',
    RATE_MESSAGES_PER_USER_PER_MINUTE: '0',
    RATE_NEW_ROOMS_PER_HOUR: '0',
    RATE_SIGNUPS_PER_IP: '0',
    MAX_CONNECTIONS_PER_IP: String(subs + 16),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: String(Math.max(50, windowSize * 2 + 10)),
  };
}

/** The limits the bench changed from the server's defaults (for the table: those of its largest run). */
function describeLimits(env: Record<string, string>): string {
  const set = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  return set.length ? `set by the bench (0 = off; --server-limits keeps the defaults): ${set.join(', ')}` : 'server defaults';
}

async function startTarget(target: Target, subs: number, db?: DbChoice, label = 'chat server'): Promise<Started> {
  if (target === 'bare') {
    return startNode({ script: 'bench/baseline-ws.ts', cwd: repoRoot, env: { PORT: '0', HOST: '127.0.0.1' }, label: 'baseline-ws' });
  }
  return startNode({
    script: 'server/main.ts',
    cwd: repoRoot,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: (db ?? dbChoice!).url(),
      REDIS_URL: redisUrl,
      LOG_LEVEL: flags['log-level'],
      ...limitEnv(subs),
    },
    nodeArgs: [...(flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...flags['node-args'].split(' ').filter(Boolean)],
    label,
  });
}

/** The one warm-up request of a server that is not the sender's (its idle RSS is read after it). */
async function warmRequest(target: Target, port: number): Promise<void> {
  if (target === 'bare') {
    await fetch(`http://127.0.0.1:${port}/`).then((r) => r.arrayBuffer()).catch(() => {});
    return;
  }
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  await res.arrayBuffer();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runScenario(spec: ScenarioSpec): Promise<Result> {
  const setupStart = nowMs();
  const runId = randomBytes(4).toString('hex');
  const room = `bench-${runId}`;
  const db = isChatServer(spec.target) ? (spec.servers > 1 ? await clusterDatabase() : dbChoice!) : undefined;
  const servers: Started[] = [];
  const workers: Array<{ worker: Worker; progress: Int32Array; report?: Promise<WorkerReport> }> = [];
  let sender: Sender | undefined;
  let serverExit: string | undefined;
  let stopping = false;
  // Server log lines at warn level or above while the scenario runs, grouped by message.
  const warnings = new Map<string, { count: number; first: string; example: string }>();
  let warningCount = 0;
  const noteWarning = (label: string) => (line: string) => {
    const key = warningKey(line);
    if (!key) return;
    warningCount++;
    const time = new Date().toISOString().slice(11, 23);
    const w = warnings.get(key);
    if (w) w.count++;
    else if (warnings.size < 20) warnings.set(key, { count: 1, first: `${label} at ${time}`, example: line.slice(0, 600) });
  };
  try {
    // Started one after the other: each applies migrations at start (a no-op for the second).
    for (let k = 0; k < spec.servers; k++) {
      const label = spec.servers > 1 ? `chat server ${k + 1}/${spec.servers}` : 'chat server';
      const server = await startTarget(spec.target, spec.subs, db, label);
      servers.push(server);
      // Warnings/errors the server logs from now on (start-up lines are in server.tail).
      createInterface({ input: server.child.stdout! }).on('line', noteWarning(`pid ${server.pid}`));
      createInterface({ input: server.child.stderr! }).on('line', noteWarning(`pid ${server.pid} stderr`));
      server.child.once('exit', (code, signal) => {
        if (stopping) return;
        serverExit = `${label} (pid ${server.pid}) exited during the scenario (${code ?? signal}); last output:\n  ${server.tail.slice(-8).join('\n  ')}`;
        log(serverExit);
      });
    }
    const urls = servers.map((s) => (isChatServer(spec.target) ? `ws://127.0.0.1:${s.port}/graphql` : `ws://127.0.0.1:${s.port}`));
    const token = isChatServer(spec.target) ? await signUp(servers[0].port) : '';
    for (let k = isChatServer(spec.target) ? 1 : 0; k < servers.length; k++) await warmRequest(spec.target, servers[k].port);
    await sleep(300);
    const memIdle = servers.map((s) => memoryOf(s.pid));

    // Subscribers, split over the worker threads (and, in the cluster, over the servers).
    const nWorkers = Math.min(workersFor(spec.subs), spec.subs);
    const localAddresses = sourceAddrsFor(spec.subs);
    const connected: Promise<void>[] = [];
    let firstIndex = 0;
    for (let w = 0; w < nWorkers; w++) {
      const share = Math.floor(spec.subs / nWorkers) + (w < spec.subs % nWorkers ? 1 : 0);
      const progress = new SharedArrayBuffer(4 * 4);
      const init: WorkerInit = {
        target: spec.target,
        urls,
        firstIndex,
        localAddresses,
        room,
        runId,
        connections: share,
        messages: spec.messages,
        progress,
        connectConcurrency: 32,
        selection: flags.selection,
      };
      firstIndex += share;
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
    const connectStart = nowMs();
    await Promise.all(connected);
    if (spec.subs >= 1000) log(`  ${sum(P_OPEN)}/${spec.subs} sockets open in ${((nowMs() - connectStart) / 1000).toFixed(1)} s`);
    if (sum(P_FAILED) > 0) log(`warning: ${sum(P_FAILED)} subscriber connection(s) failed/closed`);
    if (serverExit) throw Object.assign(new Error(serverExit), { serverExited: true });

    sender = isChatServer(spec.target) ? await graphqlSender(urls[0], token, room) : await bareSender(urls[0]);

    // Warm-up: a message every 100 ms until every live subscriber has received one, so
    // every subscription is known to be active before the measured run starts.
    const warmDeadline = nowMs() + 60_000;
    const warmSends: Promise<void>[] = [];
    for (let k = 0; sum(P_WARM) < spec.subs - sum(P_FAILED); k++) {
      if (nowMs() > warmDeadline) throw new Error(`only ${sum(P_WARM)}/${spec.subs} subscribers became active in 60 s`);
      if (serverExit) throw Object.assign(new Error(serverExit), { serverExited: true });
      if (k % 5 === 0) warmSends.push(sender.send(warmupContent(runId, k), `w-${runId}-${k}`));
      await sleep(20);
    }
    await Promise.all(warmSends);
    await sleep(300); // let the last warm-up deliveries drain
    const setupMs = nowMs() - setupStart;
    const memConnected = servers.map((s) => memoryOf(s.pid));

    const serversCpu = () => servers.map((s) => cpuMsOf(s.pid));
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    let expected = spec.subs * spec.messages; // until the sender says how many it sent
    const cpu0 = serversCpu();
    const redis0 = await redisCpuMs(redisUrl);
    const pg0 = await pgCpuSnapshot(pgAdminUrl(), db?.pgName);
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
        cpuAtLastChange = serversCpu();
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
    const redis1 = await redisCpuMs(redisUrl);
    const pg1 = await pgCpuSnapshot(pgAdminUrl(), db?.pgName);
    const memEnd = servers.map((s) => memoryOf(s.pid));

    for (const w of workers) w.worker.postMessage({ type: 'finish' });
    const reports = await Promise.all(workers.map((w) => w.report!));

    const { received, duplicates, outOfOrder, lastRecv, errors, latencies: all } = mergeReports(reports);
    let mean = 0;
    for (let i = 0; i < all.length; i++) mean += all[i];
    mean /= all.length || 1;

    const window = Math.max(1, (lastRecv || tAtLastChange) - t0);
    const cpuWindow = Math.max(1, tAtLastChange - t0);
    const benchCpu = benchAtLastChange.user / 1000 + benchAtLastChange.system / 1000;
    const serverCpuMs = total(cpuAtLastChange) - total(cpu0);
    const redisMs = isChatServer(spec.target) && redis0 !== null && redis1 !== null ? redis1 - redis0 : null;
    const dbMs = pgCpuDelta(pg0, pg1);
    const sumMem = (ms: Array<{ rss: number; hwm: number }>, k: 'rss' | 'hwm') => ms.reduce((a, m) => a + m[k], 0);
    const serverRssMb: Mem = {
      idle: sumMem(memIdle, 'rss'),
      connected: sumMem(memConnected, 'rss'),
      end: sumMem(memEnd, 'rss'),
      peak: sumMem(memEnd, 'hwm'),
    };
    const processes: ProcessResult[] = servers.map((srv, k) => {
      // Subscriber i is on server i % servers.
      const subsHere = Math.floor(spec.subs / servers.length) + (k < spec.subs % servers.length ? 1 : 0);
      return {
        pid: srv.pid,
        subscribers: subsHere,
        rssMb: { idle: memIdle[k].rss, connected: memConnected[k].rss, end: memEnd[k].rss, peak: memEnd[k].hwm },
        rssPerConnKb: ((memConnected[k].rss - memIdle[k].rss) * 1024) / Math.max(1, subsHere),
        cpuPct: ((cpuAtLastChange[k] - cpu0[k]) / cpuWindow) * 100,
      };
    });
    return {
      target: spec.target,
      scenario: spec.scenario,
      servers: spec.servers,
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
      serverRssMb,
      rssPerConnKb: ((serverRssMb.connected - serverRssMb.idle) * 1024) / spec.subs,
      cpuMsPer1kDeliveries: received > 0 ? (serverCpuMs / received) * 1000 : NaN,
      serverCpuPct: (serverCpuMs / cpuWindow) * 100,
      processes,
      redisCpuPct: redisMs === null ? null : (redisMs / cpuWindow) * 100,
      dbCpuPct: dbMs === null ? null : (dbMs / cpuWindow) * 100,
      benchCpuPct: (benchCpu / cpuWindow) * 100,
      otherCpuPct: ((machineAtLastChange - machine0 - serverCpuMs - benchCpu - (redisMs ?? 0) - (dbMs ?? 0)) / cpuWindow) * 100,
      workers: nWorkers,
      sourceAddrs: localAddresses.length,
      setupMs,
      serverWarnings: [...warnings].map(([key, w]) => ({ message: key, count: w.count, first: w.first, example: w.example })),
      serverWarningCount: warningCount,
    };
  } finally {
    sender?.close();
    await Promise.all(workers.map((w) => w.worker.terminate()));
    stopping = true;
    await Promise.all(servers.map((srv) => stopChild(srv.child)));
  }
}

// ---------------------------------------------------------------------------------------
// Output

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

function table(rows: string[][], leftCols = 3): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c < leftCols ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** Below this many subscribers per process, GC noise (a few MB either way) swamps (conn − idle) / N. */
const MIN_SUBS_FOR_KB = 1000;

const targetLabel = (r: Pick<Result, 'target' | 'servers'>) => (r.servers > 1 ? `${r.target}×${r.servers}` : r.target);

interface Ratio {
  scenario: string;
  subscribers: number;
  /** What is compared with what: "graphql/bare" or "graphql×K/graphql". */
  compared: string;
  deliveriesPerSec: number;
  p99: number;
  rssPerConn: number;
  cpuPer1k: number;
}

function ratios(results: Result[]): Ratio[] {
  const out: Ratio[] = [];
  const make = (compared: string, a: Result, b: Result): Ratio => ({
    scenario: a.scenario,
    subscribers: a.subscribers,
    compared,
    deliveriesPerSec: a.deliveriesPerSec / b.deliveriesPerSec,
    p99: a.latencyMs.p99 / b.latencyMs.p99,
    rssPerConn: a.subscribers / a.servers >= MIN_SUBS_FOR_KB ? a.rssPerConnKb / b.rssPerConnKb : NaN,
    cpuPer1k: a.cpuMsPer1kDeliveries / b.cpuMsPer1kDeliveries,
  });
  for (const g of results.filter((r) => r.target === 'graphql' && r.servers === 1)) {
    const b = results.find((r) => r.target === 'bare' && r.scenario === g.scenario && r.subscribers === g.subscribers);
    if (b) out.push(make('graphql/bare', g, b));
    // roomEvents against messageAdded on the same server and load (the bound: within 10%).
    const e = results.find((r) => r.target === 'events' && r.servers === 1 && r.scenario === g.scenario && r.subscribers === g.subscribers);
    if (e) out.push(make('events/graphql', e, g));
  }
  // The cluster against one GraphQL process with as many subscribers (throughput).
  for (const c of results.filter((r) => r.servers > 1)) {
    const one = results.find((r) => r.target === 'graphql' && r.servers === 1 && r.scenario === 'throughput' && r.subscribers === c.subscribers);
    if (one) out.push(make(`graphql×${c.servers}/graphql`, c, one));
  }
  return out;
}

function printTable(results: Result[], meta: Record<string, unknown>) {
  const head = [
    'target', 'scenario', 'subs', 'msgs', 'deliv/s', 'msg/s', 'p50 ms', 'p99 ms', 'max ms',
    'lost', 'dup', 'ooo', 'err', 'rss MB idle→conn→end', 'KB/conn', 'cpu ms/1k', 'srv cpu', 'redis cpu', 'db cpu',
    'bench cpu', 'other cpu',
  ];
  const rows = [head];
  for (const r of results) {
    rows.push([
      targetLabel(r),
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
      `${f0(r.serverRssMb.idle)}→${f0(r.serverRssMb.connected)}→${f0(r.serverRssMb.end)}`,
      r.subscribers / r.servers >= MIN_SUBS_FOR_KB ? f1(r.rssPerConnKb) : '–',
      f1(r.cpuMsPer1kDeliveries),
      `${f0(r.serverCpuPct)}%`,
      r.redisCpuPct === null ? '–' : `${f0(r.redisCpuPct)}%`,
      r.dbCpuPct === null ? '–' : `${f0(r.dbCpuPct)}%`,
      `${f0(r.benchCpuPct)}%`,
      `${f0(r.otherCpuPct)}%`,
    ]);
  }
  const out: string[] = [];
  out.push('');
  out.push(
    `chat bench — db ${meta.db}, pubsub ${meta.pubsub}, window ${meta.window}, ${meta.size}-char messages, ` +
      `${meta.cpus} CPUs, node ${process.version}`,
    `selection { ${meta.selection} }, clientId ${meta.clientId ? 'on' : 'off'}, ${meta.serverLimits}`,
  );
  out.push('');
  out.push(table(rows));

  const rs = ratios(results);
  if (rs.length) {
    out.push('');
    out.push('Ratios (GraphQL / bare ws; cluster / one GraphQL process):');
    out.push(
      table(
        [
          ['compared', 'scenario', 'subs', 'deliv/s', 'p99', 'KB/conn', 'cpu ms/1k'],
          ...rs.map((r) => [r.compared, r.scenario, String(r.subscribers), f2(r.deliveriesPerSec), f2(r.p99), f2(r.rssPerConn), f2(r.cpuPer1k)]),
        ],
        3,
      ),
    );
  }

  const multi = results.filter((r) => r.servers > 1);
  if (multi.length) {
    out.push('');
    out.push('Cluster processes (the sender is on the first; subscribers split evenly):');
    const prow = [['target', 'subs', 'process', 'pid', 'subs here', 'rss MB idle→conn→end', 'peak MB', 'KB/conn', 'cpu']];
    for (const r of multi) {
      r.processes.forEach((p, k) =>
        prow.push([
          targetLabel(r),
          String(r.subscribers),
          `${k + 1}${k === 0 ? ' (sender)' : ''}`,
          String(p.pid),
          String(p.subscribers),
          `${f0(p.rssMb.idle)}→${f0(p.rssMb.connected)}→${f0(p.rssMb.end)}`,
          f0(p.rssMb.peak),
          p.subscribers >= MIN_SUBS_FOR_KB ? f1(p.rssPerConnKb) : '–',
          `${f0(p.cpuPct)}%`,
        ]),
      );
    }
    out.push(table(prow, 3));
  }

  const setupRows = results.filter((r) => r.subscribers >= 1000);
  if (setupRows.length) {
    out.push('');
    out.push(
      'Setup (start, connect, subscribe, warm-up): ' +
        setupRows
          .map((r) => `${targetLabel(r)}/${r.scenario}/${r.subscribers}: ${f1(r.setupMs / 1000)} s (${r.workers} worker${r.workers > 1 ? 's' : ''}, ${r.sourceAddrs || 'default'} source addr${r.sourceAddrs === 1 ? '' : 's'})`)
          .join('; '),
    );
  }

  // The production target: 10,000 subscribers in one process, under 20 KB each.
  for (const r of results.filter((r) => r.target === 'graphql' && r.servers === 1 && r.subscribers >= 10_000)) {
    const ok = r.rssPerConnKb < 20 && r.lost === 0 && r.failedConnections === 0;
    out.push(
      `target 10,000 subscribers/process < 20 KB each — ${r.scenario} ${r.subscribers}: ${f1(r.rssPerConnKb)} KB/conn, ` +
        `lost ${r.lost}, failed sockets ${r.failedConnections}, peak RSS ${f0(r.serverRssMb.peak)} MB → ${ok ? 'MET' : 'NOT MET'}`,
    );
  }

  out.push('');
  out.push('deliv/s = unique deliveries / (last delivery − first send); msg/s = messages acknowledged / send time;');
  out.push('latency = receipt − send time (in the content); lost = subs×msgs − unique received; ooo = seq lower than');
  out.push('one already received; err = send errors + failed subscriber sockets; cpu = % of one core over the run');
  out.push('(srv = server process(es), db = PostgreSQL backends of the bench database, bench = this process incl.');
  out.push('subscriber threads, other = the rest of the machine: if "other" is high, something else competed for');
  out.push('the CPUs and the figures are pessimistic).');
  out.push('rss idle = after one warm-up request, before subscribers; conn = all subscribed and warmed up; end = after');
  out.push('the run (summed over processes for ×K); KB/conn = (conn − idle) / subs, shown from 1,000 subscribers per');
  out.push('process (below, GC noise of a few MB swamps it; --json has it); cpu ms/1k = server CPU ms (utime+stime, all');
  out.push('processes) per 1,000 unique deliveries over the measured window (10 ms clock ticks).');
  out.push('msgs "a/b": the send time limit (--max-send) stopped the run after a of b messages; deliveries still');
  out.push('undelivered when the drain limit (--max-drain) ran out count as lost.');
  for (const r of results) {
    const tag = `${targetLabel(r)}/${r.scenario}/${r.subscribers}`;
    if (r.firstSendError) out.push(`! ${tag}: first send error: ${r.firstSendError}`);
    for (const e of r.subscriberErrors) out.push(`! ${tag}: ${e}`);
    if (r.lateSends) out.push(`! ${tag}: ${r.lateSends} sends >5 ms behind schedule (max ${f1(r.maxSendLagMs)} ms)`);
    if (r.serverWarningCount) {
      out.push(`! ${tag}: the server logged ${r.serverWarningCount} line(s) at warn level or above:`);
      for (const w of r.serverWarnings) out.push(`    ${w.count}× ${w.message} (first: ${w.first})`);
      if (r.serverWarnings[0]) out.push(`    e.g. ${r.serverWarnings[0].example}`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------

async function main() {
  installSignalHandlers();
  if (targets.some(isChatServer) && scenarios.some((s) => s !== 'cluster')) dbChoice = await chooseDatabase();
  if (flags['cpu-prof']) log(`server CPU profiles go to ${profileDir}`);

  const specs: ScenarioSpec[] = [];
  for (const scenario of scenarios) {
    if (scenario === 'cluster') {
      for (const subs of clusterSubsList) {
        specs.push({ target: 'graphql', scenario, subs, messages: throughputMessagesFor(subs), servers: clusterSize });
      }
      continue;
    }
    for (const subs of scenario === 'latency' ? latencySubsList : subsList) {
      for (const target of targets) {
        if (scenario === 'throughput') specs.push({ target, scenario, subs, messages: throughputMessagesFor(subs), servers: 1 });
        else specs.push({ target, scenario, subs, messages: Math.max(1, Math.round(rate * duration)), intervalMs: 1000 / rate, servers: 1 });
      }
    }
  }

  const started = nowMs();
  const results: Result[] = [];
  for (const spec of specs) {
    log(`${targetLabel(spec)} ${spec.scenario}: ${spec.subs} subscribers, ${spec.messages} messages` +
      (spec.intervalMs ? ` at ${rate}/s` : `, window ${windowSize}`));
    if (isChatServer(spec.target)) log(`  server limits: ${describeLimits(limitEnv(spec.subs))}`);
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
        `lost ${r.lost}, server cpu ${f0(r.serverCpuPct)}%, ${f1(r.cpuMsPer1kDeliveries)} cpu ms/1k deliveries, ` +
        `rss ${f0(r.serverRssMb.idle)}→${f0(r.serverRssMb.connected)} MB (${f1(r.rssPerConnKb)} KB/conn), bench cpu ${f0(r.benchCpuPct)}%, ` +
        `other cpu ${f0(r.otherCpuPct)}%, setup ${f1(r.setupMs / 1000)} s`,
    );
    results.push(r);
  }
  log(`all scenarios done in ${f1((nowMs() - started) / 1000)} s`);

  const meta = {
    db:
      (targets.some(isChatServer) && dbChoice ? dbChoice.kind : 'n/a') +
      (scenarios.includes('cluster') ? ' (cluster: postgres)' : ''),
    pubsub: redisUrl ? 'redis' : 'in-process',
    window: windowSize,
    size,
    workers: [...new Set(results.map((r) => r.workers))].join('/'),
    cpus: cpus().length,
    clientId: useClientId,
    selection: flags.selection,
    serverLimits: describeLimits(limitEnv(Math.max(0, ...specs.filter((x) => isChatServer(x.target)).map((x) => x.subs)))),
    totalSeconds: (nowMs() - started) / 1000,
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
