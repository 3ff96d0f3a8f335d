/**
 * The demo state identity provider: what a state's IdP (Texas DPS in the demo) is to JusticeConnect,
 * on its own port, built on `oidc-provider` (the certified OpenID provider library).
 *
 * - An OpenID provider with the demo state's officers in it (their own accounts: a federated officer is
 *   never joined to a JusticeConnect account by email). Its sign-in page asks for the officer and the
 *   demo password, and whether they used their security key: then the ID token's `amr` shows a
 *   multi-factor sign-in and JusticeConnect skips its own code step.
 * - `/portal/`: the IdP's own portal, which embeds the widgets with no JusticeConnect sign-in: once the
 *   officer signs in to the portal, the page hands `jc-provider` a function answering a fresh ID token
 *   for JusticeConnect (`/portal/id-token`), which it exchanges for a session (RFC 8693).
 *
 * Demo only: the accounts and password are public, the keys are made at each start and nothing is
 * kept. `npm start` runs it beside the server (scripts/start.mjs); the e2e journey does too.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider from 'oidc-provider';
import { z } from 'zod';

/** The demo state's officers, in its own directory (GFIPM-style federation ids; Texas ORIs only). */
export const DEMO_IDP_OFFICERS = [
  { sub: 'NIEF:IDP:TXDEMO:USER:1001', given_name: 'Maria', family_name: 'Santos', email: 'maria.santos@txdps.idp.demo.test', employer_ori: 'TXDPS0000', title: 'Trooper' },
  { sub: 'NIEF:IDP:TXDEMO:USER:1002', given_name: 'Jordan', family_name: 'Lee', email: 'jordan.lee@hayscounty.idp.demo.test', employer_ori: 'TX1050000', title: 'Deputy' },
  { sub: 'NIEF:IDP:TXDEMO:USER:1003', given_name: 'Chris', family_name: 'Alvarez', email: 'chris.alvarez@laredo.idp.demo.test', employer_ori: 'TX2400200', title: 'Patrol Officer' },
] as const;
export type DemoIdpOfficer = (typeof DEMO_IDP_OFFICERS)[number];

/** The demo IdP's password for every officer (public, like the demo accounts'). */
export const DEMO_IDP_PASSWORD = 'state-idp-demo-2026';
/** The ORIs the demo IdP may assert: the Texas agencies. */
export const DEMO_IDP_ORIS = ['TXDPS0000', 'TX1050000', 'TX2400200'];
export const DEMO_IDP_ID = 'demo-state-idp';
export const DEMO_IDP_CLIENT_ID = 'justiceconnect-demo';

export interface DemoIdpOptions {
  port: number;
  /** Where it listens (127.0.0.1 unless given). */
  host?: string;
  /** The host name in its issuer URL, as browsers and the server reach it (`host` unless given). */
  issuerHost?: string;
  /** JusticeConnect's origin (its callback, and where the portal page loads the widgets from). */
  jcBaseUrl: string;
  /** JusticeConnect's client secret at this IdP (the same one the providers file gives the server). */
  clientSecret: string;
}

export interface DemoIdp {
  issuer: string;
  close(): Promise<void>;
}

/** The entry of JusticeConnect's identity providers file (JC_IDENTITY_PROVIDERS_FILE) for this IdP. */
export function demoIdpProviderEntry(issuer: string, clientSecret: string) {
  return {
    id: DEMO_IDP_ID,
    displayName: 'Demo State IdP (Texas)',
    issuer,
    clientId: DEMO_IDP_CLIENT_ID,
    clientSecret,
    oris: DEMO_IDP_ORIS,
    // The state vets its officers: they arrive approved. A security-key sign-in counts as multi-factor.
    vettingCounts: true,
    multiFactor: ['mfa'],
  };
}

/** What the sign-in forms post (checked: this is input from outside). */
const LoginForm = z.object({ officer: z.enum(DEMO_IDP_OFFICERS.map((o) => o.sub) as [string, ...string[]]), password: z.string().max(200), key: z.literal('on').optional() });

const officerOf = (sub: string) => DEMO_IDP_OFFICERS.find((o) => o.sub === sub);
const amrOf = (key: boolean) => (key ? ['pwd', 'hwk', 'mfa'] : ['pwd']);

export async function startDemoIdp(o: DemoIdpOptions): Promise<DemoIdp> {
  const host = o.host ?? '127.0.0.1';
  const issuer = `http://${o.issuerHost ?? host}:${o.port}`;
  const jc = new URL(o.jcBaseUrl).origin;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `demo-${randomUUID().slice(0, 8)}`;
  const cookieKey = randomBytes(32);

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: DEMO_IDP_CLIENT_ID,
        client_secret: o.clientSecret,
        redirect_uris: [`${jc}/api/v1/federation/${DEMO_IDP_ID}/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }] },
    findAccount: async (_ctx, sub) => {
      const officer = officerOf(sub);
      if (!officer) return undefined;
      const { title: _title, ...claims } = officer;
      return { accountId: sub, claims: async () => claims };
    },
    claims: { openid: ['sub', 'acr', 'amr'], profile: ['given_name', 'family_name', 'employer_ori'], email: ['email'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [cookieKey.toString('base64url')] },
    pkce: { required: () => true },
  });
  provider.on('server_error', (_ctx, err) => console.error('[demo idp]', err));
  const oidc = provider.callback();

  /** The portal's own sign-in: the officer's federation id, signed (HMAC) so it cannot be forged. */
  const portalCookie = (sub: string) => `${Buffer.from(sub).toString('base64url')}.${createHmac('sha256', cookieKey).update(sub).digest('base64url')}`;
  function portalOfficer(req: IncomingMessage): DemoIdpOfficer | undefined {
    const value = /(?:^|;\s*)demo_idp_portal=([\w-]+\.[\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!value) return undefined;
    const [encoded, mac] = value.split('.') as [string, string];
    const sub = Buffer.from(encoded, 'base64url').toString();
    const expected = createHmac('sha256', cookieKey).update(sub).digest();
    const given = Buffer.from(mac, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? officerOf(sub) : undefined;
  }
  /** A fresh ID token for JusticeConnect, as the IdP issues one for its portal's signed-in officer (iat now, 5 minutes, a one-time jti). */
  async function idTokenFor(officer: DemoIdpOfficer): Promise<string> {
    const { title: _title, sub, ...claims } = officer;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims, amr: amrOf(true) })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(issuer)
      .setSubject(sub)
      .setAudience(DEMO_IDP_CLIENT_ID)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .setJti(randomUUID())
      .sign(privateKey);
  }

  const server = createServer((req, res) => {
    void route(req, res).catch((err) => {
      console.error('[demo idp]', err);
      if (!res.headersSent) send(res, 500, page('Error', '<p>Something went wrong at the demo IdP.</p>'));
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', issuer);
    const interaction = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (interaction) {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'POST' && interaction[2]) {
        const form = LoginForm.safeParse(Object.fromEntries(new URLSearchParams(await body(req))));
        if (!form.success || form.data.password !== DEMO_IDP_PASSWORD) return send(res, 401, loginPage(`/interaction/${details.uid}/login`, 'That officer and password do not match.'));
        const grant = new provider.Grant({ accountId: form.data.officer, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        const login = { accountId: form.data.officer, amr: amrOf(form.data.key === 'on'), remember: false };
        return provider.interactionFinished(req, res, { login, consent: { grantId } }, { mergeWithLastSubmission: false });
      }
      return send(res, 200, loginPage(`/interaction/${details.uid}/login`));
    }
    if (url.pathname === '/' || url.pathname === '/portal') return redirect(res, '/portal/');
    if (url.pathname === '/portal/') {
      const officer = portalOfficer(req);
      return send(res, 200, officer ? portalPage(officer, jc) : loginPage('/portal/login'));
    }
    if (url.pathname === '/portal/login' && req.method === 'POST') {
      const form = LoginForm.safeParse(Object.fromEntries(new URLSearchParams(await body(req))));
      if (!form.success || form.data.password !== DEMO_IDP_PASSWORD) return send(res, 401, loginPage('/portal/login', 'That officer and password do not match.'));
      res.setHeader('set-cookie', `demo_idp_portal=${portalCookie(form.data.officer)}; HttpOnly; SameSite=Lax; Path=/portal/`);
      return redirect(res, '/portal/');
    }
    if (url.pathname === '/portal/sign-out' && req.method === 'POST') {
      res.setHeader('set-cookie', 'demo_idp_portal=; HttpOnly; SameSite=Lax; Path=/portal/; Max-Age=0');
      return redirect(res, '/portal/');
    }
    if (url.pathname === '/portal/id-token') {
      const officer = portalOfficer(req);
      res.setHeader('cache-control', 'no-store');
      if (!officer) return json(res, 401, { error: 'not signed in to the portal' });
      return json(res, 200, { idToken: await idTokenFor(officer) });
    }
    return oidc(req, res);
  }

  await new Promise<void>((resolve) => server.listen(o.port, host, resolve));
  const port = (server.address() as AddressInfo).port;
  if (port !== o.port) throw new Error(`the demo IdP listens on ${port}, not ${o.port}`);
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) throw new Error('form too large');
  }
  return text;
}

function send(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function redirect(res: ServerResponse, to: string) {
  res.writeHead(303, { location: to });
  res.end();
}

/** Escapes text for HTML (the pages are built from constants and the officers' names, but escaped all the same). */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, main: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${esc(title)} — Demo State IdP</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b}header{background:#12355b;color:#fff;padding:1rem 1.5rem}main{max-width:60rem;margin:1.5rem auto;padding:0 1.5rem}label{display:block;margin:.75rem 0 .25rem}select,input[type=password]{font:inherit;padding:.4rem;min-width:18rem}button{font:inherit;padding:.5rem 1rem;margin-top:1rem}.error{color:#b50909;font-weight:600}.grid{display:grid;gap:1.5rem;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr))}</style>
${head}</head>
<body><header><strong>Demo State Identity Provider</strong> · Texas (demo)</header><main id="main">${main}</main></body>
</html>`;
}

function loginPage(action: string, error = ''): string {
  const options = DEMO_IDP_OFFICERS.map((o) => `<option value="${esc(o.sub)}">${esc(`${o.title} ${o.given_name} ${o.family_name}`)} (${esc(o.employer_ori)})</option>`).join('');
  return page(
    'Sign in',
    `<h1>Sign in to the state's network</h1>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${esc(action)}">
<label for="officer">Officer</label><select id="officer" name="officer">${options}</select>
<label for="password">Password (demo: ${esc(DEMO_IDP_PASSWORD)})</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<label><input type="checkbox" name="key" checked> I signed in with my security key (multi-factor)</label>
<button type="submit">Sign in</button>
</form>`,
  );
}

function portalPage(officer: DemoIdpOfficer, jc: string): string {
  const widgets = ['provider', 'sign-in', 'announcements', 'community-list'];
  const scripts = widgets.map((w) => `<script type="module" src="${esc(jc)}/widgets/${w}.js"></script>`).join('\n');
  return page(
    'Portal',
    `<h1>Welcome, ${esc(`${officer.title} ${officer.given_name} ${officer.family_name}`)}</h1>
<p>You are signed in to the state's portal. The JusticeConnect widgets below are signed in through it: no JusticeConnect sign-in.</p>
<form method="post" action="/portal/sign-out"><button type="submit">Sign out of the portal</button></form>
<jc-provider id="jc" api="${esc(jc)}">
  <div class="grid">
    <section aria-label="Your JusticeConnect account"><jc-sign-in></jc-sign-in></section>
    <section aria-label="Announcements"><jc-announcements></jc-announcements></section>
    <section aria-label="Your communities"><jc-community-list></jc-community-list></section>
  </div>
</jc-provider>
<script>
  // Before the widgets load: a fresh ID token for JusticeConnect, each time the provider asks.
  document.getElementById('jc').idToken = () => fetch('/portal/id-token').then((r) => (r.ok ? r.json() : null)).then((b) => b && b.idToken);
</script>`,
    scripts,
  );
}

// Run directly (scripts/start.mjs does): it writes JusticeConnect's providers file naming itself, then serves.
if (import.meta.url === `file://${process.argv[1]}`) {
  const env = z
    .object({
      PORT: z.coerce.number().int().min(1).max(65535),
      HOST: z.string().min(1).default('0.0.0.0'),
      /** The host name in the IdP's issuer URL (as the browser and the server reach it). */
      JC_DEMO_IDP_HOSTNAME: z.string().min(1).default('localhost'),
      JC_BASE_URL: z.url(),
      JC_DEMO_IDP_PROVIDERS_FILE: z.string().min(1),
    })
    .parse(process.env);
  const clientSecret = randomBytes(24).toString('base64url');
  const issuer = `http://${env.JC_DEMO_IDP_HOSTNAME}:${env.PORT}`;
  writeFileSync(env.JC_DEMO_IDP_PROVIDERS_FILE, JSON.stringify({ providers: [demoIdpProviderEntry(issuer, clientSecret)] }, null, 2), { mode: 0o600 });
  const idp = await startDemoIdp({ port: env.PORT, host: env.HOST, issuerHost: env.JC_DEMO_IDP_HOSTNAME, jcBaseUrl: env.JC_BASE_URL, clientSecret });
  console.log(`Demo state IdP ready at ${idp.issuer} (its own portal, with the widgets signed in through it: ${idp.issuer}/portal/)`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void idp.close().then(() => process.exit(0)));
}
