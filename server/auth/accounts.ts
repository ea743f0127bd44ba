// Sign-up, sign-in, sign-out, and accounts made from the command line (server/admin/cli.ts).
// Usernames are unique by their key (usernames.ts: case folding, compatibility forms,
// look-alike letters); a wrong password, an unknown user and a name that cannot exist get
// the same error. Sign-in failures are rate limited (limits/rate-limits.ts) before the
// password is checked. A disabled account is refused with its own error, but only once
// the password checked out, so the refusal tells nothing to someone guessing.
import { AppError, badInput } from '../errors.js';
import type { Db } from '../db/client.js';
import { checkUsername, legacyUsernameKey, parseUsername } from './usernames.js';
import { burnVerify, checkPassword, hashPassword, verifyPassword } from './password.js';
import { accountDisabled, type Sessions, type Viewer, viewerSelect } from './sessions.js';
import type { RateLimits } from '../limits/rate-limits.js';

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
    const name = checkUsername(rawUsername);
    checkPassword(password);
    await this.limits.signUp(ip);
    const viewer = await this.insert(name, password, 'user');
    return { viewer, ...(await this.sessions.create(viewer.id)) };
  }

  /** Creates an account without signing it in (the admin command line: no rate limit). */
  create(rawUsername: string, password: string, role: 'user' | 'admin'): Promise<Viewer> {
    const name = checkUsername(rawUsername);
    checkPassword(password);
    return this.insert(name, password, role);
  }

  /** The account of a name, or null (no password check: for the admin command line). */
  /** Whether each of these accounts is disabled, and its role, as stored now. */
  async states(userIds: string[]): Promise<{ userId: string; disabled: boolean; role: string }[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, disabledAt: true, role: true } });
    return rows.map((r) => ({ userId: r.id, disabled: r.disabledAt !== null, role: r.role }));
  }

  async find(rawUsername: string): Promise<Viewer | null> {
    const parsed = parseUsername(rawUsername);
    const user = parsed && (await this.findUser(parsed.username, parsed.usernameKey));
    return user ? { id: user.id, username: user.username, role: user.role } : null;
  }

  private async insert(
    { username, usernameKey }: { username: string; usernameKey: string },
    password: string,
    role: 'user' | 'admin',
  ): Promise<Viewer> {
    const keys = [...new Set([usernameKey, legacyUsernameKey(username)])];
    const taken = await this.db.user.findFirst({ where: { usernameKey: { in: keys } }, select: { id: true } });
    if (taken) throw badInput(`The username "${username}" is taken.`, { field: 'username' });
    try {
      return await this.db.user.create({
        data: { username, usernameKey, role, passwordHash: await hashPassword(password) },
        select: viewerSelect,
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw badInput(`The username "${username}" is taken.`, { field: 'username' });
      throw err;
    }
  }

  /**
   * Checks a username and password (GraphQL signIn and HTTP Basic); throws the same error
   * for every kind of mismatch. Only failures count against the sign-in limits. A right
   * password of a disabled account: FORBIDDEN "This account is disabled."
   */
  async verify(rawUsername: string, password: string, ip?: string): Promise<Viewer> {
    const parsed = parseUsername(rawUsername);
    const attempt = await this.limits.signIn(parsed?.usernameKey, ip);
    const user = parsed && (await this.findUser(parsed.username, parsed.usernameKey));
    const ok = user ? await verifyPassword(user.passwordHash, password) : await burnVerify(password);
    if (!parsed || !user || !ok) throw invalidCredentials();
    await attempt.succeeded();
    if (user.disabledAt) throw accountDisabled();
    if (user.usernameKey !== parsed.usernameKey) await this.rekey(user.id, parsed.usernameKey);
    return { id: user.id, username: user.username, role: user.role };
  }

  /**
   * The account of a name. Rows created before keys were confusable skeletons carry the
   * old key (NFKC lower case) until they sign in again (rekey) or rekeyUsernames() runs;
   * where both kinds match, the old key is the closer match.
   */
  private async findUser(username: string, key: string) {
    const legacy = legacyUsernameKey(username);
    const rows = await this.db.user.findMany({ where: { usernameKey: { in: [...new Set([key, legacy])] } }, take: 2 });
    return rows.find((r) => r.usernameKey === legacy) ?? rows[0] ?? null;
  }

  /** Moves an account to its current key, unless another account holds it already. */
  private async rekey(id: string, usernameKey: string): Promise<boolean> {
    try {
      await this.db.user.update({ where: { id }, data: { usernameKey } });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') return false;
      throw err;
    }
  }

  /** Gives every account its current key (run once after upgrading); returns how many moved. */
  async rekeyUsernames(): Promise<number> {
    let moved = 0;
    let cursor: string | undefined;
    for (;;) {
      const rows = await this.db.user.findMany({
        select: { id: true, username: true, usernameKey: true },
        orderBy: { id: 'asc' },
        take: 500,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      if (rows.length === 0) return moved;
      for (const row of rows) {
        const key = parseUsername(row.username)?.usernameKey;
        if (key && key !== row.usernameKey && (await this.rekey(row.id, key))) moved++;
      }
      cursor = rows[rows.length - 1].id;
    }
  }

  async signIn(username: string, password: string, ip?: string): Promise<SignedIn> {
    const viewer = await this.verify(username, password, ip);
    return { viewer, ...(await this.sessions.create(viewer.id)) };
  }

  signOut(token: string): Promise<void> {
    return this.sessions.invalidate(token);
  }
}
