// Sessions, implemented the Lucia way (https://lucia-auth.com, "Basic session API"):
// a random token goes to the client; the session id stored is its SHA-256; sessions last
// SESSION_DAYS and are extended when used in their second half; sign-out deletes them.
import type { Db } from '../db/client.js';
import { AppError } from '../errors.js';
import { generateToken, hashToken } from './tokens.js';

export interface Viewer {
  id: string;
  username: string;
  role: string;
}

export const viewerSelect = { id: true, username: true, role: true } as const;

/** What checking a credential reads of its user: the viewer, and whether an admin disabled it. */
export const credentialUserSelect = { ...viewerSelect, disabledAt: true } as const;

export const accountDisabled = () => new AppError('FORBIDDEN', 'This account is disabled.');

/** The viewer of a credential's user; FORBIDDEN when the account is disabled. */
export function activeViewer(user: Viewer & { disabledAt: Date | null }): Viewer {
  if (user.disabledAt) throw accountDisabled();
  return { id: user.id, username: user.username, role: user.role };
}

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

  /**
   * The user a session token belongs to, or null when it is unknown or expired. Throws
   * FORBIDDEN when the account is disabled (disabling deletes its sessions too; this
   * catches a session created while the account was being disabled).
   */
  async validate(token: string): Promise<{ viewer: Viewer; sessionId: string; expiresAt: Date } | null> {
    const id = hashToken(token);
    const session = await this.db.session.findUnique({ where: { id }, include: { user: { select: credentialUserSelect } } });
    if (!session) return null;
    const viewer = activeViewer(session.user);
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
    return { viewer, sessionId: id, expiresAt };
  }

  async invalidate(token: string): Promise<void> {
    await this.db.session.deleteMany({ where: { id: hashToken(token) } });
  }
}
