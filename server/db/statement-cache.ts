// Prepared statements kept per SQL text on the server's SQLite connection.
//
// Prisma's better-sqlite3 adapter prepares every statement it runs anew
// (`client.prepare(sql).bind(args)`): profiled at 600 msg/s over 200 rooms, preparing
// took 6% of the main thread, more than a third of what running the statements did. A
// better-sqlite3 statement can be run any number of times, but bind() fixes its
// parameters for good; so the connection's prepare() is given a cache that hands the
// adapter, for each call, a small view of the cached statement whose bind() only records
// the arguments, and which passes them to run()/all() (better-sqlite3 takes an array as
// the positional parameters). Errors are the same: a statement that fails to prepare is
// not cached and throws from prepare() as before; one that fails to run throws from
// run()/all(), where the adapter turns it into its DriverAdapterError. The cache is
// bounded by the length of the SQL it holds (see CACHED_SQL_CHARS).
import type { Database, Statement } from 'better-sqlite3';

/**
 * How much SQL text the cache holds, in characters. A prepared statement's memory grows
 * with its text (measured: about 90 KB for a 108-row INSERT of 2,000 characters; 500
 * group-commit INSERTs of 1 to 500 rows held 92 MB), so the bound is on the text, not on
 * the number of statements: 64 K characters is a few MB at most.
 */
export const CACHED_SQL_CHARS = 64 * 1024;
/**
 * Longer statements are prepared each time, as before: they are the group commit's big
 * batches, where preparing is shared by many messages, and they would crowd out the rest.
 */
export const MAX_CACHED_STATEMENT_CHARS = 4096;

type Args = unknown[];

/** What the adapter uses of a prepared statement. */
class BoundStatement {
  private args: Args = [];
  constructor(private readonly stmt: Statement<Args>) {}
  get reader() {
    return this.stmt.reader;
  }
  bind(args: Args) {
    this.args = args;
    return this;
  }
  run() {
    return this.stmt.run(this.args);
  }
  columns() {
    return this.stmt.columns();
  }
  raw(on = true) {
    this.stmt.raw(on);
    return this;
  }
  all() {
    return this.stmt.all(this.args);
  }
}

/**
 * Replaces `db.prepare` with one that reuses statements by SQL text, least recently used
 * going first once their text passes `budget` characters. Returns the cache's counters.
 */
export function cacheStatements(db: Database, budget = CACHED_SQL_CHARS, maxLength = MAX_CACHED_STATEMENT_CHARS) {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Statement<Args>>(); // in order of use, least recent first
  const stats = { hits: 0, misses: 0, chars: 0, statements: () => cache.size };
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (stmt) {
      stats.hits++;
      cache.delete(sql); // set again below: the most recently used
    } else {
      stats.misses++;
      stmt = prepare(sql) as Statement<Args>;
      if (sql.length > maxLength) return new BoundStatement(stmt) as unknown as Statement;
      stats.chars += sql.length;
      for (const [old] of cache) {
        if (stats.chars <= budget) break;
        cache.delete(old);
        stats.chars -= old.length;
      }
    }
    cache.set(sql, stmt);
    return new BoundStatement(stmt) as unknown as Statement;
  }) as Database['prepare'];
  return stats;
}
