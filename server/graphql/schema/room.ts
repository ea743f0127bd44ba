// Rooms in the schema: a room by name, the rooms a viewer may see (newest activity first),
// and a room's history. What a viewer may see is decided by chat/membership.ts; the data
// comes from the store; paging rules from store/paging.ts.
import { builder } from '../builder.js';
import type { RoomInfo } from '../../chat/store.js';
import { roomCursor, seqCursor, toConnection } from '../../chat/store/paging.js';
import { MessageRef } from './message.js';

export const RoomVisibilityEnum = builder.enumType('RoomVisibility', {
  values: {
    PUBLIC: { value: 'public', description: 'Anyone may read it; sending to it joins the sender.' },
    PRIVATE: { value: 'private', description: 'Only its members see it; a member adds others.' },
    DIRECT: { value: 'direct', description: 'A conversation of two people (openDirectRoom).' },
  } as const,
});

export const RoomRef = builder.objectRef<RoomInfo>('Room');

builder.queryFields((t) => ({
  room: t.field({
    type: RoomRef,
    nullable: true,
    description:
      'A room by name. Every valid name is a room; one nobody used yet has no messages. A private room is shown to its members only (to anyone else it looks unused).',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, { name }, ctx) => (await ctx.membership.visibleRoom(name, ctx.auth?.viewer)).room,
  }),
  rooms: t.connection(
    {
      type: RoomRef,
      description: "Rooms the viewer may see (public ones, and their own private and direct ones), most recently active first; `visibility` narrows it (PUBLIC: browse public rooms).",
      args: { visibility: t.arg({ type: RoomVisibilityEnum, required: false }) },
      resolve: async (_root, args, ctx) =>
        toConnection(await ctx.store.rooms(args, ctx.auth?.viewer.id ?? null, args.visibility ?? undefined), roomCursor),
    },
    { name: 'RoomConnection' },
    { name: 'RoomEdge' },
  ),
}));
