import { setCookie } from 'hono/cookie';
import { decodeJwt, type JWTPayload } from 'jose';
import { origin } from '../audit.ts';
import { validationError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { rateLimit } from '../security.ts';
import { readAssertion } from './accounts.ts';
import { authorizationUrl, CLOCK_TOLERANCE_SECONDS, discover, exchangeCode, FederationError, oidcContexts, randomToken, replayKey, verifyIdToken } from './oidc.ts';
import { clientSecret, findProviderByIssuer, listProviders, toIdp } from './queries.ts';
import { backchannelLogout, badLogoutForm } from './backchannel.ts';
import { samlAcs, samlMetadata, startSaml } from './saml-routes.ts';
import { samlSlo } from './saml-logout.ts';
import { ACCESS_TOKEN_TYPE, federationRoutes, TokenExchangeSchema } from './schemas.ts';
import { COOKIE_PATH, enabledProvider, keepSignInState, refusedAnswer, refuse, signedInAnswer, signIn, STATE_TTL_MS, takeSignInState, type Replay } from './sign-in.ts';
import { keepOpener, popupOrigin } from './popup.ts';

/*
 * Signing in through a state's identity provider (mounted at
 * /api/v1/federation): the OIDC authorization code flow with PKCE (start,
 * callback: same-origin pages, a full redirect and then the cookie session;
 * a page on another allow-listed origin, the same in a popup that posts a
 * bearer session back to it: popup.ts),
 * RFC 8693 token exchange (a portal on an allow-listed origin hands over
 * the ID token its IdP issued for JusticeConnect and gets a bearer session),
 * and SAML 2.0 (saml-routes.ts: start, our metadata, the ACS).
 * Every refusal answers a clear 4xx code and writes an audit row; no code,
 * token or secret is ever logged or recorded.
 */

/** The browser that began a sign-in: a random value in an HttpOnly cookie; its hash is kept with the state. */
const BROWSER_COOKIE = 'jc_federation';
/** Token exchange: the ID token must have been issued within this many seconds. */
export const EXCHANGE_MAX_AGE_SECONDS = 300;

const redirectUri = (baseUrl: string, id: string) => `${baseUrl}/api/v1/federation/${id}/callback`;

/** An ID token works once (its jti, or its hash), in every process, until it expires. */
const tokenReplay = (payload: JWTPayload, token: string): Replay => ({
  key: replayKey(payload, token),
  keepUntil: new Date((Number(payload.exp) + CLOCK_TOLERANCE_SECONDS) * 1000),
  refusal: () => new FederationError(401, 'TOKEN_REPLAYED', 'This ID token was used already: ask the identity provider for a new one.'),
});

export const federation = createRouter()
  .openapi(federationRoutes.choices, async (c) => {
    const rows = await listProviders(c.get('services').db.kysely);
    return c.json({ items: rows.filter((r) => !r.disabled_at).map((r) => ({ id: r.id, displayName: r.display_name, protocol: r.protocol })) }, 200);
  })
  .openapi(federationRoutes.start, async (c) => {
    const { id } = c.req.valid('param');
    const { returnTo, popup } = c.req.valid('query');
    const { config } = c.get('services');
    // Each start writes a row: limited per address like a password sign-in.
    await rateLimit(c, `federation:address:${origin(c).ip ?? 'unknown'}`, config.rates.signInPerMinute);
    try {
      const opener = popupOrigin(config.trustedOrigins, config.baseUrl, popup);
      const idp = await enabledProvider(c, id);
      if (opener) keepOpener(c);
      if (idp.protocol === 'saml') return await startSaml(c, idp, returnTo, opener);
      const doc = await discover(idp.issuer);
      const state = randomToken();
      const nonce = randomToken();
      const verifier = randomToken();
      const browser = await keepSignInState(c, BROWSER_COOKIE, idp.id, state, { nonce, codeVerifier: verifier, returnTo, popupOrigin: opener });
      setCookie(c, BROWSER_COOKIE, browser, { httpOnly: true, sameSite: 'Lax', path: COOKIE_PATH, maxAge: STATE_TTL_MS / 1000, secure: config.baseUrl.startsWith('https:') });
      c.header('Cache-Control', 'no-store');
      return c.redirect(authorizationUrl(doc, idp, redirectUri(config.baseUrl, idp.id), { state, nonce, verifier }), 302);
    } catch (err) {
      return refuse(c, err, id, 'start', popup === undefined ? {} : { origin: popup.slice(0, 200) });
    }
  })
  .openapi(federationRoutes.callback, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const { config, clock } = c.get('services');
    await rateLimit(c, `federation:address:${origin(c).ip ?? 'unknown'}`, config.rates.signInPerMinute);
    // A popup sign-in's opener, once its state is known: refusals from then on are posted to it.
    let opener: string | null = null;
    try {
      const row = await takeSignInState(c, BROWSER_COOKIE, id, q.state);
      if (!row) {
        throw new FederationError(400, 'INVALID_STATE', 'This sign-in is not valid, has expired, or began in another browser. Sign in again.');
      }
      opener = row.popup_origin;
      const idp = await enabledProvider(c, id, 'oidc');
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
      const signedIn = await signIn(c, idp, readAssertion(idp, payload, oidcContexts(payload)), tokenReplay(payload, idToken), 'redirect');
      return signedInAnswer(c, opener, signedIn, row.return_to, 302);
    } catch (err) {
      return refusedAnswer(c, err, id, 'redirect', opener);
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
      const signedIn = await signIn(c, idp, readAssertion(idp, payload, oidcContexts(payload)), tokenReplay(payload, token), 'token-exchange');
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
  })
  .openapi(federationRoutes.samlMetadata, samlMetadata)
  .openapi(federationRoutes.samlAcs, samlAcs)
  .openapi(federationRoutes.samlSloRedirect, (c) => samlSlo(c, c.req.valid('param').id, { binding: 'redirect', rawQuery: new URL(c.req.url).search.slice(1) }))
  .openapi(federationRoutes.samlSloPost, (c) => samlSlo(c, c.req.valid('param').id, { binding: 'post', ...c.req.valid('form') }))
  .openapi(federationRoutes.backchannelLogout, backchannelLogout, badLogoutForm);
