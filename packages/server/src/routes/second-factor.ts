import { createHMAC } from '@better-auth/utils/hmac';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { appendAudit, audit, origin, type Outcome } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import { currentUser, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { clearAuthFailures, LOCKED, rateLimitAuthStep, recordAuthFailure } from '../security.ts';
import { normalize, send, sessionCookieName, twoFactorCookieName } from './auth-forward.ts';
import { withAccountLease } from '../account-lease.ts';
import { endSessions } from '../sessions.ts';

/*
 * The second step of every sign-in (and the confirmation of a new
 * authenticator). Who is signing in comes from exactly what better-auth
 * itself will trust: the request's session, or else the one signed challenge
 * the password step handed out (its signature checked here the way
 * better-auth checks it), never an unchecked value.
 */

/** Every value a cookie header gives `name`, in order (a header may repeat a name). */
function cookieValues(header: string | undefined, name: string): string[] {
  return (header ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1));
}

/**
 * The value inside a signed cookie value (`value.signature`, as better-call
 * signs it: HMAC-SHA-256 with the auth secret, standard Base64), or null when
 * the signature does not verify.
 */
export async function verifySigned(secret: string, raw: string): Promise<string | null> {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const at = value.lastIndexOf('.');
  if (at < 1) return null;
  const signed = value.slice(0, at);
  const signature = value.slice(at + 1);
  // better-call's shape: a 32-byte HMAC in padded standard Base64 (which its atob reads; nothing URL-safe).
  if (!/^[A-Za-z0-9+/]{43}=$/.test(signature)) return null;
  try {
    return (await createHMAC('SHA-256', 'base64').verify(secret, signed, signature)) ? signed : null;
  } catch {
    return null;
  }
}

const INVALID_CHALLENGE = () => new ApiError(401, 'INVALID_TWO_FACTOR_COOKIE', 'This sign-in is not valid or has expired. Sign in with your password again.');

/**
 * Who the code step is for: the signed-in session's user (enrolment, or a
 * session that has not passed the code step yet), else the user of the
 * verified challenge. A request with a challenge both in a cookie and in the
 * body (or two challenge cookies) is refused: better-auth would read one and
 * we might read another.
 */
async function codeStepUser(c: Context<AppEnv>, bodyChallenge: string | undefined) {
  const { db, config } = c.get('services');
  const name = await twoFactorCookieName(c);
  const cookies = cookieValues(c.req.header('cookie'), name);
  if (cookies.length > 1 || (cookies.length === 1 && bodyChallenge !== undefined)) {
    throw new ApiError(400, 'CHALLENGE_CONFLICT', 'Send the sign-in challenge once: in its cookie or in the body, not both.', { challenge: 'Sent twice' });
  }
  const user = await currentUser(c);
  // better-auth, too, takes a signed-in session over any challenge.
  if (user) return { userId: user.id, sessionId: c.get('sessionId'), enrolling: !user.twoFactorEnabled, extraCookie: undefined };
  const raw = bodyChallenge ?? cookies[0];
  if (!raw) throw INVALID_CHALLENGE();
  const identifier = await verifySigned(config.authSecret, raw);
  if (!identifier) throw INVALID_CHALLENGE();
  const row = await db.kysely.selectFrom('verification').select(['value', 'expiresAt']).where('identifier', '=', identifier).executeTakeFirst();
  if (!row || new Date(row.expiresAt).getTime() <= Date.now()) throw INVALID_CHALLENGE();
  return { userId: row.value, sessionId: null, enrolling: false, extraCookie: bodyChallenge === undefined ? undefined : `${name}=${bodyChallenge}` };
}

/** The id of the session a successful code step leaves: the one better-auth just set in its cookie, or the request's own. */
async function passedSessionId(c: Context<AppEnv>, res: Response, current: string | null): Promise<string | null> {
  const name = await sessionCookieName(c);
  const set = res.headers.getSetCookie().find((h) => h.startsWith(`${name}=`) && !/;\s*max-age=0/i.test(h));
  const value = set ? decodeURIComponent(set.slice(name.length + 1).split(';')[0]!) : '';
  if (!value) return current;
  const token = value.slice(0, value.lastIndexOf('.'));
  const row = await c.get('services').db.kysely.selectFrom('session').select('id').where('token', '=', token).executeTakeFirst();
  return row?.id ?? null;
}

/** Records that `sessionId` passed the code step (its activity row may not exist yet). */
async function markPassed(trx: Kysely<Database>, sessionId: string, userId: string, at: string) {
  await trx
    .insertInto('session_activity')
    .values({ session_id: sessionId, user_id: userId, last_seen_at: at, notice_version: null, second_factor_at: at })
    .onConflict((oc) => oc.column('session_id').doUpdateSet({ second_factor_at: at }))
    .execute();
}

/**
 * Ends every session of the account but `keep` (enrolling, or any change of
 * its factor): a session opened before the change never proved the new
 * factor. Their live streams end at once.
 */
export async function endOtherSessions(c: Context<AppEnv>, trx: Kysely<Database>, userId: string, keep: string | null): Promise<number> {
  const ended = await endSessions(trx, { userId, keep });
  if (ended > 0) c.set('eventsWritten', true);
  return ended;
}

/** A one-time code may be used once: it stays refused for longer than its validity (±1 step of 30 s). */
const CODE_REUSE_MS = 3 * 60_000;

/**
 * The code step: a TOTP code, or a backup code. Rate-limited per address and
 * per account; a locked account is refused, a code already used is refused,
 * and failures count toward the lockout. The session it leaves records that
 * it passed; confirming a new authenticator ends the account's other sessions.
 */
export async function verifySecondFactor(c: Context<AppEnv>, kind: 'totp' | 'backup-code', body: { code: string; challenge?: string }): Promise<Response> {
  const { db, config, clock, events } = c.get('services');
  const from = origin(c);
  await rateLimitAuthStep(c, 'second-factor', 'address', from.ip ?? 'unknown', { actorId: null, target: from.ip });
  const { userId, sessionId, enrolling, extraCookie } = await codeStepUser(c, body.challenge);
  await rateLimitAuthStep(c, 'second-factor', 'account', userId, { actorId: userId, target: userId });
  const record = (outcome: Outcome, details: Record<string, string | number>) =>
    audit(db.kysely, { actorId: userId, action: 'auth.second-factor', target: userId, outcome, ...from, details: { kind, ...details } });
  const fail = async (reason: string) => {
    const locked = await recordAuthFailure(db.kysely, config, clock, userId, 'second-factor');
    c.get('services').metrics?.signInFailure('second-factor', locked);
    await record('failure', { reason });
    if (locked) {
      await audit(db.kysely, { actorId: null, action: 'auth.lockout', target: userId, outcome: 'success', ...from, details: { attempts: config.lockout.attempts } });
      throw LOCKED();
    }
  };
  // The lock check, the code check and the failure count are one decision per account (its
  // lease, shared with the password step): a right code racing wrong ones either passes
  // before the lock (whose end takes its session) or is refused after it.
  const res = await withAccountLease(db.kysely, clock, userId, async () => {
    const profile = await db.kysely.selectFrom('profile').select('locked_at').where('user_id', '=', userId).executeTakeFirst();
    if (profile?.locked_at) {
      await record('denied', { reason: 'locked' });
      throw LOCKED();
    }
    const now = clock.now();
    // A code works once: it is claimed before it is checked, in one statement, so two
    // requests racing with the same code cannot both pass (the claim is given back if
    // the code turns out wrong).
    const usedAt = now.toISOString();
    const claimed =
      kind !== 'totp' ||
      Boolean(
        await db.kysely
          .insertInto('totp_used')
          .values({ user_id: userId, code: body.code, used_at: usedAt })
          .onConflict((oc) =>
            oc
              .columns(['user_id', 'code'])
              .doUpdateSet({ used_at: usedAt })
              .where('totp_used.used_at', '<=', new Date(now.getTime() - CODE_REUSE_MS).toISOString()),
          )
          .returning('used_at')
          .executeTakeFirst(),
      );
    if (!claimed) {
      await fail('code already used');
      throw new ApiError(401, 'CODE_ALREADY_USED', 'That code was already used. Wait for the next one.', { code: 'Already used' });
    }
    const res = await send(c, { code: body.code }, extraCookie);
    if (kind === 'totp' && !res.ok) {
      await db.kysely.deleteFrom('totp_used').where('user_id', '=', userId).where('code', '=', body.code).where('used_at', '=', usedAt).execute();
    }
    if (res.ok) {
      const passed = await passedSessionId(c, res, sessionId);
      await db.kysely.transaction().execute(async (trx) => {
        if (passed) await markPassed(trx, passed, userId, usedAt);
        const ended = enrolling ? await endOtherSessions(c, trx, userId, passed) : 0;
        await appendAudit(trx, { actorId: userId, action: 'auth.second-factor', target: userId, outcome: 'success', ...from, details: { kind, ...(enrolling ? { enrolled: 1, sessionsEnded: ended } : {}) } });
      });
      if (c.get('eventsWritten')) events.bus.notify();
      await clearAuthFailures(db.kysely, userId);
    } else if (res.status === 401 || res.status === 400) {
      await fail('wrong code');
    }
    return res;
  });
  return normalize(c, res);
}
