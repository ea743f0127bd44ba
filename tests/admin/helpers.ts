// Helpers for the admin tests: the admin command line as operators run it, sign-in, an
// event-stream (SSE) subscription read to its end.
import { spawn } from 'node:child_process';
import { gql, sseSubscribe, wsClient } from '../support/client.js';
import { REDIS_PREFIX, REDIS_URL, root } from '../support/server.js';

export const PASSWORD = 'correct horse battery';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- <args>` (its script, run the same way), with `stdin` piped in. */
export function runAdmin(databaseUrl: string, args: string[], stdin = '', options: { redis?: boolean } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/admin/cli.ts', ...args], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: options.redis ? REDIS_URL : '',
      REDIS_PREFIX,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

let counter = 0;
export const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;

/** Creates an admin with the command line and signs it in. */
export async function createAdmin(databaseUrl: string, graphqlUrl: string, options: { redis?: boolean } = {}) {
  const username = uniqueName('admin');
  const r = await runAdmin(databaseUrl, ['create', username, '--password-stdin'], `${PASSWORD}\n`, options);
  if (r.code !== 0) throw new Error(`admin create failed: ${r.stderr}`);
  return signIn(graphqlUrl, username);
}

export async function signIn(graphqlUrl: string, username: string, password = PASSWORD) {
  const r = await gql(graphqlUrl, 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token user { id username role } } }', {
    u: username,
    p: password,
  });
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return { token: r.data.signIn.token as string, ...(r.data.signIn.user as { id: string; username: string; role: string }) };
}

export const SET_DISABLED = 'mutation($id:ID!,$d:Boolean!){ setUserDisabled(id:$id,disabled:$d){ id username role disabledAt } }';
export const SET_ROLE = 'mutation($id:ID!,$r:Role!){ setUserRole(id:$id,role:$r){ id username role disabledAt } }';

/**
 * messageAdded over server-sent events with `token`, from `after`: collects payloads
 * (data and errors) until the server ends the stream.
 */
export function sseSubscription(graphqlUrl: string, token: string, room: string, after = 0) {
  return sseSubscribe(graphqlUrl, `subscription { messageAdded(room: "${room}", after: ${after}) { seq content } }`, { token });
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))),
  ]);
}

/** A graphql-ws client that records how its socket closed. */
export function watchedClient(url: string, token: string) {
  let resolveClosed!: (code: number) => void;
  const closed = new Promise<number>((r) => (resolveClosed = r));
  let resolveConnected!: () => void;
  const connected = new Promise<void>((r) => (resolveConnected = r));
  const client = wsClient(url, token, {
    lazy: false,
    onNonLazyError: () => {}, // the close is what the test watches
    on: {
      connected: () => resolveConnected(),
      closed: (event) => resolveClosed((event as { code: number }).code),
    },
  });
  return { client, closed, connected };
}
