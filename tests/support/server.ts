// A real server process on a free port, from the sources (`node --import tsx server/main.ts`,
// for a fast edit loop); tests/build/production.test.ts runs the build as users do.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { parseConfig } from '../../server/config.js';
import { freshDatabase, type TestDatabase } from './db.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * Redis keys and channels of the servers a test file starts: one namespace per file
 * (processes of one file share it, as a cluster would), so that rate-limit counters
 * and channels never leak between files or runs.
 */
export const REDIS_PREFIX = `test:${process.pid}:${Date.now().toString(36)}:`;

/** server/config.ts's defaults of every limit (RATE_*, MAX_*, REPLAYS_*), as environment values. */
export const DEFAULT_LIMITS: Record<string, string> = Object.fromEntries(
  Object.entries(parseConfig({}))
    .filter(([name]) => /^(RATE|MAX|REPLAYS)_/.test(name))
    .map(([name, value]) => [name, String(value)]),
);

export interface RunningServer {
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  port: number;
  pid: number;
  child: ChildProcess;
  logs: Record<string, unknown>[];
  /** SIGTERM, and wait for the process to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash). */
  kill(): Promise<void>;
}

export interface ServerOptions {
  databaseUrl: string;
  redis?: boolean;
  env?: Record<string, string>;
  port?: number;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redis ? REDIS_URL : '',
      REDIS_PREFIX,
      LOG_LEVEL: 'info',
      // The product's default limits, whatever the environment or a .env file says, so that
      // a limit getting in a real user's way shows in the tests. A test that must change a
      // limit passes it in `env`, with a comment saying why.
      ...DEFAULT_LIMITS,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  // SHOW_SERVER_STDERR=1 npx vitest run … shows the server's stderr as it comes (debugging).
  child.stderr!.on('data', (d) => {
    stderr += d;
    if (process.env.SHOW_SERVER_STDERR) process.stderr.write(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${stderr}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        logs.push(entry);
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        /* not JSON */
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${stderr}`));
    });
  });

  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    port,
    pid: child.pid!,
    child,
    logs,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * For a test file or describe block: a fresh SQLite database and a server on it, started
 * before its tests and stopped after them; `ready` receives both.
 */
export function useSqliteServer(ready: (db: TestDatabase, server: RunningServer) => void, options: Omit<ServerOptions, 'databaseUrl'> = {}) {
  let db: TestDatabase | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer({ ...options, databaseUrl: db.url });
    ready(db, server);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });
}
