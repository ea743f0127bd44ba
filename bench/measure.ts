// Measuring a bench run, shared by the scenarios: percentiles, Redis's and PostgreSQL's
// CPU time over a run, and which server log lines count as warnings.
import { Redis } from 'ioredis';
import type pgTypes from 'pg';
import { cpuMsOf, onCleanup } from './procs.js';
import type { WorkerReport } from './subscriber-worker.js';

/** The subscriber workers' reports added up: counts, errors, and every latency, sorted. */
export function mergeReports(reports: WorkerReport[]) {
  let received = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let lastRecv = 0;
  const errors: string[] = [];
  for (const r of reports) {
    received += r.received;
    duplicates += r.duplicates;
    outOfOrder += r.outOfOrder;
    lastRecv = Math.max(lastRecv, r.lastRecv);
    errors.push(...r.errors);
  }
  const latencies = new Float64Array(reports.reduce((n, r) => n + r.latencyCount, 0));
  let off = 0;
  for (const r of reports) {
    latencies.set(r.latencies.subarray(0, r.latencyCount), off);
    off += r.latencyCount;
  }
  latencies.sort();
  return { received, duplicates, outOfOrder, lastRecv, errors, latencies };
}

/** The p-th percentile of an ascending array (NaN when empty). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** CPU time Redis has used so far (INFO cpu), in ms; null without Redis or if unreachable. */
export async function redisCpuMs(redisUrl: string | undefined): Promise<number | null> {
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

// CPU of the PostgreSQL backends serving a bench database (same machine, /proc readable).
let pgMonitor: pgTypes.Client | undefined;
async function pgBackendPids(adminUrl: string, dbName: string): Promise<number[]> {
  try {
    if (!pgMonitor) {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      pgMonitor = c;
      onCleanup(async () => {
        await c.end().catch(() => {});
        pgMonitor = undefined;
      });
    }
    const r = await pgMonitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
    return r.rows.map((row) => row.pid);
  } catch {
    return [];
  }
}

/** CPU ms so far of each backend serving `dbName` (null: not a database the bench created). */
export async function pgCpuSnapshot(adminUrl: string, dbName: string | undefined): Promise<Map<number, number> | null> {
  if (!dbName) return null;
  const m = new Map<number, number>();
  for (const pid of await pgBackendPids(adminUrl, dbName)) {
    const ms = cpuMsOf(pid);
    if (Number.isFinite(ms)) m.set(pid, ms);
  }
  return m;
}

/** CPU ms the backends used between two snapshots (backends born in between: all of theirs). */
export function pgCpuDelta(a: Map<number, number> | null, b: Map<number, number> | null): number | null {
  if (!a || !b) return null;
  let ms = 0;
  for (const [pid, t] of b) ms += t - (a.get(pid) ?? 0);
  return ms;
}

const LEVELS: Record<number, string> = { 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/**
 * For pino lines at warn (40) or above, and anything that is not JSON (stack traces,
 * Node warnings): a grouping key "LEVEL msg: err.message"; undefined for other lines.
 */
export function warningKey(line: string): string | undefined {
  let entry: { level?: unknown; msg?: unknown; err?: { message?: unknown } };
  try {
    entry = JSON.parse(line);
  } catch {
    return line.trim() ? line.trim().slice(0, 160) : undefined;
  }
  if (typeof entry.level !== 'number' || entry.level < 40) return undefined;
  const err = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
  return `${LEVELS[entry.level] ?? `level ${entry.level}`} "${String(entry.msg)}"${err}`;
}
