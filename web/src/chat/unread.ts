// The sidebar's memberships and their counts, as pure functions over a list (most recently
// active first). myRooms gives the list; roomActivity moves it between reads (a message by
// someone else: +1 unread, +1 mention when it mentions me; my own: read up to it, since
// sending moves my read position; an edit or deletion, which roomActivity carries too, is
// no new message and counts nothing); viewerEvents give the server's counts whenever a
// read position moves on any device, and memberships added or removed.
import type { MembershipSummary, Message, User } from '../graphql/documents';

type Activity = Pick<Message, 'room' | 'seq' | 'createdAt' | 'sender' | 'mentions' | 'editedAt' | 'deletedAt'>;

/**
 * The list after a roomActivity message: unchanged when it is not one of my rooms, was
 * counted already, or is an edit or a deletion (of a message posted before: no new one).
 */
export function withActivity(list: readonly MembershipSummary[], m: Activity, meId: string): readonly MembershipSummary[] {
  if (m.editedAt || m.deletedAt) return list;
  const i = list.findIndex((r) => r.room.name === m.room);
  if (i < 0) return list;
  const current = list[i];
  if (m.seq <= current.room.lastSeq) return list;
  const room = { ...current.room, lastSeq: m.seq, lastMessageAt: m.createdAt };
  const mine = m.sender?.id === meId;
  const updated: MembershipSummary = mine
    ? { ...current, room, lastReadSeq: m.seq, unreadCount: 0, mentionCount: 0 }
    : {
        ...current,
        room,
        unreadCount: Math.max(0, m.seq - current.lastReadSeq),
        mentionCount: current.mentionCount + (m.mentions.some((u) => u.id === meId) ? 1 : 0),
      };
  return [updated, ...list.slice(0, i), ...list.slice(i + 1)];
}

/**
 * The list with the server's word on one membership (added, or its read position moved).
 * What is already known to be newer stays: a read position never moves back, and messages
 * that arrived after the server counted are still unread.
 */
export function withMembership(list: readonly MembershipSummary[], fresh: MembershipSummary): readonly MembershipSummary[] {
  const i = list.findIndex((r) => r.room.name === fresh.room.name);
  if (i < 0) return sortByActivity([fresh, ...list]);
  const current = list[i];
  if (fresh.lastReadSeq < current.lastReadSeq) return list;
  const lastSeq = Math.max(fresh.room.lastSeq, current.room.lastSeq);
  const later = lastSeq > fresh.room.lastSeq;
  const merged: MembershipSummary = {
    ...fresh,
    room: later ? { ...fresh.room, lastSeq, lastMessageAt: current.room.lastMessageAt } : fresh.room,
    unreadCount: Math.max(0, lastSeq - fresh.lastReadSeq),
    // Mentions among the messages the server had not counted yet are lost to this guess only
    // until the next read position change, which brings the counts again.
    mentionCount: fresh.mentionCount,
  };
  return list.map((r, j) => (j === i ? merged : r));
}

export const withoutRoom = (list: readonly MembershipSummary[], room: string): readonly MembershipSummary[] =>
  list.some((r) => r.room.name === room) ? list.filter((r) => r.room.name !== room) : list;

/** A fresh myRooms answer (rooms left meanwhile are gone), keeping what live events made newer. */
export function reconcile(current: readonly MembershipSummary[], fetched: readonly MembershipSummary[]): readonly MembershipSummary[] {
  return sortByActivity(
    fetched.map((f) => {
      const known = current.find((r) => r.room.name === f.room.name);
      if (!known) return f;
      const lastReadSeq = Math.max(f.lastReadSeq, known.lastReadSeq);
      const newer = known.room.lastSeq > f.room.lastSeq;
      return {
        ...f,
        room: newer ? { ...f.room, lastSeq: known.room.lastSeq, lastMessageAt: known.room.lastMessageAt } : f.room,
        lastReadSeq,
        unreadCount: Math.max(0, Math.max(f.room.lastSeq, known.room.lastSeq) - lastReadSeq),
        mentionCount: known.lastReadSeq > f.lastReadSeq || newer ? known.mentionCount : f.mentionCount,
      };
    }),
  );
}

function sortByActivity(list: readonly MembershipSummary[]): readonly MembershipSummary[] {
  return [...list].sort((a, b) => (b.room.lastMessageAt ?? '').localeCompare(a.room.lastMessageAt ?? ''));
}

/**
 * What the page calls a room: a direct room by the other person's name (`members`: its
 * members, when known), never by its own name, an opaque id ("…" until they are known).
 */
export function displayName(m: Pick<MembershipSummary, 'room'>, members: readonly User[] | undefined, meId: string | undefined): string {
  if (m.room.visibility !== 'DIRECT') return m.room.name;
  const other = members?.find((u) => u.id !== meId) ?? members?.[0];
  return other?.username ?? '…';
}

/** The seq of the first message after the read position that someone else wrote (where the "new messages" divider goes). */
export function firstUnread(
  messages: readonly Pick<Message, 'seq' | 'sender'>[],
  lastReadSeq: number | null | undefined,
  meId: string | undefined,
): number | undefined {
  if (lastReadSeq === null || lastReadSeq === undefined) return undefined;
  return messages.find((m) => m.seq > lastReadSeq && m.sender?.id !== meId)?.seq;
}
