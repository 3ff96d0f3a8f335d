import type { Kysely } from 'kysely';
import type { Database } from './db/schema.ts';
import { recordEvent } from './events/events.ts';

/**
 * Which sessions to end: one account's (all but `keep`), or every session an
 * identity provider opened (only one account's, with `userId`: a back-channel logout).
 */
export type SessionsToEnd = { userId: string; keep?: string | null } | { idpId: string; userId?: string };

/**
 * Ends sessions in the caller's transaction: deletes them and their activity,
 * and records a `session.revoked` event for each, so its live streams end at
 * once (events/hub.ts) and every process answers its next request as signed
 * out. The one way sessions are ended on purpose (a changed second factor,
 * a disabled identity provider); returns how many ended. The caller wakes its
 * hub after the commit (`emit` in a request does that).
 */
export async function endSessions(trx: Kysely<Database>, which: SessionsToEnd): Promise<number> {
  let q = trx.deleteFrom('session');
  if ('idpId' in which) {
    q = q.where('id', 'in', (eb) => eb.selectFrom('session_activity').select('session_id').where('idp_id', '=', which.idpId));
    if (which.userId !== undefined) q = q.where('userId', '=', which.userId);
  } else {
    q = q.where('userId', '=', which.userId);
    if (which.keep) q = q.where('id', '!=', which.keep);
  }
  const ended = await q.returning(['id', 'userId']).execute();
  for (const s of ended) {
    await trx.deleteFrom('session_activity').where('session_id', '=', s.id).execute();
    await recordEvent(trx, { type: 'session.revoked', userId: s.userId, payload: { sessionId: s.id } });
  }
  return ended.length;
}
