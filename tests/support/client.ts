// Real clients: GraphQL over HTTP (node:http, so a request can come from a chosen
// loopback address), and graphql-ws over a real WebSocket.
import { request as httpRequest } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { expect } from 'vitest';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export interface GqlOptions {
  /**
   * Local (loopback) address the request comes from, e.g. 127.0.0.2: Linux routes all of
   * 127/8 to lo, so the server sees another client address. Default: the OS's (127.0.0.1).
   */
  from?: string;
}

export function gql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
  options: GqlOptions = {},
): Promise<GqlResult<T>> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        localAddress: options.from,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          accept: 'application/graphql-response+json, application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve({ ...(JSON.parse(text) as GqlResult<T>), status: res.statusCode! });
          } catch {
            reject(new Error(`not a GraphQL answer (HTTP ${res.statusCode}): ${text.slice(0, 500)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const SIGN_UP = 'mutation($u:String!,$p:String!){ signUp(username:$u,password:$p){ token user { id username } } }';

/**
 * Sign-ups come from 127.0.0.2 … 127.0.0.254 in turn, as real users come from many
 * addresses: the server runs with its default RATE_SIGNUPS_PER_IP (20 an hour), which a
 * test suite signing up its users from one address would exhaust.
 */
let signUpAddress = 0;
export const nextSignUpAddress = () => `127.0.0.${2 + (signUpAddress++ % 253)}`;

export interface TestAccount {
  token: string;
  id: string;
  username: string;
}

/** Signs `username` up (from the next sign-up address unless `from` is given). */
export async function signUpAs(url: string, username: string, options: GqlOptions = {}): Promise<TestAccount> {
  const r = await gql(url, SIGN_UP, { u: username, p: 'correct horse battery' }, undefined, {}, { from: options.from ?? nextSignUpAddress() });
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return { token: r.data.signUp.token, ...r.data.signUp.user };
}

let userCounter = 0;
/** A new user with a unique name starting with `prefix`. */
export function signUp(url: string, prefix = 'user', options: GqlOptions = {}): Promise<TestAccount> {
  return signUpAs(url, `${prefix}_${process.pid}_${Date.now().toString(36)}_${userCounter++}`, options);
}

export const SEND = `mutation($room:String!,$content:String!,$clientId:String){
  sendMessage(room:$room,content:$content,clientId:$clientId){ id room seq content clientId createdAt sender { id username } }
}`;

export async function send(url: string, token: string, room: string, content: string, clientId?: string) {
  const r = await gql(url, SEND, { room, content, clientId }, token);
  if (!r.data) throw new Error(`send failed: ${JSON.stringify(r.errors)}`);
  return r.data.sendMessage as { id: string; room: string; seq: number; content: string; sender: { id: string; username: string } };
}

/** editMessage as `token`'s user; throws with the errors when refused. */
export async function editMessage(url: string, token: string, id: string, content: string) {
  const r = await gql(url, 'mutation($id:ID!,$c:String!){ editMessage(id:$id,content:$c){ id content editedAt version } }', { id, c: content }, token);
  if (!r.data) throw new Error(`edit failed: ${JSON.stringify(r.errors)}`);
  return r.data.editMessage as { id: string; content: string; editedAt: string; version: number };
}

/** deleteMessage as `token`'s user (its author or an admin); throws with the errors when refused. */
export async function deleteMessage(url: string, token: string, id: string) {
  const r = await gql(url, 'mutation($id:ID!){ deleteMessage(id:$id){ id content deletedAt version } }', { id }, token);
  if (!r.data) throw new Error(`delete failed: ${JSON.stringify(r.errors)}`);
  return r.data.deleteMessage as { id: string; content: string; deletedAt: string; version: number };
}

let roomCounter = 0;
export const uniqueRoom = (prefix = 'room') => `${prefix}_${process.pid}_${Date.now().toString(36)}_${roomCounter++}`;

export function wsClient(wsUrl: string, token?: string, extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    ...extra,
  });
}

export interface Received {
  seq: number;
  content: string;
  room: string;
  sender: { username: string } | null;
  id: string;
}

export const MESSAGE_ADDED = `subscription($room:String!,$after:Int){
  messageAdded(room:$room,after:$after){ id room seq content sender { username } }
}`;

/** Subscribes to messageAdded and collects what arrives. */
export function subscribeRoom(client: Client, room: string, after?: number) {
  const messages: Received[] = [];
  const errors: unknown[] = [];
  let completed = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  const dispose = client.subscribe(
    { query: MESSAGE_ADDED, variables: { room, after } },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        if (value.data) messages.push((value.data as any).messageAdded);
        wake();
      },
      error: (err) => {
        errors.push(err);
        wake();
      },
      complete: () => {
        completed = true;
        wake();
      },
    },
  );
  return {
    messages,
    errors,
    get completed() {
      return completed;
    },
    dispose,
    /** Resolves when `predicate` holds, or rejects after `ms`. */
    async until(predicate: () => boolean, ms = 5000, what = 'condition') {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${what}; got seqs [${messages.map((m) => m.seq)}], errors ${JSON.stringify(errors)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
  };
}

export type Subscription = ReturnType<typeof subscribeRoom>;

/**
 * Proves "nothing else was delivered": sends a marker message to the subscription's room
 * and waits for it. A room's messages arrive in seq order, so anything that would have
 * been delivered before the marker has arrived by then; returns what arrived before it.
 */
export async function deliveredBeforeMarker(sub: Subscription, sendMarker: () => Promise<{ id: string }>) {
  const marker = await sendMarker();
  await sub.until(() => sub.messages.some((m) => m.id === marker.id), 5000, 'the marker message');
  const at = sub.messages.findIndex((m) => m.id === marker.id);
  expect(sub.messages.slice(at + 1), 'nothing after the marker').toEqual([]);
  return sub.messages.slice(0, at);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes sure a live-only subscription is active before a test relies on it: sends probe
 * messages until the subscriber receives one. Returns the seq of the last probe seen.
 */
export async function untilLive(sub: Subscription, probe: () => Promise<unknown>, ms = 10_000): Promise<number> {
  const deadline = Date.now() + ms;
  while (sub.messages.length === 0) {
    if (Date.now() > deadline) throw new Error(`subscription never went live; errors ${JSON.stringify(sub.errors)}`);
    await probe();
    await sub.until(() => sub.messages.length > 0, 200).catch(() => {});
  }
  await sleep(100); // let in-flight probes arrive too
  return sub.messages.at(-1)!.seq;
}

/** A roomEvents event as the tests select it. */
export interface RoomEventReceived {
  __typename: 'MessagePosted' | 'MessageEdited' | 'MessageDeleted' | 'MemberJoined' | 'MemberLeft' | 'ResyncRequired';
  room: string;
  version: number;
  message?: { id: string; seq: number; version: number; content: string; editedAt: string | null; deletedAt: string | null; sender: { username: string } | null };
  /** MemberJoined / MemberLeft only (null: the account no longer exists). */
  user?: { username: string } | null;
}

/** A member event (MemberJoined / MemberLeft): it has a version but no message. */
export const isMemberEvent = (e: RoomEventReceived) => e.__typename === 'MemberJoined' || e.__typename === 'MemberLeft';

const EVENT_MESSAGE = '{ id seq version content editedAt deletedAt sender { username } }';
export const ROOM_EVENTS = `subscription($room:String!,$after:Int){
  roomEvents(room:$room,after:$after){
    __typename room version
    ... on MessagePosted { message ${EVENT_MESSAGE} }
    ... on MessageEdited { message ${EVENT_MESSAGE} }
    ... on MessageDeleted { message ${EVENT_MESSAGE} }
    ... on MemberJoined { user { username } }
    ... on MemberLeft { user { username } }
  }
}`;

export const EDIT = 'mutation($id:ID!,$c:String!){ editMessage(id:$id,content:$c){ id seq version content editedAt deletedAt } }';
export const DELETE = 'mutation($id:ID!){ deleteMessage(id:$id){ id seq version content editedAt deletedAt } }';

/** Subscribes to roomEvents (or another query with the same variables) and collects what arrives. */
export function subscribeEvents(client: Client, room: string, after?: number, query = ROOM_EVENTS) {
  const events: RoomEventReceived[] = [];
  const errors: any[] = [];
  let completed = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  const dispose = client.subscribe(
    { query, variables: { room, after } },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        if (value.data) events.push((value.data as { roomEvents: RoomEventReceived }).roomEvents);
        wake();
      },
      error: (err) => {
        errors.push(err);
        wake();
      },
      complete: () => {
        completed = true;
        wake();
      },
    },
  );
  return {
    events,
    errors,
    get completed() {
      return completed;
    },
    dispose,
    /** Resolves when `predicate` holds, or rejects after `ms`. */
    async until(predicate: () => boolean, ms = 5000, what = 'condition') {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        const left = deadline - Date.now();
        if (left <= 0) {
          const got = events.map((e) => `${e.__typename}@${e.version}`);
          throw new Error(`timed out waiting for ${what}; got [${got}], errors ${JSON.stringify(errors)}`);
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
  };
}

export type EventSubscription = ReturnType<typeof subscribeEvents>;

/**
 * deliveredBeforeMarker for roomEvents: a room's events arrive in version order, so once
 * the marker message's MessagePosted is in, anything delivered before it is too.
 */
export async function eventsBeforeMarker(sub: EventSubscription, sendMarker: () => Promise<{ id: string }>) {
  const marker = await sendMarker();
  const isMarker = (e: RoomEventReceived) => e.__typename === 'MessagePosted' && e.message?.id === marker.id;
  await sub.until(() => sub.events.some(isMarker), 5000, 'the marker message');
  const at = sub.events.findIndex(isMarker);
  expect(sub.events.slice(at + 1), 'nothing after the marker').toEqual([]);
  return sub.events.slice(0, at);
}

/** untilLive for roomEvents: sends probes until one arrives; returns the version of the last event seen. */
export async function untilEventsLive(sub: EventSubscription, probe: () => Promise<unknown>, ms = 10_000): Promise<number> {
  const deadline = Date.now() + ms;
  while (sub.events.length === 0) {
    if (Date.now() > deadline) throw new Error(`subscription never went live; errors ${JSON.stringify(sub.errors)}`);
    await probe();
    await sub.until(() => sub.events.length > 0, 200).catch(() => {});
  }
  await sleep(100); // let in-flight probes arrive too
  return sub.events.at(-1)!.version;
}

type SsePayload = { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };

export interface SseOptions {
  token?: string;
  variables?: Record<string, unknown>;
  /** POST the operation as JSON (as fetch-based clients such as graphql-sse do) instead of GET with it in the URL. */
  post?: boolean;
}

/**
 * Opens a subscription over server-sent events (GET with the query in the URL, as
 * EventSource does, or a JSON POST) and, when it is answered 200, calls `onPayload` with
 * each payload and `onEnd` when the server ends the stream or close() aborts it.
 */
async function openSse(graphqlUrl: string, query: string, options: SseOptions, onPayload: (payload: SsePayload) => void, onEnd: () => void) {
  const abort = new AbortController();
  const headers = { accept: 'text/event-stream', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
  const res = options.post
    ? await fetch(graphqlUrl, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: options.variables }),
        signal: abort.signal,
      })
    : await fetch(`${graphqlUrl}?${new URLSearchParams({ query, ...(options.variables ? { variables: JSON.stringify(options.variables) } : {}) })}`, {
        headers,
        signal: abort.signal,
      });
  if (res.status !== 200) {
    onEnd();
    return { res, close: () => abort.abort() };
  }
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.+)$/m.exec(event)?.[1];
          if (data) onPayload(JSON.parse(data));
        }
      }
    } catch {
      /* aborted */
    }
    onEnd();
  })();
  return { res, close: () => abort.abort() };
}

/**
 * A subscription over server-sent events: collects whole payloads (data and errors) until
 * the server ends the stream or close(). (subscribeSse collects one field's values.)
 */
export async function sseSubscribe(graphqlUrl: string, query: string, options: SseOptions = {}) {
  const payloads: SsePayload[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  let ended = false;
  const { res, close } = await openSse(
    graphqlUrl,
    query,
    options,
    (payload) => (payloads.push(payload), wake()),
    () => ((ended = true), wake()),
  );
  return {
    status: res.status,
    payloads,
    get ended() {
      return ended;
    },
    close,
    async until(predicate: () => boolean, ms = 5000, what = 'condition') {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(payloads)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(t), resolve()));
        });
      }
    },
  };
}

/** Signs an existing user in again: a second session (another device) of the same user. */
export async function signIn(url: string, username: string, password = 'correct horse battery'): Promise<TestAccount> {
  const r = await gql(url, 'mutation($u:String!,$p:String!){ signIn(username:$u,password:$p){ token user { id username } } }', { u: username, p: password });
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return { token: r.data.signIn.token, ...r.data.signIn.user };
}

/** What a subscription (any transport) collected: payloads' `field` values, errors, whether it ended. */
export interface Collected<T> {
  values: T[];
  errors: any[];
  readonly ended: boolean;
  /** Resolves when `predicate` holds, or rejects after `ms`. */
  until(predicate: () => boolean, ms?: number, what?: string): Promise<void>;
  close(): void;
}

function collector<T>(close: () => void) {
  const values: T[] = [];
  const errors: any[] = [];
  let ended = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  const collected: Collected<T> = {
    values,
    errors,
    get ended() {
      return ended;
    },
    close,
    async until(predicate, ms = 5000, what = 'condition') {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify({ values, errors, ended })}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(t), resolve()));
        });
      }
    },
  };
  return {
    collected,
    payload(p: { data?: any; errors?: readonly any[] | null }, field: string) {
      if (p.errors) errors.push(...p.errors);
      if (p.data?.[field] !== undefined) values.push(p.data[field]);
      wake();
    },
    error(err: unknown) {
      errors.push(err);
      ended = true;
      wake();
    },
    end() {
      ended = true;
      wake();
    },
  };
}

/** Any subscription over graphql-ws: collects `data[field]` of each payload. */
export function subscribeWs<T = any>(client: Client, query: string, variables: Record<string, unknown>, field: string): Collected<T> {
  let dispose = () => {};
  const c = collector<T>(() => dispose());
  dispose = client.subscribe({ query, variables }, { next: (v) => c.payload(v, field), error: (e) => c.error(e), complete: () => c.end() });
  return c.collected;
}

/**
 * Any subscription over server-sent events (GET with the query in the URL, as EventSource
 * does): collects `data[field]` of each payload until the server ends the stream.
 */
export async function subscribeSse<T = any>(graphqlUrl: string, query: string, variables: Record<string, unknown>, field: string, token?: string): Promise<Collected<T>> {
  let close = () => {};
  const c = collector<T>(() => close());
  const opened = await openSse(graphqlUrl, query, { token, variables }, (p) => c.payload(p, field), () => c.end());
  if (opened.res.status !== 200) throw new Error(`SSE subscription answered HTTP ${opened.res.status}: ${await opened.res.text()}`);
  close = opened.close;
  return c.collected;
}

/** roomEvents over graphql-ws, collected as `values` (like subscribeWs); subscribeEvents above is the richer one. */
export const collectEvents = (client: Client, room: string, after?: number) =>
  subscribeWs<RoomEventReceived>(client, ROOM_EVENTS, { room, after }, 'roomEvents');

// --- Membership --------------------------------------------------------------------------

/** The error code of a GraphQL answer's first error (undefined: none). */
export const errorCode = (r: GqlResult) => r.errors?.[0]?.extensions?.code as string | undefined;

/** Error codes among what a subscription collected (GraphQL errors, or a graphql-ws error's list). */
export const errorCodes = (errors: any[]): string[] =>
  errors.flatMap((e) => (Array.isArray(e) ? e : [e])).map((e) => e?.extensions?.code ?? String(e?.message ?? e));

/** `r.data`, failing the test with the errors when there are any. */
export function dataOf<T = any>(r: GqlResult<T>): T {
  expect(r.errors, 'GraphQL errors').toBeUndefined();
  return r.data!;
}

export const CREATE_ROOM = `mutation($name:String!,$visibility:RoomVisibility!,$topic:String){
  createRoom(name:$name,visibility:$visibility,topic:$topic){ id name visibility topic }
}`;
export const ADD_MEMBER = 'mutation($room:String!,$username:String!){ addMember(room:$room,username:$username){ user { username } lastReadSeq } }';
export const REMOVE_MEMBER = 'mutation($room:String!,$username:String!){ removeMember(room:$room,username:$username) }';
export const JOIN_ROOM = 'mutation($room:String!){ joinRoom(room:$room){ user { username } lastReadSeq } }';
export const LEAVE_ROOM = 'mutation($room:String!){ leaveRoom(room:$room) }';
export const OPEN_DIRECT = 'mutation($username:String!){ openDirectRoom(username:$username){ id name visibility members { edges { node { user { username } } } } } }';

/** A private room made by `owner`, with `members` added. */
export async function privateRoom(url: string, owner: TestAccount, members: TestAccount[] = [], topic?: string): Promise<string> {
  const name = uniqueRoom('private');
  dataOf(await gql(url, CREATE_ROOM, { name, visibility: 'PRIVATE', topic }, owner.token));
  for (const m of members) dataOf(await gql(url, ADD_MEMBER, { room: name, username: m.username }, owner.token));
  return name;
}
