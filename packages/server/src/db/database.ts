import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
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
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  return { kind: 'sqlite', kysely, close: () => kysely.destroy() };
}

export const now = (): string => new Date().toISOString();
