// The web client's pages: the production build of web/ (dist/web), served by sirv.
//   /                   → redirect to /chat/
//   /chat/, /chat/<room>/, /accounts/…, /admin/   → the single-page app (index.html)
//   /chat, /chat/<room>, /accounts/<page>, /admin  → permanent redirect (308) to the same
//                         path with its trailing slash, the canonical URL (the old app's URLs
//                         end in a slash; the client's router accepts both)
//   /assets/…           → hashed build files, cached for a year
// What it serves gets the pages' Content-Security-Policy (security-headers.ts).
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';
import { root } from '../paths.js';
import { PAGE_POLICY, setSecurityHeaders } from './security-headers.js';

const WEB_DIST = join(root, 'dist', 'web');

const PAGE = /^\/(chat(\/[^/]+)?|accounts\/[a-z-]+|admin)\/$/;
const PAGE_WITHOUT_SLASH = /^\/(chat(\/[^/]+)?|accounts\/[a-z-]+|admin)$/;

export function webPages(): { handle(req: IncomingMessage, res: ServerResponse, next: () => void): void } {
  const built = existsSync(join(WEB_DIST, 'index.html'));
  const assets = built
    ? sirv(WEB_DIST, {
        etag: true,
        gzip: true,
        brotli: true,
        setHeaders: (res, pathname) => {
          if (pathname.startsWith('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
          else res.setHeader('cache-control', 'no-cache');
        },
      })
    : undefined;

  return {
    handle(req, res, next) {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      if (path === '/') return redirect(res, 302, '/chat/');
      if (PAGE_WITHOUT_SLASH.test(path) && path !== '/chat/api') return redirect(res, 308, `${path}/${url.search}`);
      const page = PAGE.test(path) && !path.startsWith('/chat/api/');
      if (!page && !path.startsWith('/assets/') && path !== '/favicon.svg') return next();
      if (!assets) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('The web client is not built. Run `npm run build` (npm install does it) and restart.\n');
        return;
      }
      if (page) req.url = '/index.html';
      setSecurityHeaders(res, PAGE_POLICY);
      assets(req, res, next);
    },
  };
}

function redirect(res: ServerResponse, status: 302 | 308, location: string) {
  res.writeHead(status, { location });
  res.end();
}
