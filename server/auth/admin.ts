// What admins do to accounts, and the moderation log: list and search users, set a user's
// role, disable or enable a user. Every change is written with its moderation-log entry in
// one transaction, then told to every server process (account-events.ts) so a disabled
// user's open connections end at once; disabling also deletes the user's sessions.
//
// The last admin: a change that would leave no enabled admin (demoting or disabling the
// only one, usually oneself) is refused with CONFLICT. The check runs in a serializable
// transaction, so two admins demoting each other at once cannot both succeed.
import { AppError, badInput } from '../errors.js';
import type { Db } from '../db/client.js';
import type { AccountEvents } from './account-events.js';
import type { Viewer } from './sessions.js';
import { legacyUsernameKey, usernameKey } from './usernames.js';

const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type ModerationActionKind = 'deleteMessage' | 'disableUser' | 'enableUser' | 'setRole';

const accountSelect = { id: true, username: true, role: true, disabledAt: true, createdAt: true } as const;

export interface Account {
  id: string;
  username: string;
  role: string;
  disabledAt: Date | null;
  createdAt: Date;
}

export interface ModerationEntry {
  id: string;
  action: string;
  actor: { id: string; username: string; role: string } | null;
  targetUser: { id: string; username: string; role: string } | null;
  messageId: string | null;
  room: string | null;
  detail: string | null;
  createdAt: Date;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

const MAX_PAGE = 100;
const userRef = { select: { id: true, username: true, role: true } } as const;

/** Who acts: an admin (GraphQL) or null for the command line. */
export type Actor = Viewer | null;

export function requireAdmin(viewer: Viewer | null | undefined): Viewer {
  if (!viewer) throw new AppError('UNAUTHENTICATED', 'Sign in to do this.');
  if (viewer.role !== 'admin') throw new AppError('FORBIDDEN', 'Only admins may do this.');
  return viewer;
}

const pageSize = (first: number | null | undefined, fallback: number) => {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) throw badInput(`\`first\` must be between 0 and ${MAX_PAGE}.`, { field: 'first' });
  return n;
};

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decode<T>(cursor: string, valid: (v: unknown) => v is T): T {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (valid(value)) return value;
  } catch {}
  throw badInput('`after` is not a cursor of this connection.', { field: 'after' });
}

const isActiveAdmin = (u: { role: string; disabledAt: Date | null }) => u.role === 'admin' && !u.disabledAt;

export class Admin {
  constructor(
    private readonly db: Db,
    private readonly events: AccountEvents,
  ) {}

  /** Users by username key (case and look-alikes ignored), optionally those whose name contains `query`. */
  async users(args: { first?: number | null; after?: string | null; query?: string | null }): Promise<Page<Account> & { cursorOf(a: Account): string }> {
    const first = pageSize(args.first, 50);
    const after = args.after ? decode(args.after, (v): v is string => typeof v === 'string') : undefined;
    const q = args.query?.trim() ?? '';
    if (q.length > 64) throw badInput('`query` has at most 64 characters.', { field: 'query' });
    // The same key as uniqueness (usernames.ts), so "ALICE" finds "alice"; rows still on the
    // older key are found by that one.
    const keys = q ? [...new Set([usernameKey(q), legacyUsernameKey(q)])] : [];
    // SQL LIKE (Prisma's `contains`) reads "_" (allowed in names) as "any character", so
    // its rows are a superset, filtered here; "%" and a backslash cannot be in a name at all.
    if (/[%\\]/.test(q)) return { items: [], hasNextPage: false, cursorOf: () => '' };
    const matches = (key: string) => keys.length === 0 || keys.some((k) => key.includes(k));
    const rows: (Account & { usernameKey: string })[] = [];
    let from = after;
    for (;;) {
      const batch = await this.db.user.findMany({
        select: { ...accountSelect, usernameKey: true },
        where: {
          ...(keys.length ? { OR: keys.map((k) => ({ usernameKey: { contains: k } })) } : {}),
          ...(from !== undefined ? { usernameKey: { gt: from } } : {}),
        },
        orderBy: { usernameKey: 'asc' },
        take: first + 1,
      });
      rows.push(...batch.filter((r) => matches(r.usernameKey)));
      if (rows.length > first || batch.length <= first) break;
      from = batch[batch.length - 1].usernameKey;
    }
    const keyOf = new Map(rows.map((r) => [r.id, r.usernameKey]));
    return {
      items: rows.slice(0, first).map(({ usernameKey: _key, ...account }) => account),
      hasNextPage: rows.length > first,
      cursorOf: (a) => encode(keyOf.get(a.id)),
    };
  }

  async user(id: string): Promise<Account> {
    const user = await this.db.user.findUnique({ where: { id }, select: accountSelect });
    if (!user) throw new AppError('NOT_FOUND', 'No such user.');
    return user;
  }

  setRole(actor: Actor, id: string, role: Role): Promise<Account> {
    if (!ROLES.includes(role)) throw badInput(`A role is one of ${ROLES.join(', ')}.`, { field: 'role' });
    return this.change(actor, id, { role }, 'setRole', role);
  }

  setDisabled(actor: Actor, id: string, disabled: boolean): Promise<Account> {
    return disabled
      ? this.change(actor, id, { disabledAt: new Date() }, 'disableUser')
      : this.change(actor, id, { disabledAt: null }, 'enableUser');
  }

  /** The moderation log, newest first. */
  async log(args: { first?: number | null; after?: string | null }): Promise<Page<ModerationEntry> & { cursorOf(e: ModerationEntry): string }> {
    const first = pageSize(args.first, 50);
    const after = args.after
      ? decode(args.after, (v): v is [string, string] => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string') && !Number.isNaN(Date.parse(v[0])))
      : undefined;
    const rows = await this.db.moderationAction.findMany({
      where: after
        ? { OR: [{ createdAt: { lt: new Date(after[0]) } }, { createdAt: new Date(after[0]), id: { lt: after[1] } }] }
        : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
      include: { actor: userRef, targetUser: userRef },
    });
    return {
      items: rows.slice(0, first).map((r) => ({
        id: r.id,
        action: r.action,
        actor: r.actor,
        targetUser: r.targetUser,
        messageId: r.messageId,
        room: r.room,
        detail: r.detail,
        createdAt: r.createdAt,
      })),
      hasNextPage: rows.length > first,
      cursorOf: (e) => encode([e.createdAt.toISOString(), e.id]),
    };
  }

  private async change(
    actor: Actor,
    id: string,
    data: { role?: string; disabledAt?: Date | null },
    action: ModerationActionKind,
    detail?: string,
  ): Promise<Account> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { user, changed } = await this.db.$transaction(
          async (tx) => {
            const before = await tx.user.findUnique({ where: { id }, select: accountSelect });
            if (!before) throw new AppError('NOT_FOUND', 'No such user.');
            const same = data.role !== undefined ? before.role === data.role : !before.disabledAt === !data.disabledAt;
            if (same) return { user: before, changed: false }; // nothing to do, nothing to log
            const user = await tx.user.update({ where: { id }, data, select: accountSelect });
            if (isActiveAdmin(before) && !isActiveAdmin(user)) {
              const admins = await tx.user.count({ where: { role: 'admin', disabledAt: null } });
              if (admins === 0) {
                throw new AppError('CONFLICT', `${before.username} is the last admin: make someone else an admin first.`);
              }
            }
            if (data.disabledAt) await tx.session.deleteMany({ where: { userId: id } });
            await tx.moderationAction.create({ data: { actorId: actor?.id ?? null, action, targetUserId: id, detail } });
            return { user, changed: true };
          },
          { isolationLevel: 'Serializable' },
        );
        if (changed) await this.events.publish({ userId: user.id, disabled: !!user.disabledAt, role: user.role });
        return user;
      } catch (err) {
        // Serialization failure or deadlock (PostgreSQL): a concurrent change touched the same rows.
        if (isConcurrentUpdateFailure(err) && attempt < 5) continue;
        throw err;
      }
    }
  }
}

/**
 * Whether a transaction lost to a concurrent one and may simply run again. Prisma reports
 * it as P2034, but through a driver adapter the database's own code (40001 serialization
 * failure, 40P01 deadlock) can arrive instead, as the error's cause or in its message.
 */
function isConcurrentUpdateFailure(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; meta?: { code?: unknown }; cause?: { code?: unknown; originalCode?: unknown; kind?: unknown } };
  if (e?.cause?.kind === 'TransactionWriteConflict') return true; // a driver adapter's own error (e.g. at COMMIT)
  const codes = [e?.code, e?.meta?.code, e?.cause?.code, e?.cause?.originalCode];
  if (codes.some((c) => c === 'P2034' || c === '40001' || c === '40P01')) return true;
  return typeof e?.message === 'string' && /could not serialize access|deadlock detected|write conflict/i.test(e.message);
}
