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
