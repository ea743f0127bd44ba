// Transactions of raw SQL sent straight to the Prisma driver adapter the client uses (the
// same connection — on SQLite the same single connection and the same transaction lock —
// so they serialise with the client's own transactions exactly as Prisma's do).
//
// Why: the send path's group commit is a handful of raw statements per batch. Sent
// through the client ($transaction + $queryRaw), each statement went through Prisma's
// query interpreter, tracing and result mapping: profiled at 200 messages/s across 200
// rooms, the client's runtime took 21% of the server's main thread — more than SQLite
// itself (13%). Statements are still written with Prisma.sql (one placeholder style per
// provider, values bound, never spliced into the text).
import type { ArgType, SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import type { Prisma } from './generated/sqlite/client.js';
import type { Provider } from './url.js';

export interface RawTx {
  /** Rows as objects, by column name. */
  query<T>(sql: Prisma.Sql): Promise<T[]>;
  /** Number of rows changed. */
  execute(sql: Prisma.Sql): Promise<number>;
}

const scalar = (scalarType: ArgType['scalarType']): ArgType => ({ scalarType, arity: 'scalar' });
const ARG = {
  string: scalar('string'),
  int: scalar('int'),
  float: scalar('float'),
  bigint: scalar('bigint'),
  boolean: scalar('boolean'),
  datetime: scalar('datetime'),
  bytes: scalar('bytes'),
  unknown: scalar('unknown'),
};

/** The type the adapters convert a value by (a Date becomes the provider's DateTime text, as Prisma writes it). */
function argType(value: unknown): ArgType {
  switch (typeof value) {
    case 'string':
      return ARG.string;
    case 'number':
      return Number.isInteger(value) ? ARG.int : ARG.float;
    case 'bigint':
      return ARG.bigint;
    case 'boolean':
      return ARG.boolean;
    default:
      if (value instanceof Date) return ARG.datetime;
      if (value instanceof Uint8Array) return ARG.bytes;
      return ARG.unknown;
  }
}

const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });
const COMMIT = statement('COMMIT');
const ROLLBACK = statement('ROLLBACK');

export class RawSql {
  constructor(
    private readonly adapter: () => Promise<SqlDriverAdapter>,
    private readonly provider: Provider,
  ) {}

  private toQuery(sql: Prisma.Sql): SqlQuery {
    const args = sql.values;
    return { sql: this.provider === 'postgresql' ? sql.text : sql.sql, args, argTypes: args.map(argType) };
  }

  /** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
  async transaction<T>(work: (tx: RawTx) => Promise<T>): Promise<T> {
    const tx = await (await this.adapter()).startTransaction();
    const raw: RawTx = {
      query: async <R>(sql: Prisma.Sql) => {
        const { columnNames, rows } = await tx.queryRaw(this.toQuery(sql));
        return rows.map((row) => Object.fromEntries(columnNames.map((name, i) => [name, row[i]])) as R);
      },
      execute: (sql) => tx.executeRaw(this.toQuery(sql)),
    };
    let result: T;
    try {
      result = await work(raw);
      await tx.executeRaw(COMMIT);
    } catch (err) {
      await rollback(tx);
      throw err;
    }
    await tx.commit();
    return result;
  }
}

/** Rolls back and lets the connection go; a failed rollback leaves the first error as the one reported. */
async function rollback(tx: Transaction) {
  try {
    await tx.executeRaw(ROLLBACK);
  } catch {
    // The connection is gone or the transaction already ended: nothing more to undo.
  } finally {
    await tx.rollback().catch(() => {});
  }
}
