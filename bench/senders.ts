// The senders of a scenario (in the bench's main thread), signing a sender up, and the send window.
//
// GraphQL: a raw graphql-transport-ws socket authenticated with connectionParams;
// each message is a `subscribe` of the sendMessage mutation with its own operation id,
// done when the server sends `complete` (after `next`) for that id. The server answers
// after the message is stored and published to Redis (not after it is delivered).
// Bare: frames to the baseline's /sender socket, each acknowledged with "a" (in order)
// after the baseline has queued it to every subscriber.
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';
import { GRAPHQL_WS_PROTOCOL, SEND_MUTATION, bareFrame, nowMs } from './protocol.js';

/** Signs a new bench user up on the server at `port`; returns its session token. */
export async function signUp(port: number): Promise<string> {
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

export interface Sender {
  /**
   * Resolves when the server acknowledged the message; rejects on a GraphQL error.
   * `room` overrides the sender's room (many-rooms scenario).
   */
  send(content: string, clientId: string, room?: string): Promise<void>;
  close(): void;
}

function openSocket(url: string, protocol?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = protocol
      ? new WebSocket(url, protocol, { perMessageDeflate: false })
      : new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export async function graphqlSender(url: string, token: string, room: string): Promise<Sender> {
  const ws = await openSocket(url, GRAPHQL_WS_PROTOCOL);
  const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void; error?: string }>();
  let nextId = 0;
  let closedWith: string | undefined;

  await new Promise<void>((resolve, reject) => {
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString());
      switch (frame.type) {
        case 'connection_ack':
          resolve();
          break;
        case 'next': {
          const errors = frame.payload?.errors;
          if (errors?.length) {
            const p = pending.get(frame.id);
            if (p) p.error = errors.map((e: { message: string }) => e.message).join('; ');
          }
          break;
        }
        case 'error':
        case 'complete': {
          const p = pending.get(frame.id);
          if (!p) break;
          pending.delete(frame.id);
          const error = frame.type === 'error' ? JSON.stringify(frame.payload) : p.error;
          if (error) p.reject(new Error(error));
          else p.resolve();
          break;
        }
        case 'ping':
          ws.send('{"type":"pong"}');
          break;
      }
    });
    ws.on('close', (code, reason) => {
      closedWith = `sender socket closed: ${code} ${reason.toString()}`;
      reject(new Error(closedWith));
      for (const p of pending.values()) p.reject(new Error(closedWith));
      pending.clear();
    });
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  });

  return {
    send(content, clientId, to = room) {
      if (closedWith) return Promise.reject(new Error(closedWith));
      const id = String(++nextId);
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(
          JSON.stringify({ id, type: 'subscribe', payload: { query: SEND_MUTATION, variables: { room: to, content, clientId } } }),
        );
      });
    },
    close: () => ws.terminate(),
  };
}

export async function bareSender(url: string): Promise<Sender> {
  const ws = await openSocket(`${url}/sender`);
  const acks: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  let seq = 0;
  let closedWith: string | undefined;
  ws.on('message', () => acks.shift()?.resolve());
  ws.on('close', (code) => {
    closedWith = `bare sender socket closed: ${code}`;
    for (const a of acks.splice(0)) a.reject(new Error(closedWith));
  });
  return {
    send(content, _clientId, room) {
      if (closedWith) return Promise.reject(new Error(closedWith));
      return new Promise<void>((resolve, reject) => {
        acks.push({ resolve, reject });
        // With a room: the baseline's room header (see baseline-ws.ts); seqs then run per sender, not per room.
        const frame = bareFrame(++seq, content, 'bench');
        ws.send(room ? `#${room}\n${frame}` : frame);
      });
    },
    close: () => ws.terminate(),
  };
}

export interface PumpResult {
  /** Messages actually sent (fewer than n when the deadline cut the run short). */
  sent: number;
  errors: number;
  firstError?: string;
  /** Sends that went out more than 5 ms after their scheduled time (paced mode). */
  late: number;
  maxLagMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends n messages with at most `window` unacknowledged at once; with `intervalMs`, one
 * every intervalMs from t0 (a steady rate) instead of as fast as the window allows.
 * `send(i, sentAt)` gets the time it is called, which goes into the content.
 */
export async function pump(opts: {
  n: number;
  window: number;
  t0: number;
  intervalMs?: number;
  /** Stop starting new sends after this time (nowMs). */
  deadline?: number;
  send: (i: number, sentAt: number) => Promise<void>;
}): Promise<PumpResult> {
  const result: PumpResult = { sent: 0, errors: 0, late: 0, maxLagMs: 0 };
  let inflight = 0;
  let wake: (() => void) | null = null;
  const all: Promise<void>[] = [];
  for (let i = 0; i < opts.n; i++) {
    if (opts.intervalMs !== undefined) {
      const due = opts.t0 + i * opts.intervalMs;
      const wait = due - nowMs();
      if (wait > 0) await sleep(wait);
    }
    while (inflight >= opts.window) await new Promise<void>((r) => (wake = r));
    const sentAt = nowMs();
    if (opts.deadline !== undefined && sentAt > opts.deadline) break;
    result.sent++;
    if (opts.intervalMs !== undefined) {
      const lag = sentAt - (opts.t0 + i * opts.intervalMs);
      if (lag > 5) result.late++;
      if (lag > result.maxLagMs) result.maxLagMs = lag;
    }
    inflight++;
    all.push(
      opts
        .send(i, sentAt)
        .catch((err: Error) => {
          result.errors++;
          result.firstError ??= err.message;
        })
        .finally(() => {
          inflight--;
          const w = wake;
          wake = null;
          w?.();
        }),
    );
  }
  await Promise.all(all);
  return result;
}
