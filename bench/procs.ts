// Child processes (the chat server, the bare baseline), temp dirs and a throwaway
// PostgreSQL database, all cleaned up on normal exit, on error and on Ctrl-C/SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const asyncCleanups: Array<() => Promise<void>> = [];

export function makeTempDir(prefix = 'chatbench-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function onCleanup(fn: () => Promise<void>) {
  asyncCleanups.push(fn);
}

function syncCleanup() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let cleaning: Promise<void> | undefined;
/** Stops children (SIGTERM, then SIGKILL), runs async cleanups, removes temp dirs. */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map((c) => stopChild(c, 3000)));
    for (const fn of asyncCleanups.splice(0)) await fn().catch(() => {});
    syncCleanup();
  })();
  return cleaning;
}

export function installSignalHandlers() {
  process.on('exit', syncCleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\n[bench] ${sig}: cleaning up…\n`);
      const hard = setTimeout(() => process.exit(130), 8000);
      void cleanupAll().finally(() => {
        clearTimeout(hard);
        process.exit(130);
      });
    });
  }
}

export function stopChild(child: ChildProcess, graceMs = 12_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface Started {
  child: ChildProcess;
  pid: number;
  port: number;
  /** The last lines the child printed (for error reports). */
  tail: string[];
}

/**
 * Spawns `node [nodeArgs] --import tsx <script>` (node directly, not npx, so the pid is
 * the server's own and /proc/<pid> describes it) and resolves once it logs
 * {"msg":"listening","port":N}.
 */
export function startNode(opts: {
  script: string;
  cwd: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  timeoutMs?: number;
  label: string;
}): Promise<Started> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.script], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${opts.label} did not print "listening" within ${opts.timeoutMs ?? 60_000} ms:\n${tail.join('\n')}`));
    }, opts.timeoutMs ?? 60_000);
    let listening = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      if (listening) return;
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'listening' && typeof entry.port === 'number') {
          listening = true;
          clearTimeout(timer);
          resolve({ child, pid: child.pid!, port: entry.port, tail });
        }
      } catch {
        // not JSON: keep it in the tail only
      }
    });
    createInterface({ input: child.stderr! }).on('line', keep);
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (!listening) {
        clearTimeout(timer);
        reject(new Error(`${opts.label} exited (${code ?? signal}) before listening:\n${tail.join('\n')}`));
      }
    });
  });
}

/** VmRSS and VmHWM (peak) of a process, in MiB (NaN if it is gone). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat times are in 1/100 s

/** CPU time (user + system, all threads) a process has used so far, in ms. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Machine-wide busy CPU time so far (all cores, excluding idle and iowait), in ms. */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const t = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const busy = t[0] + t[1] + t[2] + t[5] + t[6] + t[7];
    return (busy * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** A throwaway PostgreSQL database on the server of `adminUrl`, dropped at cleanup. */
export async function throwawayPgDatabase(adminUrl: string, log: (msg: string) => void): Promise<{ name: string; url: string }> {
  const { default: pg } = await import('pg');
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
  return { name, url: u.toString() };
}
