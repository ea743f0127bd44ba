// A worker thread holding a share of the subscribers. Each subscriber is a raw `ws`
// socket speaking graphql-transport-ws by hand (connection_init → ack → subscribe →
// next…), which is a few lines and cheaper per frame than graphql-ws's client; against
// the bare baseline the same sockets simply read the frames it broadcasts (which have
// the same shape as the GraphQL ones).
//
// Per delivery: JSON.parse the frame, read seq and content, mark the message index in
// the connection's bitmap (duplicates), compare seq with the previous one (order), and
// store receive time − send time (latency). Progress goes to the main thread through a
// SharedArrayBuffer; the latencies are handed over once, at the end.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { GRAPHQL_WS_PROTOCOL, P_FAILED, isChatServer, P_OPEN, P_RECEIVED, P_WARM, nowMs, subscriptionQuery, type Target } from './protocol.js';

export interface WorkerInit {
  target: Target;
  /** Server URLs: connection i (global index firstIndex + j) goes to urls[i % urls.length]. */
  urls: string[];
  /** Global index of this worker's first connection (spreads servers and source addresses evenly). */
  firstIndex: number;
  /** Loopback source addresses (127.0.0.0/8) to spread connections over; empty = the OS default. */
  localAddresses: string[];
  /** The room every connection subscribes to, or with `rooms`, the fallback. */
  room: string;
  /** Many-rooms scenario: connection with global index i subscribes to rooms[i % rooms.length]. */
  rooms?: string[];
  runId: string;
  connections: number;
  /** Message indexes run 0…messages−1 (over all rooms in the many-rooms scenario). */
  messages: number;
  /** Int32: [0] unique deliveries, [1] warm connections, [2] open connections, [3] failed/closed connections. */
  progress: SharedArrayBuffer;
  /** How many sockets this worker opens at once. */
  connectConcurrency: number;
  /** Fields of messageAdded to select (GraphQL target). */
  selection: string;
}

export interface WorkerReport {
  received: number;
  duplicates: number;
  outOfOrder: number;
  foreign: number;
  errors: string[];
  firstRecv: number;
  lastRecv: number;
  latencies: Float64Array;
  latencyCount: number;
}


interface Conn {
  ws: WebSocket;
  /** One bit per message index: received already (duplicates). */
  seen: Uint8Array;
  room: string;
  lastSeq: number;
  warm: boolean;
}

const init = workerData as WorkerInit;
const progress = new Int32Array(init.progress);
const M = init.messages;
const prefix = `b:${init.runId}:`;
const warmPrefix = `w:${init.runId}:`;

// Grown on demand: in the many-rooms scenario a connection receives only its room's share.
let latencies = new Float64Array(Math.min(init.connections * M, 1 << 20));
let latencyCount = 0;
function noteLatency(ms: number) {
  if (latencyCount === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[latencyCount++] = ms;
}
let received = 0;
let duplicates = 0;
let outOfOrder = 0;
let foreign = 0;
let firstRecv = 0;
let lastRecv = 0;
const errors: string[] = [];
let finishing = false;
const conns: Conn[] = [];

function noteError(msg: string) {
  if (errors.length < 20) errors.push(msg);
}

const roomOf = (index: number) => (init.rooms ? init.rooms[index % init.rooms.length] : init.room);

function onFrame(conn: Conn, raw: WebSocket.RawData) {
  const now = nowMs();
  const text = raw.toString();
  let frame: { type?: string; id?: string; payload?: any };
  try {
    frame = JSON.parse(text);
  } catch {
    noteError(`unparsable frame: ${text.slice(0, 120)}`);
    return;
  }
  if (frame.type === 'next') {
    const data = frame.payload?.data;
    const m = data?.messageAdded ?? data?.roomEvents?.message;
    if (!m) {
      noteError(`next without data: ${text.slice(0, 200)}`);
      return;
    }
    const content: string = m.content;
    const seq: number = m.seq;
    if (content.startsWith(prefix)) {
      const rest = content.slice(prefix.length);
      const c1 = rest.indexOf(':');
      const c2 = rest.indexOf(':', c1 + 1);
      const index = Number(rest.slice(0, c1));
      const sentAt = Number(rest.slice(c1 + 1, c2));
      if (!(index >= 0 && index < M)) {
        foreign++;
        return;
      }
      const bit = 1 << (index & 7);
      if (conn.seen[index >> 3] & bit) {
        duplicates++;
      } else {
        conn.seen[index >> 3] |= bit;
        received++;
        Atomics.add(progress, P_RECEIVED, 1);
        noteLatency(now - sentAt);
        if (firstRecv === 0) firstRecv = now;
        lastRecv = now;
        if (seq <= conn.lastSeq) outOfOrder++;
      }
      if (seq > conn.lastSeq) conn.lastSeq = seq;
    } else if (content.startsWith(warmPrefix)) {
      if (seq > conn.lastSeq) conn.lastSeq = seq;
      if (!conn.warm) {
        conn.warm = true;
        Atomics.add(progress, P_WARM, 1);
      }
    } else {
      foreign++;
    }
  } else if (frame.type === 'ping') {
    conn.ws.send('{"type":"pong"}');
  } else if (frame.type === 'connection_ack') {
    conn.ws.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: subscriptionQuery(init.selection, init.target === 'events' ? 'roomEvents' : 'messageAdded'), variables: { room: conn.room } },
      }),
    );
  } else if (frame.type === 'error' || frame.type === 'complete') {
    noteError(`subscription ${frame.type}: ${text.slice(0, 300)}`);
  }
}

function open(index: number): Promise<void> {
  return new Promise((resolve) => {
    const url = init.urls[index % init.urls.length];
    const room = roomOf(index);
    const options: WebSocket.ClientOptions = { perMessageDeflate: false };
    if (init.localAddresses.length) options.localAddress = init.localAddresses[index % init.localAddresses.length];
    // The bare baseline has no protocol: a room is the path /room/<name> (many-rooms only).
    const bareUrl = init.rooms ? `${url}/room/${encodeURIComponent(room)}` : url;
    const ws =
      isChatServer(init.target) ? new WebSocket(url, GRAPHQL_WS_PROTOCOL, options) : new WebSocket(bareUrl, options);
    const conn: Conn = { ws, room, seen: new Uint8Array((M + 7) >> 3), lastSeq: 0, warm: false };
    conns.push(conn);
    let opened = false;
    ws.on('open', () => {
      opened = true;
      Atomics.add(progress, P_OPEN, 1);
      if (isChatServer(init.target)) ws.send('{"type":"connection_init","payload":{}}');
      resolve();
    });
    ws.on('message', (data) => onFrame(conn, data));
    ws.on('error', (err) => noteError(`socket error: ${err.message}`));
    ws.on('close', (code, reason) => {
      if (opened) Atomics.sub(progress, P_OPEN, 1);
      if (!finishing) {
        Atomics.add(progress, P_FAILED, 1);
        noteError(`socket closed early: ${code} ${reason.toString()}`);
      }
      resolve();
    });
  });
}

async function connectAll() {
  let next = 0;
  const lane = async () => {
    while (next < init.connections) {
      const j = next++;
      await open(init.firstIndex + j);
    }
  };
  await Promise.all(Array.from({ length: Math.min(init.connectConcurrency, init.connections) }, lane));
}

parentPort!.on('message', (msg: { type: string }) => {
  if (msg.type === 'finish') {
    finishing = true;
    const report: WorkerReport = {
      received,
      duplicates,
      outOfOrder,
      foreign,
      errors,
      firstRecv,
      lastRecv,
      latencies,
      latencyCount,
    };
    parentPort!.postMessage({ type: 'report', report }, [latencies.buffer]);
    for (const c of conns) c.ws.terminate();
  }
});

void connectAll().then(() => parentPort!.postMessage({ type: 'connected' }));
