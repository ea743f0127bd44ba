// API tokens for integrations: shown once at creation, stored as SHA-256, revocable.
// They carry a recognisable prefix so a leaked one is easy to grep for and to tell
// apart from a session token. A user holds at most MAX_API_TOKENS live (unrevoked) ones.
import { badInput } from '../errors.js';
import type { Db } from '../db/client.js';
import type { Viewer } from './sessions.js';
import { activeViewer, credentialUserSelect } from './sessions.js';
import { generateToken, hashToken } from './tokens.js';

const API_TOKEN_PREFIX = 'chat_pat_';
const TOUCH_INTERVAL_MS = 60_000; // lastUsedAt is refreshed at most once a minute

export const MAX_API_TOKENS = 50;

export const isApiToken = (token: string) => token.startsWith(API_TOKEN_PREFIX);

const tooMany = () =>
  badInput(`You have ${MAX_API_TOKENS} API tokens, the most one user may hold. Revoke one to create another.`, {
    limit: MAX_API_TOKENS,
  });

export class ApiTokens {
  constructor(private readonly db: Db) {}

  async create(userId: string, rawName: string) {
    const name = rawName.trim();
    if (name.length < 1 || name.length > 100) throw badInput('Token names are 1–100 characters.', { field: 'name' });
    const live = { userId, revokedAt: null };
    if ((await this.db.apiToken.count({ where: live })) >= MAX_API_TOKENS) throw tooMany();
    const token = API_TOKEN_PREFIX + generateToken();
    const apiToken = await this.db.apiToken.create({ data: { userId, name, tokenHash: hashToken(token) } });
    // Concurrent creations can all pass the count above: each checks again after its own
    // insert and takes itself back when the user is over the cap.
    if ((await this.db.apiToken.count({ where: live })) > MAX_API_TOKENS) {
      await this.db.apiToken.delete({ where: { id: apiToken.id } });
      throw tooMany();
    }
    return { token, apiToken };
  }

  /**
   * The user's live tokens, newest first (at most MAX_API_TOKENS). `query` is the
   * selection @pothos/plugin-prisma derives from the GraphQL request.
   */
  list(userId: string, query: { select?: object; include?: object } = {}) {
    return this.db.apiToken.findMany({
      ...query,
      where: { userId, revokedAt: null },
      orderBy: { createdAt: 'desc' },
      take: MAX_API_TOKENS,
    });
  }

  /** The viewer of a valid, unrevoked token, or null. FORBIDDEN when its user is disabled. */
  async validate(token: string): Promise<{ viewer: Viewer } | null> {
    const row = await this.db.apiToken.findUnique({
      where: { tokenHash: hashToken(token) },
      include: { user: { select: credentialUserSelect } },
    });
    if (!row || row.revokedAt) return null;
    const viewer = activeViewer(row.user);
    const now = new Date();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
    }
    return { viewer };
  }

  /** True when the viewer had such an active token. */
  async revoke(userId: string, id: string): Promise<boolean> {
    const { count } = await this.db.apiToken.updateMany({
      where: { id, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count > 0;
  }
}
