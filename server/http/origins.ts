// Which web origins may act with a user's cookie. The server's own origin always may;
// ALLOWED_ORIGINS adds others (e.g. a separately hosted front end). Requests that change
// state with a cookie must show an allowed Origin (or Referer) — the CSRF defence — and
// WebSocket upgrades that show a foreign Origin are refused, as Django's
// AllowedHostsOriginValidator did. X-Forwarded-Host counts only from a trusted proxy
// (http/trust-proxy.ts removes it otherwise).
import type { TrustProxy } from './trust-proxy.js';

export interface HeaderBag {
  get(name: string): string | null | undefined;
}

export class Origins {
  private readonly configured: Set<string>;

  constructor(
    allowed: string[] | undefined,
    private readonly trustProxy: TrustProxy,
  ) {
    this.configured = new Set((allowed ?? []).map((o) => o.replace(/\/+$/, '')));
  }

  /** The origin this request was addressed to (behind a trusted proxy: as the client saw it). */
  own(headers: HeaderBag, secure: boolean): string | undefined {
    const forwardedHost = this.trustProxy ? headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
    const host = forwardedHost || headers.get('host');
    return host ? `${secure ? 'https' : 'http'}://${host}` : undefined;
  }

  isAllowed(origin: string, headers: HeaderBag, secure: boolean): boolean {
    return this.configured.has(origin) || origin === this.own(headers, secure);
  }

  /** The Origin header, or the origin of the Referer when a browser left Origin out. */
  static claimed(headers: HeaderBag): string | undefined {
    const origin = headers.get('origin');
    if (origin && origin !== 'null') return origin;
    const referer = headers.get('referer');
    if (!referer) return undefined;
    try {
      return new URL(referer).origin;
    } catch {
      return undefined;
    }
  }

  /** For a state change made with a cookie: the claimed origin must be present and allowed. */
  mayChangeState(headers: HeaderBag, secure: boolean): boolean {
    const origin = Origins.claimed(headers);
    return origin !== undefined && this.isAllowed(origin, headers, secure);
  }

  /** For a WebSocket upgrade: no Origin (not a browser) or an allowed one. */
  mayConnect(headers: HeaderBag, secure: boolean): boolean {
    const origin = headers.get('origin');
    return !origin || this.isAllowed(origin, headers, secure);
  }

  /**
   * The CORS policy of every route that acts on a user's behalf: only the origins
   * ALLOWED_ORIGINS names, with credentials (the own origin needs no CORS); none when
   * it names none.
   */
  get cors(): { origin: string[]; credentials: true } | undefined {
    return this.configured.size ? { origin: [...this.configured], credentials: true } : undefined;
  }
}
