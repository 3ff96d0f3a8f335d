import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DiscoverySchema, TokenAnswerSchema } from './schemas.ts';
import type { Idp } from './queries.ts';

/*
 * OpenID Connect, relying-party side, on `jose` and fetch: the discovery
 * document, the JWKS, the code exchange and the ID token's checks. No
 * signature is checked by hand: jose verifies it against the IdP's published
 * keys. Nothing here logs a code, a token or a secret.
 */

/** Why an assertion or a sign-in was refused: a code for the answer and the audit row, and a message for people. */
export class FederationError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 501 | 502,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** ID-token signature algorithms accepted (asymmetric only: never `none`, never an HMAC keyed by the client secret). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Clock skew tolerated between the IdP and us. */
export const CLOCK_TOLERANCE_SECONDS = 60;
const FETCH_TIMEOUT_MS = 10_000;
const DISCOVERY_TTL_MS = 10 * 60_000;

export const randomToken = () => randomBytes(32).toString('base64url');
export const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

export type Discovery = ReturnType<typeof DiscoverySchema.parse>;

/** Discovery documents and key sets, per process (a cache of what the IdP publishes, not state: losing it costs one fetch). */
const discoveries = new Map<string, { doc: Discovery; until: number }>();
const keySets = new Map<string, JWTVerifyGetKey>();

/** The IdP's discovery document (`<issuer>/.well-known/openid-configuration`), whose issuer must be exactly the registered one. */
export async function discover(issuer: string): Promise<Discovery> {
  const cached = discoveries.get(issuer);
  if (cached && cached.until > Date.now()) return cached.doc;
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let doc: Discovery;
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
    if (!res.ok) throw new Error(`status ${res.status}`);
    doc = DiscoverySchema.parse(await res.json());
  } catch {
    throw new FederationError(502, 'IDP_UNAVAILABLE', 'The identity provider’s configuration could not be read. Try again later.');
  }
  if (doc.issuer !== issuer) throw new FederationError(502, 'IDP_MISCONFIGURED', 'The identity provider’s configuration names another issuer.');
  if (doc.code_challenge_methods_supported && !doc.code_challenge_methods_supported.includes('S256')) {
    throw new FederationError(502, 'IDP_MISCONFIGURED', 'The identity provider does not support PKCE (S256).');
  }
  discoveries.set(issuer, { doc, until: Date.now() + DISCOVERY_TTL_MS });
  return doc;
}

function keySet(jwksUri: string): JWTVerifyGetKey {
  let set = keySets.get(jwksUri);
  if (!set) {
    set = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: FETCH_TIMEOUT_MS, cooldownDuration: 30_000, cacheMaxAge: DISCOVERY_TTL_MS });
    keySets.set(jwksUri, set);
  }
  return set;
}

/** The authorization request's URL: code flow, PKCE S256, state and nonce. */
export function authorizationUrl(doc: Discovery, idp: Idp, redirectUri: string, p: { state: string; nonce: string; verifier: string }): string {
  const url = new URL(doc.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', idp.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', idp.scopes.join(' '));
  url.searchParams.set('state', p.state);
  url.searchParams.set('nonce', p.nonce);
  url.searchParams.set('code_challenge', sha256(p.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Exchanges the code (with the PKCE verifier, and the client secret when there is one) for the ID token. */
export async function exchangeCode(doc: Discovery, idp: Idp, secret: string | null, redirectUri: string, code: string, verifier: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (secret) {
    // client_secret_basic (RFC 6749 §2.3.1): both parts form-encoded before Base64.
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(idp.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  } else {
    body.set('client_id', idp.clientId);
  }
  let res: Response;
  try {
    res = await fetch(doc.token_endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  } catch {
    throw new FederationError(502, 'IDP_UNAVAILABLE', 'The identity provider could not be reached. Try again later.');
  }
  if (!res.ok) throw new FederationError(401, 'CODE_REFUSED', 'The identity provider refused the sign-in code. Sign in again.');
  const parsed = TokenAnswerSchema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new FederationError(502, 'IDP_MISCONFIGURED', 'The identity provider answered without an ID token.');
  return parsed.data.id_token;
}

export interface VerifyOptions {
  /** The nonce the authorization request sent (the redirect flow); absent for token exchange. */
  nonce?: string;
  /** The ID token must be at most this old (its `iat`), in seconds (token exchange). */
  maxAgeSeconds?: number;
  /** The server's clock. */
  now: Date;
}

/** A JWT from `idp`, checked the one way both its ID tokens and logout tokens are: its published keys, our algorithms (never `none`), issuer, our client id among its audiences, on the server's clock. jose's errors pass through. */
async function verifySigned(idp: Idp, doc: Discovery, token: string, now: Date, requiredClaims: string[], maxAgeSeconds?: number): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, keySet(doc.jwks_uri), {
    issuer: idp.issuer,
    audience: idp.clientId,
    algorithms: ALGORITHMS,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    currentDate: now,
    requiredClaims,
    ...(maxAgeSeconds !== undefined && { maxTokenAge: maxAgeSeconds }),
  });
  return payload;
}

/** Its `iat` is later than now (beyond the clock tolerance). */
const issuedInFuture = (payload: JWTPayload, now: Date) => now.getTime() / 1000 + CLOCK_TOLERANCE_SECONDS < Number(payload.iat);

/**
 * Checks an ID token from `idp`: its signature against the IdP's published
 * keys, issuer, audience (our client id), expiry, and as asked the nonce,
 * freshness and `jti`. Every refusal is a FederationError with a code.
 */
export async function verifyIdToken(idp: Idp, doc: Discovery, token: string, o: VerifyOptions): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    payload = await verifySigned(idp, doc, token, o.now, ['sub', 'iat', 'exp'], o.maxAgeSeconds);
  } catch (err) {
    throw refusal(err);
  }
  // An ID token for several audiences names who it was issued to (OIDC Core §3.1.3.7): in the redirect flow, that is us.
  if (o.nonce !== undefined) {
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== idp.clientId) {
      throw new FederationError(401, 'WRONG_AUDIENCE', 'The ID token was not issued to JusticeConnect.');
    }
    if (payload.nonce !== o.nonce) throw new FederationError(401, 'NONCE_MISMATCH', 'The ID token does not answer this sign-in (nonce). Sign in again.');
  }
  if (issuedInFuture(payload, o.now)) throw new FederationError(401, 'TOKEN_NOT_YET_VALID', 'The ID token was issued in the future.');
  if (payload.jti !== undefined && (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 200)) {
    throw new FederationError(401, 'INVALID_TOKEN', 'The ID token’s jti is not usable.');
  }
  return payload;
}

/** The event a logout token carries (OpenID Connect Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token must have been issued within this many seconds. */
export const LOGOUT_MAX_AGE_SECONDS = 300;

export interface LogoutToken {
  sub: string | undefined;
  sid: string | undefined;
  jti: string;
  /** Until when its jti is kept against replay (after that it is too old anyway). */
  keepUntil: Date;
}

/** A logout token refused: its problem, for the 400 answer's `error_description` and the audit row. */
const badLogout = (code: string, message: string) => new FederationError(400, code, message);

/**
 * Checks a logout token from `idp` (Back-Channel Logout §2.6): signed with the
 * IdP's published keys (the ID token's algorithms: never `none`), its issuer,
 * our client id among its audiences, `iat` present, not in the future and at
 * most LOGOUT_MAX_AGE_SECONDS old, a `jti`, the back-channel logout event
 * (an object), `sub` and/or `sid`, and no `nonce` (which would make it an ID token).
 */
export async function verifyLogoutToken(idp: Idp, doc: Discovery, token: string, now: Date): Promise<LogoutToken> {
  let payload: JWTPayload;
  try {
    payload = await verifySigned(idp, doc, token, now, ['iat', 'jti'], LOGOUT_MAX_AGE_SECONDS);
  } catch (err) {
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.reason === 'missing') throw badLogout('INVALID_TOKEN', `The logout token has no ${err.claim}.`);
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'iat') throw badLogout('TOKEN_NOT_YET_VALID', 'The logout token was issued in the future.');
    const r = refusal(err);
    if (r.status >= 500) throw r;
    throw badLogout(r.code, r.message.replace('ID token', 'logout token'));
  }
  if (issuedInFuture(payload, now)) throw badLogout('TOKEN_NOT_YET_VALID', 'The logout token was issued in the future.');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 200) throw badLogout('INVALID_TOKEN', 'The logout token’s jti is not usable.');
  const events = payload.events;
  const event = events && typeof events === 'object' && !Array.isArray(events) ? (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] : undefined;
  if (!event || typeof event !== 'object' || Array.isArray(event)) throw badLogout('NOT_A_LOGOUT_TOKEN', 'The token carries no back-channel logout event.');
  if ('nonce' in payload) throw badLogout('NOT_A_LOGOUT_TOKEN', 'A logout token must not carry a nonce.');
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 500 ? v : undefined);
  const sub = text(payload.sub);
  const sid = text(payload.sid);
  if ((payload.sub !== undefined && !sub) || (payload.sid !== undefined && !sid)) throw badLogout('INVALID_TOKEN', 'The logout token’s sub or sid is not usable.');
  if (!sub && !sid) throw badLogout('INVALID_TOKEN', 'The logout token names neither sub nor sid.');
  const exp = typeof payload.exp === 'number' ? payload.exp : 0;
  const keepUntil = new Date((Math.max(Number(payload.iat) + LOGOUT_MAX_AGE_SECONDS, exp) + CLOCK_TOLERANCE_SECONDS) * 1000);
  return { sub, sid, jti: payload.jti, keepUntil };
}

/** How the user signed in at the IdP: the ID token's amr values and its acr. */
export function oidcContexts(payload: JWTPayload): string[] {
  const amr = Array.isArray(payload.amr) ? payload.amr.filter((v): v is string => typeof v === 'string') : [];
  return typeof payload.acr === 'string' ? [...amr, payload.acr] : amr;
}

/**
 * What keeps an ID token from being used twice: its `jti`, or (an IdP that
 * sets none, as many do not) the hash of the whole token.
 */
export function replayKey(payload: JWTPayload, token: string): string {
  return typeof payload.jti === 'string' ? `jti:${payload.jti}` : `sha256:${sha256(token)}`;
}

/** jose's refusals, as our codes. */
function refusal(err: unknown): FederationError {
  if (err instanceof FederationError) return err;
  // jose answers "expired" for a token past maxTokenAge too (its claim is then iat).
  if (err instanceof joseErrors.JWTExpired && err.claim === 'iat') return new FederationError(401, 'TOKEN_TOO_OLD', 'The ID token is too old: ask the identity provider for a fresh one.');
  if (err instanceof joseErrors.JWTExpired) return new FederationError(401, 'TOKEN_EXPIRED', 'The ID token has expired.');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return new FederationError(401, 'WRONG_AUDIENCE', 'The ID token was not issued to JusticeConnect.');
    if (err.claim === 'iss') return new FederationError(401, 'WRONG_ISSUER', 'The ID token was issued by another provider.');
    if (err.claim === 'iat') return new FederationError(401, 'TOKEN_TOO_OLD', 'The ID token is too old: ask the identity provider for a fresh one.');
    return new FederationError(401, 'INVALID_TOKEN', `The ID token is not valid (${err.claim}).`);
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JOSEAlgNotAllowed) {
    return new FederationError(401, 'BAD_SIGNATURE', 'The ID token’s signature does not verify with the identity provider’s keys.');
  }
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) {
    return new FederationError(502, 'IDP_UNAVAILABLE', 'The identity provider’s keys could not be read. Try again later.');
  }
  return new FederationError(401, 'INVALID_TOKEN', 'The ID token is not valid.');
}
