// Memberships and read positions: every read and write of who belongs to which room.
// Joining and leaving are room events: each takes the room's next version in the
// transaction that makes it (store/versions.ts) and is kept in MemberEvent, so
// roomEvents(after) replays it like a message. Read positions only move forward.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { Prisma } from '../../db/generated/sqlite/client.js';
import type { Provider } from '../../db/url.js';
import { AppError } from '../../errors.js';
import type { MemberEvent } from '../events.js';
import type { UserRef } from '../message.js';
import { type RoomInfo, type Visibility, roomSelect, toRoomInfo } from './reads.js';
import { lockRoom, nextVersions } from './versions.js';
import type { RoomPosition } from './paging.js';
import { positionWhere } from './reads.js';

export interface MembershipInfo {
  room: RoomInfo;
  user: UserRef;
  joinedAt: Date;
  lastReadSeq: number;
}

/** A membership change and the room event it made (none when nothing changed). */
export interface MemberChange {
  membership: MembershipInfo | null;
  event: MemberEvent | null;
}

type Tx = Prisma.TransactionClient;
const userSelect = { id: true, username: true, role: true } as const;
const membershipInclude = { room: { select: roomSelect }, user: { select: userSelect } } as const;
type MembershipRow = { joinedAt: Date; lastReadSeq: number; room: Parameters<typeof toRoomInfo>[0]; user: UserRef };
const toMembership = (row: MembershipRow): MembershipInfo => ({
  room: toRoomInfo(row.room),
  user: row.user,
  joinedAt: row.joinedAt,
  lastReadSeq: row.lastReadSeq,
});

/** Whether an error is a unique-constraint violation (a room name taken, a pair's room made meanwhile). */
const isTaken = (err: unknown) => {
  const e = err as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return e?.code === 'P2002' || e?.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation';
};

export class Members {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
  ) {}

  async membership(roomName: string, userId: string): Promise<MembershipInfo | null> {
    const row = await this.db.membership.findFirst({ where: { room: { name: roomName }, userId }, include: membershipInclude });
    return row && toMembership(row);
  }

  /** Names of the non-public rooms a user belongs to (what roomActivity may show them besides public rooms). */
  async privateRoomsOf(userId: string): Promise<string[]> {
    const rows = await this.db.membership.findMany({
      where: { userId, room: { visibility: { not: 'public' } } },
      select: { room: { select: { name: true } } },
    });
    return rows.map((r) => r.room.name);
  }

  /** A user's memberships, most recently active room first. */
  async ofUser(userId: string, take: number, after?: RoomPosition): Promise<MembershipInfo[]> {
    const rows = await this.db.membership.findMany({
      where: { userId, room: positionWhere(after) },
      orderBy: [{ room: { lastMessageAt: 'desc' } }, { room: { name: 'asc' } }],
      take,
      include: membershipInclude,
    });
    return rows.map(toMembership);
  }

  /** A room's members in the order they joined, after the member `afterUserId` (a cursor). */
  async ofRoom(roomId: string, take: number, after?: { joinedAt: Date; userId: string }): Promise<MembershipInfo[]> {
    const rows = await this.db.membership.findMany({
      where: {
        roomId,
        ...(after && { OR: [{ joinedAt: { gt: after.joinedAt } }, { joinedAt: after.joinedAt, userId: { gt: after.userId } }] }),
      },
      orderBy: [{ joinedAt: 'asc' }, { userId: 'asc' }],
      take,
      include: membershipInclude,
    });
    return rows.map(toMembership);
  }

  /** Unread mentions of a user per room (room id → count), for the given memberships. */
  async mentionCounts(userId: string, memberships: MembershipInfo[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const rooms = memberships.filter((m) => m.room.id && m.room.lastSeq > m.lastReadSeq);
    if (rooms.length === 0) return counts;
    const rows = await this.db.mention.findMany({
      where: { userId, OR: rooms.map((m) => ({ roomId: m.room.id!, seq: { gt: m.lastReadSeq } })) },
      select: { roomId: true },
    });
    for (const r of rows) counts.set(r.roomId, (counts.get(r.roomId) ?? 0) + 1);
    return counts;
  }

  /** Creates a room with its creator as first member (CONFLICT when the name is taken). */
  async create(name: string, visibility: Visibility, topic: string | null, creator: UserRef): Promise<MemberChange> {
    try {
      return await this.db.$transaction(async (tx) => {
        const now = new Date();
        const room = await tx.room.create({
          data: { name, visibility, topic, creatorId: creator.id, lastMessageAt: now },
          select: { id: true },
        });
        return this.addIn(tx, room.id, creator);
      });
    } catch (err) {
      if (isTaken(err)) throw new AppError('CONFLICT', `A room named "${name}" already exists. Choose another name.`, { field: 'name' });
      throw err;
    }
  }

  async directRoomExists(a: string, b: string): Promise<boolean> {
    return !!(await this.db.room.findUnique({ where: { directKey: [a, b].sort().join(' ') }, select: { id: true } }));
  }

  /** The direct room of two users (created on first use), with both as members. */
  async direct(a: UserRef, b: UserRef): Promise<{ room: RoomInfo; changes: MemberChange[] }> {
    const directKey = [a.id, b.id].sort().join(' ');
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.$transaction(async (tx) => {
          await lockRoom(tx, { directKey });
          let room = await tx.room.findUnique({ where: { directKey }, select: { id: true } });
          room ??= await tx.room.create({
            data: { name: `dm-${randomUUID()}`, visibility: 'direct', directKey, creatorId: a.id, lastMessageAt: new Date() },
            select: { id: true },
          });
          const changes = [await this.addIn(tx, room.id, a)];
          if (b.id !== a.id) changes.push(await this.addIn(tx, room.id, b));
          const info = await tx.room.findUniqueOrThrow({ where: { id: room.id }, select: roomSelect });
          return { room: toRoomInfo(info), changes };
        });
      } catch (err) {
        if (isTaken(err) && attempt < 2) continue; // both sides opened it at once: it exists now
        throw err;
      }
    }
  }

  /** Adds a user to a room (the room row is created for a public room nobody used yet). */
  async join(roomName: string, user: UserRef): Promise<MemberChange> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.$transaction(async (tx) => {
          await lockRoom(tx, { name: roomName });
          const room =
            (await tx.room.findUnique({ where: { name: roomName }, select: { id: true } })) ??
            (await tx.room.create({ data: { name: roomName, lastMessageAt: new Date() }, select: { id: true } }));
          return this.addIn(tx, room.id, user);
        });
      } catch (err) {
        if (isTaken(err) && attempt < 2) continue; // the room was created meanwhile
        throw err;
      }
    }
  }

  /** Removes a user from a room; no change when they were not a member. */
  async leave(roomId: string, user: UserRef): Promise<MemberChange> {
    return this.db.$transaction(async (tx) => {
      const version = await nextVersions(tx, roomId);
      const { count } = await tx.membership.deleteMany({ where: { roomId, userId: user.id } });
      if (count === 0) throw new NothingChanged();
      const name = (await tx.room.findUniqueOrThrow({ where: { id: roomId }, select: { name: true } })).name;
      await tx.memberEvent.create({ data: { roomId, version, kind: 'left', userId: user.id } });
      return { membership: null, event: { kind: 'left' as const, room: name, version, user } };
    }).catch((err) => {
      if (err instanceof NothingChanged) return { membership: null, event: null };
      throw err;
    });
  }

  /** Moves a read position forward (never back, never past the room's newest message). */
  async markRead(roomId: string, userId: string, seq: number): Promise<MembershipInfo | null> {
    const pg = this.provider === 'postgresql';
    const greatest = Prisma.raw(pg ? 'GREATEST' : 'MAX');
    const least = Prisma.raw(pg ? 'LEAST' : 'MIN');
    await this.db.$executeRaw`UPDATE "Membership"
      SET "lastReadSeq" = ${greatest}("lastReadSeq", ${least}(CAST(${seq} AS INTEGER), (SELECT "lastSeq" FROM "Room" WHERE "id" = ${roomId})))
      WHERE "roomId" = ${roomId} AND "userId" = ${userId}`;
    const row = await this.db.membership.findUnique({ where: { roomId_userId: { roomId, userId } }, include: membershipInclude });
    return row && toMembership(row);
  }

  async setTopic(roomId: string, topic: string | null): Promise<RoomInfo> {
    return toRoomInfo(await this.db.room.update({ where: { id: roomId }, data: { topic }, select: roomSelect }));
  }

  /** In a transaction: adds the member (taking a version for MemberJoined) unless they are one. */
  private async addIn(tx: Tx, roomId: string, user: UserRef): Promise<MemberChange> {
    const existing = await tx.membership.findUnique({ where: { roomId_userId: { roomId, userId: user.id } }, include: membershipInclude });
    if (existing) return { membership: toMembership(existing), event: null };
    const version = await nextVersions(tx, roomId);
    // A new member has read what was there before they came.
    const room = await tx.room.findUniqueOrThrow({ where: { id: roomId }, select: { lastSeq: true, name: true } });
    const row = await tx.membership.create({
      data: { roomId, userId: user.id, lastReadSeq: room.lastSeq },
      include: membershipInclude,
    });
    await tx.memberEvent.create({ data: { roomId, version, kind: 'joined', userId: user.id } });
    return { membership: toMembership(row), event: { kind: 'joined', room: room.name, version, user } };
  }
}

class NothingChanged extends Error {}
