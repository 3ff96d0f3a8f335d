import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ApiError } from './errors.ts';
import { recordEvent, type NewEvent } from '../events/events.ts';
import { actorFrom } from '../authz.ts';
import { credentialKey } from './credentials.ts';
import { compiled } from '../db/compiled.ts';
import { appendAudit, recordedWrite, requestEntry } from '../audit.ts';

import type { AppEnv, SessionEnd, SessionUser } from './env.ts';

export type { AppEnv, Services, SessionEnd, SessionUser } from './env.ts';

/** A session's last use is written at most this often (it only needs minute precision). */
const TOUCH_EVERY_MS = 30_000;

/** Everything a request needs about its session, in one query: the session, its user, its activity and the account's state. */
async function sessionState(db: Kysely<Database>, sessionId: string) {
  const rows = await compiled(db, 'session-state', [sessionId], (id) =>
    db
      .selectFrom('session')
      .innerJoin('user', 'user.id', 'session.userId')
      .leftJoin('session_activity', 'session_activity.session_id', 'session.id')
      .leftJoin('profile', 'profile.user_id', 'session.userId')
      .select(['session.id', 'session.userId', 'session.expiresAt', 'session.createdAt'])
      .select(['user.name', 'user.email', 'user.twoFactorEnabled'])
      .select(['session_activity.last_seen_at', 'session_activity.notice_version', 'session_activity.second_factor_at', 'session_activity.second_factor_by'])
      .select(['profile.status', 'profile.locked_at', 'profile.opted_in', 'profile.site_admin', 'profile.agency_id', 'profile.agency_admin'])
      .where('session.id', '=', id),
  );
  return rows[0];
}

function signedOut(c: Context<AppEnv>, ended: SessionEnd | null = null): null {
  c.set('sessionEnded', ended);
  c.set('user', null);
  c.set('actor', null);
  c.set('sessionId', null);
  return null;
}

/**
 * The signed-in user (resolved once per request from the cookie or bearer
 * token), or null. A session unused for the idle timeout, or older than its
 * absolute lifetime (both on the server's clock), ends here: it is deleted,
 * and the request is answered as signed out.
 *
 * better-auth verifies a credential (the signed cookie, or the bearer token)
 * the first time this process sees it; after that the process remembers which
 * session it names for a few minutes. Either way the session itself is read
 * from the database on every request, in one query with everything else the
 * request needs, so a session ended anywhere (sign-out, lockout, an
 * administrator) ends here on the next request, in every process.
 */
export async function currentUser(c: Context<AppEnv>): Promise<SessionUser | null> {
  const known = c.get('user');
  if (known !== undefined) return known;
  const { auth, db, clock, config, credentials } = c.get('services');
  c.set('noticeVersion', null);
  const headers = c.req.raw.headers;
  const key = credentialKey(headers);
  // No session cookie and no bearer token: nothing better-auth could find a session by (its answer
  // would be null), so it is not asked (a signed-out request cost a whole better-auth call).
  if (!key) return signedOut(c);
  let sessionId = credentials.get(key);
  if (!sessionId) {
    const session = await auth.api.getSession({ headers });
    if (!session) return signedOut(c);
    sessionId = session.session.id;
    credentials.set(key, sessionId);
  }
  const row = await sessionState(db.kysely, sessionId);
  // Gone (signed out, locked, removed) or past better-auth's own expiry (which better-auth sets on the real clock): signed out.
  if (!row || new Date(row.expiresAt).getTime() <= Date.now()) {
    credentials.delete(key);
    return signedOut(c);
  }
  const now = clock.now().getTime();
  const id = row.id;
  const createdAt = new Date(row.createdAt).getTime();
  const lastSeen = row.last_seen_at ? Date.parse(row.last_seen_at) : createdAt;
  // A locked, suspended or removed account keeps no session, however it got one (a change made
  // elsewhere, a race with the sign-in): the session ends on its next request.
  const ended: SessionEnd | null = row.locked_at
    ? 'locked'
    : row.status === 'suspended' || row.status === 'removed'
      ? 'disabled'
      : now - lastSeen > config.sessions.idleMinutes * 60_000
        ? 'idle'
        : now - createdAt > config.sessions.hours * 3600_000
          ? 'lifetime'
          : null;
  if (ended) {
    await db.kysely.deleteFrom('session').where('id', '=', id).execute();
    await db.kysely.deleteFrom('session_activity').where('session_id', '=', id).execute();
    credentials.delete(key);
    return signedOut(c, ended);
  }
  const at = new Date(now).toISOString();
  if (!row.last_seen_at) {
    await db.kysely
      .insertInto('session_activity')
      .values({ session_id: id, user_id: row.userId, last_seen_at: at, notice_version: null })
      .onConflict((oc) => oc.column('session_id').doNothing())
      .execute();
  } else if (now - lastSeen > TOUCH_EVERY_MS && c.req.header('x-jc-background') !== '1') {
    // A request the page made on its own (a live refresh, marked by the widgets) does not keep an idle session alive.
    await db.kysely.updateTable('session_activity').set({ last_seen_at: at }).where('session_id', '=', id).execute();
  }
  const twoFactorEnabled = Boolean(row.twoFactorEnabled);
  // Passed: our code step (an account with an authenticator), or the identity provider's multi-factor sign-in (federation/).
  const secondFactor = Boolean(row.second_factor_at) && (twoFactorEnabled || row.second_factor_by === 'idp');
  const user: SessionUser = { id: row.userId, name: row.name, email: row.email, twoFactorEnabled, secondFactor };
  c.set('sessionEnded', null);
  c.set('user', user);
  c.set('sessionId', id);
  c.set('noticeVersion', row.notice_version ?? null);
  c.set('actor', actorFrom(row.userId, row));
  return user;
}

/** The signed-in user, or a 401 in the shared error shape (saying so when the session just timed out). */
export async function requireUser(c: Context<AppEnv>): Promise<SessionUser> {
  const user = await currentUser(c);
  if (!user) {
    const ended = c.get('sessionEnded');
    if (ended === 'idle') throw new ApiError(401, 'SESSION_EXPIRED', 'You were signed out after a period without activity. Sign in again.');
    if (ended === 'lifetime') throw new ApiError(401, 'SESSION_EXPIRED', 'Your session reached its time limit. Sign in again.');
    if (ended === 'locked') throw new ApiError(403, 'ACCOUNT_LOCKED', 'This account is locked after too many failed sign-ins. Ask your agency administrator to unlock it.');
    if (ended === 'disabled') throw new ApiError(403, 'ACCOUNT_DISABLED', 'This account is not active. Contact your agency administrator.');
    throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in to use this.');
  }
  return user;
}

/**
 * Runs `work` in one database transaction for a signed-in request. The
 * session is resolved first, outside the transaction: on SQLite there is one
 * connection, and a session lookup inside the transaction would wait on it forever.
 *
 * A write request's audit row is appended in the same transaction, after
 * `work`: the change commits with its row or not at all (a failed audit
 * insert rolls the change back). The request is then marked audited, so the
 * audit middleware does not write it again; a request that fails here rolls
 * back and is recorded by the middleware as its failure or denial.
 */
export async function inTransaction<T>(c: Context<AppEnv>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  await requireUser(c);
  const { db, events } = c.get('services');
  const record = recordedWrite(c) && !c.get('audited');
  // A write takes its turn among the process's writers before it takes a connection (db/database.ts WriteSlots).
  const result = await db.writes.run(() =>
    db.kysely.transaction().execute(async (trx) => {
      const value = await work(trx);
      if (record) await appendAudit(trx, requestEntry(c, 'success', { committed: true }));
      return value;
    }),
  );
  if (record) c.set('audited', true);
  // Live events recorded in the transaction exist now: wake this process's hub
  // (other processes hear of them through the bus).
  if (c.get('eventsWritten')) events.bus.notify();
  return result;
}

/** Records a live event in the request's transaction; subscribers get it once the transaction commits. */
export async function emit(c: Context<AppEnv>, trx: Kysely<Database>, event: NewEvent): Promise<void> {
  await recordEvent(trx, event);
  c.set('eventsWritten', true);
}
