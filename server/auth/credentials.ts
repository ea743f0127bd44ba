// Who is making a request, from the credential it carries. A credential that is present
// but invalid is an error (401 / UNAUTHENTICATED / close 4403), never a silent fallback
// to anonymous.
import { AppError } from '../errors.js';
import type { Sessions, Viewer } from './sessions.js';

export interface Authenticated {
  viewer: Viewer;
  /** The session token, when the credential was one (sign-out needs it). */
  sessionToken?: string;
}

export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".');
  return match[1];
}

export class Credentials {
  constructor(private readonly sessions: Sessions) {}

  /** null: no credential (anonymous). Throws UNAUTHENTICATED for a bad one. */
  async fromAuthorization(header: string | null | undefined): Promise<Authenticated | null> {
    const token = bearerToken(header);
    if (token === undefined) return null;
    const session = await this.sessions.validate(token);
    if (!session) throw new AppError('UNAUTHENTICATED', 'This token is invalid or has expired. Sign in again.');
    return { viewer: session.viewer, sessionToken: token };
  }
}
