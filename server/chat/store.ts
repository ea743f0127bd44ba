// The store: the one owner of every read and write of rooms and messages. Writes go
// through group commit (store/writes.ts), reads are plain queries (store/reads.ts), and
// both connections page the same way (store/paging.ts). Callers pass canonical room
// names (chat/rules.ts) except where a method says it takes a raw one.
import type { Db } from '../db/client.js';
import type { Provider } from '../db/url.js';
import type { ChatMessage } from './message.js';
import { roomName } from './rules.js';
import { Reads, type RoomInfo } from './store/reads.js';
import { Writes, isUniqueViolation, type Draft, type WritesOptions } from './store/writes.js';
import { type Page, type PageArgs, messagesQuery, roomsQuery, roomsPage } from './store/paging.js';

export type { Draft, RoomInfo, Page, PageArgs };
export { isUniqueViolation };

export class ChatStore {
  private readonly reads: Reads;
  private readonly writes: Writes;

  constructor(db: Db, provider: Provider, options: WritesOptions = {}) {
    this.reads = new Reads(db);
    this.writes = new Writes(db, provider, options);
  }

  /** Stores a message (group commit); resolves once it is committed, with its seq. */
  store(draft: Draft): Promise<ChatMessage> {
    return this.writes.store(draft);
  }

  /** The message a sender stored with this clientId, if any. */
  byClientId(senderId: string, clientId: string): Promise<ChatMessage | null> {
    return this.reads.byClientId(senderId, clientId);
  }

  /** A room by a raw name (checked and made canonical here): every valid name is a room. */
  room(rawName: string): Promise<RoomInfo> {
    return this.reads.room(roomName(rawName));
  }

  /** A page of the rooms that have messages, most recently active first. */
  async rooms(args: PageArgs): Promise<Page<RoomInfo>> {
    const query = roomsQuery(args);
    return roomsPage(query, await this.reads.activeRooms(query.take + 1, query.after));
  }

  message(room: string, seq: number): Promise<ChatMessage | null> {
    return this.reads.message(room, seq);
  }

  /** Stored messages of a room with seq > afterSeq, oldest first (replay, gap filling). */
  since(room: string, afterSeq: number, limit: number): Promise<ChatMessage[]> {
    return this.reads.since(room, afterSeq, limit);
  }

  /** A page of a room's history (Relay-style: the newest page unless first/after say otherwise). */
  messages(room: RoomInfo, args: PageArgs): Promise<Page<ChatMessage>> {
    return this.reads.messages(room, messagesQuery(args));
  }
}
