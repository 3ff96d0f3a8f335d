import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { dialectOf } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';

/*
 * The per-user limit on open live-event streams, counted in the database so
 * it holds across every server process: each open stream is a `live_stream`
 * row, reserved in one transaction (the count and the insert under a lock on
 * the user's profile row on PostgreSQL; SQLite's write transaction runs one at
 * a time) before the stream does anything else, and deleted when it ends. A
 * stream's heartbeat moves its row's heartbeat_at; rows of a process that
 * died stop moving, stop counting after STALE_BEATS heartbeats, and are swept
 * by the next reservation for that user.
 */

/** This process (rows say who holds them; a process's rows go when it shuts down). */
export const PROCESS_ID = randomUUID();
const STALE_BEATS = 3;

export interface StreamSlot {
  id: string;
  /** Moves the slot's heartbeat (on each stream heartbeat). */
  beat(): Promise<void>;
  /** Gives the slot back (idempotent). */
  release(): Promise<void>;
}

/**
 * Takes one of the user's `limit` stream slots, or returns null when all are
 * taken (by streams in any process).
 */
export async function reserveStreamSlot(
  db: Kysely<Database>,
  clock: Clock,
  userId: string,
  limit: number,
  heartbeatSeconds: number,
): Promise<StreamSlot | null> {
  const id = randomUUID();
  const now = clock.now();
  const at = now.toISOString();
  const staleBefore = new Date(now.getTime() - STALE_BEATS * heartbeatSeconds * 1000).toISOString();
  const reserved = await db.transaction().execute(async (trx) => {
    // The user's profile row, locked (PostgreSQL): two streams opening at once count each other.
    await dialectOf(trx).forUpdate(trx.selectFrom('profile').select('user_id').where('user_id', '=', userId)).execute();
    await trx.deleteFrom('live_stream').where('user_id', '=', userId).where('heartbeat_at', '<', staleBefore).execute();
    const open = await trx
      .selectFrom('live_stream')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (Number(open.n) >= limit) return false;
    await trx.insertInto('live_stream').values({ id, user_id: userId, process_id: PROCESS_ID, opened_at: at, heartbeat_at: at }).execute();
    return true;
  });
  if (!reserved) return null;
  let released = false;
  return {
    id,
    async beat() {
      if (!released) await db.updateTable('live_stream').set({ heartbeat_at: clock.now().toISOString() }).where('id', '=', id).execute();
    },
    async release() {
      if (released) return;
      released = true;
      await db
        .deleteFrom('live_stream')
        .where('id', '=', id)
        .execute()
        .catch(() => {});
    },
  };
}
