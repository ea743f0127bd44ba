// The store: the one owner of every read and write of rooms and messages. Writes go
// through group commit (store/writes.ts), reads are plain queries (store/reads.ts), and
// both connections page the same way (store/paging.ts). Callers pass canonical room
// names (chat/rules.ts) except where a method says it takes a raw one.
import type { Db } from '../db/client.js';
import type { Provider } from '../db/url.js';
import type { ChatMessage, UserRef } from './message.js';
import { roomName } from './rules.js';
import { Reads, type MessageEditEntry, type RoomInfo, type Visibility } from './store/reads.js';
import { Members, type MembershipInfo, type MemberChange } from './store/members.js';
import { Changes, type ChangeResult, type Editor, type Verdict } from './store/changes.js';
import type { StoredEvent } from './events.js';
import { Writes, isUniqueViolation, type Draft, type Stored, type WritesOptions } from './store/writes.js';
import { type Page, type PageArgs, messagesQuery, roomsQuery, roomsPage } from './store/paging.js';

export type { Draft, RoomInfo, Page, PageArgs, MessageEditEntry, ChangeResult, Verdict, Visibility, MembershipInfo, MemberChange };
export { isUniqueViolation };

export class ChatStore {
  private readonly reads: Reads;
  private readonly writes: Writes;
  private readonly changes: Changes;
  /** Memberships and read positions (store/members.ts). */
  readonly members: Members;

  constructor(db: Db, provider: Provider, options: WritesOptions = {}) {
    this.reads = new Reads(db);
    this.writes = new Writes(db, provider, options);
    this.changes = new Changes(db);
    this.members = new Members(db, provider);
  }

  /**
   * Edits a message in its own transaction (store/changes.ts): its content, and who it
   * mentions (its Mention rows are replaced); `check` refuses or says "unchanged".
   */
  edit(id: string, editor: Editor, edit: { content: string; mentions: UserRef[] }, check: (current: ChatMessage) => Verdict): Promise<ChangeResult> {
    return this.changes.edit(id, editor, edit, check);
  }

  /** Deletes a message (a tombstone stays, mentioning nobody), in its own transaction. */
  delete(id: string, actor: Editor, check: (current: ChatMessage) => Verdict): Promise<ChangeResult> {
    return this.changes.delete(id, actor, check);
  }

  byId(id: string): Promise<ChatMessage | null> {
    return this.reads.byId(id);
  }

  /** The room's changes after a version, each message at its newest change (replay, gap filling). */
  eventsSince(room: string, afterVersion: number, limit: number): Promise<StoredEvent[]> {
    return this.reads.eventsSince(room, afterVersion, limit);
  }

  /** A message's previous contents, oldest first. */
  edits(messageId: string): Promise<MessageEditEntry[]> {
    return this.reads.edits(messageId);
  }

  /**
   * Stores a message (group commit); resolves once it is committed, with its seq, and the
   * MemberJoined of a sender who joined a public room with it (draft.joinIfNeeded).
   */
  post(draft: Draft): Promise<Stored> {
    return this.writes.store(draft);
  }

  /** post() for the message alone. */
  async store(draft: Draft): Promise<ChatMessage> {
    return (await this.writes.store(draft)).message;
  }

  /** The message a sender stored with this clientId, if any. */
  byClientId(senderId: string, clientId: string): Promise<ChatMessage | null> {
    return this.reads.byClientId(senderId, clientId);
  }

  /** A room by a raw name (checked and made canonical here): every valid name is a room. */
  room(rawName: string): Promise<RoomInfo> {
    return this.reads.room(roomName(rawName));
  }

  /** A page of the rooms a viewer may see (public ones, and their own), most recently active first. */
  async rooms(args: PageArgs, viewerId: string | null, visibility?: Visibility): Promise<Page<RoomInfo>> {
    const query = roomsQuery(args);
    return roomsPage(query, await this.reads.activeRooms(query.take + 1, query.after, viewerId, visibility));
  }

  /** A page of a user's memberships, most recently active room first. */
  async memberships(userId: string, args: PageArgs): Promise<Page<MembershipInfo>> {
    const query = roomsQuery(args);
    return roomsPage(query, await this.members.ofUser(userId, query.take + 1, query.after));
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
    const query = messagesQuery(args);
    // A room nobody used, or one shown as such (a private room to a non-member): no history.
    if (!room.id) return Promise.resolve({ nodes: [], hasPreviousPage: false, hasNextPage: false });
    return this.reads.messages(room, query);
  }
}
