import type { Context, MiddlewareHandler } from 'hono';
import { sql, type Kysely } from 'kysely';
import type { Clock } from './clock.ts';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import { RATE_WINDOW_MS as WINDOW_MS } from './db/prune.ts';
import { audit, origin } from './audit.ts';
import { currentUser, type AppEnv } from './http/context.ts';
import { ApiError } from './http/errors.ts';

/*
 * Sign-in and write controls kept in the database, so every server process
 * counts the same: rate limits (token buckets), and the lockout after too many
 * failed sign-ins (until an administrator unlocks the account).
 */


/**
 * Counts one attempt against `key` and refuses (429, with Retry-After) past
 * `limit` a minute. A token bucket per key: `limit` tokens, refilled
 * continuously at `limit` a minute, one taken per attempt. So no minute
 * boundary lets a second burst through (fixed windows let about twice the
 * limit pass across one), and the whole limit is back a minute after a burst.
 * One conditional upsert, atomic on both databases and shared by every
 * process; a refused attempt takes nothing.
 */
export async function rateLimit(c: Context<AppEnv>, key: string, limit: number): Promise<void> {
  const { db, clock } = c.get('services');
  const now = clock.now().getTime();
  const perMs = limit / WINDOW_MS;
  const { least, greatest } = db.dialect;
  const cap = sql`cast(${limit} as double precision)`;
  const at = sql`cast(${now} as bigint)`;
  // The bucket as it stands now: what was left, plus what flowed back since (a clock
  // behind another process's never takes tokens away).
  const available = sql`${least}(${cap}, rate_bucket.tokens + ${greatest}(${at} - rate_bucket.at, 0) * cast(${perMs} as double precision))`;
  const taken = await sql<{ tokens: number }>`
    insert into rate_bucket (key, tokens, at) values (${key}, ${cap} - 1, ${at})
    on conflict (key) do update set tokens = ${available} - 1, at = ${greatest}(rate_bucket.at, ${at})
    where ${available} >= 1
    returning tokens`.execute(db.kysely);
  if (limit >= 1 && taken.rows.length > 0) return;
  const row = await db.kysely.selectFrom('rate_bucket').select(['tokens', 'at']).where('key', '=', key).executeTakeFirst();
  const left = row ? Math.min(limit, Number(row.tokens) + Math.max(now - Number(row.at), 0) * perMs) : 0;
  const retry = Math.max(1, Math.ceil((1 - left) / perMs / 1000));
  c.header('Retry-After', String(retry));
  throw new ApiError(429, 'RATE_LIMITED', `Too many requests; try again in ${retry} seconds.`);
}

/**
 * A rate limit on a sign-in step (sign-up, password, one-time code): as
 * `rateLimit`, and a refusal is recorded in the audit log (which key ran out,
 * never a password or code).
 */
export async function rateLimitAuthStep(
  c: Context<AppEnv>,
  step: 'sign-up' | 'sign-in' | 'second-factor',
  by: 'address' | 'email' | 'account',
  key: string,
  audited: { actorId: string | null; target: string | null },
): Promise<void> {
  try {
    await rateLimit(c, `${step}:${by}:${key}`, c.get('services').config.rates.signInPerMinute);
  } catch (err) {
    if (err instanceof ApiError && err.status === 429) {
      const { db } = c.get('services');
      await audit(db.kysely, { ...audited, action: 'auth.rate-limited', outcome: 'denied', ...origin(c), details: { step, by } });
    }
    throw err;
  }
}

/** Limits writes per signed-in user (reads are not limited: the feed's own paging bounds them). */
export const limitWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS') {
    const user = await currentUser(c);
    if (user) await rateLimit(c, `write:${user.id}`, c.get('services').config.rates.writesPerMinute);
  }
  await next();
};

export const LOCKED = () => new ApiError(403, 'ACCOUNT_LOCKED', 'This account is locked after too many failed sign-ins. Ask your agency administrator to unlock it.');

/**
 * Records a failed sign-in step (a wrong password or a wrong code) and locks
 * the account once `attempts` failures fall within the window. Returns
 * whether the account is now locked.
 */
export async function recordAuthFailure(db: Kysely<Database>, config: ServerConfig, clock: Clock, userId: string, kind: 'password' | 'second-factor'): Promise<boolean> {
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('auth_failure').values({ user_id: userId, kind, at: now.toISOString() }).execute();
    const since = new Date(now.getTime() - config.lockout.windowMinutes * 60_000).toISOString();
    const row = await trx
      .selectFrom('auth_failure')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(row.n) < config.lockout.attempts) return false;
    await trx.updateTable('profile').set({ locked_at: now.toISOString() }).where('user_id', '=', userId).where('locked_at', 'is', null).execute();
    // A locked account keeps no session.
    await trx.deleteFrom('session').where('userId', '=', userId).execute();
    return true;
  });
}

/** After a successful sign-in, earlier failures no longer count. */
export async function clearAuthFailures(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('auth_failure').where('user_id', '=', userId).execute();
}

export async function unlockAccount(db: Kysely<Database>, userId: string): Promise<void> {
  await db.updateTable('profile').set({ locked_at: null }).where('user_id', '=', userId).execute();
  await db.deleteFrom('auth_failure').where('user_id', '=', userId).execute();
}

/**
 * Paths under /api/v1 that answer before the second factor and the notice: health, the
 * notice itself, and signing in through an identity provider (which begins a new session).
 */
const OPEN_PATHS = /^\/api\/v1\/(health|notice|federation)(\/|$)/;

/**
 * Before any API answers a signed-in user: this session passed the
 * one-time-code step itself (an account with an authenticator is not enough:
 * a session opened with the password alone never did), and has accepted the
 * current system-use notice. The codes tell `jc-sign-in` what to show next.
 */
export const requireSecondFactorAndNotice = (noticeVersion: string): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (!OPEN_PATHS.test(c.req.path)) {
    const user = await currentUser(c);
    if (user && !user.secondFactor) {
      throw new ApiError(403, 'TWO_FACTOR_REQUIRED', 'Set up an authenticator app: every JusticeConnect sign-in needs a one-time code.');
    }
    if (user && c.get('noticeVersion') !== noticeVersion) {
      throw new ApiError(403, 'NOTICE_REQUIRED', 'Read and accept the system-use notice to continue.');
    }
  }
  await next();
};

const NUL = /\u0000|\\u0000/;

/**
 * Text never carries NUL characters: PostgreSQL cannot store them (the write
 * would fail as a 500) and nothing legitimate sends them. Refused at the
 * edge, in the path, the query and a JSON body alike.
 */
export const refuseNul: MiddlewareHandler<AppEnv> = async (c, next) => {
  let where: string | null = null;
  if (NUL.test(decodeURIComponentSafe(c.req.path))) where = 'path';
  else if (NUL.test(decodeURIComponentSafe(search(c.req.url)))) where = 'query';
  else if ((c.req.header('content-type') ?? '').includes('json') && NUL.test(await c.req.text())) where = 'body';
  if (where) throw new ApiError(400, 'INVALID_CHARACTERS', `Text may not contain NUL characters (found in the ${where}).`, { [where]: 'Contains a NUL character' });
  await next();
};

/** A URL's query string, `?` included (a request URL carries no fragment). */
function search(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A bearer token is for the allow-listed portals on other origins, which
 * cannot use the cookie; it is refused from anywhere else, a request with no
 * Origin at all included (a token lifted from one portal is not a key that
 * works from any page or tool). Same-origin pages never get one.
 */
export const requireBearerOrigin =
  (allowed: string[]): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const authorization = c.req.header('authorization') ?? '';
    if (authorization.slice(0, 7).toLowerCase() === 'bearer ') {
      const from = c.req.header('origin');
      if (from === undefined || !allowed.includes(from)) {
        throw new ApiError(401, 'BEARER_ORIGIN_NOT_ALLOWED', 'A bearer token is accepted only from the allow-listed portals it was issued to.');
      }
    }
    await next();
  };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery: every state-changing request from a browser
 * must come from an allowed origin, whatever its content type (Hono's csrf
 * middleware checks only form-like types, trusting CORS preflight for JSON).
 * A browser sends Origin on every such request; when it is missing, Fetch
 * Metadata (`Sec-Fetch-Site`) still tells a cross-site request apart. A
 * request with neither comes from outside a browser, where there is no
 * ambient cookie to forge with.
 */
export const checkOrigin =
  (allowed: string[]): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      const refused = origin !== undefined ? !allowed.includes(origin) : site !== undefined && site !== 'same-origin' && site !== 'none';
      if (refused) throw new ApiError(403, 'ORIGIN_NOT_ALLOWED', 'This request came from a site that may not change anything here.');
    }
    await next();
  };
