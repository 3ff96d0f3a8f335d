import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth.ts';
import { currentUser, emit, inTransaction, type AppEnv } from '../http/context.ts';
import { ErrorBodySchema, errorBody, errorResponse, message } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { createPendingProfile, findAgencyByOri } from '../data/profiles.ts';
import { ApiError } from '../http/errors.ts';
import { OriSchema } from './me.ts';
import { DisplayName } from '../http/display-name.ts';
import { appendAudit, audit, origin, type Outcome } from '../audit.ts';
import { clearAuthFailures, LOCKED, rateLimit, recordAuthFailure } from '../security.ts';

const Email = z.email(message('Enter an email address')).max(254).openapi({ example: 'dana.reyes@txdps.demo.test' });
const Password = z.string(message('Enter a password')).min(1, 'Enter a password').max(MAX_PASSWORD_LENGTH);

const SignUpSchema = z
  .strictObject({
    name: DisplayName,
    email: Email,
    password: z.string(message('Enter a password')).min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(MAX_PASSWORD_LENGTH),
    agencyOri: OriSchema.openapi({ description: 'Your agency’s ORI; its agency administrator approves the account' }),
  })
  .openapi('SignUp');

const SignInSchema = z
  .strictObject({ email: Email, password: Password, rememberMe: z.boolean().optional() })
  .openapi('SignIn');

const Challenge = z.string().min(1).max(1000).optional().openapi({ description: 'Pages on another origin: the challenge the sign-in answered (they cannot keep its cookie)' });
const TotpSchema = z
  .strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app'), challenge: Challenge })
  .openapi('TotpCode');
const BackupCodeSchema = z.strictObject({ code: z.string().trim().min(6, 'Enter a backup code').max(40), challenge: Challenge }).openapi('BackupCode');

const SessionSchema = z
  .object({
    user: z.object({ id: z.string(), name: z.string(), email: z.string() }).loose(),
    session: z.object({ id: z.string(), expiresAt: z.string() }).loose(),
  })
  .nullable()
  .openapi('Session');

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const failures = { 400: json(ErrorBodySchema, 'Invalid input'), 401: json(ErrorBodySchema, 'Wrong email or password') };

const signUp = createRoute({
  method: 'post',
  path: '/sign-up/email',
  tags: ['auth'],
  summary: 'Create an account with email and password',
  request: { body: { required: true, content: { 'application/json': { schema: SignUpSchema } } } },
  responses: { 200: json(z.object({ user: z.object({ id: z.string() }).loose() }), 'Account created'), ...failures, 422: json(ErrorBodySchema, 'Email already in use') },
});

const signIn = createRoute({
  method: 'post',
  path: '/sign-in/email',
  tags: ['auth'],
  summary: 'Sign in; same-origin pages get a session cookie, allow-listed origins a bearer token in `set-auth-token`',
  request: { body: { required: true, content: { 'application/json': { schema: SignInSchema } } } },
  responses: { 200: json(z.object({ user: z.object({ id: z.string() }).loose() }), 'Signed in'), ...failures },
});

const signOut = createRoute({
  method: 'post',
  path: '/sign-out',
  tags: ['auth'],
  summary: 'End the current session',
  request: { body: { required: false, content: { 'application/json': { schema: z.strictObject({}) } } } },
  responses: { 200: json(z.object({ success: z.boolean() }), 'Signed out') },
});

const enableTwoFactor = createRoute({
  method: 'post',
  path: '/two-factor/enable',
  tags: ['auth'],
  summary: 'Start setting up an authenticator app (signed in with the password only): answers the otpauth URI and backup codes; confirm with verify-totp',
  request: { body: { required: true, content: { 'application/json': { schema: z.strictObject({ password: Password }) } } } },
  responses: { 200: json(z.object({ totpURI: z.string(), backupCodes: z.array(z.string()) }), 'The secret to scan, and backup codes to keep'), ...failures },
});

const verifyTotp = createRoute({
  method: 'post',
  path: '/two-factor/verify-totp',
  tags: ['auth'],
  summary: 'The one-time code from the authenticator app: completes a sign-in, or confirms a new authenticator. A code works once.',
  request: { body: { required: true, content: { 'application/json': { schema: TotpSchema } } } },
  responses: { 200: json(z.object({ user: z.object({ id: z.string() }).loose() }), 'Signed in'), ...failures, 403: json(ErrorBodySchema, 'Locked') },
});

const verifyBackupCode = createRoute({
  method: 'post',
  path: '/two-factor/verify-backup-code',
  tags: ['auth'],
  summary: 'A backup code instead of the authenticator (each works once)',
  request: { body: { required: true, content: { 'application/json': { schema: BackupCodeSchema } } } },
  responses: { 200: json(z.object({ user: z.object({ id: z.string() }).loose() }), 'Signed in'), ...failures, 403: json(ErrorBodySchema, 'Locked') },
});

const getSession = createRoute({
  method: 'get',
  path: '/get-session',
  tags: ['auth'],
  summary: 'The current session, or null',
  responses: { 200: json(SessionSchema, 'The session') },
});

/** better-auth answers `{ code, message }`; JusticeConnect answers `{ error: { code, message } }`. */
async function normalize(c: Context<AppEnv>, res: Response): Promise<Response> {
  const headers = new Headers(res.headers);
  const origin = c.req.header('origin');
  const { config } = c.get('services');
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  // A bearer token is only handed to allow-listed other origins, which cannot use the
  // cookie; a same-origin page keeps its session in the HttpOnly cookie alone.
  const crossOrigin = Boolean(origin && config.trustedOrigins.includes(origin) && origin !== config.baseUrl);
  // A page on another origin cannot keep the two-factor challenge's cookie (third-party cookies are
  // blocked), so it gets the challenge in the body and sends it back with the code.
  if (crossOrigin && res.status < 400 && isJson) {
    const name = await twoFactorCookieName(c);
    const cookie = res.headers.getSetCookie().find((h) => h.startsWith(`${name}=`));
    const value = cookie?.slice(name.length + 1).split(';')[0];
    if (value) {
      const payload = (await res.json().catch(() => null)) as Record<string, unknown> | null;
      headers.delete('content-length');
      // The token of the session the password step made (and the second-factor step deleted) is worth nothing: not sent.
      headers.delete('set-auth-token');
      return new Response(JSON.stringify({ ...payload, challenge: value }), { status: res.status, headers });
    }
  }
  if (!crossOrigin) {
    headers.delete('set-auth-token');
    if (res.status < 400 && isJson) {
      const payload = (await res.json().catch(() => null)) as Record<string, unknown> | null;
      if (payload && typeof payload === 'object' && 'token' in payload) delete payload.token;
      headers.delete('content-length');
      return new Response(JSON.stringify(payload), { status: res.status, headers });
    }
  }
  if (res.status < 400 || !isJson) {
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
  const payload = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  headers.delete('content-length');
  const body = errorBody(payload.code ?? 'AUTH_ERROR', payload.message ?? 'Authentication failed.');
  return new Response(JSON.stringify(body), { status: res.status, headers });
}

/** Hands a request (with its already validated body, and optionally an extra cookie) to better-auth. */
async function forward(c: Context<AppEnv>, body?: unknown, cookie?: string): Promise<Response> {
  const { auth } = c.get('services');
  let request = c.req.raw;
  if (body !== undefined || cookie) {
    const headers = new Headers(c.req.raw.headers);
    headers.delete('content-length');
    headers.set('content-type', 'application/json');
    if (cookie) headers.set('cookie', [headers.get('cookie'), cookie].filter(Boolean).join('; '));
    request = new Request(c.req.url, { method: c.req.method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }
  return normalize(c, await auth.handler(request));
}

const cookieNames = new WeakMap<object, string>();
/** The name of better-auth's two-factor challenge cookie (its prefix depends on the deployment). */
async function twoFactorCookieName(c: Context<AppEnv>): Promise<string> {
  const { auth } = c.get('services');
  let name = cookieNames.get(auth);
  if (!name) {
    name = (await auth.$context).createAuthCookie('two_factor').name;
    cookieNames.set(auth, name);
  }
  return name;
}

/** A one-time code may be used once: it stays refused for longer than its validity (±1 step of 30 s). */
const CODE_REUSE_MS = 3 * 60_000;

/**
 * The second step of every sign-in (and the confirmation of a new
 * authenticator): a TOTP code, or a backup code. Who is signing in comes from
 * the session (enrolment) or the challenge; a locked account is refused, a
 * code already used is refused, and failures count toward the lockout.
 */
async function verifySecondFactor(c: Context<AppEnv>, kind: 'totp' | 'backup-code', body: { code: string; challenge?: string }): Promise<Response> {
  const { db, config, clock } = c.get('services');
  const from = origin(c);
  const name = await twoFactorCookieName(c);
  const challenge = body.challenge ?? getCookie(c, name);
  let userId = (await currentUser(c))?.id ?? null;
  if (!userId && challenge) {
    const raw = decodeURIComponent(challenge);
    const identifier = raw.slice(0, raw.lastIndexOf('.'));
    userId = (await db.kysely.selectFrom('verification').select('value').where('identifier', '=', identifier).executeTakeFirst())?.value ?? null;
  }
  const record = (outcome: Outcome, details: Record<string, string | number>) =>
    audit(db.kysely, db.kind, { actorId: userId, action: 'auth.second-factor', target: userId, outcome, ...from, details: { kind, ...details } });
  const fail = async (reason: string) => {
    if (!userId) return;
    const locked = await recordAuthFailure(db.kysely, config, clock, userId, 'second-factor');
    await record('failure', { reason });
    if (locked) {
      await audit(db.kysely, db.kind, { actorId: null, action: 'auth.lockout', target: userId, outcome: 'success', ...from, details: { attempts: config.lockout.attempts } });
      throw LOCKED();
    }
  };
  if (userId) {
    const profile = await db.kysely.selectFrom('profile').select('locked_at').where('user_id', '=', userId).executeTakeFirst();
    if (profile?.locked_at) {
      await record('denied', { reason: 'locked' });
      throw LOCKED();
    }
  }
  const now = clock.now();
  // A code works once: it is claimed before it is checked, in one statement, so two
  // requests racing with the same code cannot both pass (the claim is given back if
  // the code turns out wrong).
  const usedAt = now.toISOString();
  const claimed =
    kind !== 'totp' || !userId
      ? true
      : Boolean(
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
  const res = await forward(c, { code: body.code }, body.challenge ? `${name}=${body.challenge}` : undefined);
  if (kind === 'totp' && userId && !res.ok) {
    await db.kysely.deleteFrom('totp_used').where('user_id', '=', userId).where('code', '=', body.code).where('used_at', '=', usedAt).execute();
  }
  if (res.ok && userId) {
    await clearAuthFailures(db.kysely, userId);
    await record('success', {});
  } else if (res.status === 401 || res.status === 400) {
    await fail('wrong code');
  }
  return res;
}

/**
 * better-auth under /api/auth, narrowed to the endpoints JusticeConnect uses:
 * every body is checked by a strict zod schema first, and every other
 * better-auth endpoint answers 404, so nothing is reachable by accident.
 */
/**
 * Sign-up: the account starts *pending* in its agency until an agency
 * administrator approves it. better-auth creates the user; we then give it a
 * profile (a repeated sign-up for an existing email changes nothing).
 */
async function signUpWithAgency(c: Context<AppEnv>, body: z.infer<typeof SignUpSchema>): Promise<Response> {
  const { db } = c.get('services');
  const agency = await findAgencyByOri(db.kysely, body.agencyOri);
  if (!agency) throw new ApiError(422, 'UNKNOWN_AGENCY', 'No agency has that ORI.', { agencyOri: 'No agency has this ORI' });
  const { agencyOri: _ori, ...credentials } = body;
  const res = await forward(c, credentials);
  if (res.ok) {
    const user = await db.kysely.selectFrom('user').select('id').where('email', '=', body.email.toLowerCase()).executeTakeFirst();
    if (user) await createPendingProfile(db.kysely, user.id, agency.id);
  }
  return res;
}

export const authRoutes = createRouter()
  .openapi(signUp, (c) => signUpWithAgency(c, c.req.valid('json')) as never)
  .openapi(signIn, async (c) => {
    const body = c.req.valid('json');
    const { db, config, clock } = c.get('services');
    const email = body.email.toLowerCase();
    const from = origin(c);
    await rateLimit(c, `sign-in:ip:${from.ip ?? 'unknown'}`, config.rates.signInPerMinute);
    await rateLimit(c, `sign-in:email:${email}`, config.rates.signInPerMinute);
    // Who tried, from where, and how it went; never the password.
    const record = (outcome: Outcome, actorId: string | null, details: Record<string, string | number>, action = 'auth.sign-in') =>
      audit(db.kysely, db.kind, { actorId, action, target: email, outcome, ...from, details });
    const account = await db.kysely
      .selectFrom('user')
      .innerJoin('profile', 'profile.user_id', 'user.id')
      .select(['user.id', 'profile.status', 'profile.locked_at'])
      .where('user.email', '=', email)
      .executeTakeFirst();
    // A locked or disabled account is refused before the password is looked at, so the answer says nothing about it.
    if (account?.locked_at) {
      await record('denied', account.id, { reason: 'locked' });
      throw LOCKED();
    }
    if (account && (account.status === 'suspended' || account.status === 'removed')) {
      await record('denied', account.id, { reason: account.status });
      throw new ApiError(403, 'ACCOUNT_DISABLED', 'This account is not active. Contact your agency administrator.');
    }
    const res = await forward(c, body);
    if (res.ok) {
      // The password was right; a failure count stays until the code is right too.
      const pending = Boolean(((await res.clone().json().catch(() => null)) as { twoFactorRedirect?: boolean } | null)?.twoFactorRedirect);
      if (account && !pending) await clearAuthFailures(db.kysely, account.id);
      await record('success', account?.id ?? null, { status: res.status, secondFactor: pending ? 'required' : 'not set up' });
    } else if (res.status === 401 && account) {
      const locked = await recordAuthFailure(db.kysely, config, clock, account.id, 'password');
      await record('failure', account.id, { status: res.status, reason: 'password' });
      if (locked) {
        await record('success', null, { attempts: config.lockout.attempts, windowMinutes: config.lockout.windowMinutes }, 'auth.lockout');
        throw LOCKED();
      }
    } else {
      await record('failure', null, { status: res.status });
    }
    return res as never;
  })
  .openapi(signOut, async (c) => {
    const user = await currentUser(c);
    const sessionId = c.get('sessionId');
    const res = await forward(c, c.req.valid('json') ?? {});
    // The live streams opened with this session end now.
    if (res.ok && user && sessionId) {
      await inTransaction(c, async (trx) => {
        await emit(c, trx, { type: 'session.revoked', userId: user.id, payload: { sessionId } });
        await appendAudit(trx, c.get('services').db.kind, { actorId: user.id, action: 'auth.sign-out', target: user.id, outcome: 'success', ...origin(c) });
      });
    }
    return res as never;
  })
  .openapi(enableTwoFactor, async (c) => {
    const user = await currentUser(c);
    const res = await forward(c, c.req.valid('json'));
    const { db } = c.get('services');
    await audit(db.kysely, db.kind, { actorId: user?.id ?? null, action: 'auth.two-factor.enable', target: user?.id ?? null, outcome: res.ok ? 'success' : 'failure', ...origin(c), details: { status: res.status } });
    return res as never;
  })
  .openapi(verifyTotp, (c) => verifySecondFactor(c, 'totp', c.req.valid('json')) as never)
  .openapi(verifyBackupCode, (c) => verifySecondFactor(c, 'backup-code', c.req.valid('json')) as never)
  .openapi(getSession, (c) => forward(c) as never)
  .all('*', (c) => errorResponse(c, 404, 'NOT_FOUND', 'No such authentication endpoint.'));
