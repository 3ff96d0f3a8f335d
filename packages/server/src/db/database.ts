import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseKind } from '../config.ts';
import type { Database } from './schema.ts';

export interface Db {
  kind: DatabaseKind;
  kysely: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * SQLite transactions begin IMMEDIATE: they take the write lock at the start.
 * A deferred transaction that reads, then writes after another process
 * committed, fails at once with SQLITE_BUSY_SNAPSHOT whatever the busy
 * timeout; an immediate one waits its turn (busy_timeout) instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * better-sqlite3 with its statements kept: Kysely's SQLite driver prepares
 * every query again, which cost more than running it on the feed's read path.
 * A statement is reusable once it has run (the driver never streams), and
 * SQLite re-prepares one itself when the schema changes. Least recently used
 * statements are dropped past `size`.
 */
export function keepingStatements(sqlite: SQLite.Database, size = 500): SqliteDatabase & { prepare(sql: string): SQLite.Statement } {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SQLite.Statement {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

/**
 * A read that may skip Kysely's connection queue: on SQLite, when no
 * transaction is open on the one connection, a statement can run at once
 * (better-sqlite3 is synchronous, so nothing can interleave with it).
 * Returns null when a transaction is open: then the read must queue.
 */
export type DirectRead = <Row>(sql: string, parameters: readonly unknown[]) => Row[] | null;
export const directReads = new WeakMap<Kysely<Database>, DirectRead>();

export function openDatabase(database: { kind: DatabaseKind; url: string }): Db {
  if (database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: 10 });
    // An idle client that loses its server must not crash the process.
    pool.on('error', (err) => console.error('[db] idle PostgreSQL client error:', err.message));
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kind: 'postgres', kysely, close: () => kysely.destroy() };
  }
  mkdirSync(path.dirname(database.url), { recursive: true });
  const sqlite = new SQLite(database.url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const statements = keepingStatements(sqlite);
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: statements }) });
  directReads.set(kysely, (sql, parameters) => (sqlite.inTransaction ? null : (statements.prepare(sql).all(parameters as unknown[]) as never)));
  return { kind: 'sqlite', kysely, close: () => kysely.destroy() };
}

export const now = (): string => new Date().toISOString();
