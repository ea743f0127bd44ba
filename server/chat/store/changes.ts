// Changing stored messages: edit and delete. Each change is one transaction that
//   1. takes the room's next version (UPDATE … RETURNING: this locks the room row, so
//      changes and sends of a room are applied one at a time, in version order),
//   2. reads the message as it is now (after the lock: no concurrent change can slip in
//      between the check and the write) and lets the caller decide (refuse by throwing,
//      or say there is nothing to change: the version taken in step 1 is rolled back),
//   3. writes the change: an edit keeps the previous content in MessageEdit and replaces
//      the message's Mention rows with those of the new content (resolved by the service
//      before the transaction, as for a send); a delete blanks the content, drops the edit
//      history and the Mention rows (deleted content is never served again, nor counted
//      as a mention) and, when someone else's message is deleted, writes the moderation log.
import type { Db } from '../../db/client.js';
import type { Prisma } from '../../db/generated/sqlite/client.js';
import { AppError } from '../../errors.js';
import { type ChatMessage, type UserRef, messageInclude, toChatMessage } from '../message.js';
import { insertMentions } from './mentions.js';
import { nextVersions } from './versions.js';

/** Returned by a check: apply the change, or leave the message as it is. */
export type Verdict = 'apply' | 'unchanged';

export interface ChangeResult {
  message: ChatMessage;
  /** False when nothing was written (no new version, nothing to publish). */
  changed: boolean;
}

export interface Editor {
  id: string;
}

class Unchanged {
  constructor(readonly message: ChatMessage) {}
}

export class Changes {
  constructor(private readonly db: Db) {}

  /**
   * Replaces a message's content, keeping the previous one in its edit history, and who it
   * mentions with `edit.mentions` (the users the new content mentions).
   */
  edit(id: string, editor: Editor, edit: { content: string; mentions: UserRef[] }, check: (current: ChatMessage) => Verdict): Promise<ChangeResult> {
    const { content, mentions } = edit;
    return this.change(id, check, async (tx, current, version, at, roomId) => {
      await tx.messageEdit.create({ data: { messageId: id, content: current.content, editorId: editor.id, editedAt: at } });
      await setMentions(tx, roomId, { id, seq: current.seq, mentions });
      return tx.message.update({ where: { id }, data: { content, editedAt: at, version }, include: messageInclude });
    });
  }

  /** Deletes a message: it stays in place as a tombstone (content "", deletedAt set, mentioning nobody). */
  delete(id: string, actor: Editor, check: (current: ChatMessage) => Verdict): Promise<ChangeResult> {
    return this.change(id, check, async (tx, current, version, at, roomId) => {
      await tx.messageEdit.deleteMany({ where: { messageId: id } });
      await setMentions(tx, roomId, { id, seq: current.seq, mentions: [] });
      if (current.sender?.id !== actor.id) {
        await tx.moderationAction.create({
          data: { actorId: actor.id, action: 'deleteMessage', targetUserId: current.sender?.id ?? null, messageId: id, room: current.room, createdAt: at },
        });
      }
      return tx.message.update({ where: { id }, data: { content: '', deletedAt: at, version }, include: messageInclude });
    });
  }

  private async change(
    id: string,
    check: (current: ChatMessage) => Verdict,
    write: (tx: Tx, current: ChatMessage, version: number, at: Date, roomId: string) => Promise<Parameters<typeof toChatMessage>[0]>,
  ): Promise<ChangeResult> {
    const found = await this.db.message.findUnique({ where: { id }, select: { roomId: true } });
    if (!found) throw new AppError('NOT_FOUND', 'No such message.');
    try {
      return await this.db.$transaction(async (tx) => {
        const version = await nextVersions(tx, found.roomId);
        const row = await tx.message.findUnique({ where: { id }, include: messageInclude });
        if (!row) throw new AppError('NOT_FOUND', 'No such message.');
        const current = toChatMessage(row);
        if (check(current) === 'unchanged') throw new Unchanged(current);
        const changed = await write(tx, current, version, new Date(), found.roomId);
        return { message: toChatMessage(changed), changed: true };
      });
    } catch (err) {
      if (err instanceof Unchanged) return { message: err.message, changed: false };
      throw err;
    }
  }
}

type Tx = Prisma.TransactionClient;

/** Makes a message's Mention rows those of `message.mentions` (none: a deleted message). */
async function setMentions(tx: Tx, roomId: string, message: { id: string; seq: number; mentions: UserRef[] }): Promise<void> {
  await tx.mention.deleteMany({ where: { messageId: message.id } });
  const insert = insertMentions([message], () => roomId);
  if (insert) await tx.$executeRaw(insert);
}
