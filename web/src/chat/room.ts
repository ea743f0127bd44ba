// One room on the page: the confirmed messages (ordered and deduplicated by seq, each as its
// newest version) and the outbox (messages this page sent that the server has not
// confirmed yet). It composes
//   history.ts         the newest 50 with the room's version, then older pages on request
//   live.ts            roomEvents after the newest version applied, resumed on reconnect
//   outbox.ts          the unconfirmed messages, kept in localStorage
//   delivery-queue.ts  sends outbox items one at a time; retries transient failures
//   echo.ts            merges confirmed messages from every source and settles our own
// send() shows the message at once; the mutation's answer or the MessagePosted event (same
// clientId), whichever comes first, settles it. A network failure leaves it queued for the
// next reconnect (same clientId: the server stores it once); a refusal marks it failed,
// with retry and discard. Edits and deletions (ours, by answer; anyone's, by event) replace
// the message in place when newer. ResyncRequired (the page was too far behind for a
// replay) reloads the newest page; the events after it follow on the same subscription.
import { batch, createSignal } from 'solid-js';
import type { Client, CombinedError } from '@urql/core';
import { DeleteMessageMutation, EditMessageMutation, SendMessageMutation, SetRoomTopicMutation, type Message, type User } from '../graphql/documents';
import { backoffDelay, connectionStatus, onReconnected } from '../connection';
import { uuid } from './uuid';
import { createHistory, type RoomInfo } from './history';
import { subscribeRoomEvents, type RoomEvent } from './live';
import { patchOutgoing, restoreOutbox, saveOutbox, withoutOutgoing, type Outgoing } from './outbox';
import { createDeliveryQueue, outcomeOf } from './delivery-queue';
import { applyChanges, mergeBySeq, rebase, settle } from './echo';

type LoadState = { state: 'loading' } | { state: 'ready' } | { state: 'error'; message?: string };
/** How an edit or a deletion went; `error` is the server's refusal (none: it could not be reached). */
export type ChangeOutcome = { ok: true } | { ok: false; error?: string };

export function createRoom(client: Client, name: string, me: () => User | null | undefined) {
  const [messages, setMessages] = createSignal<readonly Message[]>([]);
  const [outbox, setOutboxSignal] = createSignal<readonly Outgoing[]>(restoreOutbox(name));
  const [loadState, setLoadState] = createSignal<LoadState>({ state: 'loading' });
  /**
   * The room as first loaded (visibility, topic, the read position on entering: the "new
   * messages" divider stays there); the topic follows what this page sets (others' changes
   * show after a reload: a topic change is no room event).
   */
  const [info, setInfo] = createSignal<RoomInfo>();
  /** Counts membership changes seen (MemberJoined / MemberLeft), for the members panel to follow. */
  const [memberChanges, setMemberChanges] = createSignal(0);
  const history = createHistory(client, name);
  /** The newest room version applied: the room's events resume after it. */
  let version = 0;
  /** Changes to messages older than the pages held, by seq, for when their page loads. */
  const deferred = new Map<number, Message>();
  let live: { unsubscribe(): void } | undefined;
  let disposed = false;

  const setOutbox = (next: readonly Outgoing[]) => {
    setOutboxSignal(next);
    saveOutbox(name, next);
  };

  /** Sets the confirmed list (settling our own messages among `confirmed`). */
  function show(next: readonly Message[], confirmed: readonly Message[]) {
    batch(() => {
      if (next !== messages()) setMessages(next);
      const remaining = settle(outbox(), confirmed);
      if (remaining !== outbox()) setOutbox(remaining);
    });
  }

  /** Pages of history: added, each seq once, with any deferred change to them. */
  function addPage(page: readonly Message[]) {
    const from = page[0]?.seq ?? Infinity;
    const waiting = [...deferred.values()].filter((m) => m.seq >= from);
    for (const m of waiting) deferred.delete(m.seq);
    show(mergeBySeq(messages(), [...page, ...waiting]), page);
  }

  /** Messages posted, edited or deleted since the pages were read (events, mutation answers). */
  function change(changed: readonly Message[]) {
    const { messages: next, deferred: later } = applyChanges(messages(), changed);
    for (const m of later) if (m.version > (deferred.get(m.seq)?.version ?? 0)) deferred.set(m.seq, m);
    show(next, changed);
  }

  function onEvent(event: RoomEvent) {
    if (event.version <= version) return;
    version = event.version;
    if (event.__typename === 'ResyncRequired') void resync();
    else if ('message' in event) change([event.message]);
    // MemberJoined / MemberLeft: the members panel follows them; the messages do not change.
    else setMemberChanges((n) => n + 1);
  }

  let resyncing: Promise<void> | undefined;
  let resyncAgain = false;
  /** Reloads the newest page after ResyncRequired, until it loads (a second request while one runs: once more after it). */
  function resync(): Promise<void> {
    if (resyncing) {
      resyncAgain = true;
      return resyncing;
    }
    resyncing = (async () => {
      for (let failures = 0; !disposed; ) {
        resyncAgain = false;
        const page = await history.first();
        if (disposed) return;
        if (page.ok) show(rebase(messages(), page.messages), page.messages);
        if (page.ok && !resyncAgain) return;
        if (!page.ok) await new Promise((r) => setTimeout(r, backoffDelay(failures++)));
      }
    })().finally(() => (resyncing = undefined));
    return resyncing;
  }

  const queue = createDeliveryQueue({
    async attempt(clientId) {
      const item = outbox().find((o) => o.clientId === clientId);
      if (!item) return undefined;
      setOutbox(patchOutgoing(outbox(), clientId, { state: 'sending', error: undefined }));
      const result = await client.mutation(SendMessageMutation, { room: name, content: item.content, clientId }).toPromise();
      const outcome = outcomeOf(result);
      if (result.data) change([result.data.sendMessage]);
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
    version = page.version;
    if (!info()) setInfo(page.info);
    addPage(page.messages);
    setLoadState({ state: 'ready' });
    live?.unsubscribe();
    live = subscribeRoomEvents(client, name, () => version, onEvent);
    queue.flush();
  }

  async function loadOlder() {
    const older = await history.older();
    if (older && !disposed) addPage(older);
  }

  /** A mutation answer (the changed message) applied, or what went wrong. */
  function changed(result: { data?: Message; error?: CombinedError }): ChangeOutcome {
    if (result.data) {
      change([result.data]);
      return { ok: true };
    }
    return { ok: false, error: result.error?.graphQLErrors[0]?.message };
  }

  async function edit(id: string, content: string): Promise<ChangeOutcome> {
    const result = await client.mutation(EditMessageMutation, { id, content }).toPromise();
    return changed({ data: result.data?.editMessage, error: result.error });
  }

  async function remove(id: string): Promise<ChangeOutcome> {
    const result = await client.mutation(DeleteMessageMutation, { id }).toPromise();
    return changed({ data: result.data?.deleteMessage, error: result.error });
  }

  /** Sets the room's topic (empty: none); the page shows the topic the server stored. */
  async function setTopic(topic: string): Promise<ChangeOutcome> {
    const result = await client.mutation(SetRoomTopicMutation, { room: name, topic: topic.trim() || null }).toPromise();
    const room = result.data?.setRoomTopic;
    if (!room) return { ok: false, error: result.error?.graphQLErrors[0]?.message };
    setInfo((current) => current && { ...current, topic: room.topic ?? null });
    return { ok: true };
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
    info,
    memberChanges,
    hasOlder: history.hasOlder,
    loadingOlder: history.loadingOlder,
    load,
    loadOlder,
    send,
    edit,
    remove,
    setTopic,
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
