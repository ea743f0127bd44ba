// Membership in the schema: the Room type's membership fields, Membership with read
// position and counts, myRooms, the membership mutations and viewerEvents. The rules are
// in chat/membership.ts; counts: unread = the room's lastSeq − lastReadSeq (sending moves
// your own read position, so every message after it is someone else's), mentions =
// unread messages mentioning you.
import { Repeater } from '@repeaterjs/repeater';
import { builder } from '../builder.js';
import { requireViewer, type Context } from '../context.js';
import type { MembershipInfo, RoomInfo } from '../../chat/store.js';
import type { ViewerChange } from '../../chat/membership.js';
import { roomCursor, seqCursor, toConnection } from '../../chat/store/paging.js';
import { badInput } from '../../errors.js';
import { MessageRef } from './message.js';
import { RoomRef, RoomVisibilityEnum } from './room.js';
import { UserRef } from './user.js';

export const MembershipRef = builder.objectRef<MembershipInfo>('Membership');

/** Unread mentions of the viewer in a membership's room (one query per request for all of them). */
async function mentionCount(m: MembershipInfo, ctx: Context, operation: string): Promise<number> {
  if (!m.room.id || m.room.lastSeq <= m.lastReadSeq) return 0;
  // A subscription's context lives as long as it does: counts cached there would be stale
  // at its next event.
  if (operation === 'subscription') return (await ctx.store.members.mentionCounts(m.user.id, [m])).get(m.room.id) ?? 0;
  const cache = ((ctx as { mentionCounts?: Map<string, Promise<Map<string, number>>> }).mentionCounts ??= new Map());
  let counts = cache.get(m.user.id);
  if (!counts) {
    // Everything of this user's the request shows: their memberships (myRooms) or this one.
    counts = ctx.store.members.mentionCounts(m.user.id, (ctx as { membershipsShown?: MembershipInfo[] }).membershipsShown ?? [m]);
    cache.set(m.user.id, counts);
  }
  const found = (await counts).get(m.room.id);
  if (found !== undefined) return found;
  return (await ctx.store.members.mentionCounts(m.user.id, [m])).get(m.room.id) ?? 0;
}

MembershipRef.implement({
  description: "A user's membership of a room, with their read position.",
  fields: (t) => ({
    room: t.field({ type: RoomRef, resolve: (m) => m.room }),
    user: t.field({ type: UserRef, resolve: (m) => m.user }),
    joinedAt: t.expose('joinedAt', { type: 'DateTime' }),
    lastReadSeq: t.exposeInt('lastReadSeq', { description: 'seq of the newest message read; only moves forward.' }),
    unreadCount: t.int({
      description: "Messages after lastReadSeq (they are others': sending moves your own read position).",
      resolve: (m) => Math.max(0, m.room.lastSeq - m.lastReadSeq),
    }),
    mentionCount: t.int({ description: 'Unread messages that mention the user.', resolve: (m, _args, ctx, info) => mentionCount(m, ctx, info.operation.operation) }),
  }),
});

RoomRef.implement({
  fields: (t) => ({
    id: t.field({
      type: 'ID',
      description: 'Stable id ("" for a room nobody used yet).',
      resolve: (room) => room.id ?? '',
    }),
    name: t.exposeString('name'),
    topic: t.exposeString('topic', { nullable: true }),
    viewerCanSetTopic: t.boolean({
      description: "Whether the signed-in viewer may set the topic (setRoomTopic): a member of a private or direct room, a public room's creator while a member, an admin.",
      resolve: (room, _args, ctx) => ctx.membership.canSetTopic(room, ctx.auth?.viewer),
    }),
    visibility: t.field({ type: RoomVisibilityEnum, resolve: (room) => room.visibility }),
    lastSeq: t.exposeInt('lastSeq', { description: 'seq of the newest message (0: no messages yet).' }),
    version: t.exposeInt('version', {
      description: 'Version of the newest change (a message posted, edited or deleted, a member joined or left): resume roomEvents with `after: version`.',
    }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime', nullable: true, description: 'Time of the newest message (or of its creation).' }),
    lastMessage: t.field({
      type: MessageRef,
      nullable: true,
      resolve: (room, _args, ctx) => (room.lastSeq > 0 ? ctx.store.message(room.name, room.lastSeq) : null),
    }),
    messages: t.connection(
      {
        type: MessageRef,
        description: 'The room history. Without arguments: the newest 50 messages, oldest first. Cursors are seqs.',
        resolve: async (room, args, ctx) => toConnection(await ctx.store.messages(room, args), seqCursor),
      },
      { name: 'MessageConnection' },
      { name: 'MessageEdge' },
    ),
    viewerMembership: t.field({
      type: MembershipRef,
      nullable: true,
      description: "The signed-in viewer's membership (null: not a member, or anonymous).",
      resolve: async (room, _args, ctx) => (ctx.auth && room.id ? ctx.store.members.membership(room.name, ctx.auth.viewer.id) : null),
    }),
    members: t.connection(
      {
        type: MembershipRef,
        description: 'Members in the order they joined.',
        resolve: async (room, args, ctx) => {
          if (args.last != null || args.before != null) throw badInput('members pages forward only: use first/after.');
          const take = Math.min(args.first ?? 50, 100);
          const after = args.after ? decodeMember(args.after) : undefined;
          const rows = room.id ? await ctx.store.members.ofRoom(room.id, take + 1, after) : [];
          const page = { nodes: rows.slice(0, take), hasNextPage: rows.length > take, hasPreviousPage: !!after };
          return toConnection(page, memberCursor);
        },
      },
      { name: 'MembershipConnection' },
      { name: 'MembershipEdge' },
    ),
  }),
});

const memberCursor = (m: MembershipInfo) => Buffer.from(JSON.stringify([m.joinedAt.toISOString(), m.user.id])).toString('base64url');
function decodeMember(cursor: string): { joinedAt: Date; userId: string } {
  try {
    const [at, userId] = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const joinedAt = new Date(at);
    if (typeof userId === 'string' && !Number.isNaN(joinedAt.getTime())) return { joinedAt, userId };
  } catch {}
  throw badInput('`after` is not a cursor of this connection.', { field: 'after' });
}

builder.queryField('myRooms', (t) =>
  t.connection(
    {
      type: MembershipRef,
      description: "The signed-in viewer's rooms (public, private and direct), most recently active first, with unread and mention counts.",
      resolve: async (_root, args, ctx) => {
        const viewer = requireViewer(ctx);
        const page = await ctx.store.memberships(viewer.id, args);
        (ctx as { membershipsShown?: MembershipInfo[] }).membershipsShown = page.nodes;
        return toConnection(page, (m) => roomCursor(m.room));
      },
    },
    { name: 'MyRoomsConnection' },
    { name: 'MyRoomsEdge' },
  ),
);

builder.mutationFields((t) => ({
  createRoom: t.field({
    type: RoomRef,
    description: 'Creates a PUBLIC or PRIVATE room with you as its first member (CONFLICT when the name is taken).',
    args: {
      name: t.arg.string({ required: true }),
      visibility: t.arg({ type: RoomVisibilityEnum, required: true }),
      topic: t.arg.string({ required: false }),
    },
    resolve: (_root, { name, visibility, topic }, ctx) => ctx.membership.createRoom(name, visibility, topic, requireViewer(ctx)),
  }),
  joinRoom: t.field({
    type: MembershipRef,
    description: 'Joins a public room (joining again changes nothing).',
    args: { room: t.arg.string({ required: true }) },
    resolve: (_root, { room }, ctx) => ctx.membership.joinRoom(room, requireViewer(ctx)),
  }),
  leaveRoom: t.boolean({
    description: 'Leaves a room; your open subscriptions of it end. False: you were not a member.',
    args: { room: t.arg.string({ required: true }) },
    resolve: (_root, { room }, ctx) => ctx.membership.leaveRoom(room, requireViewer(ctx)),
  }),
  addMember: t.field({
    type: MembershipRef,
    description: 'A member of a private room adds someone to it.',
    args: { room: t.arg.string({ required: true }), username: t.arg.string({ required: true }) },
    resolve: (_root, { room, username }, ctx) => ctx.membership.addMember(room, username, requireViewer(ctx)),
  }),
  removeMember: t.boolean({
    description: "The room's creator or an admin removes a member; their open subscriptions of it end. False: they were not a member.",
    args: { room: t.arg.string({ required: true }), username: t.arg.string({ required: true }) },
    resolve: (_root, { room, username }, ctx) => ctx.membership.removeMember(room, username, requireViewer(ctx)),
  }),
  openDirectRoom: t.field({
    type: RoomRef,
    description: 'Your direct room with someone: the same room every time, from either side.',
    args: { username: t.arg.string({ required: true }) },
    resolve: (_root, { username }, ctx) => ctx.membership.openDirect(username, requireViewer(ctx)),
  }),
  markRead: t.field({
    type: MembershipRef,
    description: 'Moves your read position to `seq` (never backwards, never past the newest message).',
    args: { room: t.arg.string({ required: true }), seq: t.arg.int({ required: true }) },
    resolve: (_root, { room, seq }, ctx) => ctx.membership.markRead(room, seq, requireViewer(ctx)),
  }),
  setRoomTopic: t.field({
    type: RoomRef,
    description: "Sets the topic (null or empty: none): any member of a private or direct room; a public room's creator (while a member) or an admin.",
    args: { room: t.arg.string({ required: true }), topic: t.arg.string({ required: false }) },
    resolve: (_root, { room, topic }, ctx) => ctx.membership.setTopic(room, topic, requireViewer(ctx)),
  }),
}));

// --- viewerEvents: the signed-in user's own changes, on every device ----------------------

interface ViewerEventShape {
  kind: ViewerChange['kind'];
  room: string;
  membership: MembershipInfo | null;
}

const viewerTypeName = { added: 'MembershipAdded', removed: 'MembershipRemoved', read: 'ReadPositionChanged' } as const;

const ViewerEventRef = builder.interfaceRef<ViewerEventShape>('ViewerEvent').implement({
  description: "A change of the signed-in user's own: a membership added or removed, a read position moved (on any device).",
  fields: (t) => ({ room: t.exposeString('room') }),
  resolveType: (e) => viewerTypeName[e.kind],
});

const withMembership = (name: string, description: string) =>
  builder.objectRef<ViewerEventShape>(name).implement({
    description,
    interfaces: [ViewerEventRef],
    fields: (t) => ({ membership: t.field({ type: MembershipRef, resolve: (e) => e.membership! }) }),
  });
withMembership('MembershipAdded', 'You joined a room or were added to one (a direct room opened with you, too).');
withMembership('ReadPositionChanged', 'Your read position in a room moved (unreadCount and mentionCount are current).');
builder.objectRef<ViewerEventShape>('MembershipRemoved').implement({
  description: 'You left a room or were removed from it.',
  interfaces: [ViewerEventRef],
  fields: () => ({}),
});

builder.subscriptionField('viewerEvents', (t) =>
  t.field({
    type: ViewerEventRef,
    description:
      "The signed-in user's own changes, from every device and server process: memberships added and removed, read positions moved. New messages move unread counts too: follow them with roomActivity (your own messages move your read position).",
    subscribe: (_root, _args, ctx) => {
      const viewer = requireViewer(ctx);
      return new Repeater<ViewerEventShape>(async (push, stop) => {
        const unwatch = await ctx.membership.watch(viewer.id, (change) => {
          const membership = change.kind === 'removed' ? Promise.resolve(null) : ctx.store.members.membership(change.room, viewer.id);
          void push(membership.then((m) => ({ kind: change.kind, room: change.room, membership: m })));
        });
        await stop;
        unwatch();
      });
    },
    resolve: (e) => e,
  }),
);
