// Reading rooms and messages: every query the chat runs on them, mapped to the shapes
// the rest of the server passes around (ChatMessage, RoomInfo).
import type { Db } from '../../db/client.js';
import { type ChatMessage, messageInclude, toChatMessage } from '../message.js';
import { type MemberEvent, type StoredEvent, eventOf } from '../events.js';
import { type MessagesQuery, type Page, type RoomPosition, messagesPage } from './paging.js';

export type Visibility = 'public' | 'private' | 'direct';

export interface RoomInfo {
  /** null: nobody has written to it or joined it yet. */
  id: string | null;
  name: string;
  lastSeq: number;
  /** Version of the room's newest change (0: none yet). */
  version: number;
  lastMessageAt: Date | null;
  visibility: Visibility;
  topic: string | null;
  creatorId: string | null;
}

/** What a room nobody has used yet looks like (also what a non-member is shown of a private room). */
export const unusedRoom = (name: string): RoomInfo => ({
  id: null,
  name,
  lastSeq: 0,
  version: 0,
  lastMessageAt: null,
  visibility: 'public',
  topic: null,
  creatorId: null,
});

/** One entry of a message's edit history: the content it had before an edit. */
export interface MessageEditEntry {
  content: string;
  editedAt: Date;
  editor: { id: string; username: string; role: string } | null;
}

export const roomSelect = {
  id: true,
  name: true,
  lastSeq: true,
  version: true,
  lastMessageAt: true,
  visibility: true,
  topic: true,
  creatorId: true,
} as const;

export const toRoomInfo = (row: Omit<RoomInfo, 'visibility'> & { visibility: string }): RoomInfo => row as RoomInfo;

/** Rooms after a position in "most recently active first" order. */
export const positionWhere = (after?: RoomPosition) =>
  after
    ? {
        OR: [
          { lastMessageAt: { lt: after.lastMessageAt } },
          { lastMessageAt: after.lastMessageAt, name: { gt: after.name } },
        ],
      }
    : { lastMessageAt: { not: null } };

export class Reads {
  constructor(private readonly db: Db) {}

  /** The message a sender stored with this clientId, if any. */
  async byClientId(senderId: string, clientId: string): Promise<ChatMessage | null> {
    const row = await this.db.message.findUnique({
      where: { senderId_clientId: { senderId, clientId } },
      include: messageInclude,
    });
    return row && toChatMessage(row);
  }

  /** A room by its canonical name; one nobody has written to yet is empty. */
  async room(name: string): Promise<RoomInfo> {
    const row = await this.db.room.findUnique({ where: { name }, select: roomSelect });
    return row ? toRoomInfo(row) : unusedRoom(name);
  }

  /**
   * Up to `take` rooms with activity, most recently active first, after a position: the
   * public ones and those `viewerId` is a member of (`visibility` narrows it).
   */
  async activeRooms(take: number, after: RoomPosition | undefined, viewerId: string | null, visibility?: Visibility): Promise<RoomInfo[]> {
    const visible = viewerId ? { OR: [{ visibility: 'public' }, { memberships: { some: { userId: viewerId } } }] } : { visibility: 'public' };
    const rows = await this.db.room.findMany({
      where: { AND: [positionWhere(after), visible, visibility ? { visibility } : {}] },
      orderBy: [{ lastMessageAt: 'desc' }, { name: 'asc' }],
      take,
      select: roomSelect,
    });
    return rows.map(toRoomInfo);
  }

  async message(room: string, seq: number): Promise<ChatMessage | null> {
    const row = await this.db.message.findFirst({ where: { room: { name: room }, seq }, include: messageInclude });
    return row && toChatMessage(row);
  }

  /** Stored messages of a room with seq > afterSeq, oldest first. */
  async since(room: string, afterSeq: number, limit: number): Promise<ChatMessage[]> {
    const rows = await this.db.message.findMany({
      where: { room: { name: room }, seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take: limit,
      include: messageInclude,
    });
    return rows.map(toChatMessage);
  }

  /** A message by id. */
  async byId(id: string): Promise<ChatMessage | null> {
    const row = await this.db.message.findUnique({ where: { id }, include: messageInclude });
    return row && toChatMessage(row);
  }

  /**
   * The room's changes after a version, oldest first: each message changed since, once,
   * as it is now (at the version of its newest change).
   */
  async eventsSince(room: string, afterVersion: number, limit: number): Promise<StoredEvent[]> {
    const where = { room: { name: room }, version: { gt: afterVersion } };
    const [messages, members] = await Promise.all([
      this.db.message.findMany({ where, orderBy: { version: 'asc' }, take: limit, include: messageInclude }),
      this.db.memberEvent.findMany({
        where,
        orderBy: { version: 'asc' },
        take: limit,
        select: { kind: true, version: true, user: { select: { id: true, username: true, role: true } } },
      }),
    ]);
    const events: StoredEvent[] = [
      ...messages.map((row) => eventOf(toChatMessage(row))),
      ...members.map((row): MemberEvent => ({ kind: row.kind === 'left' ? 'left' : 'joined', room, version: row.version, user: row.user })),
    ];
    return events.sort((a, b) => a.version - b.version).slice(0, limit);
  }

  /** A message's previous contents, oldest first. */
  edits(messageId: string): Promise<MessageEditEntry[]> {
    return this.db.messageEdit.findMany({
      where: { messageId },
      orderBy: { editedAt: 'asc' },
      select: { content: true, editedAt: true, editor: { select: { id: true, username: true, role: true } } },
    });
  }

  /** A page of a room's history, oldest first within the page. */
  async messages(room: RoomInfo, query: MessagesQuery): Promise<Page<ChatMessage>> {
    // No id: a room nobody used, or a private room shown to a non-member as one (its name
    // alone must not reach its messages).
    if (!room.id) return messagesPage(query, [], 0);
    const seq = { ...(query.after !== undefined && { gt: query.after }), ...(query.before !== undefined && { lt: query.before }) };
    const rows = await this.db.message.findMany({
      where: { roomId: room.id, seq },
      orderBy: { seq: query.forward ? 'asc' : 'desc' },
      take: query.take,
      include: messageInclude,
    });
    const messages = (query.forward ? rows : rows.reverse()).map(toChatMessage);
    return messagesPage(query, messages, room.lastSeq);
  }
}
