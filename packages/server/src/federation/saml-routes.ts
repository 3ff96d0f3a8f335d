import type { Context, MiddlewareHandler } from 'hono';
import { setCookie } from 'hono/cookie';
import { origin } from '../audit.ts';
import type { AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { rateLimit } from '../security.ts';
import { readAssertion } from './accounts.ts';
import { FederationError, randomToken } from './oidc.ts';
import type { Idp } from './queries.ts';
import { authnRequest, checkResponse, claimsAnAnswer, spMetadata } from './saml.ts';
import { COOKIE_PATH, enabledProvider, keepSignInState, refusedAnswer, signedInAnswer, signIn, STATE_TTL_MS, takeSignInState } from './sign-in.ts';
import { recordNameId } from './saml-logout.ts';

/*
 * SAML 2.0 sign-in, SP-initiated only: the start sends the browser to the IdP
 * with an AuthnRequest (HTTP-Redirect) whose ID and RelayState are kept as a
 * federation_state row bound to this browser; the IdP's page posts the signed
 * Response to our ACS, which takes that row (once), checks the response
 * against it (saml.ts), and signs the user in as OIDC does (sign-in.ts).
 */

/**
 * The browser that began a SAML sign-in. The IdP's page posts to the ACS from
 * its own site, and a SameSite=Lax cookie is not sent with a cross-site POST:
 * over https it is SameSite=None (and Secure). Over http (development, where
 * the IdP is on the same host) browsers refuse None without Secure: Lax.
 */
const SAML_COOKIE = 'jc_federation_saml';

/**
 * The ACS and single logout, which the IdP's page on another site posts to: exempt from the origin
 * checks (a signed response and one-time state, a signed one-time LogoutRequest, are their protection).
 */
const ACS_PATH = /^\/api\/v1\/federation\/[a-z0-9][a-z0-9-]{0,39}\/saml\/(acs|slo)$/;

/** `check`, except for the SAML ACS and single logout (app.ts wraps the CSRF and origin checks with it). */
export const exceptSamlAcs =
  (check: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
  (c, next) =>
    c.req.method === 'POST' && ACS_PATH.test(c.req.path) ? next() : check(c, next);

/** The start route, for a SAML provider: the AuthnRequest, its state kept, and the redirect to the IdP. */
export async function startSaml(c: Context<AppEnv>, idp: Idp, returnTo: string | undefined, opener: string | null) {
  const { config } = c.get('services');
  const state = randomToken();
  const request = authnRequest(config.baseUrl, idp, state);
  // The request's ID is kept as the nonce: the answer must name it (InResponseTo). SAML has no PKCE verifier.
  const browser = await keepSignInState(c, SAML_COOKIE, idp.id, state, { nonce: request.id, codeVerifier: '', returnTo, popupOrigin: opener });
  const https = config.baseUrl.startsWith('https:');
  setCookie(c, SAML_COOKIE, browser, { httpOnly: true, sameSite: https ? 'None' : 'Lax', secure: https, path: COOKIE_PATH, maxAge: STATE_TTL_MS / 1000 });
  c.header('Cache-Control', 'no-store');
  return c.redirect(request.url, 302);
}

export async function samlMetadata(c: Context<AppEnv, '/:id/saml/metadata'>) {
  const id = c.req.param('id');
  let idp: Idp;
  try {
    idp = await enabledProvider(c, id, 'saml');
  } catch (err) {
    if (err instanceof FederationError) throw new ApiError(err.status, err.code, err.message);
    throw err;
  }
  c.header('Content-Type', 'application/samlmetadata+xml; charset=utf-8');
  c.header('Cache-Control', 'no-cache');
  const { config } = c.get('services');
  return c.body(spMetadata(config.baseUrl, idp, config.samlSigning), 200);
}

const replayed = () => new FederationError(401, 'ASSERTION_REPLAYED', 'This assertion was used already: sign in again.');

/** The ACS: the IdP's Response to our AuthnRequest, checked, and a session. */
export async function samlAcs(c: Context<AppEnv, '/:id/saml/acs'>) {
  const id = c.req.param('id');
  const { db, config, clock } = c.get('services');
  await rateLimit(c, `federation:address:${origin(c).ip ?? 'unknown'}`, config.rates.signInPerMinute);
  // A popup sign-in's opener (popup.ts), once its state is known.
  let opener: string | null = null;
  try {
    const form = (c.req as unknown as { valid(target: 'form'): { SAMLResponse: string; RelayState?: string | undefined } }).valid('form');
    const idp = await enabledProvider(c, id, 'saml');
    const row = await takeSignInState(c, SAML_COOKIE, idp.id, form.RelayState);
    if (!row) {
      // A response that answers no request was begun at the IdP: refused, as every unsolicited response is.
      if (!claimsAnAnswer(form.SAMLResponse)) throw new FederationError(401, 'UNSOLICITED_RESPONSE', 'Sign-ins begun at the identity provider are not accepted: begin at JusticeConnect.');
      throw new FederationError(400, 'INVALID_STATE', 'This sign-in is not valid, has expired, or began in another browser. Sign in again.');
    }
    opener = row.popup_origin;
    const checked = await checkResponse(config.baseUrl, idp, form.SAMLResponse, row.nonce, clock.now());
    const assertion = readAssertion(idp, checked.attributes, checked.contexts);
    const signedIn = await signIn(c, idp, assertion, { key: `saml:${checked.id}`, keepUntil: checked.keepUntil, refusal: replayed }, 'saml');
    // The NameID its single logout will name this user by (saml-logout.ts).
    await recordNameId(db.kysely, idp.id, signedIn.userId, checked.nameId);
    // 303: the browser follows a POST's answer with a GET.
    return signedInAnswer(c, opener, signedIn, row.return_to, 303);
  } catch (err) {
    return refusedAnswer(c, err, id, 'saml', opener);
  }
}
