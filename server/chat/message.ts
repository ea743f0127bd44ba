// The message as every part of the server passes it around: what the database returns
// (mapped once, here), what is published to other processes and what GraphQL resolves.
import type { Message, Room, User } from '../db/generated/sqlite/client.js';

export interface ChatMessage {
  id: string;
  room: string;
  seq: number;
  content: string;
  clientId: string | null;
  createdAt: Date;
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
    content: row.content,
    clientId: row.clientId,
    createdAt: row.createdAt,
    sender: row.sender ? { id: row.sender.id, username: row.sender.username, role: row.sender.role } : null,
  };
}
