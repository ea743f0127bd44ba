// API tokens in the schema: list, create, revoke (the logic is in auth/api-tokens.ts).
import { builder } from '../builder.js';
import { requireSession, requireViewer } from '../context.js';
import { MAX_API_TOKENS } from '../../auth/api-tokens.js';

export const ApiTokenRef = builder.prismaObject('ApiToken', {
  description: 'A token for integrations. Its secret is shown once, when it is created.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiToken = builder
  .objectRef<{ token: string; apiToken: { id: string } }>('CreatedApiToken')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', {
        description: 'The secret: send it as `Authorization: Bearer <token>`. It is not shown again.',
      }),
      apiToken: t.field({ type: ApiTokenRef, resolve: (p) => p.apiToken as never }),
    }),
  });

builder.queryField('apiTokens', (t) =>
  t.prismaField({
    type: ['ApiToken'],
    description: `The signed-in user's active API tokens, newest first (never their secrets; at most ${MAX_API_TOKENS}).`,
    resolve: (query, _root, _args, ctx) => ctx.apiTokens.list(requireViewer(ctx).id, query),
  }),
);

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreatedApiToken,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => ctx.apiTokens.create(requireSession(ctx).id, name),
  }),
  revokeApiToken: t.boolean({
    description: 'True when an active token of yours was revoked.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.apiTokens.revoke(requireSession(ctx).id, String(id)),
  }),
}));
