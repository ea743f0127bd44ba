// Local-echo settlement and the confirmed list: messages arrive from the first page, older
// pages, the live subscription and our own mutations' answers, in any order and some twice.
// The list keeps each seq once, in seq order; an outbox item is settled (removed) as soon
// as a confirmed message with its clientId arrives from any of those sources.
import type { Message } from '../graphql/documents';
import type { Outgoing } from './outbox';

/** `current` with the messages of `incoming` it lacks, in seq order (`current` itself when nothing is new). */
export function mergeBySeq(current: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  const newest = current.at(-1)?.seq ?? 0;
  // A live message newer than everything held cannot be a duplicate of a held one.
  const taken = new Set<number>(incoming.some((m) => m.seq <= newest) ? current.map((m) => m.seq) : []);
  const fresh: Message[] = [];
  for (const m of incoming) {
    if (taken.has(m.seq)) continue;
    taken.add(m.seq);
    fresh.push(m);
  }
  if (!fresh.length) return current;
  const next = [...current, ...fresh];
  // Live messages just append; older pages (and anything out of order) need a sort.
  const inOrder = next.every((m, i) => i === 0 || next[i - 1].seq < m.seq);
  if (!inOrder) next.sort((a, b) => a.seq - b.seq);
  return next;
}

/** The outbox without the items `confirmed` settles (`outbox` itself when none). */
export function settle(outbox: readonly Outgoing[], confirmed: readonly Message[]): readonly Outgoing[] {
  const echoed = new Set(confirmed.map((m) => m.clientId).filter((id): id is string => !!id));
  if (!echoed.size || !outbox.some((o) => echoed.has(o.clientId))) return outbox;
  return outbox.filter((o) => !echoed.has(o.clientId));
}
