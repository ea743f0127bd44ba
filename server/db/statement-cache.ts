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
// run()/all(), where the adapter turns it into its DriverAdapterError.
import type { Database, Statement } from 'better-sqlite3';

/** Distinct statements kept (the group commit's text varies with the batch's shape). */
export const STATEMENT_CACHE_SIZE = 500;

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
  get() {
    return this.stmt.get(this.args);
  }
}

/** Replaces `db.prepare` with one that reuses statements by SQL text (least recently used go first). */
export function cacheStatements(db: Database, size = STATEMENT_CACHE_SIZE): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Statement<Args>>();
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql); // re-inserted below: the Map's order is recency
    } else {
      stmt = prepare(sql) as Statement<Args>;
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, stmt);
    return new BoundStatement(stmt) as unknown as Statement;
  }) as Database['prepare'];
}
