import type { Insertable, Kysely } from 'kysely';
import { dialectOf } from './dialect.ts';
import type { Database } from './schema.ts';

/**
 * Writes under concurrency — the one rule for every state-changing route:
 *
 *   A decision and the write it guards happen in ONE transaction that holds
 *   the lock the decision depends on.
 *
 * - Lock the row the invariant lives on before reading what you decide on
 *   (`lockCommunity` for memberships and owners, `lockUser` for a user's own
 *   lists, `forUpdate` on a topic before its counters or answer). Read again
 *   after the lock: at PostgreSQL's READ COMMITTED each statement sees what
 *   committed before it, so a read made before the lock may be stale.
 * - Change state with conditional updates (`… where deleted_at is null`,
 *   `… where state = 'pending'`, `… where done = 0`) and count what changed:
 *   adjust counters, emit events and grant rights only when a row changed.
 * - Idempotency and uniqueness through the database: `insert … on conflict do
 *   nothing` on the unique index, then read the original row back and answer
 *   as the first request did (a retry is never a 5xx).
 * - Upserts, never delete-then-insert of rows another request may write too.
 *
 * SQLite serializes writers (transactions `begin immediate`, db/database.ts),
 * so there the locks are no-ops and the same code gives the same answers;
 * `FOR UPDATE` is PostgreSQL's alone and is only added there (`dialectOf(trx)
 * .forUpdate(query)`, db/dialect.ts). The concurrency
 * suite (test/concurrency.test.ts) fires every state-changing route at once
 * from two processes and checks the invariants in the database.
 */
/**
 * Locks communities (their rows) until the transaction ends: every decision
 * about who belongs to one, and in which role, holds this lock. Several are
 * locked in id order, so two transactions never wait on each other in a cycle.
 * `FOR NO KEY UPDATE`: inserts of rows that reference the community (posts,
 * topics) take `FOR KEY SHARE` and are not held up by it.
 */
export async function lockCommunities(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  const dialect = dialectOf(db);
  if (dialect.kind !== 'postgres' || ids.length === 0) return;
  await dialect.forNoKeyUpdate(db.selectFrom('community').select('id').where('id', 'in', [...ids]).orderBy('id')).execute();
}

/** Locks one user's row until the transaction ends: guards lists that are the user's own (favourites, requests). */
export async function lockUser(db: Kysely<Database>, userId: string): Promise<void> {
  const dialect = dialectOf(db);
  if (dialect.kind !== 'postgres') return;
  await dialect.forNoKeyUpdate(db.selectFrom('user').select('id').where('id', '=', userId)).execute();
}

/** What a row written with the client's id (`clientId`) is given besides: those fields are filled in here. */
type ClientWritten<T extends 'post' | 'topic' | 'reply'> = Omit<Insertable<Database[T]>, 'client_id' | 'edited_at' | 'deleted_at' | 'created_at'>;

/**
 * Inserts a post, topic or reply, new (not edited or deleted) at `at`, once
 * per author and `clientId`: the same clientId sent at once inserts one row
 * (the unique (author_id, client_id) index decides), and every other request
 * gets `false` and answers with that row.
 */
export async function insertOncePerClientId<T extends 'post' | 'topic' | 'reply'>(
  db: Kysely<Database>,
  table: T,
  row: ClientWritten<T>,
  clientId: string | undefined,
  at: string,
): Promise<boolean> {
  const inserted = await db
    .insertInto(table)
    .values({ ...row, client_id: clientId ?? null, edited_at: null, deleted_at: null, created_at: at } as never)
    .onConflict((oc) => oc.columns(['author_id', 'client_id'] as never).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows) > 0;
}
