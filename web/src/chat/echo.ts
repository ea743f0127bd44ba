// Local-echo settlement and the confirmed list: messages arrive from the first page, older
// pages, the room's events and our own mutations' answers, in any order and some twice.
// The list keeps each seq once, in seq order, as its newest version (Message.version is the
// room version of the message's latest change: an edit or a deletion raises it); an outbox
// item is settled (removed) as soon as a confirmed message with its clientId arrives from
// any of those sources.
import type { Message } from '../graphql/documents';
import type { Outgoing } from './outbox';

/**
 * `current` with `incoming` merged in, in seq order: a seq not held is added, a held one is
 * replaced by a newer version of it (an older or equal one is ignored). `current` itself
 * when nothing changes.
 */
export function mergeBySeq(current: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  const newest = current.at(-1)?.seq ?? 0;
  let held: Map<number, number> | undefined; // seq → index in `current`, built when needed
  let replaced: Message[] | undefined;
  const fresh: Message[] = [];
  const freshAt = new Map<number, number>();
  for (const m of incoming) {
    // A message newer than everything held cannot be a copy of a held one.
    if (m.seq <= newest) {
      held ??= new Map(current.map((c, i) => [c.seq, i]));
      const i = held.get(m.seq);
      if (i !== undefined) {
        if (m.version > (replaced ?? current)[i].version) (replaced ??= [...current])[i] = m;
        continue;
      }
    }
    const j = freshAt.get(m.seq);
    if (j === undefined) {
      freshAt.set(m.seq, fresh.length);
      fresh.push(m);
    } else if (m.version > fresh[j].version) fresh[j] = m;
  }
  if (!fresh.length) return replaced ?? current;
  const next = [...(replaced ?? current), ...fresh];
  // Live messages just append; older pages (and anything out of order) need a sort.
  const inOrder = next.every((m, i) => i === 0 || next[i - 1].seq < m.seq);
  if (!inOrder) next.sort((a, b) => a.seq - b.seq);
  return next;
}

/**
 * Changed messages (from events and mutation answers) merged into `current`, except those
 * older than everything held: their page is not loaded, so showing them would leave a hole
 * above them. They come back as `deferred`, to be merged when that page arrives (it may
 * have been read before the change).
 */
export function applyChanges(current: readonly Message[], changes: readonly Message[]): { messages: readonly Message[]; deferred: Message[] } {
  const oldest = current[0]?.seq;
  if (oldest === undefined) return { messages: mergeBySeq(current, changes), deferred: [] };
  const deferred = changes.filter((m) => m.seq < oldest);
  const now = deferred.length ? changes.filter((m) => m.seq >= oldest) : changes;
  return { messages: mergeBySeq(current, now), deferred };
}

/**
 * The list after a resync (the page fell too far behind, so changes were skipped): the
 * newest page as reloaded, plus what arrived since beyond it (each seq as its newest
 * version). Messages older than the page are dropped: changes to them may have been among
 * those skipped, so they are loaded again as older pages.
 */
export function rebase(current: readonly Message[], page: readonly Message[]): readonly Message[] {
  if (!page.length) return current;
  const first = page[0].seq;
  return mergeBySeq(page, current.filter((m) => m.seq >= first));
}

/** The outbox without the items `confirmed` settles (`outbox` itself when none). */
export function settle(outbox: readonly Outgoing[], confirmed: readonly Message[]): readonly Outgoing[] {
  const echoed = new Set(confirmed.map((m) => m.clientId).filter((id): id is string => !!id));
  if (!echoed.size || !outbox.some((o) => echoed.has(o.clientId))) return outbox;
  return outbox.filter((o) => !echoed.has(o.clientId));
}
