// The index's list of active rooms: the `rooms` query, kept current by `roomActivity`
// (live only, so the list is fetched again after a reconnect).
import { createSignal } from 'solid-js';
import type { Client } from '@urql/core';
import { RoomActivitySubscription, RoomsQuery } from '../graphql/documents';
import type { RoomsQuery as RoomsResult } from '../gql/graphql';
import { onReconnected } from '../connection';

/** One room of the list, as the `rooms` query selects it. */
type RoomSummary = RoomsResult['rooms']['edges'][number]['node'];

export function createRooms(client: Client, first = 50) {
  const [rooms, setRooms] = createSignal<RoomSummary[]>([]);
  const [state, setState] = createSignal<'loading' | 'ready' | 'error'>('loading');

  // Subscribed before the query, so activity during the query is not lost; each room keeps
  // whichever of the two is newer (by seq).
  const activity = client.subscription(RoomActivitySubscription, {}).subscribe((result) => {
    const m = result.data?.roomActivity;
    if (!m) return;
    setRooms((list) => {
      const existing = list.find((r) => r.name === m.room);
      if (existing && existing.lastSeq >= m.seq) return list;
      const updated: RoomSummary = {
        name: m.room,
        lastSeq: m.seq,
        lastMessageAt: m.createdAt,
        lastMessage: m,
      };
      return [updated, ...list.filter((r) => r.name !== m.room)];
    });
  });

  async function load() {
    const result = await client.query(RoomsQuery, { first }).toPromise();
    const edges = result.data?.rooms.edges;
    if (!edges) {
      if (state() !== 'ready') setState('error');
      return;
    }
    setRooms((current) => {
      const fetched = edges.map((e) => e.node);
      const newer = current.filter((r) => !fetched.some((f) => f.name === r.name && f.lastSeq >= r.lastSeq));
      const merged = [...newer, ...fetched.filter((f) => !newer.some((r) => r.name === f.name))];
      return merged.sort((a, b) => (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? ''));
    });
    setState('ready');
  }

  const offReconnected = onReconnected(() => void load());
  void load();

  return {
    rooms,
    state,
    reload: load,
    dispose() {
      offReconnected();
      activity.unsubscribe();
    },
  };
}
