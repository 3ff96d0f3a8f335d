import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from './clock.ts';
import type { Database } from './db/schema.ts';
import { ApiError } from './http/errors.ts';

/*
 * One sign-in decision at a time per account, across every server process:
 * the lock check, the password (or code) check, the failure count and the
 * lock it may set are taken together while holding the account's lease, so a
 * burst of requests cannot all pass the lock check before any failure is
 * counted. The lease is a row (`auth_lease`), taken with one conditional
 * upsert, so it works the same on SQLite and PostgreSQL; a row lock held
 * across the check could not be, because better-auth writes the session on
 * its own connection (SQLite has one; a PostgreSQL pool could run dry with
 * every connection waiting on the lock). Within a process, requests for one
 * account queue in memory first, so at most one per process waits on the
 * database. A lease left by a process that died lapses after LEASE_MS.
 */

const LEASE_MS = 30_000;
const WAIT_MS = 20_000;

const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

async function acquire(db: Kysely<Database>, clock: Clock, userId: string, holder: string): Promise<void> {
  // The lease's expiry is on the server's clock; how long this request waits its turn is real time.
  const deadline = Date.now() + WAIT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
    const now = clock.now().getTime();
    const taken = await db
      .insertInto('auth_lease')
      .values({ user_id: userId, holder, expires_at: new Date(now + LEASE_MS).toISOString() })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), expires_at: eb.ref('excluded.expires_at') }))
          .where('auth_lease.expires_at', '<=', new Date(now).toISOString()),
      )
      .returning('holder')
      .executeTakeFirst();
    if (taken) return;
    if (Date.now() > deadline) throw new ApiError(503, 'SIGN_IN_BUSY', 'Another sign-in for this account is being checked; try again in a moment.');
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Runs `fn` holding the account's sign-in lease (waiting its turn); gives it back however `fn` ends. */
export async function withAccountLease<T>(db: Kysely<Database>, clock: Clock, userId: string, fn: () => Promise<T>): Promise<T> {
  let local = queues.get(db);
  if (!local) queues.set(db, (local = new Map()));
  const previous = local.get(userId) ?? Promise.resolve();
  const run = previous.then(async () => {
    const holder = randomUUID();
    await acquire(db, clock, userId, holder);
    try {
      return await fn();
    } finally {
      await db.deleteFrom('auth_lease').where('user_id', '=', userId).where('holder', '=', holder).execute();
    }
  });
  const settled = run.then(
    () => {},
    () => {},
  );
  local.set(userId, settled);
  void settled.then(() => {
    if (local.get(userId) === settled) local.delete(userId);
  });
  return run;
}
