// Yoga plugins of our own: setting the cookies resolvers asked for; the CSRF defences
// (refusing POSTs a plain HTML form or a no-CORS fetch can send, and mutations from
// foreign origins that would use or set the session cookie); GraphiQL's page policy.
import { getOperationAST } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Context } from './context.js';
import { responseCookies } from './context.js';
import { Origins } from '../http/origins.js';

export function useSetCookies(): Plugin {
  return {
    onResponse({ request, response }) {
      for (const cookie of responseCookies.get(request) ?? []) response.headers.append('set-cookie', cookie);
    },
  };
}

/**
 * Content types a browser sends cross-origin without asking first (CORS "simple"
 * requests: what an HTML form can post). A GraphQL POST must be JSON, which a foreign
 * page can only send after a preflight that CORS answers (ALLOWED_ORIGINS only).
 */
const FORM_TYPES = new Set(['', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']); // '': none given

export function useRefuseFormPosts(): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (!FORM_TYPES.has(type)) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [{ message: 'Send GraphQL POSTs as application/json.', extensions: { code: 'BAD_REQUEST' } }],
          }),
          { status: 415, headers: { 'content-type': 'application/json; charset=utf-8' } },
        ),
      );
    },
  };
}

/**
 * Mutations over HTTP that may use or set the session cookie need an allowed Origin:
 *  - authenticated by the cookie: an allowed Origin (or Referer) must be shown;
 *  - anonymous (signIn and signUp, which set the cookie): a claimed Origin/Referer, when
 *    there is one, must be allowed (browsers always send Origin on POST; non-browser
 *    clients such as curl send none and are not refused).
 * Mutations authenticated by an Authorization header carry no ambient credential.
 */
export function useCookieOriginCheck(): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue;
      if (!ctx.http) return;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const { headers } = ctx.http.request;
      if (ctx.auth?.via === 'cookie') {
        if (ctx.origins.mayChangeState(headers, ctx.http.secure)) return;
      } else {
        if (headers.get('authorization')) return;
        const claimed = Origins.claimed(headers);
        if (claimed === undefined || ctx.origins.isAllowed(claimed, headers, ctx.http.secure)) return;
      }
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

/** GraphiQL's HTML gets the policy its inline scripts need instead of the API policy. */
export function usePagePolicy(policy: () => string | undefined): Plugin {
  return {
    onResponse({ response }) {
      const value = policy();
      if (value && response.headers.get('content-type')?.startsWith('text/html')) {
        response.headers.set('content-security-policy', value);
      }
    },
  };
}
