// A real server process on a free port, from the sources (`node --import tsx server/main.ts`,
// for a fast edit loop); tests/build/production.test.ts runs the build as users do.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * Redis keys and channels of the servers a test file starts: one namespace per file
 * (processes of one file share it, as a cluster would), so that rate-limit counters
 * and channels never leak between files or runs.
 */
export const REDIS_PREFIX = `test:${process.pid}:${Date.now().toString(36)}:`;

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
      // Generous limits, so tests of other things are not throttled; the tests of the
      // limits themselves override these.
      RATE_MESSAGES_PER_MINUTE: '100000',
      RATE_MESSAGES_PER_USER_PER_MINUTE: '100000',
      RATE_NEW_ROOMS_PER_HOUR: '100000',
      RATE_SIGNIN_FAILURES_PER_USERNAME_AND_IP: '10000',
      RATE_SIGNIN_FAILURES_PER_USERNAME: '10000',
      RATE_SIGNIN_FAILURES_PER_IP: '100000',
      RATE_SIGNUPS_PER_IP: '100000',
      MAX_CONNECTIONS_PER_IP: '100000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
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
