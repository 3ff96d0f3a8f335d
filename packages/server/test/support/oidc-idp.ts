import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import Provider, { interactionPolicy } from 'oidc-provider';

/*
 * A real OpenID provider for the federation tests: `oidc-provider` (the
 * certified library), in the test process on a free port, with one test
 * client and accounts whose claims the test sets. Its interaction signs in
 * whichever account the test names next, with the amr/acr the test gives,
 * and grants consent at once (no pages to fill in), for every request: it
 * keeps no single sign-on between them.
 */

export const CLIENT_ID = 'justiceconnect-test';
export const CLIENT_SECRET = 'test-client-secret-0123456789abcdef';
/** A second redirect URI of the same client: the IdP's own portal, which gets ID tokens to exchange. */
export const PORTAL_CALLBACK = 'http://portal.example.test:5173/idp-callback';

export interface TestAccount {
  sub: string;
  claims: Record<string, unknown>;
}

export interface NextLogin {
  sub: string;
  amr?: string[];
  acr?: string;
}

export interface TestIdp {
  issuer: string;
  /** The key the IdP signs with (publishes in its JWKS). */
  key: CryptoKey;
  kid: string;
  accounts: Map<string, Record<string, unknown>>;
  /** Who the next interaction signs in. */
  next: NextLogin | null;
  close(): Promise<void>;
}

export async function startIdp(redirectUris: string[]): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `idp-${randomUUID().slice(0, 8)}`;
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, Record<string, unknown>>();
  const idp: TestIdp = {
    issuer,
    key: privateKey,
    kid,
    accounts,
    next: null,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    findAccount: async (_ctx, sub) => (accounts.has(sub) ? { accountId: sub, claims: async () => ({ sub, ...accounts.get(sub) }) } : undefined),
    // acr and amr with the openid scope, so every ID token carries how the user signed in.
    claims: { openid: ['sub', 'acr', 'amr'], profile: ['given_name', 'family_name', 'employer_ori'], email: ['email'] },
    // The scope's claims go in the ID token itself (there is no userinfo call).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy: signInEachTime() },
    cookies: { keys: ['test-cookie-key-for-the-oidc-provider'] },
    pkce: { required: () => true },
    acrValues: ['urn:test:loa:1', 'urn:test:loa:mfa'],
  });
  provider.on('server_error', (_ctx, err) => console.error('[test idp]', err));
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void handle(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      const who = idp.next;
      if (!who) {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'no test account chosen' }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: who.sub, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: who.sub, amr: who.amr, acr: who.acr, remember: false }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    })().catch((err) => {
      console.error('[test idp] interaction failed', err);
      res.statusCode = 500;
      res.end();
    });
  });
  return idp;
}

/**
 * The default prompts, with one more check on login: every authorization request comes to the
 * interaction, even where the browser still has the IdP's session from an earlier sign-in (a browser
 * test's popup keeps it), so each one signs in whoever the test named next (or nobody).
 */
function signInEachTime() {
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.push(
    new interactionPolicy.Check('test_signs_in_each_time', 'The test IdP signs someone in for each request', (ctx) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  return policy;
}

/** A small cookie jar for the IdP's own cookies (name → value; the tests use one host). */
export class Jar {
  readonly #cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Follows redirects at the IdP (with its cookies) until one leaves for `until`; answers that URL. */
export async function followAtIdp(idp: TestIdp, url: string, until: string, jar = new Jar()): Promise<string> {
  let at = url;
  for (let hop = 0; hop < 15; hop += 1) {
    if (at.startsWith(until)) return at;
    if (!at.startsWith(idp.issuer)) throw new Error(`redirected somewhere unexpected: ${at}`);
    const res = await fetch(at, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res);
    const location = res.headers.get('location');
    if (!location) throw new Error(`the IdP answered ${res.status} without a redirect: ${(await res.text()).replace(/<style[^]*?<\/style>/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 400)}`);
    await res.arrayBuffer().catch(() => undefined);
    at = new URL(location, at).toString();
  }
  throw new Error('too many redirects at the IdP');
}

/** An ID token signed with `key` (the IdP's own unless a test swaps it), as a portal's IdP would issue one for JusticeConnect. */
export async function signIdToken(
  idp: TestIdp,
  claims: Record<string, unknown>,
  o: { key?: CryptoKey; kid?: string; iss?: string; aud?: string | string[]; iat?: number; exp?: number; jti?: string | null } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? idp.kid })
    .setIssuer(o.iss ?? idp.issuer)
    .setAudience(o.aud ?? CLIENT_ID)
    .setIssuedAt(o.iat ?? now)
    .setExpirationTime(o.exp ?? now + 300);
  if (o.jti !== null) jwt.setJti(o.jti ?? randomUUID());
  return jwt.sign(o.key ?? idp.key);
}

/** A real ID token from the provider for JusticeConnect's client, got as the IdP's portal would (its own redirect URI). */
export async function portalIdToken(idp: TestIdp, next: NextLogin): Promise<string> {
  idp.next = next;
  const { createHash, randomBytes } = await import('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  const auth = new URL(`${idp.issuer}/auth`);
  auth.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: PORTAL_CALLBACK,
    scope: 'openid profile email',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const back = new URL(await followAtIdp(idp, auth.toString(), PORTAL_CALLBACK));
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code: ${back}`);
  const res = await fetch(`${idp.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: PORTAL_CALLBACK, code_verifier: verifier }),
  });
  const body = (await res.json()) as { id_token?: string };
  if (!body.id_token) throw new Error(`no ID token: ${JSON.stringify(body)}`);
  return body.id_token;
}

/** The event member every logout token carries. */
export const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * A logout token (OpenID Connect Back-Channel Logout 1.0 §2.4) signed with the
 * IdP's own key, as its back channel would post one; each part can be changed
 * or left out (null) for the attacker cases.
 */
export async function signLogoutToken(
  idp: TestIdp,
  claims: { sub?: string; sid?: string; nonce?: string; events?: unknown } = {},
  o: { key?: CryptoKey; kid?: string; iss?: string; aud?: string | string[]; iat?: number | null; jti?: string | null } = {},
): Promise<string> {
  const payload: Record<string, unknown> = { events: { [LOGOUT_EVENT]: {} }, ...claims };
  if (payload.events === undefined) delete payload.events;
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? idp.kid, typ: 'logout+jwt' })
    .setIssuer(o.iss ?? idp.issuer)
    .setAudience(o.aud ?? CLIENT_ID)
    .setExpirationTime(Math.floor(Date.now() / 1000) + 120);
  if (o.iat !== null) jwt.setIssuedAt(o.iat ?? Math.floor(Date.now() / 1000));
  if (o.jti !== null) jwt.setJti(o.jti ?? randomUUID());
  return jwt.sign(o.key ?? idp.key);
}
