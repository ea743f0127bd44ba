// The index's list of active rooms: the `rooms` query, kept current by `roomActivity`
// (live only, so the list is fetched again after a reconnect). What each message does to
// the list is in active-rooms.ts.
import { createSignal } from 'solid-js';
import type { Client } from '@urql/core';
import { RoomActivitySubscription, RoomsQuery } from '../graphql/documents';
import { onReconnected } from '../connection';
import { type Activity, type RoomSummary, withFetched, withRoomActivity } from './active-rooms';

export function createRooms(client: Client, first = 50) {
  const [rooms, setRooms] = createSignal<readonly RoomSummary[]>([]);
  const [state, setState] = createSignal<'loading' | 'ready' | 'error'>('loading');
  /** Queries in flight, and the activity received since the oldest of them was asked. */
  let loading = 0;
  const meanwhile: Activity[] = [];

  // Subscribed before the query, so activity during the query is not lost: it is applied
  // again to the answer (which may predate it).
  const activity = client.subscription(RoomActivitySubscription, {}).subscribe((result) => {
    const m = result.data?.roomActivity;
    if (!m) return;
    if (loading > 0) meanwhile.push(m);
    setRooms((list) => withRoomActivity(list, m));
  });

  async function load() {
    loading++;
    try {
      const result = await client.query(RoomsQuery, { first }).toPromise();
      const edges = result.data?.rooms.edges;
      if (!edges) {
        if (state() !== 'ready') setState('error');
        return;
      }
      setRooms((current) => withFetched(current, edges.map((e) => e.node), meanwhile));
      setState('ready');
    } finally {
      if (--loading === 0) meanwhile.length = 0;
    }
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
