// The browser session cookie: HttpOnly, SameSite=Lax, Secure when the request came over
// HTTPS (or a trusted proxy in front says it terminated HTTPS: X-Forwarded-Proto, which
// http/trust-proxy.ts has removed when the peer is not a trusted proxy).
import { parseCookie, stringifySetCookie } from 'cookie';
import type { TrustProxy } from '../http/trust-proxy.js';

const SESSION_COOKIE = 'session';

export function readSessionCookie(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookie(cookieHeader)[SESSION_COOKIE] || undefined;
}

export function isHttps(url: string, headers: { get(name: string): string | null | undefined }, trustProxy: TrustProxy): boolean {
  if (url.startsWith('https:')) return true;
  return !!trustProxy && headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: token,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: '',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires: new Date(0),
  });
}
