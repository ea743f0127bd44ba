// Real clients: GraphQL over HTTP with fetch, and graphql-ws over a real WebSocket.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { expect } from 'vitest';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export async function gql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlResult<T>;
  return { ...body, status: res.status };
}

let userCounter = 0;
export async function signUp(url: string, prefix = 'user'): Promise<{ token: string; id: string; username: string }> {
  const username = `${prefix}_${process.pid}_${Date.now().toString(36)}_${userCounter++}`;
  const r = await gql(url, 'mutation($u:String!,$p:String!){ signUp(username:$u,password:$p){ token user { id username } } }', {
    u: username,
    p: 'correct horse battery',
  });
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return { token: r.data.signUp.token, ...r.data.signUp.user };
}

export const SEND = `mutation($room:String!,$content:String!,$clientId:String){
  sendMessage(room:$room,content:$content,clientId:$clientId){ id room seq content clientId createdAt sender { id username } }
}`;

export async function send(url: string, token: string, room: string, content: string, clientId?: string) {
  const r = await gql(url, SEND, { room, content, clientId }, token);
  if (!r.data) throw new Error(`send failed: ${JSON.stringify(r.errors)}`);
  return r.data.sendMessage as { id: string; room: string; seq: number; content: string; sender: { id: string; username: string } };
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
