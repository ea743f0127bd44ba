// Sessions, implemented the Lucia way (https://lucia-auth.com, "Basic session API"):
// a random token goes to the client; the session id stored is its SHA-256; sessions last
// SESSION_DAYS and are extended when used in their second half; sign-out deletes them.
import type { Db } from '../db/client.js';
import { generateToken, hashToken } from './tokens.js';

export interface Viewer {
  id: string;
  username: string;
  role: string;
}

export const viewerSelect = { id: true, username: true, role: true } as const;

const DAY = 24 * 60 * 60 * 1000;

export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly days: number,
  ) {}

  async create(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = generateToken();
    const expiresAt = new Date(Date.now() + this.days * DAY);
    await this.db.session.create({ data: { id: hashToken(token), userId, expiresAt } });
    return { token, expiresAt };
  }

  /** The user a session token belongs to, or null when it is unknown or expired. */
  async validate(token: string): Promise<{ viewer: Viewer; sessionId: string; expiresAt: Date } | null> {
    const id = hashToken(token);
    const session = await this.db.session.findUnique({ where: { id }, include: { user: { select: viewerSelect } } });
    if (!session) return null;
    const now = Date.now();
    if (session.expiresAt.getTime() <= now) {
      await this.db.session.deleteMany({ where: { id } });
      return null;
    }
    let expiresAt = session.expiresAt;
    if (expiresAt.getTime() - now < (this.days * DAY) / 2) {
      expiresAt = new Date(now + this.days * DAY);
      await this.db.session.update({ where: { id }, data: { expiresAt } });
    }
    return { viewer: session.user, sessionId: id, expiresAt };
  }

  async invalidate(token: string): Promise<void> {
    await this.db.session.deleteMany({ where: { id: hashToken(token) } });
  }
}
