import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { APIError } from 'better-auth/api';
import type { FederatedSessionCall } from '../auth.ts';
import { appendAudit, audit, origin, type Outcome } from '../audit.ts';
import type { AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { claimJti, provision, type Assertion, type Provisioned } from './accounts.ts';
import { FederationError, randomToken, sha256 } from './oidc.ts';
import { findProvider, toIdp, type Idp } from './queries.ts';
import { popupRefusal, popupSignedIn } from './popup.ts';

/*
 * What every federated sign-in shares, whatever the protocol (OIDC code flow,
 * token exchange, SAML 2.0): the refusal with its audit row, the enabled
 * provider, and the checked assertion becoming an account and a session.
 */

export const COOKIE_PATH = '/api/v1/federation';
/** How long a sign-in begun may take at the IdP. */
export const STATE_TTL_MS = 10 * 60_000;

/** How the sign-in came: the OIDC code flow, token exchange, or a SAML response at our ACS. */
export type Via = 'redirect' | 'token-exchange' | 'saml';

/** Records a refusal (in its own transaction; the request's own row is then not written again). */
export async function recordRefusal(c: Context<AppEnv>, err: FederationError, target: string | null, via: Via | 'start', extra: Record<string, string> = {}): Promise<void> {
  const { db } = c.get('services');
  const outcome: Outcome = err.status >= 500 ? 'failure' : 'denied';
  await audit(db.kysely, { actorId: null, action: 'auth.federation.sign-in', target: target?.slice(0, 300) ?? null, outcome, ...origin(c), details: { via, code: err.code, ...extra } });
  c.set('audited', true);
}

/** Records a refusal and answers it. */
export async function refuse(c: Context<AppEnv>, err: unknown, target: string | null, via: Via | 'start', extra: Record<string, string> = {}): Promise<never> {
  if (!(err instanceof FederationError)) throw err;
  await recordRefusal(c, err, target, via, extra);
  throw new ApiError(err.status, err.code, err.message);
}

/**
 * Where a sign-in that worked ends: a popup's (at another origin) bearer
 * session posted to its opener, and no cookie; on the same origin, the
 * HttpOnly session cookie alone (no bearer token in the answer) and a
 * redirect to the page that began it.
 */
export function signedInAnswer(c: Context<AppEnv>, opener: string | null, signedIn: SignedIn, returnTo: string, status: 302 | 303): Response {
  if (opener) return popupSignedIn(c, opener, signedIn);
  for (const cookie of signedIn.headers.getSetCookie()) c.header('Set-Cookie', cookie, { append: true });
  c.header('Cache-Control', 'no-store');
  c.set('audited', true);
  return c.redirect(returnTo, status);
}

/**
 * Where a sign-in that failed ends: once its state named a popup's opener, a
 * refusal is recorded and posted to it (popup.ts); otherwise it is refused as
 * any other.
 */
export async function refusedAnswer(c: Context<AppEnv>, err: unknown, target: string, via: Via, opener: string | null): Promise<Response> {
  if (!opener || !(err instanceof FederationError)) return refuse(c, err, target, via);
  await recordRefusal(c, err, target, via, { origin: opener.slice(0, 200) });
  return popupRefusal(c, opener, err);
}

/** An enabled provider (of `protocol`, when named), or a refusal. */
export async function enabledProvider(c: Context<AppEnv>, id: string, protocol?: 'oidc' | 'saml'): Promise<Idp> {
  const row = await findProvider(c.get('services').db.kysely, id);
  if (!row || row.disabled_at) throw new FederationError(404, 'NOT_FOUND', 'No identity provider has that id.');
  if (protocol && row.protocol !== protocol) throw new FederationError(400, 'WRONG_PROTOCOL', `This identity provider signs in through ${row.protocol === 'saml' ? 'SAML 2.0' : 'OpenID Connect'}.`);
  return toIdp(row);
}

const isUniqueViolation = (err: unknown) => {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code === '23505' || code.startsWith('SQLITE_CONSTRAINT');
};

export interface SignedIn extends Provisioned {
  headers: Headers;
  sessionId: string;
  expiresAt: string;
  multiFactor: boolean;
}

/** What keeps a checked assertion from being used twice: its key (an ID token's jti or hash, a SAML assertion's ID) until it expires. */
export interface Replay {
  key: string;
  keepUntil: Date;
  /** The refusal when it was used before. */
  refusal: () => FederationError;
}

/**
 * The checked assertion becomes a session: the account found or provisioned
 * (and the assertion kept against replay) in one transaction with its audit
 * row; then the session, made by better-auth as every session is; then, when
 * the IdP showed a multi-factor sign-in, the session is marked as having
 * passed the second factor (otherwise our TOTP step follows, as for a password).
 */
export async function signIn(c: Context<AppEnv>, idp: Idp, a: Assertion, replay: Replay, via: Via): Promise<SignedIn> {
  const { db, auth, clock } = c.get('services');
  const at = clock.now();
  const no = (db.dialect.kind === 'postgres' ? false : 0) as boolean;
  const decide = () =>
    db.writes.run(() =>
      db.kysely.transaction().execute(async (trx) => {
        // An assertion works once, in every process, until it expires.
        if (!(await claimJti(trx, idp.id, replay.key, replay.keepUntil, at))) throw replay.refusal();
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
export function ownPath(baseUrl: string, returnTo: string | undefined): string {
  if (!returnTo) return '/';
  const url = new URL(returnTo, baseUrl);
  return url.origin === baseUrl ? `${url.pathname}${url.search}${url.hash}` : '/';
}


/**
 * Takes back a sign-in under way that `keepSignInState` kept: used once, and
 * only by the browser that began it (its value in the cookie `cookie`), for
 * the provider `idpId`, before it expires. Undefined otherwise (login CSRF, a
 * stolen answer, a stale one).
 */
export async function takeSignInState(c: Context<AppEnv>, cookie: string, idpId: string, state: string | undefined) {
  const { db, clock } = c.get('services');
  const browser = getCookie(c, cookie);
  const row =
    state && browser
      ? await db.kysely.deleteFrom('federation_state').where('state_hash', '=', sha256(state)).where('browser_hash', '=', sha256(browser)).returningAll().executeTakeFirst()
      : undefined;
  return !row || row.idp_id !== idpId || Date.parse(row.expires_at) <= clock.now().getTime() ? undefined : row;
}

/**
 * Keeps a sign-in under way (its state, nonce and verifier) until it expires,
 * bound to this browser, and clears expired ones. One browser value, in the
 * cookie `cookie`, serves all of this browser's sign-ins under way (two tabs
 * both finish): returned, for the caller to set.
 */
export async function keepSignInState(
  c: Context<AppEnv>,
  cookie: string,
  idpId: string,
  state: string,
  kept: { nonce: string; codeVerifier: string; returnTo: string | undefined; /** A popup sign-in: the allow-listed origin its answer is posted to (popup.ts). */ popupOrigin?: string | null },
): Promise<string> {
  const { db, config, clock } = c.get('services');
  const known = getCookie(c, cookie);
  const browser = known && /^[A-Za-z0-9_-]{43}$/.test(known) ? known : randomToken();
  const at = clock.now();
  await db.kysely.deleteFrom('federation_state').where('expires_at', '<', at.toISOString()).execute();
  await db.kysely
    .insertInto('federation_state')
    .values({ state_hash: sha256(state), browser_hash: sha256(browser), idp_id: idpId, nonce: kept.nonce, code_verifier: kept.codeVerifier, return_to: ownPath(config.baseUrl, kept.returnTo), popup_origin: kept.popupOrigin ?? null, expires_at: new Date(at.getTime() + STATE_TTL_MS).toISOString() })
    .execute();
  return browser;
}
