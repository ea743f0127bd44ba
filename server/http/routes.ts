// Plain HTTP routes served next to GraphQL by the same Yoga server (a Yoga plugin that
// answers matching requests before GraphQL sees them).
import type { Plugin } from 'graphql-yoga';

export interface Route {
  match: RegExp;
  handle(request: Request, match: RegExpExecArray): Promise<Response> | Response;
}

export function useRoutes(routes: Route[]): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      for (const route of routes) {
        const match = route.match.exec(url.pathname);
        if (match) {
          endResponse(await route.handle(request, match));
          return;
        }
      }
    },
  };
}
