// Yoga plugins of our own: setting the cookies resolvers asked for, and refusing
// cookie-authenticated mutations from foreign origins (CSRF).
import { getOperationAST } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Context } from './context.js';
import { responseCookies } from './context.js';

export function useSetCookies(): Plugin {
  return {
    onResponse({ request, response }) {
      for (const cookie of responseCookies.get(request) ?? []) response.headers.append('set-cookie', cookie);
    },
  };
}

export function useCookieOriginCheck(): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue;
      if (ctx.auth?.via !== 'cookie' || !ctx.http) return;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      if (ctx.origins.mayChangeState(ctx.http.request.headers, ctx.http.secure)) return;
      setResultAndStopExecution({
        errors: [
          createGraphQLError('Cross-origin request refused: this Origin may not act with the session cookie.', {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          }),
        ],
      });
    },
  };
}
