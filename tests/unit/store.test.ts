// The store's group commit (server/chat/store/writes.ts) on a real database, without a
// server: batching across many rooms, gap-free seqs, and the one-by-one fallback when a
// batch fails. SQLite in a temp dir, and a throwaway PostgreSQL database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, providers, type TestDatabase } from '../support/db.js';
import { migrate } from '../../server/db/migrate.js';
import { createDb, type Db } from '../../server/db/client.js';
import { ChatStore, isUniqueViolation, type Draft } from '../../server/chat/store.js';
import { isMessageEvent } from '../../server/chat/events.js';
import { unusedRoom } from '../../server/chat/store/reads.js';

describe.each(providers)('store on %s', (provider) => {
  let database: TestDatabase;
  let db: Db;
  let sender: { id: string; username: string; role: string };
  const commits: number[] = [];
  let store: ChatStore;

  beforeAll(async () => {
    database = await freshDatabase(provider);
    await migrate(database.url);
    db = await createDb(database.url);
    const user = await db.user.create({ data: { username: 'u', usernameKey: 'u', passwordHash: 'x' } });
    sender = { id: user.id, username: user.username, role: user.role };
    store = new ChatStore(db, provider, { maxBatch: 50, onCommit: (n) => commits.push(n) });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  const draft = (room: string, content: string, clientId: string | null = null): Draft => ({ room, content, clientId, sender });
  /** The next turn of the event loop (the store starts a transaction on the turn after a send). */
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('stores sends made in the same turn of the event loop in one transaction', async () => {
    commits.length = 0;
    const stored = await Promise.all(['s0-a', 's0-b', 's0-a', 's0-c'].map((room, i) => store.store(draft(room, `m${i}`))));
    expect(commits).toEqual([4]);
    expect(stored.map((m) => [m.room, m.seq])).toEqual([['s0-a', 1], ['s0-b', 1], ['s0-a', 2], ['s0-c', 1]]);
  });

  it('stores sends that arrive during a commit together, with gap-free seqs per room in arrival order', async () => {
    // An existing room with history, and rooms nobody has written to yet.
    await store.store(draft('s1-old', 'first'));
    commits.length = 0;
    const first = store.store(draft('s1-old', 'alone'));
    await turn(); // its transaction has started
    const rooms = ['s1-old', 's1-a', 's1-b', 's1-c'];
    const rest = Array.from({ length: 40 }, (_, i) => store.store(draft(rooms[i % rooms.length], `m${i}`)));
    const stored = await Promise.all([first, ...rest]);

    expect(commits).toEqual([1, 40]);
    for (const room of rooms) {
      const mine = stored.filter((m) => m.room === room);
      const base = room === 's1-old' ? 2 : 1; // s1-old had seq 1 before
      expect(mine.map((m) => m.seq)).toEqual(mine.map((_, i) => base + i));
      const row = await db.room.findUniqueOrThrow({ where: { name: room } });
      expect(row.lastSeq).toBe(mine.at(-1)!.seq);
      const inDb = await db.message.findMany({ where: { roomId: row.id }, orderBy: { seq: 'asc' } });
      expect(inDb.map((m) => m.seq)).toEqual(Array.from({ length: row.lastSeq }, (_, i) => i + 1));
      // Every post is a change: versions run with the seqs (no edits here).
      expect(inDb.map((m) => m.version)).toEqual(inDb.map((m) => m.seq));
      expect(row.version).toBe(row.lastSeq);
      expect(mine.map((m) => m.version)).toEqual(mine.map((m) => m.seq));
    }
    // What the store answered is what it stored.
    const m = stored[5];
    expect(await store.since(m.room, m.seq - 1, 1)).toEqual([{ ...m, sender }]);
  });

  it('splits a queue longer than maxBatch into several transactions', async () => {
    await store.store(draft('s2', 'warm'));
    commits.length = 0;
    const first = store.store(draft('s2', 'alone'));
    await turn();
    const rest = Array.from({ length: 120 }, (_, i) => store.store(draft(`s2-${i % 7}`, `m${i}`)));
    await Promise.all([first, ...rest]);
    expect(commits).toEqual([1, 50, 50, 20]);
  });

  it('when a batch fails, stores its messages one by one: only the culprit fails, seqs keep no holes', async () => {
    await store.store(draft('s3', 'warm', 's3-warm'));
    commits.length = 0;
    const first = store.store(draft('s3', 'alone'));
    await turn();
    const batch = [
      store.store(draft('s3', 'a')),
      store.store(draft('s3-new', 'b')),
      store.store(draft('s3', 'retry of warm', 's3-warm')), // (sender, clientId) is taken
      store.store(draft('s3', 'c')),
    ];
    const results = await Promise.allSettled([first, ...batch]);

    expect(commits).toEqual([1, 4, 1, 1, 1, 1]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(isUniqueViolation((results[3] as PromiseRejectedResult).reason)).toBe(true);
    const seqOf = (i: number) => (results[i] as PromiseFulfilledResult<{ seq: number }>).value.seq;
    expect([seqOf(0), seqOf(1), seqOf(4)]).toEqual([2, 3, 4]);
    expect(seqOf(2)).toBe(1);
    expect((await store.room('s3')).lastSeq).toBe(4);
    expect((await store.room('s3-new')).lastSeq).toBe(1);
  });

  it('two stores on their own connections (two processes) writing the same rooms at once keep seqs gap-free', async () => {
    const otherDb = await createDb(database.url);
    try {
      const other = new ChatStore(otherDb, provider);
      const rooms = ['s5-a', 's5-b', 's5-c', 's5-d', 's5-e'];
      // Rooms in opposite orders from the two sides, round after round.
      const rounds = Array.from({ length: 6 }, (_, r) =>
        Promise.all([
          ...rooms.map((room) => store.store(draft(room, `one-${r}`))),
          ...[...rooms].reverse().map((room) => other.store(draft(room, `two-${r}`))),
        ]),
      );
      await Promise.all(rounds);
      for (const room of rooms) {
        const row = await db.room.findUniqueOrThrow({ where: { name: room }, include: { messages: { orderBy: { seq: 'asc' } } } });
        expect(row.lastSeq).toBe(12);
        expect(row.messages.map((m) => m.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      }
    } finally {
      await otherDb.$disconnect();
    }
  });

  it('sends, edits and deletes of one room from two connections at once take versions 1, 2, 3… with no holes', async () => {
    // On SQLite the second side shares the connection: better-sqlite3 waits for a lock
    // synchronously, so two connections in one process would block the very event loop
    // the lock holder needs to commit (two server processes each have their own).
    const otherDb = provider === 'sqlite' ? db : await createDb(database.url);
    try {
      const other = provider === 'sqlite' ? store : new ChatStore(otherDb, provider);
      const firsts = await Promise.all(Array.from({ length: 6 }, (_, i) => store.store(draft('s6', `first-${i}`))));
      const apply = () => 'apply' as const;
      const results = await Promise.all([
        ...firsts.slice(0, 3).map((m, i) => other.edit(m.id, sender, { content: `edited-${i}`, mentions: [] }, apply)),
        ...firsts.slice(3).map((m) => store.delete(m.id, sender, apply)),
        ...Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).store(draft('s6', `later-${i}`))),
      ]);
      const room = await db.room.findUniqueOrThrow({ where: { name: 's6' } });
      expect(room.version).toBe(18);
      expect(room.lastSeq).toBe(12);
      const versions = results.map((r) => ('message' in r ? r.message.version : r.version)).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 12 }, (_, i) => i + 7));
      // Read back: each message once, at its newest change; the edits kept the old contents.
      const events = (await store.eventsSince('s6', 0, 100)).filter(isMessageEvent);
      const count = (kind: string) => events.filter((e) => e.kind === kind).length;
      expect([count('posted'), count('edited'), count('deleted')]).toEqual([6, 3, 3]);
      expect(events.filter((e) => e.kind === 'edited').map((e) => e.message.content).sort()).toEqual(['edited-0', 'edited-1', 'edited-2']);
      expect(events.filter((e) => e.kind === 'deleted').map((e) => e.message.content)).toEqual(['', '', '']);
      expect(events.map((e) => e.version)).toEqual([...events.map((e) => e.version)].sort((a, b) => a - b));
      expect(events).toHaveLength(12);
      expect((await store.edits(firsts[0].id)).map((e) => e.content)).toEqual(['first-0']);
      expect(await store.edits(firsts[3].id)).toEqual([]);
    } finally {
      if (otherDb !== db) await otherDb.$disconnect();
    }
  });

  it('a change the check refuses or finds unchanged takes no version', async () => {
    const m = await store.store(draft('s7', 'hello'));
    const same = await store.edit(m.id, sender, { content: 'hello', mentions: [] }, () => 'unchanged');
    expect(same).toEqual({ message: { ...m, sender }, changed: false });
    await expect(
      store.delete(m.id, sender, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await store.room('s7')).version).toBe(1);
    expect((await store.byId(m.id))?.content).toBe('hello');
  });

  it('a failing database write stores nothing and rejects every send', async () => {
    commits.length = 0;
    const ghost = { id: 'no-such-user', username: 'ghost', role: 'user' }; // breaks the sender foreign key
    const results = await Promise.allSettled([
      store.store({ ...draft('s4', 'x'), sender: ghost }),
      store.store({ ...draft('s4', 'y'), sender: ghost }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(results.some((r) => isUniqueViolation((r as PromiseRejectedResult).reason))).toBe(false);
    expect(await store.room('s4')).toEqual(unusedRoom('s4'));
  });
});
