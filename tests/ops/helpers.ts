// Helpers for the operational tests (tests/ops): a Redis of our own that can be broken,
// raw HTTP / WebSocket probes, Prometheus text parsing.
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { gql, sleep } from '../support/client.js';
import type { RunningServer } from '../support/server.js';

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  port: number;
  url: string;
  /** SIGKILL the redis-server (an outage). */
  kill(): Promise<void>;
  /** Start it again on the same port (empty: no persistence). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server child process of our own, on a free port: ours to kill and restart. */
export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited ${proc.exitCode}:\n${out}`);
      if (/Ready to accept connections/.test(out)) break;
      if (Date.now() > deadline) throw new Error(`redis-server did not start:\n${out}`);
      await sleep(20);
    }
  };
  const kill = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, stop: kill };
}

/** A room's lastSeq, as GraphQL tells it (0: nothing stored yet). */
export async function lastSeq(server: RunningServer, room: string): Promise<number> {
  const r = await gql(server.graphqlUrl, 'query($r:String!){ room(name:$r){ lastSeq } }', { r: room });
  if (!r.data) throw new Error(`room query failed: ${JSON.stringify(r.errors)}`);
  return r.data.room.lastSeq;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json?: any;
}

/** A plain HTTP request with full control of the body (string, chunks, or a slow writer). */
export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer;
    /** Send the body in chunks without Content-Length (Transfer-Encoding: chunked). */
    chunks?: (string | Buffer)[];
    agent?: false;
    /** Local (loopback) address to send from, e.g. 127.0.0.2: another client address. */
    from?: string;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    let answered = false;
    const req = httpRequest(url, { method: options.method ?? 'POST', headers, agent: options.agent, localAddress: options.from }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    // No error is excused, not even after the answer: a server refusing a body must let
    // the client finish sending it rather than reset the connection (http/refuse-body.ts).
    req.on('error', reject);
    if (options.chunks) {
      // Chunk by chunk, as a streaming client sends, and no more once the server has
      // answered (it answers a body it refuses before reading it).
      const chunks = [...options.chunks];
      const next = () => {
        if (answered || chunks.length === 0) return void req.end();
        if (req.write(chunks.shift()!)) setImmediate(next);
        else req.once('drain', next);
      };
      next();
    } else req.end(options.body);
  });
}

/** What a WebSocket upgrade to `url` comes to: open, or refused with an HTTP status. */
export function upgradeOutcome(url: string, headers: Record<string, string> = {}): Promise<{ open: true; socket: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    socket.once('open', () => resolve({ open: true, socket }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode! });
      res.resume();
      socket.terminate();
    });
    socket.once('error', (err) => reject(err));
  });
}

/** A raw graphql-transport-ws socket, acknowledged. */
export async function rawGraphqlSocket(url: string, token?: string) {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const received: any[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('message', (data) => received.push(JSON.parse(data.toString())));
  socket.on('error', () => {}); // a refused frame shows as the close code
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} }));
  const deadline = Date.now() + 5000;
  while (!received.some((m) => m.type === 'connection_ack')) {
    if (Date.now() > deadline) throw new Error(`no connection_ack: ${JSON.stringify(received)}`);
    await sleep(10);
  }
  return { socket, received, closed };
}

/** One sample of a Prometheus metric (sum over series when labels are not given). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const series = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => series[k] === v)) {
      total += Number(m[4]);
      found = true;
    }
  }
  return found ? total : 0;
}

/**
 * /metrics over a connection of its own (a pooled keep-alive connection can be closed by
 * the server's keep-alive timeout just as the next request goes out, which a busy test
 * machine makes likely).
 */
export async function metrics(server: RunningServer): Promise<string> {
  const res = await rawRequest(`${server.url}/metrics`, { method: 'GET', agent: false });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text;
}

/** Polls `fn` until it returns true (or throws after `ms`). */
export async function eventually(fn: () => boolean | Promise<boolean>, ms: number, what: string, every = 50) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/** Raw stdout + stderr text of a server from now on (in addition to the parsed `logs`). */
export function captureOutput(server: RunningServer) {
  const out = { stdout: '', stderr: '' };
  server.child.stdout!.on('data', (d) => (out.stdout += d));
  server.child.stderr!.on('data', (d) => (out.stderr += d));
  return out;
}

