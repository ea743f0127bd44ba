// Paging, for both connections the store serves: a room's messages (cursor = the
// message's seq; seqs run 1…lastSeq with no holes, so whether there is a page before or
// after is arithmetic, not another query) and the list of rooms (most recently active
// first; cursor = (lastMessageAt, name), opaque). Checks the arguments, turns them into
// what to query, and turns rows back into Relay-style pages.
import { badInput } from '../../errors.js';

export const DEFAULT_MESSAGES_PAGE = 50;
export const DEFAULT_ROOMS_PAGE = 20;
export const MAX_PAGE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A page of nodes and whether there is more on either side. */
export interface Page<T> {
  nodes: T[];
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

/** The Relay connection of a page: an edge (node and its cursor) per node, and pageInfo. */
export function toConnection<T>(page: Page<T>, cursorOf: (node: T) => string) {
  const edges = page.nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasPreviousPage: page.hasPreviousPage,
      hasNextPage: page.hasNextPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

function size(n: number | null | undefined, name: string): number | undefined {
  if (n === null || n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) {
    throw badInput(`\`${name}\` must be between 0 and ${MAX_PAGE}.`, { field: name });
  }
  return n;
}

// --- Messages of a room: cursor = seq -------------------------------------------------

export const seqCursor = (message: { seq: number }) => String(message.seq);

function parseSeqCursor(cursor: string | null | undefined, name: string): number | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  if (!/^\d{1,10}$/.test(cursor)) throw badInput(`\`${name}\` is not a cursor of this connection.`, { field: name });
  return Number(cursor);
}

/** Which messages a page holds: seqs in (after, before), the first or last `take` of them. */
export interface MessagesQuery {
  forward: boolean;
  take: number;
  after?: number;
  before?: number;
}

/** Without arguments: the newest page. With first or only after: forward from after. */
export function messagesQuery(args: PageArgs): MessagesQuery {
  const first = size(args.first, 'first');
  const last = size(args.last, 'last');
  const after = parseSeqCursor(args.after, 'after');
  const before = parseSeqCursor(args.before, 'before');
  if (first !== undefined && last !== undefined) throw badInput('Pass `first` or `last`, not both.');
  const forward = first !== undefined || (after !== undefined && last === undefined);
  return { forward, take: (forward ? first : last) ?? DEFAULT_MESSAGES_PAGE, after, before };
}

/** The page of `seqs` (ascending, as queried) in a room whose newest seq is lastSeq. */
export function messagesPage<T extends { seq: number }>(query: MessagesQuery, nodes: T[], lastSeq: number): Page<T> {
  const lowest = nodes[0]?.seq ?? (query.forward ? (query.after ?? 0) + 1 : (query.before ?? lastSeq + 1));
  const highest = nodes.at(-1)?.seq ?? lowest - 1;
  return { nodes, hasPreviousPage: lowest > 1 && lastSeq > 0, hasNextPage: highest < lastSeq };
}

// --- Rooms, most recently active first: cursor = (lastMessageAt, name) ----------------

export interface RoomPosition {
  lastMessageAt: Date;
  name: string;
}

export const roomCursor = (room: { lastMessageAt: Date | null; name: string }) =>
  Buffer.from(JSON.stringify([room.lastMessageAt?.toISOString(), room.name])).toString('base64url');

function parseRoomCursor(cursor: string): RoomPosition {
  try {
    const [at, name] = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const lastMessageAt = new Date(at);
    if (typeof name === 'string' && !Number.isNaN(lastMessageAt.getTime())) return { lastMessageAt, name };
  } catch {}
  throw badInput('`after` is not a cursor of this connection.', { field: 'after' });
}

/** Rooms page forward only: `first` rooms after the `after` position. */
export function roomsQuery(args: PageArgs): { take: number; after?: RoomPosition } {
  if (args.last != null || args.before != null) throw badInput('rooms pages forward only: use first/after.');
  const take = size(args.first, 'first') ?? DEFAULT_ROOMS_PAGE;
  return { take, after: args.after != null ? parseRoomCursor(args.after) : undefined };
}

/** The page from up to take + 1 rooms fetched (the extra one only says there is a next page). */
export function roomsPage<T>(query: { take: number; after?: RoomPosition }, fetched: T[]): Page<T> {
  return { nodes: fetched.slice(0, query.take), hasPreviousPage: query.after !== undefined, hasNextPage: fetched.length > query.take };
}
