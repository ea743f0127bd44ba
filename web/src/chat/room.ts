// One room on the page: the confirmed messages (ordered and deduplicated by seq) and the
// outbox (messages this page sent that the server has not confirmed yet). It composes
//   history.ts         the newest 50, then older pages on request
//   live.ts            messageAdded after the newest seq held, resumed on reconnect
//   outbox.ts          the unconfirmed messages, kept in localStorage
//   delivery-queue.ts  sends outbox items one at a time; retries transient failures
//   echo.ts            merges confirmed messages from every source and settles our own
// send() shows the message at once; the mutation's answer or the subscription's echo (same
// clientId), whichever comes first, settles it. A network failure leaves it queued for the
// next reconnect (same clientId: the server stores it once); a refusal marks it failed,
// with retry and discard.
import { batch, createSignal } from 'solid-js';
import type { Client } from '@urql/core';
import { SendMessageMutation, type Message, type User } from '../graphql/documents';
import { backoffDelay, connectionStatus, onReconnected } from '../connection';
import { uuid } from './uuid';
import { createHistory } from './history';
import { subscribeLive } from './live';
import { patchOutgoing, restoreOutbox, saveOutbox, withoutOutgoing, type Outgoing } from './outbox';
import { createDeliveryQueue, outcomeOf } from './delivery-queue';
import { mergeBySeq, settle } from './echo';

type LoadState = { state: 'loading' } | { state: 'ready' } | { state: 'error'; message?: string };

export function createRoom(client: Client, name: string, me: () => User | null | undefined) {
  const [messages, setMessages] = createSignal<readonly Message[]>([]);
  const [outbox, setOutboxSignal] = createSignal<readonly Outgoing[]>(restoreOutbox(name));
  const [loadState, setLoadState] = createSignal<LoadState>({ state: 'loading' });
  const history = createHistory(client, name);
  let lastSeq = 0;
  let live: { unsubscribe(): void } | undefined;
  let disposed = false;

  const setOutbox = (next: readonly Outgoing[]) => {
    setOutboxSignal(next);
    saveOutbox(name, next);
  };

  /** Adds confirmed messages from any source, once each, in seq order; settles our own. */
  function add(incoming: Message[]) {
    batch(() => {
      const next = mergeBySeq(messages(), incoming);
      if (next !== messages()) {
        setMessages(next);
        lastSeq = Math.max(lastSeq, next[next.length - 1].seq);
      }
      const remaining = settle(outbox(), incoming);
      if (remaining !== outbox()) setOutbox(remaining);
    });
  }

  const queue = createDeliveryQueue({
    async attempt(clientId) {
      const item = outbox().find((o) => o.clientId === clientId);
      if (!item) return undefined;
      setOutbox(patchOutgoing(outbox(), clientId, { state: 'sending', error: undefined }));
      const result = await client.mutation(SendMessageMutation, { room: name, content: item.content, clientId }).toPromise();
      const outcome = outcomeOf(result);
      if (result.data) add([result.data.sendMessage]);
      else if (outcome === 'transient') setOutbox(patchOutgoing(outbox(), clientId, { state: 'queued' }));
      else {
        const error = result.error?.graphQLErrors[0]?.message ?? result.error?.message;
        setOutbox(patchOutgoing(outbox(), clientId, { state: 'failed', error }));
      }
      return outcome;
    },
    waiting: () => outbox().filter((o) => o.state !== 'failed').map((o) => o.clientId),
    connected: () => connectionStatus().state === 'connected',
    backoff: backoffDelay,
  });

  async function load() {
    setLoadState({ state: 'loading' });
    const page = await history.first();
    if (disposed) return;
    if (!page.ok) {
      setLoadState({ state: 'error', message: page.message });
      return;
    }
    lastSeq = Math.max(lastSeq, page.lastSeq);
    add(page.messages);
    setLoadState({ state: 'ready' });
    live?.unsubscribe();
    live = subscribeLive(client, name, () => lastSeq, (m) => add([m]));
    queue.flush();
  }

  async function loadOlder() {
    const older = await history.older();
    if (older && !disposed) add(older);
  }

  function send(content: string) {
    const item: Outgoing = { clientId: uuid(), content, createdAt: new Date().toISOString(), sender: me() ?? null, state: 'sending' };
    setOutbox([...outbox(), item]);
    void queue.deliver(item.clientId);
  }

  const offReconnected = onReconnected(() => {
    if (loadState().state === 'error') void load();
    else queue.flush();
  });

  void load();

  return {
    name,
    messages,
    outbox,
    loadState,
    hasOlder: history.hasOlder,
    loadingOlder: history.loadingOlder,
    load,
    loadOlder,
    send,
    retry: (clientId: string) => void queue.deliver(clientId),
    discard: (clientId: string) => setOutbox(withoutOutgoing(outbox(), clientId)),
    dispose() {
      disposed = true;
      queue.stop();
      offReconnected();
      live?.unsubscribe();
    },
  };
}

export type RoomStore = ReturnType<typeof createRoom>;
