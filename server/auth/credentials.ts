// Who is making a request, from the credential it carries:
//   Authorization: Bearer <session token | API token>   (HTTP, and connectionParams on WebSocket)
//   Authorization: Basic <username:password>            (REST only, as the old app allowed)
//   Cookie: session=<session token>                     (browsers; HTTP, WebSocket upgrade, REST)
// A credential that is present but invalid is an error (401 / UNAUTHENTICATED / close
// 4403), never a silent fallback to anonymous.
import { AppError } from '../errors.js';
import type { Accounts } from './accounts.js';
import type { ApiTokens } from './api-tokens.js';
import { isApiToken } from './api-tokens.js';
import { readSessionCookie } from './cookies.js';
import type { Sessions, Viewer } from './sessions.js';

export type Via = 'session' | 'cookie' | 'apiToken' | 'basic';

export interface Authenticated {
  viewer: Viewer;
  via: Via;
  /** The session token, when the credential was one (sign-out needs it). */
  sessionToken?: string;
}

export interface CredentialSource {
  authorization?: string | null;
  cookie?: string | null;
}

const invalid = (what: string) => new AppError('UNAUTHENTICATED', `${what} is invalid, expired or revoked. Sign in again.`);

export class Credentials {
  constructor(
    private readonly sessions: Sessions,
    private readonly apiTokens: ApiTokens,
    private readonly accounts: Accounts,
  ) {}

  /** null: no credential (anonymous). Throws UNAUTHENTICATED for a bad one. */
  async authenticate(
    source: CredentialSource,
    options: { allowBasic?: boolean; ip?: string } = {},
  ): Promise<Authenticated | null> {
    const header = source.authorization?.trim();
    if (header) {
      const [scheme, value = ''] = header.split(/\s+/, 2);
      if (/^bearer$/i.test(scheme) && value) return this.bearer(value);
      if (/^basic$/i.test(scheme) && options.allowBasic) return this.basic(value, options.ip);
      throw new AppError(
        'UNAUTHENTICATED',
        options.allowBasic
          ? 'The Authorization header must be "Bearer <token>" or "Basic <credentials>".'
          : 'The Authorization header must be "Bearer <token>".',
      );
    }
    const cookieToken = readSessionCookie(source.cookie);
    if (cookieToken) {
      const session = await this.sessions.validate(cookieToken);
      if (!session) throw invalid('The session cookie');
      return { viewer: session.viewer, via: 'cookie', sessionToken: cookieToken };
    }
    return null;
  }

  /** A bare token, as graphql-ws connectionParams.authorization may carry it. */
  async bearer(token: string): Promise<Authenticated> {
    if (isApiToken(token)) {
      const found = await this.apiTokens.validate(token);
      if (!found) throw invalid('This API token');
      return { viewer: found.viewer, via: 'apiToken' };
    }
    const session = await this.sessions.validate(token);
    if (!session) throw invalid('This token');
    return { viewer: session.viewer, via: 'session', sessionToken: token };
  }

  private async basic(encoded: string, ip?: string): Promise<Authenticated> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new AppError('UNAUTHENTICATED', 'Basic credentials must be base64 of "username:password".');
    const viewer = await this.accounts.verify(decoded.slice(0, colon), decoded.slice(colon + 1), ip);
    return { viewer, via: 'basic' };
  }
}
