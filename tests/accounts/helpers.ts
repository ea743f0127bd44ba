// Helpers for the accounts / REST tests (kept here so tests/support stays untouched).
import { createHash } from 'node:crypto';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Provider, TestDatabase } from '../support/db.js';
import { gql } from '../support/client.js';

export const PASSWORD = 'correct horse battery';

export interface RestResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export const restPath = (room: string, slash = true) =>
  `/chat/api/send_message/${encodeURIComponent(room)}${slash ? '/' : ''}`;

/** A raw request to the REST endpoint (at `rawPath` verbatim when given, else the path of `room`). */
export async function rest(
  baseUrl: string,
  options: {
    room?: string;
    rawPath?: string;
    method?: string;
    json?: unknown;
    form?: Record<string, string>;
    /** Sent as multipart/form-data (fetch sets the boundary). */
    formData?: FormData;
    body?: string;
    contentType?: string;
    headers?: Record<string, string>;
    slash?: boolean;
  },
): Promise<RestResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | FormData | undefined = options.formData ?? options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  } else if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  if (options.contentType) headers['content-type'] = options.contentType;
  const path = options.rawPath ?? restPath(options.room!, options.slash ?? true);
  const method = options.method ?? 'POST';
  const res = await fetch(baseUrl + path, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export const basicAuth = (username: string, password = PASSWORD) =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** SQL with $1, $2… placeholders on both providers. */
export function sql(db: TestDatabase, text: string, params: unknown[] = []) {
  return db.sql(db.provider === 'sqlite' ? text.replace(/\$\d+/g, '?') : text, params);
}

export async function messageCount(db: TestDatabase, room: string): Promise<number> {
  const rows = await sql(db, `SELECT COUNT(*) AS n FROM "Message" m JOIN "Room" r ON r.id = m."roomId" WHERE r.name = $1`, [room]);
  return Number(rows[0].n);
}

export async function lastSeq(graphqlUrl: string, room: string): Promise<number> {
  const r = await gql(graphqlUrl, 'query($r:String!){ room(name:$r){ lastSeq } }', { r: room });
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.room.lastSeq;
}

/** A parsed Set-Cookie header. */
export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
  raw: string;
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair, ...attrs] = raw.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const a of attrs) {
    if (!a) continue;
    const i = a.indexOf('=');
    if (i < 0) attributes[a.toLowerCase()] = true;
    else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes, raw };
}

export function sessionCookies(headers: Headers): SetCookie[] {
  return headers
    .getSetCookie()
    .map(parseSetCookie)
    .filter((c) => c.name === 'session');
}

/** GraphQL over HTTP, with the raw response headers too. */
export async function gqlRaw(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, ...(JSON.parse(text) as { data?: any; errors?: any[] }) };
}

export const SIGN_IN = 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token user { id username } } }';

/** A ws WebSocket class that sends extra headers on the upgrade (for graphql-ws createClient). */
export function webSocketWithHeaders(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  };
}

/** Runs one query or mutation over a graphql-ws client; resolves with its single result. */
export function wsExecute(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: any; errors?: any[] }> {
  return new Promise((resolve, reject) => {
    let result: { data?: any; errors?: any[] } | undefined;
    client.subscribe(
      { query, variables },
      {
        next: (value) => (result = value as never),
        error: (err) => (Array.isArray(err) ? resolve({ errors: err }) : reject(err)),
        complete: () => (result ? resolve(result) : reject(new Error('completed without a result'))),
      },
    );
  });
}

/** Opens a raw WebSocket; resolves with 'open' or the HTTP status of a refused upgrade. */
export function upgradeOutcome(url: string, headers: Record<string, string>): Promise<{ open: true } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
    ws.once('open', () => {
      ws.close();
      resolve({ open: true });
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

/** Resolves with the close code of a socket that connects (non-lazily) with the given options. */
export function closeCode(make: (onClosed: (code: number) => void) => Client, clients: { dispose(): unknown }[]): Promise<number> {
  return new Promise<number>((resolve) => clients.push(make(resolve)));
}

export type { Provider };
