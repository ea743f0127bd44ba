// Pages of a room's history, Relay-connection style. A cursor is the message's seq.
// Seqs run 1…lastSeq with no holes, so whether there is a page before or after is
// arithmetic, not another query.
import { badInput } from '../errors.js';
import type { Db } from '../db/client.js';
import { type ChatMessage, messageInclude, toChatMessage } from './message.js';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Page {
  messages: ChatMessage[];
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

function cursorSeq(cursor: string | null | undefined, name: string): number | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  if (!/^\d{1,10}$/.test(cursor)) throw badInput(`\`${name}\` is not a cursor of this connection.`, { field: name });
  return Number(cursor);
}

function size(n: number | null | undefined, name: string): number | undefined {
  if (n === null || n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) {
    throw badInput(`\`${name}\` must be between 0 and ${MAX_PAGE}.`, { field: name });
  }
  return n;
}

export async function pageOfMessages(db: Db, room: { name: string; lastSeq: number }, args: PageArgs): Promise<Page> {
  const first = size(args.first, 'first');
  const last = size(args.last, 'last');
  const after = cursorSeq(args.after, 'after');
  const before = cursorSeq(args.before, 'before');
  if (first !== undefined && last !== undefined) throw badInput('Pass `first` or `last`, not both.');

  const forward = first !== undefined || (after !== undefined && last === undefined);
  const seq = { ...(after !== undefined && { gt: after }), ...(before !== undefined && { lt: before }) };
  const rows = await db.message.findMany({
    where: { room: { name: room.name }, seq },
    orderBy: { seq: forward ? 'asc' : 'desc' },
    take: forward ? (first ?? DEFAULT_PAGE) : (last ?? DEFAULT_PAGE),
    include: messageInclude,
  });
  const messages = (forward ? rows : rows.reverse()).map(toChatMessage);
  const lowest = messages[0]?.seq ?? (forward ? (after ?? 0) + 1 : (before ?? room.lastSeq + 1));
  const highest = messages.at(-1)?.seq ?? lowest - 1;
  return {
    messages,
    hasPreviousPage: lowest > 1 && room.lastSeq > 0,
    hasNextPage: highest < room.lastSeq,
  };
}
