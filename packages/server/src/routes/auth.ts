import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { encode } from 'uqr';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth.ts';
import { currentUser, emit, inTransaction, type AppEnv } from '../http/context.ts';
import { ErrorBodySchema, errorResponse, message } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { createPendingProfile, findAgencyByOri } from '../data/profiles.ts';
import { ApiError } from '../http/errors.ts';
import { OriSchema } from '../http/openapi.ts';
import { DisplayName } from '../http/display-name.ts';
import { appendAudit, audit, origin, type Outcome } from '../audit.ts';
import { clearAuthFailures, LOCKED, rateLimitAuthStep, recordAuthFailure } from '../security.ts';
import { forward } from './auth-forward.ts';
import { withAccountLease } from '../account-lease.ts';
import { endOtherSessions, verifySecondFactor } from './second-factor.ts';

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

/** The signed challenge the password step answered (better-call's URL-encoded `value.signature`). */
const Challenge = z
  .string()
  .min(1)
  .max(1000)
  .regex(/^[A-Za-z0-9%._~+/=-]+$/, 'Not a sign-in challenge')
  .optional().openapi({ description: 'Pages on another origin: the challenge the sign-in answered (they cannot keep its cookie)' });
const TotpSchema = z
  .strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app'), challenge: Challenge })
  .openapi('TotpCode');
const BackupCodeSchema = z.strictObject({ code: z.string().trim().min(6, 'Enter a backup code').max(40), challenge: Challenge }).openapi('BackupCode');

const SessionSchema = z
  .object({
    user: z
      .object({
        id: z.string(),
        name: z.string(),
        email: z.string(),
        twoFactorEnabled: z.boolean().nullable().optional().openapi({ description: 'An authenticator app is set up: a session that has not passed its code asks for one' }),
        passwordSet: z.boolean().openapi({ description: 'The account has a password of its own (an identity provider’s account has none): setting up an authenticator asks for it' }),
      })
      .loose(),
    session: z.object({ id: z.string(), expiresAt: z.string() }).loose(),
  })
  .nullable()
  .openapi('Session');

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const failures = { 400: json(ErrorBodySchema, 'Invalid input'), 401: json(ErrorBodySchema, 'Wrong email or password') };
const userAnswer = (description: string) => json(z.object({ user: z.object({ id: z.string() }).loose() }), description);
const limited = { 429: json(ErrorBodySchema, 'Too many attempts a minute from this address or for this account (see Retry-After)') };

/** A better-auth endpoint JusticeConnect exposes: a POST of a JSON body, checked by `schema` first. */
const authPost = <P extends string, S extends z.ZodType, R extends RouteConfig['responses']>(path: P, summary: string, schema: S, responses: R, options: { required?: boolean } = {}) =>
  createRoute({ method: 'post', path, tags: ['auth'], summary, request: { body: { required: options.required ?? true, content: { 'application/json': { schema } } } }, responses });

const signUp = authPost('/sign-up/email', 'Create an account with email and password', SignUpSchema, {
  200: userAnswer('Account created'), ...failures, 422: json(ErrorBodySchema, 'Email already in use'), ...limited,
});

const signIn = authPost('/sign-in/email', 'Sign in; same-origin pages get a session cookie, allow-listed origins a bearer token in `set-auth-token`', SignInSchema, {
  200: userAnswer('Signed in'), ...failures, ...limited,
});

const signOut = authPost('/sign-out', 'End the current session', z.strictObject({}), {
  200: json(z.object({ success: z.boolean() }), 'Signed out'),
}, { required: false });

const enableTwoFactor = authPost('/two-factor/enable', 'Start setting up an authenticator app (signed in without a code yet): answers the otpauth URI and backup codes; confirm with verify-totp. An account with a password gives it; a federated account has none.', z.strictObject({ password: Password.optional() }), {
  200: json(
    z.object({
      totpURI: z.string(),
      backupCodes: z.array(z.string()),
      qr: z.array(z.string()).openapi({ description: 'The QR code of `totpURI`, its quiet zone included: one string a row, `1` a dark module, `0` a light one (jc-sign-in draws it; no QR encoder in the browser)' }),
    }),
    'The secret to scan, and backup codes to keep',
  ),
  ...failures,
});

const verifyTotp = authPost('/two-factor/verify-totp', 'The one-time code from the authenticator app: completes a sign-in, or confirms a new authenticator. A code works once.', TotpSchema, {
  200: userAnswer('Signed in'), ...failures, 403: json(ErrorBodySchema, 'Locked'), ...limited,
});

const verifyBackupCode = authPost('/two-factor/verify-backup-code', 'A backup code instead of the authenticator (each works once)', BackupCodeSchema, {
  200: userAnswer('Signed in'), ...failures, 403: json(ErrorBodySchema, 'Locked'), ...limited,
});

const getSession = createRoute({
  method: 'get',
  path: '/get-session',
  tags: ['auth'],
  summary: 'The current session, or null',
  responses: { 200: json(SessionSchema, 'The session') },
});

/**
 * The new authenticator's QR code, made here (uqr) and sent with its URI as the modules' rows, so the
 * browser only draws squares: no QR encoder in the widget bundle. It carries nothing the URI beside it
 * does not; like the URI it is never logged.
 */
async function withQrCode(res: Response): Promise<Response> {
  if (!res.ok) return res;
  const body = (await res.json()) as { totpURI: string };
  const { data } = encode(body.totpURI, { ecc: 'M', border: 2 });
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify({ ...body, qr: data.map((row) => row.map((dark) => (dark ? '1' : '0')).join('')) }), { status: res.status, headers });
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
  const email = body.email.toLowerCase();
  const from = origin(c);
  await rateLimitAuthStep(c, 'sign-up', 'address', from.ip ?? 'unknown', { actorId: null, target: email });
  await rateLimitAuthStep(c, 'sign-up', 'email', email, { actorId: null, target: email });
  // Who signed up, from where, and how it went; never the password.
  const record = (outcome: Outcome, actorId: string | null, details: Record<string, string | number>) =>
    audit(db.kysely, { actorId, action: 'auth.sign-up', target: email, outcome, ...from, details });
  const agency = await findAgencyByOri(db.kysely, body.agencyOri);
  if (!agency) {
    await record('failure', null, { reason: 'unknown agency' });
    throw new ApiError(422, 'UNKNOWN_AGENCY', 'No agency has that ORI.', { agencyOri: 'No agency has this ORI' });
  }
  const { agencyOri: _ori, ...credentials } = body;
  const res = await forward(c, credentials);
  const user = res.ok ? await db.kysely.selectFrom('user').select('id').where('email', '=', email).executeTakeFirst() : undefined;
  if (user) await createPendingProfile(db.kysely, user.id, agency.id);
  await record(res.ok ? 'success' : 'failure', user?.id ?? null, { status: res.status, agency: agency.id });
  return res;
}

export const authRoutes = createRouter()
  .openapi(signUp, (c) => signUpWithAgency(c, c.req.valid('json')) as never)
  .openapi(signIn, async (c) => {
    const body = c.req.valid('json');
    const { db, config, clock } = c.get('services');
    const email = body.email.toLowerCase();
    const from = origin(c);
    await rateLimitAuthStep(c, 'sign-in', 'address', from.ip ?? 'unknown', { actorId: null, target: email });
    await rateLimitAuthStep(c, 'sign-in', 'email', email, { actorId: null, target: email });
    // Who tried, from where, and how it went; never the password.
    const record = (outcome: Outcome, actorId: string | null, details: Record<string, string | number>, action = 'auth.sign-in') =>
      audit(db.kysely, { actorId, action, target: email, outcome, ...from, details });
    const lookUp = () =>
      db.kysely
        .selectFrom('user')
        .innerJoin('profile', 'profile.user_id', 'user.id')
        .leftJoin('federated_identity', 'federated_identity.user_id', 'user.id')
        .select(['user.id', 'profile.status', 'profile.locked_at', 'federated_identity.idp_id'])
        .where('user.email', '=', email)
        .executeTakeFirst();
    const found = await lookUp();
    // An account that signs in through its identity provider has no password here: wrong guesses
    // at one count toward no lockout (which would only let anyone who knows the email lock the
    // officer out of their IdP sign-in too). better-auth answers as for any wrong password.
    if (found?.idp_id) {
      const res = await forward(c, body);
      await record(res.ok ? 'success' : 'failure', found.id, { status: res.status, reason: 'federated account' });
      return res as never;
    }
    // No such account: nothing to lock (better-auth still answers as for a wrong password).
    if (!found) {
      const res = await forward(c, body);
      await record(res.ok ? 'success' : 'failure', null, { status: res.status });
      return res as never;
    }
    // The lock check, the password check and the failure count are one decision per
    // account: under its lease, one request at a time, so a burst checks at most
    // `lockout.attempts` passwords and nothing after the lock passes.
    const res = await withAccountLease(db.kysely, clock, found.id, async () => {
      const account = (await lookUp()) ?? found;
      // A locked or disabled account is refused before the password is looked at, so the answer says nothing about it.
      if (account.locked_at) {
        await record('denied', account.id, { reason: 'locked' });
        throw LOCKED();
      }
      if (account.status === 'suspended' || account.status === 'removed') {
        await record('denied', account.id, { reason: account.status });
        throw new ApiError(403, 'ACCOUNT_DISABLED', 'This account is not active. Contact your agency administrator.');
      }
      const res = await forward(c, body);
      if (res.ok) {
        // The password was right; a failure count stays until the code is right too.
        const pending = Boolean(((await res.clone().json().catch(() => null)) as { twoFactorRedirect?: boolean } | null)?.twoFactorRedirect);
        if (!pending) await clearAuthFailures(db.kysely, account.id);
        await record('success', account.id, { status: res.status, secondFactor: pending ? 'required' : 'not set up' });
      } else if (res.status === 401) {
        const locked = await recordAuthFailure(db.kysely, config, clock, account.id, 'password');
        c.get('services').metrics?.signInFailure('password', locked);
        await record('failure', account.id, { status: res.status, reason: 'password' });
        if (locked) {
          await record('success', null, { attempts: config.lockout.attempts, windowMinutes: config.lockout.windowMinutes }, 'auth.lockout');
          throw LOCKED();
        }
      } else {
        await record('failure', null, { status: res.status });
      }
      return res;
    });
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
        await appendAudit(trx, { actorId: user.id, action: 'auth.sign-out', target: user.id, outcome: 'success', ...origin(c) });
      });
    }
    return res as never;
  })
  .openapi(enableTwoFactor, async (c) => {
    const user = await currentUser(c);
    const sessionId = c.get('sessionId');
    const res = await withQrCode(await forward(c, c.req.valid('json')));
    const { db, events } = c.get('services');
    await db.kysely.transaction().execute(async (trx) => {
      // A new (or changed) authenticator: every other session of the account ends, so none
      // opened before it carries on as if it had proved it.
      const ended = res.ok && user ? await endOtherSessions(c, trx, user.id, sessionId) : 0;
      await appendAudit(trx, { actorId: user?.id ?? null, action: 'auth.two-factor.enable', target: user?.id ?? null, outcome: res.ok ? 'success' : 'failure', ...origin(c), details: { status: res.status, sessionsEnded: ended } });
    });
    if (c.get('eventsWritten')) events.bus.notify();
    return res as never;
  })
  .openapi(verifyTotp, (c) => verifySecondFactor(c, 'totp', c.req.valid('json')) as never)
  .openapi(verifyBackupCode, (c) => verifySecondFactor(c, 'backup-code', c.req.valid('json')) as never)
  .openapi(getSession, async (c) => {
    const res = await forward(c);
    const body = res.ok ? ((await res.clone().json()) as { user?: { id: string; passwordSet?: boolean } } | null) : null;
    if (!body?.user) return res as never;
    // Whether setting up an authenticator asks for a password: an account signed in through an identity
    // provider has none of ours, and better-auth lets it set one up without (allowPasswordless).
    const { db } = c.get('services');
    const password = await db.kysely
      .selectFrom('account')
      .select('id')
      .where('userId', '=', body.user.id)
      .where('providerId', '=', 'credential')
      .where('password', 'is not', null)
      .executeTakeFirst();
    body.user.passwordSet = Boolean(password);
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return new Response(JSON.stringify(body), { status: res.status, headers }) as never;
  })
  .all('*', (c) => errorResponse(c, 404, 'NOT_FOUND', 'No such authentication endpoint.'));
