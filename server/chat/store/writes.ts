// Storing messages, with group commit: sends made in the same turn of the event loop,
// and those that arrive while a transaction is running, are stored together in one
// transaction, with a fixed number of statements however many rooms the batch touches:
//   1. one UPDATE bumps every existing room's lastSeq and version (every change takes the
//      next room version: chat/events.ts) by its number of messages in the batch and
//      RETURNs the new values (on PostgreSQL it first locks the rooms in
//      name order, so concurrent batches of other processes cannot deadlock);
//   2. rooms nobody wrote to yet are created with their lastSeq (one multi-row INSERT);
//   3. senders of a public room who are not members yet join it in the same transaction
//      (one SELECT finds them; only if there are any: one UPDATE takes their versions, one
//      INSERT each for the memberships and the MemberJoined events, which come just before
//      the messages in version order);
//   4. one multi-row INSERT stores the messages, which take their room's seqs and
//      versions in arrival order; the mentions they resolved go in with one more INSERT,
//      and one UPDATE moves each sender's read position in the room to their message (ids are random UUIDs made here: raw SQL has no @default(cuid())).
// Every step is raw SQL (Prisma.sql) sent to Prisma's driver adapter directly (db/raw.ts):
// the ORM's per-query planning cost more CPU than SQLite itself (profiled: ~60% of a
// batch), and so did the client's raw-query path (21% of the main thread at 200 msg/s
// over 200 rooms, against 13% for SQLite).
// So the rules hold (seq and version strictly increasing per room, no holes, committed
// before they are published) while a busy server pays for one transaction per batch instead of one per
// message, and not one statement per room. If a batch fails (one message breaks a
// constraint, say), its messages are stored one by one so only the culprit fails.
import { randomUUID } from 'node:crypto';
import { rawSql, type Db } from '../../db/client.js';
import type { RawSql, RawTx } from '../../db/raw.js';
import type { Provider } from '../../db/url.js';
import { Prisma } from '../../db/generated/sqlite/client.js';
import type { ChatMessage, UserRef } from '../message.js';
import type { MemberEvent } from '../events.js';

export interface Draft {
  room: string;
  content: string;
  clientId: string | null;
  sender: UserRef;
  /** Users the content mentions (resolved by the service). */
  mentions?: UserRef[];
  /** A public room: a sender who is not a member yet joins it with this message. */
  joinIfNeeded?: boolean;
}

/** A stored message, and the MemberJoined its sender's first message in a public room made. */
export interface Stored {
  message: ChatMessage;
  joined: MemberEvent | null;
}

/**
 * Whether a store failed on a unique constraint (the same (sender, clientId) stored
 * already, or a room created meanwhile by another process): P2002 from an ORM query,
 * P2010 with the driver's UniqueConstraintViolation from the client's raw SQL, or the
 * driver adapter's own error from raw SQL sent to it directly (db/raw.ts).
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; cause?: { kind?: unknown }; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } } | null;
  if (typeof e !== 'object' || e === null) return false;
  if (e.name === 'DriverAdapterError') return e.cause?.kind === 'UniqueConstraintViolation';
  return e.code === 'P2002' || (e.code === 'P2010' && e.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation');
}

interface Pending {
  draft: Draft;
  resolve(stored: Stored): void;
  reject(err: unknown): void;
}

export interface WritesOptions {
  /** Most messages in one transaction (default 500: well within both databases' bind-parameter limits). */
  maxBatch?: number;
  /** Called with the number of messages of every transaction tried (batches, and each one-by-one retry). */
  onCommit?: (messages: number) => void;
}

export class Writes {
  private readonly queue: Pending[] = [];
  private busy = false;
  private readonly maxBatch: number;
  private readonly raw: RawSql;

  constructor(
    db: Db,
    private readonly provider: Provider,
    private readonly options: WritesOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.raw = rawSql(db);
  }

  /** Stores a message; resolves once the transaction that holds it has committed. */
  store(draft: Draft): Promise<Stored> {
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      if (!this.busy) {
        // Start on the next turn of the event loop, so sends read from sockets in the
        // same turn share the first transaction too (not only those arriving during it).
        this.busy = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain() {
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
  private commit(drafts: Draft[]): Promise<Stored[]> {
    this.options.onCommit?.(drafts.length);
    return this.raw.transaction(async (tx) => {
      const createdAt = new Date();
      const counts = new Map<string, number>();
      for (const d of drafts) counts.set(d.room, (counts.get(d.room) ?? 0) + 1);
      const names = [...counts.keys()].sort();
      const inNames = Prisma.join(names);

      const bumpBy = Prisma.join(
        names.map((name) => Prisma.sql`WHEN ${name} THEN CAST(${counts.get(name)!} AS INTEGER)`),
        ' ',
      );
      const rooms = new Map<string, { id: string; lastSeq: number; version: number }>();
      // PostgreSQL: the rows are locked in name order first (the subquery), so concurrent
      // batches of other processes cannot deadlock. SQLite has one writer at a time.
      const bumped = await tx.query<{ id: string; name: string; lastSeq: number; version: number }>(
        this.provider === 'postgresql'
          ? Prisma.sql`UPDATE "Room" SET "lastSeq" = "Room"."lastSeq" + CASE "Room"."name" ${bumpBy} END,
                "version" = "Room"."version" + CASE "Room"."name" ${bumpBy} END, "lastMessageAt" = ${createdAt}
              FROM (SELECT "id" FROM "Room" WHERE "name" IN (${inNames}) ORDER BY "name" FOR UPDATE) AS "locked"
              WHERE "Room"."id" = "locked"."id" RETURNING "Room"."id", "Room"."name", "Room"."lastSeq", "Room"."version"`
          : Prisma.sql`UPDATE "Room" SET "lastSeq" = "lastSeq" + CASE "name" ${bumpBy} END,
                "version" = "version" + CASE "name" ${bumpBy} END, "lastMessageAt" = ${createdAt}
              WHERE "name" IN (${inNames}) RETURNING "id", "name", "lastSeq", "version"`,
      );
      for (const r of bumped) rooms.set(r.name, { id: r.id, lastSeq: Number(r.lastSeq), version: Number(r.version) });

      const missing = names.filter((name) => !rooms.has(name));
      if (missing.length > 0) {
        const created = await tx.query<{ id: string; name: string; lastSeq: number; version: number }>(
          Prisma.sql`INSERT INTO "Room" ("id", "name", "lastSeq", "version", "createdAt", "lastMessageAt", "visibility")
            VALUES ${Prisma.join(missing.map((name) => Prisma.sql`(${randomUUID()}, ${name}, ${counts.get(name)!}, ${counts.get(name)!}, ${createdAt}, ${createdAt}, 'public')`))}
            RETURNING "id", "name", "lastSeq", "version"`,
        );
        for (const r of created) rooms.set(r.name, { id: r.id, lastSeq: Number(r.lastSeq), version: Number(r.version) });
      }

      // Senders of public rooms who are not members yet join first (MemberJoined takes the
      // versions just before the room's messages of this batch).
      const joined = await this.joinSenders(tx, drafts, rooms, counts, createdAt);

      // A room's n messages take lastSeq − n + 1 … lastSeq and version − n + 1 … version,
      // in arrival order.
      const taken = new Map(names.map((name) => [name, counts.get(name)!]));
      const ids = drafts.map(() => randomUUID());
      const messages: ChatMessage[] = drafts.map((d, i) => {
        const room = rooms.get(d.room)!;
        const left = taken.get(d.room)!;
        taken.set(d.room, left - 1);
        return {
          id: ids[i],
          room: d.room,
          seq: room.lastSeq - left + 1,
          version: room.version - left + 1,
          content: d.content,
          clientId: d.clientId,
          createdAt,
          editedAt: null,
          deletedAt: null,
          sender: d.sender,
          mentions: d.mentions ?? [],
        };
      });
      const values = messages.map(
        (m, i) =>
          Prisma.sql`(${m.id}, ${rooms.get(m.room)!.id}, ${m.seq}, ${m.version}, ${drafts[i].sender.id}, ${m.content}, ${m.clientId}, ${createdAt})`,
      );
      await tx.execute(Prisma.sql`INSERT INTO "Message" ("id", "roomId", "seq", "version", "senderId", "content", "clientId", "createdAt")
        VALUES ${Prisma.join(values)}`);

      const mentions = messages.flatMap((m) => m.mentions.map((u) => Prisma.sql`(${m.id}, ${u.id}, ${rooms.get(m.room)!.id}, ${m.seq})`));
      if (mentions.length > 0) {
        await tx.execute(Prisma.sql`INSERT INTO "Mention" ("messageId", "userId", "roomId", "seq") VALUES ${Prisma.join(mentions)}`);
      }

      // Sending moves the sender's read position to their message (never backwards).
      // Non-members (no row) are untouched: the service joins senders before they send.
      const readTo = new Map<string, number>();
      for (const m of messages) readTo.set(`${rooms.get(m.room)!.id} ${m.sender!.id}`, m.seq);
      const userIds = Prisma.join([...new Set(drafts.map((d) => d.sender.id))]);
      const roomIds = Prisma.join([...new Set(names.map((n) => rooms.get(n)!.id))]);
      const readCase = Prisma.join(
        [...readTo].map(([key, seq]) => Prisma.sql`WHEN ${key} THEN CAST(${seq} AS INTEGER)`),
        ' ',
      );
      const greatest = this.provider === 'postgresql' ? Prisma.raw('GREATEST') : Prisma.raw('MAX');
      await tx.execute(Prisma.sql`UPDATE "Membership" SET "lastReadSeq" = ${greatest}("lastReadSeq", CASE "roomId" || ' ' || "userId" ${readCase} ELSE 0 END)
        WHERE "userId" IN (${userIds}) AND "roomId" IN (${roomIds})`);
      const firstOf = new Set<string>();
      return messages.map((message, i) => {
        const key = `${message.room} ${drafts[i].sender.id}`;
        const join = firstOf.has(key) ? null : (joined.get(key) ?? null);
        firstOf.add(key);
        return { message, joined: join };
      });
    });
  }

  /**
   * Makes the senders of `joinIfNeeded` drafts who are not members of the room members,
   * with a MemberJoined each; bumps the rooms' versions for them, so that `rooms` keeps
   * the newest version and the joins take the versions just before the batch's messages.
   */
  private async joinSenders(
    tx: RawTx,
    drafts: Draft[],
    rooms: Map<string, { id: string; lastSeq: number; version: number }>,
    /** Messages of the batch per room name. */
    counts: Map<string, number>,
    at: Date,
  ): Promise<Map<string, MemberEvent>> {
    const joined = new Map<string, MemberEvent>();
    const candidates = new Map<string, { roomId: string; room: string; user: UserRef }>();
    for (const d of drafts) {
      if (d.joinIfNeeded) candidates.set(`${rooms.get(d.room)!.id} ${d.sender.id}`, { roomId: rooms.get(d.room)!.id, room: d.room, user: d.sender });
    }
    if (candidates.size === 0) return joined;
    const members = await tx.query<{ roomId: string; userId: string }>(Prisma.sql`
      SELECT "roomId", "userId" FROM "Membership"
      WHERE "userId" IN (${Prisma.join([...new Set([...candidates.values()].map((c) => c.user.id))])})
        AND "roomId" IN (${Prisma.join([...new Set([...candidates.values()].map((c) => c.roomId))])})`);
    for (const m of members) candidates.delete(`${m.roomId} ${m.userId}`);
    if (candidates.size === 0) return joined;

    const joins = new Map<string, number>();
    for (const c of candidates.values()) joins.set(c.roomId, (joins.get(c.roomId) ?? 0) + 1);
    const bump = Prisma.join([...joins].map(([id, n]) => Prisma.sql`WHEN ${id} THEN CAST(${n} AS INTEGER)`), ' ');
    const bumped = await tx.query<{ id: string; version: number }>(Prisma.sql`
      UPDATE "Room" SET "version" = "version" + CASE "id" ${bump} END
      WHERE "id" IN (${Prisma.join([...joins.keys()])}) RETURNING "id", "version"`);
    const byId = new Map([...rooms].map(([name, room]) => [room.id, { room, messages: counts.get(name)! }]));
    // The range this batch took in a room is newest − joins − messages + 1 … newest:
    // joins first, then messages (which keep `rooms`' version as their newest).
    const next = new Map<string, number>();
    for (const r of bumped) {
      const version = Number(r.version);
      const { room, messages } = byId.get(r.id)!;
      next.set(r.id, version - joins.get(r.id)! - messages + 1);
      room.version = version;
    }
    const rows = [...candidates.values()].map((c) => {
      const version = next.get(c.roomId)!;
      next.set(c.roomId, version + 1);
      joined.set(`${c.room} ${c.user.id}`, { kind: 'joined', room: c.room, version, user: c.user, visibility: 'public' });
      return { ...c, version };
    });
    await tx.execute(Prisma.sql`INSERT INTO "Membership" ("roomId", "userId", "joinedAt", "lastReadSeq")
      VALUES ${Prisma.join(rows.map((r) => Prisma.sql`(${r.roomId}, ${r.user.id}, ${at}, 0)`))}`);
    await tx.execute(Prisma.sql`INSERT INTO "MemberEvent" ("id", "roomId", "version", "kind", "userId", "createdAt")
      VALUES ${Prisma.join(rows.map((r) => Prisma.sql`(${randomUUID()}, ${r.roomId}, ${r.version}, 'joined', ${r.user.id}, ${at})`))}`);
    return joined;
  }
}
