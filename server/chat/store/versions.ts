// Taking a room's next version inside a transaction: the one statement every change to a
// room (besides sends, which bump versions set-based in store/writes.ts) starts with. The
// UPDATE locks the room row, so a room's changes are applied one at a time, in version order.
import type { Prisma } from '../../db/generated/sqlite/client.js';

export async function nextVersions(tx: Prisma.TransactionClient, roomId: string, count = 1): Promise<number> {
  const [room] = await tx.$queryRaw<Array<{ version: number }>>`
    UPDATE "Room" SET "version" = "version" + CAST(${count} AS INTEGER) WHERE "id" = ${roomId} RETURNING "version"`;
  if (!room) throw new Error(`room ${roomId} vanished`);
  return Number(room.version);
}

/**
 * Starts a transaction that reads before it writes with a write (that changes nothing): on
 * SQLite a transaction that has read cannot begin writing once another process has
 * committed meanwhile (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out), so it
 * takes the write lock first. On PostgreSQL it locks the room row, like nextVersions.
 */
export async function lockRoom(tx: Prisma.TransactionClient, where: { name: string } | { directKey: string }): Promise<void> {
  if ('name' in where) await tx.$executeRaw`UPDATE "Room" SET "version" = "version" WHERE "name" = ${where.name}`;
  else await tx.$executeRaw`UPDATE "Room" SET "version" = "version" WHERE "directKey" = ${where.directKey}`;
}
