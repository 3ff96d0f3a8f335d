import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import type { DatabaseKind } from '../config.ts';

/**
 * What differs between the two databases, in one place: every handle
 * (`Db.dialect`) and every Kysely handle or transaction (`dialectOf(trx)`)
 * answers it, so no function takes a database `kind` to switch on.
 *
 * SQLite serializes writers (write transactions `begin immediate`,
 * db/database.ts), so its row and advisory locks are no-ops and the same code
 * gives the same answers (db/locks.ts); PostgreSQL runs writers at once, and
 * numbers events and chains audit rows after commit (events/sequencer.ts,
 * audit-outbox.ts).
 */
export interface Dialect {
  readonly kind: DatabaseKind;
  /** The larger of two values: `greatest` on PostgreSQL, the scalar `max` on SQLite. */
  readonly greatest: RawBuilder<unknown>;
  /** The smaller of two values: `least` on PostgreSQL, the scalar `min` on SQLite. */
  readonly least: RawBuilder<unknown>;
  /** `true` as a boolean column stores it where better-auth writes one (booleans on PostgreSQL, 1 on SQLite). */
  readonly true: boolean;
  /** Whether events are numbered and audit rows chained after commit (PostgreSQL), not at insert (SQLite). */
  readonly ordersAfterCommit: boolean;
  /** `FOR UPDATE` where rows are locked (PostgreSQL); the query as it is on SQLite. */
  forUpdate<Q extends { forUpdate(): Q }>(q: Q): Q;
  /** `FOR NO KEY UPDATE` (PostgreSQL): inserts of rows that reference the row are not held up. */
  forNoKeyUpdate<Q extends { forNoKeyUpdate(): Q }>(q: Q): Q;
  /**
   * `FOR KEY SHARE` (PostgreSQL): the row cannot be deleted until the
   * transaction ends, as when a row referencing it is inserted; other readers
   * and updates of its other columns are not held up.
   */
  forKeyShare<Q extends { forKeyShare(): Q }>(q: Q): Q;
  /** Holds the advisory lock `key` until `trx` ends (PostgreSQL; SQLite's write transaction already is exclusive). */
  lockForTransaction(trx: Kysely<any>, key: number): Promise<void>;
  /**
   * Runs `work` holding the advisory lock `key` on one connection (PostgreSQL:
   * several processes starting at once take turns), or just runs it.
   */
  withLock<T>(db: Kysely<any>, key: number, work: () => Promise<T>): Promise<T>;
}

/** The statement that takes a transaction-scoped advisory lock, for code that speaks to PostgreSQL's client directly. */
export const advisoryXactLockSql = (key: number) => `select pg_advisory_xact_lock(${Math.trunc(key)})`;

const postgres: Dialect = {
  kind: 'postgres',
  greatest: sql.raw('greatest'),
  least: sql.raw('least'),
  true: true,
  ordersAfterCommit: true,
  forUpdate: (q) => q.forUpdate(),
  forNoKeyUpdate: (q) => q.forNoKeyUpdate(),
  forKeyShare: (q) => q.forKeyShare(),
  async lockForTransaction(trx, key) {
    await sql.raw(advisoryXactLockSql(key)).execute(trx);
  },
  withLock: (db, key, work) =>
    db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${key})`.execute(conn);
      try {
        return await work();
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn);
      }
    }),
};

const sqlite: Dialect = {
  kind: 'sqlite',
  greatest: sql.raw('max'),
  least: sql.raw('min'),
  true: 1 as unknown as boolean,
  ordersAfterCommit: false,
  forUpdate: (q) => q,
  forNoKeyUpdate: (q) => q,
  forKeyShare: (q) => q,
  lockForTransaction: async () => {},
  withLock: (_db, _key, work) => work(),
};

export const dialects: Record<DatabaseKind, Dialect> = { postgres, sqlite };

/** The dialect a Kysely handle (or a transaction made from one) speaks. */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgres : sqlite;
}
