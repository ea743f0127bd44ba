// Rooms in the schema: a room by name, the rooms with messages (newest activity first),
// and a room's history. The data comes from the store; paging rules from store/paging.ts.
import { builder } from '../builder.js';
import type { RoomInfo } from '../../chat/store.js';
import { roomCursor, seqCursor, toConnection } from '../../chat/store/paging.js';
import { MessageRef } from './message.js';

export const RoomRef = builder.objectRef<RoomInfo>('Room').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    lastSeq: t.exposeInt('lastSeq', { description: 'seq of the newest message (0: no messages yet).' }),
    version: t.exposeInt('version', {
      description: 'Version of the newest change (a message posted, edited or deleted): resume roomEvents with `after: version`.',
    }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime', nullable: true }),
    lastMessage: t.field({
      type: MessageRef,
      nullable: true,
      resolve: (room, _args, ctx) => (room.lastSeq > 0 ? ctx.store.message(room.name, room.lastSeq) : null),
    }),
    messages: t.connection({
      type: MessageRef,
      description: 'The room history. Without arguments: the newest 50 messages, oldest first. Cursors are seqs.',
      resolve: async (room, args, ctx) => toConnection(await ctx.store.messages(room, args), seqCursor),
    }, { name: 'MessageConnection' }, { name: 'MessageEdge' }),
  }),
});

builder.queryFields((t) => ({
  room: t.field({
    type: RoomRef,
    nullable: true,
    description: 'A room by name. Every valid name is a room; one nobody wrote to yet has no messages.',
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => ctx.store.room(name),
  }),
  rooms: t.connection({
    type: RoomRef,
    description: 'Rooms with messages, most recently active first.',
    args: {},
    resolve: async (_root, args, ctx) => toConnection(await ctx.store.rooms(args), roomCursor),
  }, { name: 'RoomConnection' }, { name: 'RoomEdge' }),
}));
