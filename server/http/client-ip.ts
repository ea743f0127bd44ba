// The client's address: the socket's, or behind a trusted proxy the first address of
// X-Forwarded-For.
export function clientIp(
  forwardedFor: string | string[] | null | undefined,
  socketAddress: string | undefined,
  trustProxy: boolean,
): string | undefined {
  if (trustProxy && forwardedFor) {
    const first = (Array.isArray(forwardedFor) ? forwardedFor[0] : forwardedFor).split(',')[0]?.trim();
    if (first) return first;
  }
  return socketAddress?.replace(/^::ffff:/, '');
}
