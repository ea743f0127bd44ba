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
//      INSERT each for the memberships and the MemberJoined events);
//   4. one multi-row INSERT stores the messages, which take their room's seqs in arrival
//      order; versions are taken in arrival order too, a sender's MemberJoined just
//      before their first message (so a batch published in arrival order is published in
//      version order, and no subscriber holds an event back for an earlier one); the
//      mentions they resolved go in with one more INSERT, and one UPDATE moves each
//      sender's read position in the room to their message. Ids are UUIDv7s made here
//      (raw SQL has no @default(cuid())).
// Every step is raw SQL (Prisma.sql) sent to Prisma's driver adapter directly (db/raw.ts):
// the ORM's per-query planning cost more CPU than SQLite itself (profiled: ~60% of a
// batch), and so did the client's raw-query path (21% of the main thread at 200 msg/s
// over 200 rooms, against 13% for SQLite).
// So the rules hold (seq and version strictly increasing per room, no holes, committed
// before they are published) while a busy server pays for one transaction per batch instead of one per
// message, and not one statement per room. If a batch fails (one message breaks a
// constraint, say), its messages are stored one by one so only the culprit fails.
// Ids of the rows written here are UUIDv7: time first, so a batch's rows land at the end
// of each table's id index instead of on a random page each (random UUIDv4s dirtied one
// index page per message, which every commit then wrote to the WAL).
import { v7 as newId } from 'uuid';
import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import { rawSql, type Db } from '../../db/client.js';
import type { RawSql, RawTx } from '../../db/raw.js';
import type { Provider } from '../../db/url.js';
import { Prisma } from '../../db/generated/sqlite/client.js';
import type { ChatMessage, UserRef } from '../message.js';
import type { MemberEvent } from '../events.js';
import { insertMentions } from './mentions.js';

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
 * already, or a room created meanwhile by another process): every statement here goes to
 * the driver adapter (db/raw.ts), which reports it as its UniqueConstraintViolation.
 */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && isDriverAdapterError(err) && err.cause.kind === 'UniqueConstraintViolation';
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
            VALUES ${Prisma.join(missing.map((name) => Prisma.sql`(${newId()}, ${name}, ${counts.get(name)!}, ${counts.get(name)!}, ${createdAt}, ${createdAt}, 'public')`))}
            RETURNING "id", "name", "lastSeq", "version"`,
        );
        for (const r of created) rooms.set(r.name, { id: r.id, lastSeq: Number(r.lastSeq), version: Number(r.version) });
      }

      // Senders of public rooms who are not members yet join with this batch.
      const joining = await this.newMembers(tx, drafts, rooms);

      // A room's n messages take lastSeq − n + 1 … lastSeq in arrival order; its versions
      // (n, plus one per sender joining) are taken in arrival order too, a sender's
      // MemberJoined just before their first message: version − n − joins + 1 … version.
      const taken = new Map(names.map((name) => [name, counts.get(name)!]));
      const nextVersion = new Map(names.map((name) => [name, rooms.get(name)!.version - counts.get(name)! - (joining.perRoom.get(name) ?? 0) + 1]));
      const version = (room: string) => {
        const v = nextVersion.get(room)!;
        nextVersion.set(room, v + 1);
        return v;
      };
      const joins: MemberEvent[] = [];
      const stored: Stored[] = drafts.map((d) => {
        const left = taken.get(d.room)!;
        taken.set(d.room, left - 1);
        let joined: MemberEvent | null = null;
        // The sender's first message of the batch in a room they are not a member of.
        if (joining.keys.delete(`${d.room} ${d.sender.id}`)) {
          joined = { kind: 'joined', room: d.room, version: version(d.room), user: d.sender, visibility: 'public' };
          joins.push(joined);
        }
        const message: ChatMessage = {
          id: newId(),
          room: d.room,
          seq: rooms.get(d.room)!.lastSeq - left + 1,
          version: version(d.room),
          content: d.content,
          clientId: d.clientId,
          createdAt,
          editedAt: null,
          deletedAt: null,
          sender: d.sender,
          mentions: d.mentions ?? [],
        };
        return { message, joined };
      });
      const messages = stored.map((s) => s.message);
      if (joins.length > 0) {
        const roomId = (e: MemberEvent) => rooms.get(e.room)!.id;
        await tx.execute(Prisma.sql`INSERT INTO "Membership" ("roomId", "userId", "joinedAt", "lastReadSeq")
          VALUES ${Prisma.join(joins.map((e) => Prisma.sql`(${roomId(e)}, ${e.user!.id}, ${createdAt}, 0)`))}`);
        await tx.execute(Prisma.sql`INSERT INTO "MemberEvent" ("id", "roomId", "version", "kind", "userId", "createdAt")
          VALUES ${Prisma.join(joins.map((e) => Prisma.sql`(${newId()}, ${roomId(e)}, ${e.version}, 'joined', ${e.user!.id}, ${createdAt})`))}`);
      }
      const values = messages.map(
        (m, i) =>
          Prisma.sql`(${m.id}, ${rooms.get(m.room)!.id}, ${m.seq}, ${m.version}, ${drafts[i].sender.id}, ${m.content}, ${m.clientId}, ${createdAt})`,
      );
      await tx.execute(Prisma.sql`INSERT INTO "Message" ("id", "roomId", "seq", "version", "senderId", "content", "clientId", "createdAt")
        VALUES ${Prisma.join(values)}`);

      const mentions = insertMentions(messages, (m) => rooms.get(m.room)!.id);
      if (mentions) await tx.execute(mentions);

      // Sending moves the sender's read position to their message (never backwards);
      // senders who joined above are members by now. Non-members (no row: a private
      // room's are refused before they send) are untouched.
      // Only the (room, sender) rows of the batch are written: matching users and rooms
      // separately would rewrite every membership of the batch's senders in its rooms.
      const readTo = new Map<string, { roomId: string; userId: string; seq: number }>();
      for (const m of messages) {
        const roomId = rooms.get(m.room)!.id;
        readTo.set(`${roomId} ${m.sender!.id}`, { roomId, userId: m.sender!.id, seq: m.seq });
      }
      const reads = [...readTo.values()];
      const readCase = Prisma.join(
        reads.map((r) => Prisma.sql`WHEN ${`${r.roomId} ${r.userId}`} THEN CAST(${r.seq} AS INTEGER)`),
        ' ',
      );
      const greatest = this.provider === 'postgresql' ? Prisma.raw('GREATEST') : Prisma.raw('MAX');
      await tx.execute(Prisma.sql`UPDATE "Membership" SET "lastReadSeq" = ${greatest}("lastReadSeq", CASE "roomId" || ' ' || "userId" ${readCase} ELSE 0 END)
        WHERE ("roomId", "userId") IN (VALUES ${Prisma.join(reads.map((r) => Prisma.sql`(${r.roomId}, ${r.userId})`))})`);
      return stored;
    });
  }

  /**
   * The senders of `joinIfNeeded` drafts who are not members of the room yet (keys
   * "room userId", and how many per room name). Bumps those rooms' versions by that many,
   * so that `rooms` keeps each room's newest version; the caller numbers and stores the joins.
   */
  private async newMembers(
    tx: RawTx,
    drafts: Draft[],
    rooms: Map<string, { id: string; lastSeq: number; version: number }>,
  ): Promise<{ keys: Set<string>; perRoom: Map<string, number> }> {
    // Keyed "room userId", as the caller looks them up.
    const candidates = new Map<string, { roomId: string; room: string; userId: string }>();
    for (const d of drafts) {
      if (d.joinIfNeeded) candidates.set(`${d.room} ${d.sender.id}`, { roomId: rooms.get(d.room)!.id, room: d.room, userId: d.sender.id });
    }
    const none = { keys: new Set<string>(), perRoom: new Map<string, number>() };
    if (candidates.size === 0) return none;
    const nameOf = new Map([...rooms].map(([name, room]) => [room.id, name]));
    const members = await tx.query<{ roomId: string; userId: string }>(Prisma.sql`
      SELECT "roomId", "userId" FROM "Membership"
      WHERE ("roomId", "userId") IN (VALUES ${Prisma.join([...candidates.values()].map((c) => Prisma.sql`(${c.roomId}, ${c.userId})`))})`);
    for (const m of members) candidates.delete(`${nameOf.get(m.roomId)} ${m.userId}`);
    if (candidates.size === 0) return none;

    const perRoom = new Map<string, number>();
    for (const c of candidates.values()) perRoom.set(c.room, (perRoom.get(c.room) ?? 0) + 1);
    const bump = Prisma.join([...perRoom].map(([name, n]) => Prisma.sql`WHEN ${rooms.get(name)!.id} THEN CAST(${n} AS INTEGER)`), ' ');
    const bumped = await tx.query<{ id: string; version: number }>(Prisma.sql`
      UPDATE "Room" SET "version" = "version" + CASE "id" ${bump} END
      WHERE "id" IN (${Prisma.join([...perRoom.keys()].map((name) => rooms.get(name)!.id))}) RETURNING "id", "version"`);
    for (const r of bumped) rooms.get(nameOf.get(r.id)!)!.version = Number(r.version);
    return { keys: new Set(candidates.keys()), perRoom };
  }
}
