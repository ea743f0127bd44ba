// The index's list of active rooms as pure functions (rooms.ts keeps it live): the `rooms`
// query gives the list; roomActivity moves it. A new message puts its room at the top with
// it as the preview; an edit or deletion of the message shown replaces it in place (a
// deletion: its tombstone, so deleted content is not shown again); a change to an older
// message, or one already applied (by version), changes nothing.
import type { RoomActivitySubscription, RoomsQuery } from '../gql/graphql';

/** One room of the list, as the `rooms` query selects it. */
export type RoomSummary = RoomsQuery['rooms']['edges'][number]['node'];
/** A message as roomActivity sends it. */
export type Activity = RoomActivitySubscription['roomActivity'];

const isChange = (m: Activity) => m.editedAt !== null || m.deletedAt !== null;

/** The list after one roomActivity message (the same list when it changes nothing). */
export function withRoomActivity(list: readonly RoomSummary[], m: Activity): readonly RoomSummary[] {
  const i = list.findIndex((r) => r.name === m.room);
  const existing = i < 0 ? undefined : list[i];
  if (existing?.lastMessage?.id === m.id) {
    if (m.version <= existing.lastMessage.version) return list;
    return list.map((r, j) => (j === i ? { ...r, lastMessage: m } : r));
  }
  if (existing && existing.lastSeq >= m.seq) return list;
  // A change to a message of a room not listed (an old message, or the list is not loaded
  // yet: load() applies what came meanwhile) does not make the room active.
  if (!existing && isChange(m)) return list;
  const updated: RoomSummary = { name: m.room, lastSeq: m.seq, lastMessageAt: m.createdAt, lastMessage: m };
  return [updated, ...list.filter((r) => r.name !== m.room)];
}

/** Whether `a` shows a room as newer than `b` does (a later message, or a later change to the same one). */
const newerThan = (a: RoomSummary, b: RoomSummary) =>
  a.lastSeq > b.lastSeq || (a.lastSeq === b.lastSeq && (a.lastMessage?.version ?? 0) > (b.lastMessage?.version ?? 0));

/**
 * A fresh `rooms` answer merged with the list held: rooms the list shows newer than the
 * answer are kept as held; then `meanwhile` (roomActivity received while it was asked for)
 * is applied again, so a change the answer predates is not undone by it.
 */
export function withFetched(current: readonly RoomSummary[], fetched: readonly RoomSummary[], meanwhile: Iterable<Activity>): readonly RoomSummary[] {
  const newer = current.filter((r) => !fetched.some((f) => f.name === r.name && !newerThan(r, f)));
  let merged: readonly RoomSummary[] = [...newer, ...fetched.filter((f) => !newer.some((r) => r.name === f.name))].sort((a, b) =>
    (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? ''),
  );
  for (const m of meanwhile) merged = withRoomActivity(merged, m);
  return merged;
}
