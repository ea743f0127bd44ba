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
  sender: UserRef | null;
  /** Users the content mentions (@username), resolved when it was stored. */
  mentions: UserRef[];
}

export interface UserRef {
  id: string;
  username: string;
  role: string;
}

const userSelect = { select: { id: true, username: true, role: true } } as const;

export const messageInclude = {
  room: { select: { name: true } },
  sender: userSelect,
  mentions: { select: { user: userSelect } },
} as const;

type Row = Message & {
  room: Pick<Room, 'name'>;
  sender: Pick<User, 'id' | 'username' | 'role'> | null;
  mentions: { user: Pick<User, 'id' | 'username' | 'role'> }[];
};

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
    // A deleted message mentions nobody any more (its content is gone).
    mentions: row.deletedAt ? [] : row.mentions.map(({ user }) => ({ id: user.id, username: user.username, role: user.role })),
  };
}

/** Date fields of a message: they cross Redis as ISO strings and are turned back on arrival. */
export const MESSAGE_DATES = new Set(['createdAt', 'editedAt', 'deletedAt']);
