import { builder } from '../builder.js';

export interface UserShape {
  id: string;
  username: string;
  /** "user" or "admin" (the database column); GraphQL shows it as enum Role. */
  role: string;
  /** Known only where admins read users (users, setUserDisabled): not in messages. */
  disabledAt?: Date | null;
}

export const RoleEnum = builder.enumType('Role', {
  values: {
    USER: { value: 'user' },
    ADMIN: { value: 'admin', description: 'Manages users and moderates messages.' },
  } as const,
});

// A plain object type (not a Prisma-plugin one): users arrive embedded in messages that
// come from the pubsub, and a Prisma object type would fetch each one again from the
// database for every subscriber.
export const UserRef = builder.objectRef<UserShape>('User').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    username: t.exposeString('username'),
    role: t.field({ type: RoleEnum, resolve: (u) => (u.role === 'admin' ? 'admin' : 'user') }),
    disabledAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When an admin disabled the account (null: enabled). Shown to admins only, and only where admins read users (users, setUserRole, setUserDisabled); null everywhere else.',
      // No context in shared subscription executions (delivery/broadcast.ts): null there.
      resolve: (u, _args, ctx) => (ctx?.auth?.viewer.role === 'admin' ? (u.disabledAt ?? null) : null),
    }),
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
