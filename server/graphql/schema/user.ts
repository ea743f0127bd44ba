import { builder } from '../builder.js';

export const UserRef = builder.prismaObject('User', {
  select: { id: true, username: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    username: t.exposeString('username'),
  }),
});

builder.queryField('me', (t) =>
  t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The signed-in user, or null for anonymous requests.',
    resolve: (query, _root, _args, ctx) =>
      ctx.auth ? ctx.db.user.findUnique({ ...query, where: { id: ctx.auth.viewer.id } }) : null,
  }),
);
