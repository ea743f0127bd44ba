// A small history router for the app's few pages (the server sends index.html for each):
//   /chat/ → index, /chat/<room>/ → room, /accounts/signin/, /accounts/signup/, /admin/
import { createSignal } from 'solid-js';
import { safeNext } from './safe-next';

export type Route =
  | { page: 'index' }
  | { page: 'room'; name: string }
  | { page: 'signin'; next: string }
  | { page: 'signup'; next: string }
  | { page: 'admin' }
  | { page: 'notFound' };

const [location_, setLocation] = createSignal({ pathname: location.pathname, search: location.search });

export function parseRoute(pathname: string, search: string): Route {
  if (pathname === '/' || pathname === '/chat' || pathname === '/chat/') return { page: 'index' };
  const room = /^\/chat\/([^/]+)\/?$/.exec(pathname);
  if (room) {
    try {
      return { page: 'room', name: decodeURIComponent(room[1]) };
    } catch {
      return { page: 'notFound' };
    }
  }
  if (/^\/admin\/?$/.test(pathname)) return { page: 'admin' };
  const next = safeNext(new URLSearchParams(search).get('next'));
  if (/^\/accounts\/signin\/?$/.test(pathname)) return { page: 'signin', next };
  if (/^\/accounts\/signup\/?$/.test(pathname)) return { page: 'signup', next };
  return { page: 'notFound' };
}

export const route = () => parseRoute(location_().pathname, location_().search);

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  setLocation({ pathname: location.pathname, search: location.search });
  window.scrollTo(0, 0);
}

/** The path and query of the current page, for ?next=. */
export const currentPath = () => location_().pathname + location_().search;

export const signInPath = (next = currentPath()) => `/accounts/signin/?next=${encodeURIComponent(next)}`;
export const signUpPath = (next = currentPath()) => `/accounts/signup/?next=${encodeURIComponent(next)}`;

window.addEventListener('popstate', () => setLocation({ pathname: location.pathname, search: location.search }));
