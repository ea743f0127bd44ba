// The many-rooms scenario: R rooms × S graphql-ws subscribers per room, N signed-in
// senders each on its own graphql-ws socket, sending `sendMessage` to random rooms at a
// fixed total rate (open loop: a send goes out at its scheduled time whether or not the
// earlier ones were answered), for D seconds; against the chat server (child process,
// Redis fan-out, SQLite in a temp dir or a throwaway PostgreSQL database) and against
// the bare `ws` server (bench/baseline-ws.ts, rooms by URL path) under the same load.
// `--sweep` finds the highest rate whose delivery p99 stays within --max-p99 with
// nothing lost and no send refused.
//
//   npm run bench -- --rooms 200 --per-room 10 --senders 50 --rate 500 --duration 20
//   npm run bench -- --rooms 200 --per-room 10 --senders 50 --sweep --db postgres
//
// Latencies count from the *scheduled* send time (it goes into the content), so a bench
// that falls behind its schedule shows up in the figures instead of hiding it.
import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { DEFAULT_SELECTION, P_FAILED, P_RECEIVED, P_WARM, benchContent, nowMs, warmupContent, type Target } from './protocol.js';
import { bareSender, graphqlSender, signUp, type Sender } from './senders.js';
import { cleanupAll, cpuMsOf, installSignalHandlers, machineBusyMs, makeTempDir, memoryOf, startNode, stopChild, throwawayPgDatabase, type Started } from './procs.js';
import { mergeReports, pgCpuDelta, pgCpuSnapshot, percentile, redisCpuMs, warningKey } from './measure.js';
import type { WorkerInit, WorkerReport } from './subscriber-worker.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');

/** The options that select this scenario in `npm run bench` (bench/run.ts routes on them). */
export const MANY_ROOMS_FLAGS = ['--rooms', '--per-room', '--senders', '--sweep'];

const HELP = `npm run bench -- --rooms R [options]      (the many-rooms scenario)

  --rooms R          rooms (default 200)
  --per-room S       graphql-ws subscribers per room (default 10)
  --senders N        signed-in senders, each on its own graphql-ws socket (default 50)
  --rate M           total messages/s over all senders, open loop (default 500)
  --duration S       seconds of sending (default 20)
  --sweep            find the highest rate with delivery p99 ≤ --max-p99, nothing lost and
                     no send refused: doubles from --rate (or halves, if --rate fails), then
                     bisects (each step a fresh server; --duration applies to each step)
  --max-p99 MS       the sweep's delivery p99 bound (default 50)
  --sweep-max M      highest rate the sweep tries (default 20000)
  --sweep-min M      lowest rate the sweep tries (default 25)
  --targets LIST     graphql,bare (default both)
  --db KIND          sqlite (default, temp dir) | postgres (throwaway database)
  --pg-url URL       admin URL for the throwaway database
                     (default $BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --redis-url URL    REDIS_URL for the server (default redis://127.0.0.1:6379)
  --size BYTES       message content length (default 80)
  --workers K        subscriber worker threads (default 1 on ≤2 cores, else cores−1)
  --max-drain S      after the last send, wait at most S s for deliveries (default 10)
  --server-env LIST  extra server environment, KEY=VALUE,KEY=VALUE (e.g. to raise a new limit)
  --log-level L      server LOG_LEVEL (default info; it must print "listening")
  --cpu-prof         run the GraphQL server with --cpu-prof; profiles kept in ./bench/profiles
  --node-args=FLAGS  node/V8 flags for the GraphQL server (e.g. --node-args=--max-semi-space-size=32)
  --json             print the results as JSON instead of the table

Limits: the bench raises, for its own senders and sockets, RATE_MESSAGES_PER_MINUTE and
RATE_MESSAGES_PER_USER_PER_MINUTE to 1,000,000 and RATE_NEW_ROOMS_PER_HOUR to 100,000 (the
checks, with their Redis round trips, still run on every send), RATE_SIGNUPS_PER_IP to 0 (N sign-ups from one address) and MAX_CONNECTIONS_PER_IP to fit
every socket on 127.0.0.1. MAX_SUBSCRIPTIONS_PER_CONNECTION keeps the product default
(50 operations in flight per socket): a server that falls behind refuses sends, which
count as errors.
`;

interface Flags {
  rooms: number;
  perRoom: number;
  senders: number;
  rate: number;
  duration: number;
  sweep: boolean;
  maxP99: number;
  sweepMax: number;
  sweepMin: number;
  targets: Target[];
  db: 'sqlite' | 'postgres';
  pgUrl: string;
  redisUrl: string;
  size: number;
  workers: number;
  maxDrainMs: number;
  serverEnv: Record<string, string>;
  logLevel: string;
  cpuProf: boolean;
  nodeArgs: string[];
  json: boolean;
}

function parseFlags(argv: string[]): Flags | undefined {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      rooms: { type: 'string', default: '200' },
      'per-room': { type: 'string', default: '10' },
      senders: { type: 'string', default: '50' },
      rate: { type: 'string', default: '500' },
      duration: { type: 'string', default: '20' },
      sweep: { type: 'boolean', default: false },
      'max-p99': { type: 'string', default: '50' },
      'sweep-max': { type: 'string', default: '20000' },
      'sweep-min': { type: 'string', default: '25' },
      targets: { type: 'string', default: 'graphql,bare' },
      db: { type: 'string', default: 'sqlite' },
      'pg-url': { type: 'string' },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
      size: { type: 'string', default: '80' },
      workers: { type: 'string' },
      'max-drain': { type: 'string', default: '10' },
      'server-env': { type: 'string', default: '' },
      'log-level': { type: 'string', default: 'info' },
      'cpu-prof': { type: 'boolean', default: false },
      'node-args': { type: 'string', default: '' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (v.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  const num = (name: string, s: string, min: number) => {
    const n = Number(s);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min} (got ${s})`);
    return n;
  };
  const targets = v.targets!.split(',').map((t) => t.trim()) as Target[];
  for (const t of targets) if (t !== 'graphql' && t !== 'bare') throw new Error(`unknown target ${t}`);
  if (v.db !== 'sqlite' && v.db !== 'postgres') throw new Error(`--db must be sqlite or postgres (got ${v.db})`);
  const serverEnv = Object.fromEntries(
    v['server-env']!.split(',').filter(Boolean).map((kv) => {
      const eq = kv.indexOf('=');
      if (eq < 1) throw new Error(`--server-env: expected KEY=VALUE, got ${kv}`);
      return [kv.slice(0, eq), kv.slice(eq + 1)];
    }),
  );
  return {
    rooms: Math.floor(num('rooms', v.rooms!, 1)),
    perRoom: Math.floor(num('per-room', v['per-room']!, 1)),
    senders: Math.floor(num('senders', v.senders!, 1)),
    rate: num('rate', v.rate!, 1),
    duration: num('duration', v.duration!, 1),
    sweep: v.sweep!,
    maxP99: num('max-p99', v['max-p99']!, 1),
    sweepMax: num('sweep-max', v['sweep-max']!, 1),
    sweepMin: num('sweep-min', v['sweep-min']!, 1),
    targets,
    db: v.db,
    pgUrl: v['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: v['redis-url']!,
    size: Math.floor(num('size', v.size!, 1)),
    workers: v.workers ? Math.floor(num('workers', v.workers, 1)) : cpus().length <= 2 ? 1 : cpus().length - 1,
    maxDrainMs: num('max-drain', v['max-drain']!, 0.1) * 1000,
    serverEnv,
    logLevel: v['log-level']!,
    cpuProf: v['cpu-prof']!,
    nodeArgs: v['node-args']!.split(' ').filter(Boolean),
    json: v.json!,
  };
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

interface Stats {
  p50: number;
  p99: number;
  max: number;
}
const statsOf = (sorted: Float64Array): Stats => ({
  p50: percentile(sorted, 50),
  p99: percentile(sorted, 99),
  max: sorted.length ? sorted[sorted.length - 1] : NaN,
});

export interface ManyRoomsResult {
  target: Target;
  db: string;
  rooms: number;
  perRoom: number;
  senders: number;
  rate: number;
  /** Messages sent / the time from the first scheduled send to the last answer. */
  achievedRate: number;
  messages: number;
  expectedDeliveries: number;
  deliveries: number;
  lost: number;
  duplicates: number;
  /** GraphQL only: a seq lower than one the subscriber already had (bare seqs are per sender). */
  outOfOrder: number | null;
  sendErrors: number;
  firstSendError?: string;
  subscriberErrors: string[];
  failedConnections: number;
  /** Scheduled send time → answer (GraphQL: stored and published). */
  sendMs: Stats;
  /** Scheduled send time → receipt by a subscriber. */
  deliveryMs: Stats;
  /** Sends that went out more than 5 ms after their scheduled time (the bench fell behind). */
  lateSends: number;
  serverCpuPct: number;
  /** Server CPU ms per message sent (send, store, publish and its deliveries): the cost, whatever else runs. */
  serverCpuMsPerMsg: number;
  serverRssMb: { end: number; peak: number };
  redisCpuPct: number | null;
  dbCpuPct: number | null;
  benchCpuPct: number;
  otherCpuPct: number;
  loadBefore: string;
  loadAfter: string;
  serverWarnings: Array<{ message: string; count: number }>;
}

/** One run at one rate against one target, on a fresh server. */
async function runOnce(f: Flags, target: Target, rate: number, databaseUrl: () => string, pgName?: string): Promise<ManyRoomsResult> {
  const runId = randomBytes(4).toString('hex');
  const rooms = Array.from({ length: f.rooms }, (_, i) => `mr-${runId}-${i}`);
  const subs = f.rooms * f.perRoom;
  const M = Math.max(1, Math.round(rate * f.duration));
  const loadBefore = load();
  const server: Started =
    target === 'bare'
      ? await startNode({ script: 'bench/baseline-ws.ts', cwd: repoRoot, env: { PORT: '0', HOST: '127.0.0.1' }, label: 'baseline-ws' })
      : await startNode({
          script: 'server/main.ts',
          cwd: repoRoot,
          env: {
            PORT: '0',
            HOST: '127.0.0.1',
            DATABASE_URL: databaseUrl(),
            REDIS_URL: f.redisUrl,
            LOG_LEVEL: f.logLevel,
            RATE_MESSAGES_PER_MINUTE: '1000000',
            RATE_MESSAGES_PER_USER_PER_MINUTE: '1000000',
            RATE_NEW_ROOMS_PER_HOUR: '100000',
            RATE_SIGNUPS_PER_IP: '0',
            MAX_CONNECTIONS_PER_IP: String(subs + f.senders + 16),
            ...f.serverEnv,
          },
          nodeArgs: [...(f.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(benchDir, 'profiles')}`] : []), ...f.nodeArgs],
          label: 'chat server',
        });
  const warnings = new Map<string, number>();
  const noteWarning = (line: string) => {
    const key = warningKey(line);
    if (key && (warnings.has(key) || warnings.size < 20)) warnings.set(key, (warnings.get(key) ?? 0) + 1);
  };
  createInterface({ input: server.child.stdout! }).on('line', noteWarning);
  createInterface({ input: server.child.stderr! }).on('line', noteWarning);
  const workers: Array<{ worker: Worker; progress: Int32Array; report: Promise<WorkerReport> }> = [];
  const senders: Sender[] = [];
  try {
    const url = target === 'graphql' ? `ws://127.0.0.1:${server.port}/graphql` : `ws://127.0.0.1:${server.port}`;

    // Subscribers: connection i is in room i % rooms, so every room has exactly perRoom.
    const nWorkers = Math.min(f.workers, subs);
    const connected: Promise<void>[] = [];
    let firstIndex = 0;
    for (let w = 0; w < nWorkers; w++) {
      const share = Math.floor(subs / nWorkers) + (w < subs % nWorkers ? 1 : 0);
      const progress = new SharedArrayBuffer(4 * 4);
      const init: WorkerInit = {
        target, urls: [url], firstIndex, localAddresses: [], room: rooms[0], rooms, runId,
        connections: share, messages: M, progress, connectConcurrency: 32, selection: DEFAULT_SELECTION,
      };
      firstIndex += share;
      const worker = new Worker(new URL('./subscriber-worker-boot.mjs', import.meta.url), { workerData: init });
      const report = new Promise<WorkerReport>((res, rej) => {
        worker.on('message', (m) => m.type === 'report' && res(m.report));
        worker.once('error', rej);
      });
      report.catch(() => {});
      workers.push({ worker, progress: new Int32Array(progress), report });
      connected.push(
        new Promise((res, rej) => {
          worker.on('message', (m) => m.type === 'connected' && res());
          worker.once('error', rej);
        }),
      );
    }
    const sum = (i: number) => workers.reduce((a, w) => a + Atomics.load(w.progress, i), 0);

    // Senders: each signs up as its own user (GraphQL) and opens its own socket.
    const tokens: string[] = [];
    if (target === 'graphql') {
      for (let k = 0; k < f.senders; k += 5) {
        tokens.push(...(await Promise.all(Array.from({ length: Math.min(5, f.senders - k) }, () => signUp(server.port)))));
      }
    }
    for (let k = 0; k < f.senders; k++) {
      senders.push(target === 'graphql' ? await graphqlSender(url, tokens[k], rooms[0]) : await bareSender(url));
    }
    await Promise.all(connected);
    if (sum(P_FAILED) > 0) log(`warning: ${sum(P_FAILED)} subscriber connection(s) failed/closed`);

    // Warm-up: a message to every room, round after round (each waits for the last one's
    // answers), until every subscriber has had one.
    const warmDeadline = nowMs() + 60_000;
    for (let k = 0; sum(P_WARM) < subs - sum(P_FAILED); k++) {
      if (nowMs() > warmDeadline) throw new Error(`only ${sum(P_WARM)}/${subs} subscribers became active in 60 s`);
      await Promise.allSettled(
        rooms.map((room, r) => senders[r % senders.length].send(warmupContent(runId, k), `w-${runId}-${k}-${r}`, room)),
      );
      await sleep(300);
    }

    // The measured run.
    const cpu0 = cpuMsOf(server.pid);
    const redis0 = target === 'graphql' ? await redisCpuMs(f.redisUrl) : null;
    const pg0 = await pgCpuSnapshot(f.pgUrl, target === 'graphql' ? pgName : undefined);
    const bench0 = process.cpuUsage();
    const machine0 = machineBusyMs();
    const interval = 1000 / rate;
    const sendMs = new Float64Array(M);
    let answered = 0;
    let errors = 0;
    let firstError: string | undefined;
    let late = 0;
    let lastAnswer = 0;
    const settled: Promise<void>[] = [];
    const t0 = nowMs() + 5;
    for (let i = 0; i < M; ) {
      const now = nowMs();
      for (; i < M && t0 + i * interval <= now; i++) {
        const due = t0 + i * interval;
        if (now - due > 5) late++;
        const room = rooms[Math.floor(Math.random() * rooms.length)];
        settled.push(
          senders[i % senders.length].send(benchContent(runId, i, due, f.size), `${runId}-${i}`, room).then(
            () => {
              lastAnswer = nowMs();
              sendMs[answered++] = lastAnswer - due;
            },
            (err: Error) => {
              errors++;
              firstError ??= err.message;
            },
          ),
        );
      }
      if (i < M) await sleep(1);
    }
    const sendsDone = Promise.all(settled);
    let allAnswered = false;
    void sendsDone.then(() => (allAnswered = true));
    const sendEnd = nowMs();

    // Deliveries: every answered message to each of its room's subscribers.
    let lastCount = -1;
    let lastChange = nowMs();
    let cpuAt = cpu0;
    let benchAt = process.cpuUsage(bench0);
    let machineAt = machine0;
    let tAt = t0;
    for (;;) {
      await sleep(20);
      const got = sum(P_RECEIVED);
      const now = nowMs();
      if (got !== lastCount) {
        lastCount = got;
        lastChange = tAt = now;
        cpuAt = cpuMsOf(server.pid);
        benchAt = process.cpuUsage(bench0);
        machineAt = machineBusyMs();
      }
      if (allAnswered && got >= (M - errors) * f.perRoom) break;
      if (now - sendEnd > f.maxDrainMs) {
        log(`  drain time limit (${f.maxDrainMs / 1000} s): stopping with ${got}/${(M - errors) * f.perRoom}`);
        break;
      }
      if (now - lastChange > f.maxDrainMs / 2 && now - sendEnd > f.maxDrainMs / 2) break;
    }
    const redis1 = target === 'graphql' ? await redisCpuMs(f.redisUrl) : null;
    const pg1 = await pgCpuSnapshot(f.pgUrl, target === 'graphql' ? pgName : undefined);
    const mem = memoryOf(server.pid);
    for (const w of workers) w.worker.postMessage({ type: 'finish' });
    const reports = await Promise.all(workers.map((w) => w.report));

    const { received, duplicates, outOfOrder, errors: subscriberErrors, latencies: all } = mergeReports(reports);
    const sends = sendMs.slice(0, answered).sort();
    const window = Math.max(1, tAt - t0);
    const serverMs = cpuAt - cpu0;
    const benchMs = (benchAt.user + benchAt.system) / 1000;
    const redisMs = redis0 !== null && redis1 !== null ? redis1 - redis0 : null;
    const dbMs = pgCpuDelta(pg0, pg1);
    const expected = (M - errors) * f.perRoom;
    return {
      target,
      db: target === 'graphql' ? f.db : 'n/a',
      rooms: f.rooms,
      perRoom: f.perRoom,
      senders: f.senders,
      rate,
      achievedRate: (M / Math.max(1, Math.max(lastAnswer, sendEnd) - t0)) * 1000,
      messages: M,
      expectedDeliveries: expected,
      deliveries: received,
      lost: expected - received,
      duplicates,
      outOfOrder: target === 'graphql' ? outOfOrder : null,
      sendErrors: errors,
      firstSendError: firstError,
      subscriberErrors: subscriberErrors.slice(0, 5),
      failedConnections: sum(P_FAILED),
      sendMs: statsOf(sends),
      deliveryMs: statsOf(all),
      lateSends: late,
      serverCpuPct: (serverMs / window) * 100,
      serverCpuMsPerMsg: serverMs / M,
      serverRssMb: { end: mem.rss, peak: mem.hwm },
      redisCpuPct: redisMs === null ? null : (redisMs / window) * 100,
      dbCpuPct: dbMs === null ? null : (dbMs / window) * 100,
      benchCpuPct: (benchMs / window) * 100,
      otherCpuPct: ((machineAt - machine0 - serverMs - benchMs - (redisMs ?? 0) - (dbMs ?? 0)) / window) * 100,
      loadBefore,
      loadAfter: load(),
      serverWarnings: [...warnings].map(([message, count]) => ({ message, count })),
    };
  } finally {
    for (const s of senders) s.close();
    await Promise.all(workers.map((w) => w.worker.terminate()));
    await stopChild(server.child);
  }
}

const passes = (r: ManyRoomsResult, maxP99: number) =>
  r.deliveryMs.p99 <= maxP99 && r.lost === 0 && r.sendErrors === 0 && r.failedConnections === 0 && r.achievedRate >= r.rate * 0.95;

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const pct = (n: number | null) => (n === null || !Number.isFinite(n) ? '–' : `${f0(n)}%`);

function printTable(f: Flags, results: ManyRoomsResult[], best: Map<Target, number | null>) {
  const head = ['target', 'db', 'rate', 'msg/s', 'send p50/p99/max ms', 'deliv p50/p99/max ms', 'lost', 'ooo', 'err', 'late',
    'srv cpu', 'cpu ms/msg', 'rss end/peak MB', 'redis cpu', 'db cpu', 'bench cpu', 'other cpu', 'load 1/5/15 min before'];
  const rows = [head];
  const s3 = (s: Stats) => `${f1(s.p50)} / ${f1(s.p99)} / ${f1(s.max)}`;
  for (const r of results) {
    rows.push([r.target, r.db, f0(r.rate), f0(r.achievedRate), r.target === 'bare' ? `(${s3(r.sendMs)})` : s3(r.sendMs), s3(r.deliveryMs),
      String(r.lost), r.outOfOrder === null ? '–' : String(r.outOfOrder), String(r.sendErrors + r.failedConnections), String(r.lateSends),
      pct(r.serverCpuPct), r.serverCpuMsPerMsg.toFixed(2), `${f0(r.serverRssMb.end)} / ${f0(r.serverRssMb.peak)}`, pct(r.redisCpuPct), pct(r.dbCpuPct),
      pct(r.benchCpuPct), pct(r.otherCpuPct), r.loadBefore]);
  }
  const widths = head.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const out = [
    '',
    `many rooms — ${f.rooms} rooms × ${f.perRoom} subscribers, ${f.senders} senders (own socket each), open loop, ` +
      `${f.duration} s per run, ${f.size}-char messages, ${cpus().length} CPUs, node ${process.version}`,
    'limits raised for the bench: RATE_MESSAGES_PER_MINUTE=RATE_MESSAGES_PER_USER_PER_MINUTE=1000000, RATE_NEW_ROOMS_PER_HOUR=100000 (still checked, Redis round trips included), ' +
      `RATE_SIGNUPS_PER_IP=0, MAX_CONNECTIONS_PER_IP=${f.rooms * f.perRoom + f.senders + 16}` +
      (Object.keys(f.serverEnv).length ? `, ${Object.entries(f.serverEnv).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''),
    '',
    ...rows.map((r, i) => {
      const line = r.map((c, k) => (k < 2 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    }),
    '',
    'rate = scheduled msg/s; msg/s = messages / (last answer − first scheduled send); send = scheduled send → answer',
    '(GraphQL: stored and published to Redis; bare: queued to the room); deliv = scheduled send → receipt; lost =',
    'answered messages × subscribers per room − unique deliveries; ooo = seq lower than one already received;',
    'err = refused/failed sends + failed subscriber sockets; late = sends the bench put out > 5 ms after schedule;',
    'cpu = % of one core over the run (other = the rest of the machine: high means the figures are pessimistic);',
    'cpu ms/msg = server CPU per message sent, its deliveries included (1,000 / it ≈ msg/s one core could carry).',
  ];
  if (f.sweep) {
    for (const [t, rate] of best) {
      out.push(`sweep ${t}: highest rate with delivery p99 ≤ ${f.maxP99} ms, nothing lost, no error: ${rate === null ? 'none (the lowest rate tried failed)' : `${f0(rate)} msg/s`}`);
    }
  }
  for (const r of results) {
    const tag = `${r.target}@${f0(r.rate)}`;
    if (r.firstSendError) out.push(`! ${tag}: ${r.sendErrors} send errors, first: ${r.firstSendError.slice(0, 300)}`);
    for (const e of r.subscriberErrors) out.push(`! ${tag}: ${e}`);
    for (const w of r.serverWarnings) out.push(`! ${tag}: server: ${w.count}× ${w.message}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

/** Runs the scenario (or the sweep) as `argv` says; returns the process exit code. */
export async function runManyRooms(argv: string[]): Promise<number> {
  const f = parseFlags(argv);
  if (!f) return 0;
  installSignalHandlers();
  try {
    let databaseUrl = () => `file:${join(makeTempDir(), 'chat.db')}`;
    let pgName: string | undefined;
    if (f.targets.includes('graphql') && f.db === 'postgres') {
      const created = await throwawayPgDatabase(f.pgUrl, log);
      databaseUrl = () => created.url;
      pgName = created.name;
    }
    const results: ManyRoomsResult[] = [];
    const best = new Map<Target, number | null>();
    const run = async (target: Target, rate: number) => {
      log(`${target} ${f.db === 'postgres' && target === 'graphql' ? '(postgres) ' : ''}at ${rate} msg/s for ${f.duration} s — load ${load()}`);
      const r = await runOnce(f, target, rate, databaseUrl, pgName);
      log(`  → ${f0(r.achievedRate)} msg/s, send p50/p99 ${f1(r.sendMs.p50)}/${f1(r.sendMs.p99)} ms, delivery p50/p99/max ` +
        `${f1(r.deliveryMs.p50)}/${f1(r.deliveryMs.p99)}/${f1(r.deliveryMs.max)} ms, lost ${r.lost}, errors ${r.sendErrors}, ` +
        `server cpu ${f0(r.serverCpuPct)}% (${r.serverCpuMsPerMsg.toFixed(2)} ms/msg), rss ${f0(r.serverRssMb.end)} MB, other cpu ${f0(r.otherCpuPct)}%`);
      results.push(r);
      return r;
    };
    for (const target of f.targets) {
      if (!f.sweep) {
        await run(target, f.rate);
        continue;
      }
      // Double until a rate fails (or halve until one passes, down to --sweep-min), then
      // bisect (three steps) between the highest pass and the lowest failure.
      let good: number | null = null;
      let bad: number | null = null;
      if (passes(await run(target, f.rate), f.maxP99)) {
        good = f.rate;
        for (let rate = f.rate * 2; rate <= f.sweepMax; rate *= 2) {
          if (passes(await run(target, rate), f.maxP99)) good = rate;
          else {
            bad = rate;
            break;
          }
        }
      } else {
        bad = f.rate;
        for (let rate = Math.round(f.rate / 2); rate >= f.sweepMin; rate = Math.round(rate / 2)) {
          if (passes(await run(target, rate), f.maxP99)) {
            good = rate;
            break;
          }
          bad = rate;
        }
      }
      for (let step = 0; step < 3 && bad !== null && good !== null && bad - good > good * 0.1; step++) {
        const mid = Math.round((good + bad) / 2 / 10) * 10;
        if (passes(await run(target, mid), f.maxP99)) good = mid;
        else bad = mid;
      }
      best.set(target, good);
    }
    if (f.json) process.stdout.write(JSON.stringify({ flags: f, results, best: Object.fromEntries(best) }, null, 2) + '\n');
    else printTable(f, results, best);
    return 0;
  } catch (err) {
    console.error(`[bench] failed: ${err instanceof Error ? err.stack : err}`);
    return 1;
  } finally {
    await cleanupAll();
  }
}
