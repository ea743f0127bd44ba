import { builder } from '../builder.js';
import { badInput } from '../../errors.js';
import type { RoomInfo } from '../../chat/service.js';
import { MessageRef } from './message.js';

export const RoomRef = builder.objectRef<RoomInfo>('Room').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    lastSeq: t.exposeInt('lastSeq', { description: 'seq of the newest message (0: no messages yet).' }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime', nullable: true }),
    lastMessage: t.field({
      type: MessageRef,
      nullable: true,
      resolve: (room, _args, ctx) => (room.lastSeq > 0 ? ctx.chat.message(room.name, room.lastSeq) : null),
    }),
    messages: t.connection({
      type: MessageRef,
      description: 'The room history. Without arguments: the newest 50 messages, oldest first. Cursors are seqs.',
      resolve: async (room, args, ctx) => {
        const page = await ctx.chat.history(room, args);
        const edges = page.messages.map((node) => ({ cursor: String(node.seq), node }));
        return {
          edges,
          pageInfo: {
            hasPreviousPage: page.hasPreviousPage,
            hasNextPage: page.hasNextPage,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    }, { name: 'MessageConnection' }, { name: 'MessageEdge' }),
  }),
});

const roomCursor = (room: RoomInfo) =>
  Buffer.from(JSON.stringify([room.lastMessageAt?.toISOString(), room.name])).toString('base64url');

function parseRoomCursor(cursor: string): { lastMessageAt: Date; name: string } {
  try {
    const [at, name] = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const lastMessageAt = new Date(at);
    if (typeof name === 'string' && !Number.isNaN(lastMessageAt.getTime())) return { lastMessageAt, name };
  } catch {}
  throw badInput('`after` is not a cursor of this connection.', { field: 'after' });
}

builder.queryFields((t) => ({
  room: t.field({
    type: RoomRef,
    nullable: true,
    description: 'A room by name. Every valid name is a room; one nobody wrote to yet has no messages.',
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => ctx.chat.room(name),
  }),
  rooms: t.connection({
    type: RoomRef,
    description: 'Rooms with messages, most recently active first.',
    args: {},
    resolve: async (_root, args, ctx) => {
      if (args.last != null || args.before != null) throw badInput('rooms pages forward only: use first/after.');
      const first = args.first ?? 20;
      if (first < 0 || first > 100) throw badInput('`first` must be between 0 and 100.', { field: 'first' });
      const rooms = await ctx.chat.activeRooms(first + 1, args.after ? parseRoomCursor(args.after) : undefined);
      const edges = rooms.slice(0, first).map((node) => ({ cursor: roomCursor(node), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: rooms.length > first,
          hasPreviousPage: args.after != null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }, { name: 'RoomConnection' }, { name: 'RoomEdge' }),
}));
