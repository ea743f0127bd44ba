// One room's messages: the confirmed history (ordered and deduplicated by seq) and the
// outbox (messages this page sent that the server has not confirmed yet, keyed by clientId).
//
//   load()       the newest 50, then messageAdded(after: lastSeq); on a reconnect graphql-ws
//                re-subscribes with the then-current lastSeq (graphql/resume.ts): no gap,
//                and anything seen twice is dropped by seq
//   loadOlder()  messages(last: 50, before: startCursor)
//   send()       local echo at once; settled by the mutation's answer or the subscription's
//                echo (same clientId), whichever comes first. A network failure queues it
//                for the next reconnect (same clientId: the server stores it once); a refusal
//                marks it failed, with retry/discard. The outbox is kept in localStorage so
//                a reload does not lose it either.
import { batch, createSignal } from 'solid-js';
import type { Client, CombinedError } from '@urql/core';
import { MessageAddedSubscription, RoomMessagesQuery, SendMessageMutation } from '../graphql/documents';
import { backoffDelay, connectionStatus, onReconnected } from '../connection';
import { uuid } from './uuid';

export interface Sender {
  id: string;
  username: string;
}

export interface Message {
  id: string;
  seq: number;
  content: string;
  clientId: string | null;
  createdAt: string;
  sender: Sender | null;
}

export type OutgoingState = 'sending' | 'queued' | 'failed';

export interface Outgoing {
  clientId: string;
  content: string;
  createdAt: string;
  sender: Sender | null;
  state: OutgoingState;
  error?: string;
}

export type LoadState = { state: 'loading' } | { state: 'ready' } | { state: 'error'; message?: string };

const OUTBOX_KEY = (room: string) => `chat.outbox.${room}`;

function isTransient(error: CombinedError | undefined): boolean {
  if (!error) return false;
  if (error.networkError) return true;
  const status = (error.response as Response | undefined)?.status;
  return status !== undefined && status >= 500;
}

export function createRoom(client: Client, name: string, me: () => Sender | null | undefined) {
  const [messages, setMessages] = createSignal<Message[]>([]);
  const [outbox, setOutbox] = createSignal<Outgoing[]>(restoreOutbox(name));
  const [loadState, setLoadState] = createSignal<LoadState>({ state: 'loading' });
  const [hasOlder, setHasOlder] = createSignal(false);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const seen = new Set<number>();
  let startCursor: string | null | undefined;
  let lastSeq = 0;
  let live: { unsubscribe(): void } | undefined;
  let disposed = false;
  let delivering: Promise<void> = Promise.resolve();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let transientFailures = 0;

  /** Adds messages from any source, once each, in seq order; settles our own. */
  function add(incoming: Message[]) {
    const fresh = incoming.filter((m) => !seen.has(m.seq));
    const settled = new Set(incoming.map((m) => m.clientId).filter((id): id is string => !!id));
    batch(() => {
      if (fresh.length) {
        for (const m of fresh) seen.add(m.seq);
        const prev = messages();
        const next = [...prev, ...fresh];
        // Live messages just append; older pages (and anything out of order) need a sort.
        const inOrder = next.every((m, i) => i === 0 || next[i - 1].seq < m.seq);
        if (!inOrder) next.sort((a, b) => a.seq - b.seq);
        setMessages(next);
        lastSeq = Math.max(lastSeq, next[next.length - 1].seq);
      }
      if (settled.size && outbox().some((o) => settled.has(o.clientId))) {
        setOutbox((items) => items.filter((o) => !settled.has(o.clientId)));
        saveOutbox();
      }
    });
  }

  async function load() {
    setLoadState({ state: 'loading' });
    const result = await client.query(RoomMessagesQuery, { name }).toPromise();
    if (disposed) return;
    const room = result.data?.room;
    if (!room) {
      setLoadState({ state: 'error', message: result.error?.graphQLErrors[0]?.message });
      return;
    }
    const nodes = room.messages.edges.map((e) => e.node);
    startCursor = room.messages.pageInfo.startCursor;
    setHasOlder(room.messages.pageInfo.hasPreviousPage);
    lastSeq = Math.max(lastSeq, nodes.length ? nodes[nodes.length - 1].seq : room.lastSeq);
    add(nodes);
    setLoadState({ state: 'ready' });
    subscribe();
    flush();
  }

  function subscribe() {
    live?.unsubscribe();
    live = client
      .subscription(MessageAddedSubscription, { room: name, after: lastSeq }, { resume: () => ({ after: lastSeq }) })
      .subscribe((result) => {
        if (result.data) add([result.data.messageAdded]);
      });
  }

  async function loadOlder() {
    if (loadingOlder() || !hasOlder()) return;
    setLoadingOlder(true);
    try {
      const result = await client.query(RoomMessagesQuery, { name, last: 50, before: startCursor ?? null }).toPromise();
      const connection = result.data?.room?.messages;
      if (disposed || !connection) return;
      startCursor = connection.pageInfo.startCursor ?? startCursor;
      setHasOlder(connection.pageInfo.hasPreviousPage);
      add(connection.edges.map((e) => e.node));
    } finally {
      setLoadingOlder(false);
    }
  }

  function update(clientId: string, patch: Partial<Outgoing>) {
    setOutbox((items) => items.map((o) => (o.clientId === clientId ? { ...o, ...patch } : o)));
    saveOutbox();
  }

  function saveOutbox() {
    try {
      const items = outbox();
      if (items.length) localStorage.setItem(OUTBOX_KEY(name), JSON.stringify(items));
      else localStorage.removeItem(OUTBOX_KEY(name));
    } catch {
      /* storage full or disabled: the outbox still lives in memory */
    }
  }

  /** Sends one outbox item (deliveries run one after another, so messages keep their order). */
  function deliver(clientId: string): Promise<void> {
    delivering = delivering.then(async () => {
      const item = outbox().find((o) => o.clientId === clientId);
      if (!item || disposed) return;
      update(clientId, { state: 'sending', error: undefined });
      const result = await client
        .mutation(SendMessageMutation, { room: name, content: item.content, clientId })
        .toPromise();
      if (result.data) {
        transientFailures = 0;
        add([result.data.sendMessage]);
      } else if (isTransient(result.error)) {
        update(clientId, { state: 'queued' });
        scheduleRetry();
      } else {
        update(clientId, { state: 'failed', error: result.error?.graphQLErrors[0]?.message ?? result.error?.message });
      }
    });
    return delivering;
  }

  /** A transient failure while the socket still looks fine: try again after a backoff pause. */
  function scheduleRetry() {
    clearTimeout(retryTimer);
    if (connectionStatus().state !== 'connected') return; // the reconnect will flush
    retryTimer = setTimeout(() => void flush(), backoffDelay(transientFailures++));
  }

  /** Sends everything queued (after a reconnect, or items restored from storage). */
  function flush() {
    for (const item of outbox()) if (item.state !== 'failed') void deliver(item.clientId);
  }

  function send(content: string) {
    const item: Outgoing = {
      clientId: uuid(),
      content,
      createdAt: new Date().toISOString(),
      sender: me() ?? null,
      state: 'sending',
    };
    setOutbox((items) => [...items, item]);
    saveOutbox();
    void deliver(item.clientId);
  }

  function retry(clientId: string) {
    void deliver(clientId);
  }

  function discard(clientId: string) {
    setOutbox((items) => items.filter((o) => o.clientId !== clientId));
    saveOutbox();
  }

  const offReconnected = onReconnected(() => {
    if (loadState().state === 'error') void load();
    else flush();
  });

  void load();

  return {
    name,
    messages,
    outbox,
    loadState,
    hasOlder,
    loadingOlder,
    load,
    loadOlder,
    send,
    retry,
    discard,
    dispose() {
      disposed = true;
      clearTimeout(retryTimer);
      offReconnected();
      live?.unsubscribe();
    },
  };
}

export type RoomStore = ReturnType<typeof createRoom>;

function restoreOutbox(room: string): Outgoing[] {
  try {
    const raw = localStorage.getItem(OUTBOX_KEY(room));
    const items = raw ? (JSON.parse(raw) as Outgoing[]) : [];
    // Anything not refused yet goes out again with its clientId once the room has loaded.
    return items.map((o) => (o.state === 'failed' ? o : { ...o, state: 'queued' as const }));
  } catch {
    return [];
  }
}
