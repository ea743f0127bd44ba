import { builder } from '../builder.js';

export interface UserShape {
  id: string;
  username: string;
}

// A plain object type (not a Prisma-plugin one): users arrive embedded in messages that
// come from the pubsub, and a Prisma object type would fetch each one again from the
// database for every subscriber.
export const UserRef = builder.objectRef<UserShape>('User').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    username: t.exposeString('username'),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: UserRef,
    nullable: true,
    description: 'The signed-in user, or null for anonymous requests.',
    resolve: (_root, _args, ctx) => ctx.auth?.viewer ?? null,
  }),
);
