import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database } from './schema.ts';

/*
 * Housekeeping of the database's short-lived rows, run by the scheduler
 * (schedule.ts). Kept apart from the request-facing controls that write them
 * (security.ts), so the scheduler depends on no request code.
 */

/** A rate limit's window (security.ts `rateLimit`: a token bucket refills over it). */
export const RATE_WINDOW_MS = 60_000;

/** Drops what no longer matters (called by the scheduler): full rate buckets, dead stream slots and lapsed leases, codes past reuse, activity of ended sessions. */
export async function pruneRateLimits(db: Kysely<Database>, clock: Clock): Promise<void> {
  const now = clock.now().getTime();
  // A bucket untouched for a minute is full again: the same as no row.
  await db.deleteFrom('rate_bucket').where('at', '<', now - RATE_WINDOW_MS).execute();
  // Stream slots of processes that died (a live stream beats at least every 5 minutes), and lapsed sign-in leases.
  await db.deleteFrom('live_stream').where('heartbeat_at', '<', new Date(now - 3600_000).toISOString()).execute();
  await db.deleteFrom('auth_lease').where('expires_at', '<', new Date(now).toISOString()).execute();
  await db
    .deleteFrom('totp_used')
    .where('used_at', '<', new Date(now - 10 * 60_000).toISOString())
    .execute();
  await db
    .deleteFrom('session_activity')
    .where('session_id', 'not in', (eb) => eb.selectFrom('session').select('id'))
    .execute();
}
