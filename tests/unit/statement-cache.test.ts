// The SQLite statement cache (server/db/statement-cache.ts) on a real better-sqlite3
// database, and under Prisma's real adapter: statements are prepared once per SQL text
// and give the same results as fresh ones with other arguments; a statement that fails to
// prepare or to run fails as before (a unique violation is still the adapter's
// UniqueConstraintViolation); the cache's memory is bounded by the SQL text it holds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheStatements } from '../../server/db/statement-cache.js';
import { isUniqueViolation } from '../../server/chat/store/writes.js';

const table = (db: Database.Database) => db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)');

describe('the statement cache on better-sqlite3', () => {
  it('prepares each SQL text once and runs it with each call’s arguments', () => {
    const db = new Database(':memory:');
    table(db);
    const stats = cacheStatements(db);
    for (let i = 1; i <= 5; i++) db.prepare('INSERT INTO t (id, name) VALUES (?, ?)').bind([i, `n${i}`]).run();
    const read = (id: number) => db.prepare('SELECT name FROM t WHERE id = ?').bind([id]).raw().all();
    expect(read(2)).toEqual([['n2']]);
    expect(read(5)).toEqual([['n5']]);
    expect(read(9)).toEqual([]);
    expect(stats).toMatchObject({ misses: 2, hits: 6 });
    expect(stats.statements()).toBe(2);
  });

  it('a statement that fails to prepare throws as before and is not kept; one that fails to run throws from run()', () => {
    const db = new Database(':memory:');
    table(db);
    const stats = cacheStatements(db);
    expect(() => db.prepare('SELEC nonsense')).toThrow(/syntax error/);
    expect(() => db.prepare('SELEC nonsense')).toThrow(/syntax error/);
    expect(stats.statements()).toBe(0);
    db.prepare('INSERT INTO t (id, name) VALUES (?, ?)').bind([1, 'same']).run();
    expect(() => db.prepare('INSERT INTO t (id, name) VALUES (?, ?)').bind([2, 'same']).run()).toThrow(/UNIQUE constraint failed/);
    // The statement is still usable after its failure.
    expect(db.prepare('INSERT INTO t (id, name) VALUES (?, ?)').bind([3, 'other']).run().changes).toBe(1);
  });

  it('holds at most its budget of SQL text, the least recently used going first; long statements are not kept', () => {
    const db = new Database(':memory:');
    table(db);
    const stats = cacheStatements(db, 200, 100);
    const sql = (i: number) => `SELECT id FROM t WHERE id = ? /* ${String(i).padStart(40, '0')} */`; // 76 characters
    for (let i = 0; i < 10; i++) db.prepare(sql(i)).bind([i]).raw().all();
    expect(stats.chars).toBeLessThanOrEqual(200);
    expect(stats.statements()).toBe(Math.floor(200 / sql(0).length)); // 2
    db.prepare(sql(9)).bind([9]).raw().all(); // the newest is still there
    expect(stats.hits).toBe(1);
    db.prepare(sql(0)).bind([0]).raw().all(); // the oldest is not
    expect(stats.misses).toBe(11);
    const long = `SELECT id FROM t WHERE id = ? /* ${'x'.repeat(100)} */`;
    db.prepare(long).bind([1]).raw().all();
    db.prepare(long).bind([1]).raw().all();
    expect(stats.misses).toBe(13);
    expect(stats.chars).toBeLessThanOrEqual(200);
  });
});

describe("the statement cache under Prisma's better-sqlite3 adapter", () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('queries and transactions give the same answers, and a unique violation is still UniqueConstraintViolation', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stmt-cache-'));
    const adapter = await new PrismaBetterSqlite3({ url: `file:${join(dir, 'c.db')}` }).connect();
    const stats = cacheStatements((adapter as unknown as { client: Database.Database }).client);
    await adapter.executeScript('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)');
    const insert = (id: number, name: string) =>
      adapter.executeRaw({ sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [id, name], argTypes: [{ scalarType: 'int', arity: 'scalar' }, { scalarType: 'string', arity: 'scalar' }] });
    const select = (id: number) =>
      adapter.queryRaw({ sql: 'SELECT id, name FROM t WHERE id >= ? ORDER BY id', args: [id], argTypes: [{ scalarType: 'int', arity: 'scalar' }] });

    const tx = await adapter.startTransaction();
    for (let i = 1; i <= 3; i++) await tx.executeRaw({ sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [i, `n${i}`], argTypes: [{ scalarType: 'int', arity: 'scalar' }, { scalarType: 'string', arity: 'scalar' }] });
    await tx.executeRaw({ sql: 'COMMIT', args: [], argTypes: [] });
    await tx.commit();
    expect(await insert(4, 'n4')).toBe(1);

    const all = await select(2);
    expect(all.columnNames).toEqual(['id', 'name']);
    expect(all.rows.map((r) => r[1])).toEqual(['n2', 'n3', 'n4']);
    expect((await select(4)).rows.map((r) => r[1])).toEqual(['n4']);

    const refused = await insert(5, 'n1').catch((e: unknown) => e);
    expect(isUniqueViolation(refused)).toBe(true);
    expect(stats.hits).toBeGreaterThan(3);
    await adapter.dispose();
  });
});
