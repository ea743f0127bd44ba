// The Mention rows of a message: one per user its content mentions (resolved by the
// service, chat/mentions.ts), keyed by the message and carrying its room and seq, so that
// unread mentions are counted from read positions without reading messages
// (store/members.ts mentionCounts). Written when a message is stored (store/writes.ts, for
// a whole batch) and replaced when it is edited or deleted (store/changes.ts): a message's
// rows always match its current content.
import { Prisma } from '../../db/generated/sqlite/client.js';
import type { UserRef } from '../message.js';

/** A message as its Mention rows need it. */
export interface Mentioning {
  id: string;
  seq: number;
  /** The users it mentions now. */
  mentions: readonly UserRef[];
}

/** The one INSERT of the Mention rows of `messages` (in the rooms `roomId` says), or null when they mention nobody. */
export function insertMentions<M extends Mentioning>(messages: readonly M[], roomId: (message: M) => string): Prisma.Sql | null {
  const rows = messages.flatMap((m) => m.mentions.map((u) => Prisma.sql`(${m.id}, ${u.id}, ${roomId(m)}, ${m.seq})`));
  return rows.length > 0 ? Prisma.sql`INSERT INTO "Mention" ("messageId", "userId", "roomId", "seq") VALUES ${Prisma.join(rows)}` : null;
}
