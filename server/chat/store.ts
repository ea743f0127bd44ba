// Storing messages, with group commit: sends that arrive while a transaction is running
// are stored together in the next one. Each room's lastSeq is bumped once by the number
// of its messages in the batch and the messages take the seqs in arrival order, so the
// rules hold (seq strictly increasing per room, no holes, committed before published)
// while a busy server pays for one transaction per batch instead of one per message.
// If a batch fails (one message breaks a constraint, say), its messages are stored one
// by one so only the culprit fails.
import type { Db } from '../db/client.js';
import type { ChatMessage } from './message.js';

export interface Draft {
  room: string;
  content: string;
  clientId: string | null;
  sender: { id: string; username: string; role: string };
}

interface Pending {
  draft: Draft;
  resolve(message: ChatMessage): void;
  reject(err: unknown): void;
}

export class MessageStore {
  private readonly queue: Pending[] = [];
  private busy = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 200,
  ) {}

  store(draft: Draft): Promise<ChatMessage> {
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain() {
    this.busy = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const messages = await this.commit(batch.map((p) => p.draft));
        batch.forEach((p, i) => p.resolve(messages[i]));
      } catch (err) {
        if (batch.length === 1) {
          batch[0].reject(err);
          continue;
        }
        for (const p of batch) {
          try {
            p.resolve((await this.commit([p.draft]))[0]);
          } catch (e) {
            p.reject(e);
          }
        }
      }
    }
    this.busy = false;
  }

  /** One transaction for the drafts, in order. */
  private commit(drafts: Draft[]): Promise<ChatMessage[]> {
    return this.db.$transaction(async (tx) => {
      const createdAt = new Date();
      const byRoom = new Map<string, Draft[]>();
      for (const draft of drafts) byRoom.set(draft.room, [...(byRoom.get(draft.room) ?? []), draft]);
      const seqOf = new Map<Draft, number>();
      const roomIds = new Map<string, string>();
      // Rooms in name order, so concurrent batches (other processes) lock rows in one order.
      for (const room of [...byRoom.keys()].sort()) {
        const list = byRoom.get(room)!;
        const { id, lastSeq } = await tx.room.upsert({
          where: { name: room },
          create: { name: room, lastSeq: list.length, lastMessageAt: createdAt },
          update: { lastSeq: { increment: list.length }, lastMessageAt: createdAt },
          select: { id: true, lastSeq: true },
        });
        roomIds.set(room, id);
        list.forEach((draft, i) => seqOf.set(draft, lastSeq - list.length + 1 + i));
      }
      const rows = await tx.message.createManyAndReturn({
        data: drafts.map((d) => ({
          roomId: roomIds.get(d.room)!,
          seq: seqOf.get(d)!,
          content: d.content,
          clientId: d.clientId,
          senderId: d.sender.id,
          createdAt,
        })),
        select: { id: true, roomId: true, seq: true },
      });
      const idOf = new Map(rows.map((r) => [`${r.roomId}:${r.seq}`, r.id]));
      return drafts.map((d) => {
        const seq = seqOf.get(d)!;
        return {
          id: idOf.get(`${roomIds.get(d.room)}:${seq}`)!,
          room: d.room,
          seq,
          content: d.content,
          clientId: d.clientId,
          createdAt,
          sender: d.sender,
        };
      });
    });
  }
}
