// The signed-in viewer's rooms for the sidebar: myRooms, kept current live by roomActivity
// (new messages: unread and mention counts, order; the edits and deletions it carries too
// count nothing) and viewerEvents (read positions moved and memberships added or removed,
// on this or any other device or tab), fetched again after a reconnect. The counting
// itself is in unread.ts.
import { createContext, createSignal, useContext } from 'solid-js';
import type { Client } from '@urql/core';
import {
  CreateRoomMutation,
  DirectPeersQuery,
  JoinRoomMutation,
  LeaveRoomMutation,
  MarkReadMutation,
  MyRoomsQuery,
  OpenDirectRoomMutation,
  RoomActivitySubscription,
  ViewerEventsSubscription,
  type MembershipSummary,
  type Message,
  type User,
} from '../graphql/documents';
import { onReconnected } from '../connection';
import { mentionsUser } from './mentions';
import { displayName, reconcile, withActivity, withMembership, withoutRoom } from './unread';

export type Outcome<T = void> = { ok: true; value: T } | { ok: false; error?: string };

const errorOf = (result: { error?: { graphQLErrors: { message: string }[] } }) => result.error?.graphQLErrors[0]?.message;

export function createMyRooms(client: Client, meId: string, options: { onMention?: (message: Message) => void } = {}) {
  const [rooms, setRooms] = createSignal<readonly MembershipSummary[]>([]);
  const [state, setState] = createSignal<'loading' | 'ready' | 'error'>('loading');
  /** The members of each direct room (room name → users), for calling it by the other person's name. */
  const [peers, setPeers] = createSignal<ReadonlyMap<string, readonly User[]>>(new Map());
  let peersLoading: Promise<void> | undefined;
  function loadPeers(): Promise<void> {
    peersLoading ??= client
      .query(DirectPeersQuery, { first: 100 })
      .toPromise()
      .then((result) => {
        const edges = result.data?.rooms.edges;
        if (edges) setPeers(new Map(edges.map((e) => [e.node.name, e.node.members.edges.map((m) => m.node.user)])));
      })
      .finally(() => (peersLoading = undefined));
    return peersLoading;
  }
  /** Direct rooms appear by viewerEvents or a reload: their people are asked for once each. */
  function knowPeers(list: readonly MembershipSummary[]) {
    if (list.some((m) => m.room.visibility === 'DIRECT' && !peers().has(m.room.name))) void loadPeers();
  }

  // Subscribed before the query, so nothing between the two is lost (reconcile keeps the newer).
  const activity = client.subscription(RoomActivitySubscription, {}).subscribe((result) => {
    const m = result.data?.roomActivity;
    if (!m) return;
    const before = rooms();
    const after = withActivity(before, m, meId);
    if (after === before) return; // counted already, an edit or deletion, or not one of mine: no notification either
    setRooms(after);
    if (m.sender?.id !== meId && mentionsUser(m, meId)) options.onMention?.(m);
  });
  const viewer = client.subscription(ViewerEventsSubscription, {}).subscribe((result) => {
    const event = result.data?.viewerEvents;
    if (!event) return;
    if (event.__typename === 'MembershipRemoved') setRooms((list) => withoutRoom(list, event.room));
    else if ('membership' in event) {
      setRooms((list) => withMembership(list, event.membership));
      knowPeers([event.membership]);
    }
  });

  async function load() {
    const result = await client.query(MyRoomsQuery, { first: 100 }).toPromise();
    const edges = result.data?.myRooms.edges;
    if (!edges) {
      if (state() !== 'ready') setState('error');
      return;
    }
    setRooms((current) => reconcile(current, edges.map((e) => e.node)));
    knowPeers(rooms());
    setState('ready');
    for (const [room, seq] of early) void markRead(room, seq);
    early.clear();
  }

  const membership = (room: string) => rooms().find((r) => r.room.name === room);
  /** What to call one of my rooms (a direct one: by the other person). */
  const nameOf = (m: MembershipSummary) => displayName(m, peers().get(m.room.name), meId);

  const pendingReads = new Map<string, number>();
  /** Asked for before the list was loaded: done once it is. */
  const early = new Map<string, number>();
  /** Moves the read position to `seq` (never back; nothing to ask when already there). */
  async function markRead(room: string, seq: number) {
    const current = membership(room);
    if (!current && state() === 'loading') early.set(room, Math.max(seq, early.get(room) ?? 0));
    if (!current || seq <= current.lastReadSeq || seq <= (pendingReads.get(room) ?? 0)) return;
    pendingReads.set(room, seq);
    try {
      const result = await client.mutation(MarkReadMutation, { room, seq }).toPromise();
      if (result.data) setRooms((list) => withMembership(list, result.data!.markRead));
    } finally {
      if (pendingReads.get(room) === seq) pendingReads.delete(room);
    }
  }

  async function join(room: string): Promise<Outcome> {
    const result = await client.mutation(JoinRoomMutation, { room }).toPromise();
    if (!result.data) return { ok: false, error: errorOf(result) };
    setRooms((list) => withMembership(list, result.data!.joinRoom));
    return { ok: true, value: undefined };
  }

  async function leave(room: string): Promise<Outcome> {
    const result = await client.mutation(LeaveRoomMutation, { room }).toPromise();
    if (result.error) return { ok: false, error: errorOf(result) };
    setRooms((list) => withoutRoom(list, room));
    return { ok: true, value: undefined };
  }

  /** A new private room (its name is the room's address); the list learns of it by MembershipAdded. */
  async function createPrivate(name: string, topic?: string): Promise<Outcome<string>> {
    const result = await client.mutation(CreateRoomMutation, { name, visibility: 'PRIVATE', topic: topic || null }).toPromise();
    if (!result.data) return { ok: false, error: errorOf(result) };
    void load();
    return { ok: true, value: result.data.createRoom.name };
  }

  async function openDirect(username: string): Promise<Outcome<string>> {
    const result = await client.mutation(OpenDirectRoomMutation, { username }).toPromise();
    if (!result.data) return { ok: false, error: errorOf(result) };
    if (!membership(result.data.openDirectRoom.name)) await Promise.all([load(), loadPeers()]);
    return { ok: true, value: result.data.openDirectRoom.name };
  }

  const offReconnected = onReconnected(() => void load());
  void load();

  return {
    rooms,
    state,
    reload: load,
    membership,
    nameOf,
    markRead,
    join,
    leave,
    createPrivate,
    openDirect,
    dispose() {
      offReconnected();
      activity.unsubscribe();
      viewer.unsubscribe();
    },
  };
}

export type MyRooms = ReturnType<typeof createMyRooms>;

export const MyRoomsContext = createContext<MyRooms | undefined>(undefined);
/** The signed-in viewer's rooms; undefined for anonymous visitors. */
export const useMyRooms = () => useContext(MyRoomsContext);
