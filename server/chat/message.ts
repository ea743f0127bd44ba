// The message as every part of the server passes it around: what the database returns
// (mapped once, here), what is published to other processes and what GraphQL resolves.
import type { Message, Room, User } from '../db/generated/sqlite/client.js';

export interface ChatMessage {
  id: string;
  room: string;
  seq: number;
  /** The room version of this message's newest change (posted, edited or deleted). */
  version: number;
  /** "" once deleted. */
  content: string;
  clientId: string | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  /** The role is the sender's when the message was read or sent (GraphQL User.role). */
  sender: { id: string; username: string; role: string } | null;
}

export const messageInclude = {
  room: { select: { name: true } },
  sender: { select: { id: true, username: true, role: true } },
} as const;

type Row = Message & { room: Pick<Room, 'name'>; sender: Pick<User, 'id' | 'username' | 'role'> | null };

export function toChatMessage(row: Row): ChatMessage {
  return {
    id: row.id,
    room: row.room.name,
    seq: row.seq,
    version: row.version,
    // Deleted content is blanked when deleted; never serve it again whatever a row holds.
    content: row.deletedAt ? '' : row.content,
    clientId: row.clientId,
    createdAt: row.createdAt,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    sender: row.sender ? { id: row.sender.id, username: row.sender.username, role: row.sender.role } : null,
  };
}

/** Date fields of a message: they cross Redis as ISO strings and are turned back on arrival. */
export const MESSAGE_DATES = new Set(['createdAt', 'editedAt', 'deletedAt']);
