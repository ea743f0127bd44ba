// Admin operations in the schema: users (search, paged), setUserRole, setUserDisabled,
// the moderation log. Every one needs an admin (FORBIDDEN otherwise); the logic is in
// auth/admin.ts.
import { builder } from '../builder.js';
import { requireAdmin, type ModerationEntry } from '../../auth/admin.js';
import { badInput } from '../../errors.js';
import type { Context } from '../context.js';
import { RoleEnum, UserRef } from './user.js';

const admin = (ctx: Context) => requireAdmin(ctx.auth?.viewer);

const ModerationActionRef = builder.objectRef<ModerationEntry>('ModerationAction').implement({
  description: 'One entry of the moderation log.',
  fields: (t) => ({
    id: t.exposeID('id'),
    action: t.exposeString('action', { description: '"deleteMessage", "disableUser", "enableUser" or "setRole".' }),
    actor: t.field({ type: UserRef, nullable: true, description: 'The admin who acted; null: the command line.', resolve: (e) => e.actor }),
    targetUser: t.field({ type: UserRef, nullable: true, resolve: (e) => e.targetUser }),
    messageId: t.exposeID('messageId', { nullable: true }),
    room: t.exposeString('room', { nullable: true }),
    detail: t.exposeString('detail', { nullable: true, description: 'For setRole: the new role ("user" or "admin").' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

function forwardOnly(args: { last?: number | null; before?: string | null }) {
  if (args.last != null || args.before != null) throw badInput('This connection pages forward only: use first/after.');
}

/** A forward-only Relay connection from a service page. */
function connection<T>(page: { items: T[]; hasNextPage: boolean; cursorOf(item: T): string }, after?: string | null) {
  const edges = page.items.map((node) => ({ cursor: page.cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

builder.queryFields((t) => ({
  users: t.connection(
    {
      type: UserRef,
      description: 'Admins only: users in username order; `query` keeps those whose name contains it (case and look-alike letters ignored).',
      args: { query: t.arg.string({ required: false }) },
      resolve: async (_root, args, ctx) => {
        admin(ctx);
        forwardOnly(args);
        return connection(await ctx.admin.users(args), args.after);
      },
    },
    { name: 'UserConnection' },
    { name: 'UserEdge' },
  ),
  moderationLog: t.connection(
    {
      type: ModerationActionRef,
      description: 'Admins only: who deleted or disabled what, and when; newest first.',
      resolve: async (_root, args, ctx) => {
        admin(ctx);
        forwardOnly(args);
        return connection(await ctx.admin.log(args), args.after);
      },
    },
    { name: 'ModerationActionConnection' },
    { name: 'ModerationActionEdge' },
  ),
}));

builder.mutationFields((t) => ({
  setUserRole: t.field({
    type: UserRef,
    description: 'Admins only. Refused (CONFLICT) when it would leave no enabled admin.',
    args: { id: t.arg.id({ required: true }), role: t.arg({ type: RoleEnum, required: true }) },
    resolve: (_root, { id, role }, ctx) => ctx.admin.setRole(admin(ctx), String(id), role),
  }),
  setUserDisabled: t.field({
    type: UserRef,
    description:
      "Admins only. A disabled user cannot sign in; their sessions end, their API tokens are refused and their open connections close. Refused (CONFLICT) when it would leave no enabled admin.",
    args: { id: t.arg.id({ required: true }), disabled: t.arg.boolean({ required: true }) },
    resolve: (_root, { id, disabled }, ctx) => ctx.admin.setDisabled(admin(ctx), String(id), disabled),
  }),
}));
