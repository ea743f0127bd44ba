// Where the sign-in and sign-up pages may send the browser afterwards (?next=): only a path
// on this site. The value is parsed as the browser will parse it (tabs and newlines dropped,
// "\" read as "/", dot segments resolved), and what is returned is the parsed path, so what
// was checked is exactly what location.assign gets: "/\t/evil.test/" parses as
// "//evil.test/", another host, and is refused.
export const DEFAULT_NEXT = '/chat/';

export function safeNext(next: string | null | undefined, origin: string = location.origin): string {
  if (!next || !next.startsWith('/')) return DEFAULT_NEXT;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return DEFAULT_NEXT;
  }
  // One leading "/" only: "//host/…" would be another host once assigned.
  if (url.origin !== origin || !url.pathname.startsWith('/') || url.pathname.startsWith('//')) return DEFAULT_NEXT;
  return url.pathname + url.search + url.hash;
}
