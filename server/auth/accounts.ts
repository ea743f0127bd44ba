// Sign-up, sign-in, sign-out. Usernames are unique ignoring case (and Unicode width/
// compatibility forms); a wrong password and an unknown user get the same error.
import { AppError, badInput } from '../errors.js';
import type { Db } from '../db/client.js';
import { burnVerify, checkPassword, hashPassword, verifyPassword } from './password.js';
import { type Sessions, type Viewer, viewerSelect } from './sessions.js';
import type { RateLimits } from '../limits/rate-limits.js';

export const USERNAME_RULE = 'Usernames are 1–32 characters long and use only letters, digits, "_", "-" and "."';
const usernamePattern = /^[\p{L}\p{M}\p{Nd}_.-]{1,32}$/u;

export function checkUsername(raw: string): { username: string; usernameKey: string } {
  const username = raw.normalize('NFC');
  if (!usernamePattern.test(username) || [...username].length > 32) {
    throw badInput(`Invalid username ${JSON.stringify(raw)}: ${USERNAME_RULE}.`, { field: 'username' });
  }
  return { username, usernameKey: username.normalize('NFKC').toLowerCase() };
}

const invalidCredentials = () => new AppError('UNAUTHENTICATED', 'Invalid username or password.');

export interface SignedIn {
  viewer: Viewer;
  token: string;
  expiresAt: Date;
}

export class Accounts {
  constructor(
    private readonly db: Db,
    readonly sessions: Sessions,
    private readonly limits: RateLimits,
  ) {}

  async signUp(rawUsername: string, password: string, ip?: string): Promise<SignedIn> {
    const { username, usernameKey } = checkUsername(rawUsername);
    checkPassword(password);
    await this.limits.signUp(ip);
    const taken = await this.db.user.findUnique({ where: { usernameKey }, select: { id: true } });
    if (taken) throw badInput(`The username "${username}" is taken.`, { field: 'username' });
    let viewer: Viewer;
    try {
      viewer = await this.db.user.create({
        data: { username, usernameKey, passwordHash: await hashPassword(password) },
        select: viewerSelect,
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw badInput(`The username "${username}" is taken.`, { field: 'username' });
      throw err;
    }
    return { viewer, ...(await this.sessions.create(viewer.id)) };
  }

  /** Checks a username and password; throws the same error for every kind of mismatch. */
  async verify(rawUsername: string, password: string, ip?: string): Promise<Viewer> {
    await this.limits.signIn(rawUsername.normalize('NFKC').toLowerCase(), ip);
    let key: string;
    try {
      key = checkUsername(rawUsername).usernameKey;
    } catch {
      await burnVerify(password);
      throw invalidCredentials();
    }
    const user = await this.db.user.findUnique({ where: { usernameKey: key } });
    const ok = user ? await verifyPassword(user.passwordHash, password) : await burnVerify(password);
    if (!user || !ok) throw invalidCredentials();
    return { id: user.id, username: user.username, role: user.role };
  }

  async signIn(username: string, password: string, ip?: string): Promise<SignedIn> {
    const viewer = await this.verify(username, password, ip);
    return { viewer, ...(await this.sessions.create(viewer.id)) };
  }

  signOut(token: string): Promise<void> {
    return this.sessions.invalidate(token);
  }
}
