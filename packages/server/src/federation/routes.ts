import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { APIError } from 'better-auth/api';
import { decodeJwt, type JWTPayload } from 'jose';
import type { FederatedSessionCall } from '../auth.ts';
import { appendAudit, audit, origin, type Outcome } from '../audit.ts';
import type { AppEnv } from '../http/context.ts';
import { ApiError, validationError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { rateLimit } from '../security.ts';
import { claimJti, provision, readAssertion, type Provisioned } from './accounts.ts';
import { authorizationUrl, CLOCK_TOLERANCE_SECONDS, discover, exchangeCode, FederationError, randomToken, replayKey, sha256, verifyIdToken } from './oidc.ts';
import { clientSecret, findProvider, findProviderByIssuer, listProviders, toIdp, type Idp } from './queries.ts';
import { ACCESS_TOKEN_TYPE, federationRoutes, TokenExchangeSchema } from './schemas.ts';

/*
 * Signing in through a state's identity provider (mounted at
 * /api/v1/federation): the OIDC authorization code flow with PKCE (start,
 * callback: same-origin pages, a full redirect and then the cookie session),
 * and RFC 8693 token exchange (a portal on an allow-listed origin hands over
 * the ID token its IdP issued for JusticeConnect and gets a bearer session).
 * Every refusal answers a clear 4xx code and writes an audit row; no code,
 * token or secret is ever logged or recorded.
 */

/** The browser that began a sign-in: a random value in an HttpOnly cookie; its hash is kept with the state. */
const BROWSER_COOKIE = 'jc_federation';
const COOKIE_PATH = '/api/v1/federation';
const STATE_TTL_MS = 10 * 60_000;
/** Token exchange: the ID token must have been issued within this many seconds. */
export const EXCHANGE_MAX_AGE_SECONDS = 300;

type Via = 'redirect' | 'token-exchange';

const redirectUri = (baseUrl: string, id: string) => `${baseUrl}/api/v1/federation/${id}/callback`;

/** Records a refusal (in its own transaction; the request's own row is then not written again) and answers it. */
async function refuse(c: Context<AppEnv>, err: unknown, target: string | null, via: Via | 'start', extra: Record<string, string> = {}): Promise<never> {
  if (!(err instanceof FederationError)) throw err;
  const { db } = c.get('services');
  const outcome: Outcome = err.status >= 500 ? 'failure' : 'denied';
  await audit(db.kysely, { actorId: null, action: 'auth.federation.sign-in', target: target?.slice(0, 300) ?? null, outcome, ...origin(c), details: { via, code: err.code, ...extra } });
  c.set('audited', true);
  throw new ApiError(err.status, err.code, err.message);
}

/** An enabled OIDC provider, or a refusal. */
async function enabledProvider(c: Context<AppEnv>, id: string): Promise<Idp> {
  const row = await findProvider(c.get('services').db.kysely, id);
  if (!row || row.disabled_at) throw new FederationError(404, 'NOT_FOUND', 'No identity provider has that id.');
  if (row.protocol !== 'oidc') throw new FederationError(501, 'PROTOCOL_NOT_SUPPORTED', 'Signing in through SAML 2.0 is not supported yet.');
  return toIdp(row);
}

const isUniqueViolation = (err: unknown) => {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code === '23505' || code.startsWith('SQLITE_CONSTRAINT');
};

interface SignedIn extends Provisioned {
  headers: Headers;
  sessionId: string;
  expiresAt: string;
  multiFactor: boolean;
}

/**
 * The checked assertion becomes a session: the account found or provisioned
 * (and the ID token's jti kept against replay) in one transaction with its
 * audit row; then the session, made by better-auth as every session is; then,
 * when the IdP showed a multi-factor sign-in, the session is marked as having
 * passed the second factor (otherwise our TOTP step follows, as for a password).
 */
async function signIn(c: Context<AppEnv>, idp: Idp, payload: JWTPayload, replay: string, via: Via): Promise<SignedIn> {
  const { db, auth, clock } = c.get('services');
  const a = readAssertion(idp, payload);
  const at = clock.now();
  const no = (db.dialect.kind === 'postgres' ? false : 0) as boolean;
  const decide = () =>
    db.writes.run(() =>
      db.kysely.transaction().execute(async (trx) => {
        // An ID token works once (its jti, or its hash), in every process, until it expires.
        const keepUntil = new Date((Number(payload.exp) + CLOCK_TOLERANCE_SECONDS) * 1000);
        if (!(await claimJti(trx, idp.id, replay, keepUntil, at))) throw new FederationError(401, 'TOKEN_REPLAYED', 'This ID token was used already: ask the identity provider for a new one.');
        const p = await provision(trx, idp, a, no);
        await appendAudit(trx, {
          actorId: p.userId,
          action: 'auth.federation.sign-in',
          target: idp.id,
          outcome: 'success',
          ...origin(c),
          details: { via, provisioned: p.provisioned, status: p.status, agency: p.agencyId, transferredFrom: p.transferredFrom, multiFactor: a.multiFactor },
        });
        return p;
      }),
    );
  let p: Provisioned;
  try {
    p = await decide();
  } catch (err) {
    // Two first sign-ins of one identity at once (PostgreSQL): the second finds the first's account.
    if (!isUniqueViolation(err)) throw err;
    p = await decide();
  }
  let made: Awaited<ReturnType<FederatedSessionCall['federatedSession']>>;
  try {
    made = await (auth.api as unknown as FederatedSessionCall).federatedSession({ body: { userId: p.userId }, headers: c.req.raw.headers, returnHeaders: true });
  } catch (err) {
    // better-auth's session hook refuses a locked or disabled account (changed since the transaction).
    if (err instanceof APIError) {
      const code = String((err.body as { code?: string } | undefined)?.code ?? 'SESSION_REFUSED');
      throw new FederationError(403, code, err.message || 'No session could be begun for this account.');
    }
    throw err;
  }
  // The session is marked as the provider's (and, when the IdP showed a multi-factor sign-in, as
  // having passed the second factor) while the provider is read enabled under a share lock: a
  // disabling commits before (this session is ended here) or after (it ends this session).
  const sessionId = made.response.sessionId;
  const when = at.toISOString();
  const stillEnabled = await db.writes.run(() =>
    db.kysely.transaction().execute(async (trx) => {
      const read = trx.selectFrom('identity_provider').select('disabled_at').where('id', '=', idp.id);
      const row = await (db.dialect.kind === 'postgres' ? read.forShare() : read).executeTakeFirst();
      if (!row || row.disabled_at) {
        await trx.deleteFrom('session').where('id', '=', sessionId).execute();
        return false;
      }
      const factor = a.multiFactor ? { second_factor_at: when, second_factor_by: 'idp' } : {};
      await trx
        .insertInto('session_activity')
        .values({ session_id: sessionId, user_id: p.userId, last_seen_at: when, notice_version: null, second_factor_at: null, ...factor, idp_id: idp.id })
        .onConflict((oc) => oc.column('session_id').doUpdateSet({ ...factor, idp_id: idp.id }))
        .execute();
      return true;
    }),
  );
  if (!stillEnabled) throw new FederationError(403, 'PROVIDER_DISABLED', `Signing in through ${idp.displayName} was turned off.`);
  return { ...p, headers: made.headers, sessionId: made.response.sessionId, expiresAt: made.response.expiresAt, multiFactor: a.multiFactor };
}

/** A path on this server (the start route's `returnTo`, checked again against our own origin). */
function ownPath(baseUrl: string, returnTo: string | undefined): string {
  if (!returnTo) return '/';
  const url = new URL(returnTo, baseUrl);
  return url.origin === baseUrl ? `${url.pathname}${url.search}${url.hash}` : '/';
}

export const federation = createRouter()
  .openapi(federationRoutes.choices, async (c) => {
    const rows = await listProviders(c.get('services').db.kysely);
    return c.json({ items: rows.filter((r) => !r.disabled_at && r.protocol === 'oidc').map((r) => ({ id: r.id, displayName: r.display_name, protocol: r.protocol })) }, 200);
  })
  .openapi(federationRoutes.start, async (c) => {
    const { id } = c.req.valid('param');
    const { returnTo } = c.req.valid('query');
    const { db, config, clock } = c.get('services');
    // Each start writes a row: limited per address like a password sign-in.
    await rateLimit(c, `federation:address:${origin(c).ip ?? 'unknown'}`, config.rates.signInPerMinute);
    try {
      const idp = await enabledProvider(c, id);
      const doc = await discover(idp.issuer);
      const state = randomToken();
      const nonce = randomToken();
      const verifier = randomToken();
      // One browser value for all of this browser's sign-ins under way (two tabs both finish).
      const known = getCookie(c, BROWSER_COOKIE);
      const browser = known && /^[A-Za-z0-9_-]{43}$/.test(known) ? known : randomToken();
      const at = clock.now();
      await db.kysely.deleteFrom('federation_state').where('expires_at', '<', at.toISOString()).execute();
      await db.kysely
        .insertInto('federation_state')
        .values({ state_hash: sha256(state), browser_hash: sha256(browser), idp_id: idp.id, nonce, code_verifier: verifier, return_to: ownPath(config.baseUrl, returnTo), expires_at: new Date(at.getTime() + STATE_TTL_MS).toISOString() })
        .execute();
      setCookie(c, BROWSER_COOKIE, browser, { httpOnly: true, sameSite: 'Lax', path: COOKIE_PATH, maxAge: STATE_TTL_MS / 1000, secure: config.baseUrl.startsWith('https:') });
      c.header('Cache-Control', 'no-store');
      return c.redirect(authorizationUrl(doc, idp, redirectUri(config.baseUrl, idp.id), { state, nonce, verifier }), 302);
    } catch (err) {
      return refuse(c, err, id, 'start');
    }
  })
  .openapi(federationRoutes.callback, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const { db, config, clock } = c.get('services');
    await rateLimit(c, `federation:address:${origin(c).ip ?? 'unknown'}`, config.rates.signInPerMinute);
    try {
      const browser = getCookie(c, BROWSER_COOKIE);
      // The state is used once, and only by the browser that began the sign-in (login CSRF, a stolen callback URL).
      const row =
        q.state && browser
          ? await db.kysely.deleteFrom('federation_state').where('state_hash', '=', sha256(q.state)).where('browser_hash', '=', sha256(browser)).returningAll().executeTakeFirst()
          : undefined;
      if (!row || row.idp_id !== id || Date.parse(row.expires_at) <= clock.now().getTime()) {
        throw new FederationError(400, 'INVALID_STATE', 'This sign-in is not valid, has expired, or began in another browser. Sign in again.');
      }
      const idp = await enabledProvider(c, id);
      if (q.error) {
        const said = /^[a-z_]{1,60}$/.test(q.error) ? q.error : 'error';
        throw new FederationError(401, 'IDP_REFUSED', `The identity provider did not sign you in (${said}).`);
      }
      // RFC 9207: a response that names its issuer must name this one (a mix-up between providers).
      if (q.iss !== undefined && q.iss !== idp.issuer) throw new FederationError(401, 'WRONG_ISSUER', 'The answer came from another identity provider.');
      if (!q.code) throw new FederationError(400, 'CODE_MISSING', 'The identity provider sent no sign-in code.');
      const doc = await discover(idp.issuer);
      const idToken = await exchangeCode(doc, idp, await clientSecret(idp, config.authSecret), redirectUri(config.baseUrl, idp.id), q.code, row.code_verifier);
      const payload = await verifyIdToken(idp, doc, idToken, { nonce: row.nonce, now: clock.now() });
      const signedIn = await signIn(c, idp, payload, replayKey(payload, idToken), 'redirect');
      // Same origin: the session is the HttpOnly cookie alone (no bearer token in the answer).
      for (const cookie of signedIn.headers.getSetCookie()) c.header('Set-Cookie', cookie, { append: true });
      c.header('Cache-Control', 'no-store');
      c.set('audited', true);
      return c.redirect(row.return_to, 302);
    } catch (err) {
      return refuse(c, err, id, 'redirect');
    }
  })
  .openapi(federationRoutes.tokenExchange, async (c) => {
    const { db, config, clock } = c.get('services');
    const from = c.req.header('origin');
    let target: string | null = null;
    try {
      // Only an allow-listed portal on another origin (which cannot use our cookie) gets a bearer session.
      if (!from || from === config.baseUrl || !config.trustedOrigins.includes(from)) {
        throw new FederationError(403, 'ORIGIN_NOT_ALLOWED', 'Token exchange is open only to the allow-listed portals on other origins.');
      }
      await rateLimit(c, `federation:address:${origin(c).ip ?? 'unknown'}`, config.rates.signInPerMinute);
      // Checked by the route's schema (form-encoded as RFC 8693 has it, or JSON); anything else is refused here.
      const type = c.req.header('content-type') ?? '';
      const body = type.startsWith('application/x-www-form-urlencoded') ? c.req.valid('form') : type.startsWith('application/json') ? c.req.valid('json') : undefined;
      const parsed = TokenExchangeSchema.safeParse(body);
      if (!parsed.success) throw validationError(parsed.error, 'request body');
      const token = parsed.data.subject_token;
      let issuer: string | undefined;
      try {
        issuer = decodeJwt(token).iss;
      } catch {
        throw new FederationError(400, 'INVALID_TOKEN', 'The subject token is not a JWT.');
      }
      target = issuer ?? null;
      const row = issuer ? await findProviderByIssuer(db.kysely, issuer) : undefined;
      if (!row || row.disabled_at || row.protocol !== 'oidc') throw new FederationError(401, 'UNREGISTERED_ISSUER', 'The ID token comes from an identity provider JusticeConnect does not trust.');
      const idp = toIdp(row);
      target = idp.id;
      const doc = await discover(idp.issuer);
      const payload = await verifyIdToken(idp, doc, token, { maxAgeSeconds: EXCHANGE_MAX_AGE_SECONDS, now: clock.now() });
      const signedIn = await signIn(c, idp, payload, replayKey(payload, token), 'token-exchange');
      const bearer = signedIn.headers.get('set-auth-token');
      if (!bearer) throw new Error('better-auth made a session without a bearer token');
      c.header('set-auth-token', bearer);
      c.header('Cache-Control', 'no-store');
      c.set('audited', true);
      return c.json(
        {
          access_token: bearer,
          issued_token_type: ACCESS_TOKEN_TYPE,
          token_type: 'Bearer' as const,
          expires_in: Math.max(0, Math.round((Date.parse(signedIn.expiresAt) - Date.now()) / 1000)),
          secondFactor: signedIn.multiFactor ? ('done' as const) : ('required' as const),
          user: { id: signedIn.userId, status: signedIn.status },
        },
        200,
      );
    } catch (err) {
      return refuse(c, err, target, 'token-exchange', from ? { origin: from.slice(0, 200) } : {});
    }
  });
