import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PostgresPool,
  type PostgresPoolClient,
  type QueryResult,
  type RootOperationNode,
  type SqliteDatabase,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseKind } from '../config.ts';
import { dialects, type Dialect } from './dialect.ts';
import type { Database } from './schema.ts';
import { AuditKeyPlugin, AuditKeys } from '../audit-chain.ts';
import { systemClock, type Clock } from '../clock.ts';
import { log } from '../logger.ts';
import { CONNECT_TIMEOUT_MS, unavailableReason } from './unavailable.ts';

/*
 * The data layer. Every state-changing route follows one rule — a decision and
 * the write it guards happen in one transaction holding the lock it depends
 * on — spelled out, with its helpers, in ./locks.ts ("Writes under
 * concurrency"). Read it before adding a resource.
 */

export interface Db {
  /** What differs between SQLite and PostgreSQL (db/dialect.ts). */
  dialect: Dialect;
  kysely: Kysely<Database>;
  /** Turns for a request's write transaction (see `WriteSlots`). */
  writes: WriteSlots;
  /** PostgreSQL's connection pool, for its counts (/metrics); absent on SQLite. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/**
 * How many write transactions of this process may hold a pooled connection at
 * once. On PostgreSQL fewer than the pool's size, so a burst of writes never
 * takes every connection and a read (a session check, a page) still finds one
 * at once; the writes past the limit wait their turn in this process, in
 * order, without holding a connection. On SQLite there is one connection and
 * writers already take turns on it: no limit.
 */
export class WriteSlots {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(readonly size: number) {
    this.#free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The slot passes straight to the next writer waiting, or back to the pool of free ones.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

/** PostgreSQL connections a process opens, and how many of them reads always keep. */
export const POOL_SIZE = 10;
export const READ_RESERVE = 3;

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

/**
 * The hot reads' SQL (db/compiled.ts), each with a statement name: on
 * PostgreSQL they run as named prepared statements, parsed and planned once
 * per connection instead of on every request.
 */
export const namedStatements = new Map<string, string>();

/** Hands Kysely pooled clients whose `query` runs the SQL in `namedStatements` by name. */
function preparingPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        wrapper = {
          query: ((sql: unknown, parameters?: unknown[]) => {
            const name = typeof sql === 'string' ? namedStatements.get(sql) : undefined;
            if (!name) return (client.query as (...a: unknown[]) => unknown)(sql, parameters);
            return client.query({ name, text: sql as string, values: parameters }).catch((err: { code?: string }) => {
              // A schema change under a running process ("cached plan must not change result type"): run it unprepared.
              if (err.code !== '0A000') throw err;
              return client.query(sql as string, parameters);
            });
          }) as unknown as PostgresPoolClient['query'],
          release: () => client.release(),
        };
        wrapped.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/** Carries the server's clock on a handle and every transaction made from it (changes no query). */
class ClockPlugin implements KyselyPlugin {
  constructor(readonly clock: Clock) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The clock a handle (or a transaction made from it) was opened with: the server's `services.clock`. */
export function clockOf(db: Kysely<any>): Clock {
  const plugin = db.getExecutor().plugins.find((p): p is ClockPlugin => p instanceof ClockPlugin);
  return plugin?.clock ?? systemClock;
}

/**
 * Opens the database. With `auditKey` (config.audit.key) the handle, and every
 * transaction made from it, signs the audit rows it appends; every timestamp
 * it stores (`now(trx)`) is read from `clock` (the server's one clock: tests
 * pass a ManualClock).
 */
export function openDatabase(database: { kind: DatabaseKind; url: string }, auditKey?: string, clock: Clock = systemClock): Db {
  const plugins: KyselyPlugin[] = [new ClockPlugin(clock), ...(auditKey ? [new AuditKeyPlugin(new AuditKeys(auditKey))] : [])];
  if (database.kind === 'postgres') {
    // A request waits at most CONNECT_TIMEOUT_MS for a connection (then it is answered 503, db/unavailable.ts).
    const pool = new pg.Pool({ connectionString: database.url, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // A client that loses its server (PostgreSQL restarting) must not crash the process: the pool
    // listens on idle ones, and every client gets a listener of its own for while it is checked
    // out (pg-pool then removes its own, and an 'error' event nobody hears is an uncaught exception).
    // The query it was running fails by itself, and the pool drops the client when it comes back.
    pool.on('error', () => {}); // (logged by the client's own listener, below)
    pool.on('connect', (client) => client.on('error', (err) => log.warn({ reason: unavailableReason(err) }, '[db] a PostgreSQL connection was lost')));
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }), plugins });
    return { dialect: dialects.postgres, kysely, writes: new WriteSlots(POOL_SIZE - READ_RESERVE), pool, close: () => kysely.destroy() };
  }
  mkdirSync(path.dirname(database.url), { recursive: true });
  const sqlite = new SQLite(database.url);
  // Waiting for another process's lock comes first: switching a new file to WAL takes a lock, and two
  // processes opening one new file at once would otherwise fail at once with "database is locked".
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  const statements = keepingStatements(sqlite);
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: statements }), plugins });
  directReads.set(kysely, (sql, parameters) => (sqlite.inTransaction ? null : (statements.prepare(sql).all(parameters as unknown[]) as never)));
  return { dialect: dialects.sqlite, kysely, writes: new WriteSlots(Infinity), close: () => kysely.destroy() };
}

/** The time to store, as ISO text in UTC, from the handle's clock (`clockOf`): one clock for every timestamp. */
export const now = (db: Kysely<any>): string => clockOf(db).now().toISOString();
