import { builder } from '../builder.js';
import { UserRef } from './user.js';
import type { Viewer } from '../../auth/sessions.js';
import type { SignedIn } from '../../auth/accounts.js';
import type { Context } from '../context.js';

const AuthPayload = builder.objectRef<{ user: Viewer; token: string }>('AuthPayload').implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (p) => p.user }),
    token: t.exposeString('token', {
      description: 'Session token: send it as `Authorization: Bearer <token>` (HTTP) or `connectionParams.authorization` (WebSocket).',
    }),
  }),
});

/** Over HTTP a sign-in also sets the session cookie; over WebSocket it only returns the token. */
function signedIn(ctx: Context, { viewer, token, expiresAt }: SignedIn) {
  ctx.http?.setSessionCookie(token, expiresAt);
  return { user: viewer, token };
}

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    description: 'Creates an account and signs it in (over HTTP this also sets the session cookie).',
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (_root, { username, password }, ctx) => signedIn(ctx, await ctx.accounts.signUp(username, password, ctx.ip)),
  }),
  signIn: t.field({
    type: AuthPayload,
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (_root, { username, password }, ctx) => signedIn(ctx, await ctx.accounts.signIn(username, password, ctx.ip)),
  }),
  signOut: t.boolean({
    description: 'Ends the session the request was made with. True when there was one.',
    resolve: async (_root, _args, ctx) => {
      const token = ctx.auth?.sessionToken;
      if (ctx.auth?.via === 'cookie') ctx.http?.clearSessionCookie();
      if (!token) return false;
      await ctx.accounts.signOut(token);
      return true;
    },
  }),
}));
