import { AsyncLocalStorage } from 'node:async_hooks';
import { CompiledQuery, type Kysely } from 'kysely';
import { advisoryXactLockSql, dialectOf } from './db/dialect.ts';
import { auditKeysOf, GENESIS, type AuditKeys } from './audit-chain.ts';
import type { AuditLogTable, Database } from './db/schema.ts';

/*
 * The audit outbox (PostgreSQL). A request's transaction inserts its audit
 * entry into `audit_outbox`, unchained, with the change it records: the
 * change never lands without its entry, and no writer waits for another. A
 * chain round then moves the outbox's entries, in order, into the
 * hash-chained `audit_log`: it takes the audit lock (only chain rounds take
 * it, so rounds run one at a time and the chain stays total), links each
 * entry to the row before it with the keyed hash, inserts them and deletes
 * them from the outbox in one short transaction.
 *
 * Rounds run in the writing process right after its request commits (the
 * request answers once its entries are chained, so whoever reads the log
 * next sees them), on a one-second timer in every process (for entries whose
 * process stopped first), and before anything reads the log's head:
 * checkpoints, GET /api/v1/audit. SQLite has one writer at a time and chains
 * each entry in its own transaction, as before.
 */

export const AUDIT_LOCK_KEY = 0x4a43_4155; // "JCAU"
export const CHAIN_BATCH = 500;

/** One statement on one connection: its rows. */
export type Run = (text: string, values?: readonly unknown[]) => Promise<Record<string, any>[]>;

type Hashed = Pick<AuditLogTable, 'at' | 'actor_id' | 'actor_agency_id' | 'action' | 'target' | 'outcome' | 'ip' | 'user_agent' | 'details' | 'prev_hash'>;
const COLUMNS = ['at', 'actor_id', 'actor_agency_id', 'action', 'target', 'outcome', 'ip', 'user_agent', 'details', 'prev_hash', 'hash'] as const;

/** Chains up to CHAIN_BATCH outbox entries, oldest first, in one transaction on `run`'s connection; how many. */
export async function chainRound(run: Run, keys: AuditKeys): Promise<number> {
  await run('begin');
  try {
    await run(advisoryXactLockSql(AUDIT_LOCK_KEY));
    const pending = await run(`select id, ${COLUMNS.slice(0, 9).join(', ')} from audit_outbox order by id limit ${CHAIN_BATCH}`);
    if (pending.length === 0) {
      await run('commit');
      return 0;
    }
    const [head] = await run('select hash from audit_log order by seq desc limit 1');
    let prev: string = head?.hash ?? GENESIS;
    const columns: (string | null)[][] = COLUMNS.map(() => []);
    for (const p of pending) {
      const row: Hashed = { at: p.at, actor_id: p.actor_id, actor_agency_id: p.actor_agency_id, action: p.action, target: p.target, outcome: p.outcome, ip: p.ip, user_agent: p.user_agent, details: p.details, prev_hash: prev };
      const hash = keys.rowHash(row);
      COLUMNS.forEach((name, i) => columns[i]!.push(name === 'hash' ? hash : row[name]));
      prev = hash;
    }
    // One insert in the entries' order: seq (bigserial) is drawn row by row as they come out of the ordered select.
    const arrays = COLUMNS.map((_, i) => `$${i + 1}::text[]`).join(', ');
    await run(
      `insert into audit_log (${COLUMNS.join(', ')}) select ${COLUMNS.join(', ')} from unnest(${arrays}) with ordinality as r(${COLUMNS.join(', ')}, ord) order by ord`,
      columns,
    );
    await run('delete from audit_outbox where id = any($1::bigint[])', [pending.map((p) => String(p.id))]);
    await run('commit');
    return pending.length;
  } catch (err) {
    await run('rollback').catch(() => {});
    throw err;
  }
}

/** Chains every entry in the outbox on one of `db`'s connections (a handle with the audit key); how many. */
export async function chainPending(db: Kysely<Database>): Promise<number> {
  const keys = auditKeysOf(db);
  if (!keys) throw new Error('[audit] this database handle has no audit key: open it with openDatabase(config.database, config.audit.key)');
  return db.connection().execute(async (conn) => {
    const run: Run = async (text, values = []) => (await conn.executeQuery(CompiledQuery.raw(text, [...values]))).rows as Record<string, any>[];
    let total = 0;
    for (;;) {
      const n = await chainRound(run, keys);
      total += n;
      if (n < CHAIN_BATCH) return total;
    }
  });
}

/** What numbers events and chains audit entries for one server process (events/write-order.ts). */
export interface WriteSettler {
  /** Resolves once every event and audit entry committed before the call is numbered and chained. */
  settle(): Promise<void>;
}

const settlers = new WeakMap<AuditKeys, WriteSettler>();

/** Makes `settler` the one `settleWrites(db)` uses for this handle (and its transactions). */
export function registerSettler(db: Kysely<Database>, settler: WriteSettler | null): void {
  const keys = auditKeysOf(db);
  if (!keys) return;
  if (settler) settlers.set(keys, settler);
  else settlers.delete(keys);
}

/**
 * Waits until everything committed so far is numbered and chained (PostgreSQL;
 * nothing to wait for on SQLite). Through the process's settler when it runs
 * one, else (a script's own handle) by chaining here.
 */
export async function settleWrites(db: Kysely<Database>): Promise<void> {
  if (!dialectOf(db).ordersAfterCommit) return;
  const keys = auditKeysOf(db);
  const settler = keys ? settlers.get(keys) : undefined;
  if (settler) return settler.settle();
  if (keys) await chainPending(db);
}

/** A request's scope: whether it left an event to number or an audit entry to chain. */
const scope = new AsyncLocalStorage<{ pending: boolean }>();

/** Runs `work` as one request: `settleWrites` is owed at its end when `pendingAfter` says so. */
export function inWriteScope<T>(work: () => Promise<T>): { result: Promise<T>; pending: () => boolean } {
  const state = { pending: false };
  return { result: scope.run(state, work), pending: () => state.pending };
}

/** Notes that this request left an event or audit entry for the sequencer; false outside a request. */
export function noteOrderedWrite(): boolean {
  const state = scope.getStore();
  if (!state) return false;
  state.pending = true;
  return true;
}
