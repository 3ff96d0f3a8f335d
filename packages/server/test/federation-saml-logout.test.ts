import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JusticeConnectApp } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import samlify, { type SpEntity } from '../src/federation/samlify.ts';
import { NOTICE } from '../src/routes/notice.ts';
import { activate, activeUser, backends, BASE_URL, call, startApp, TEST_ORI, uniqueEmail, type TestApp } from './helpers.ts';
import { certBody, makeKeyPair, MFA_CONTEXT, SSO_URL, startSamlIdp, type LogoutAsk, type SamlTestIdp } from './support/saml-idp.ts';
import { SseReader } from './sse.ts';

/*
 * SAML 2.0 single logout, IdP-initiated, against a real SAML IdP (samlify's
 * IdentityProvider with a key made now): an officer signed in through it is
 * signed out, sessions and live streams, when the IdP sends a LogoutRequest
 * signed with its key (HTTP-Redirect or HTTP-POST), and the IdP gets our
 * signed LogoutResponse back; every unsigned, forged, misdirected, stale or
 * replayed request is refused with a 4xx, an audit row, and nothing ended.
 */

const IDP_ID = 'slo-idp';
const PLAIN_ID = 'slo-idp-plain';
const PLAIN_ISSUER = 'https://idp-plain.saml.test/idp';
const SLO = `${BASE_URL}/api/v1/federation/${IDP_ID}/saml/slo`;
const GFIPM = 'gfipm:2.0:user:';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

async function stream(app: JusticeConnectApp, cookie: string) {
  const abort = new AbortController();
  const res = await app.app.request('/api/v1/events', { headers: { cookie }, signal: abort.signal });
  assert.equal(res.status, 200, res.status === 200 ? '' : await res.clone().text());
  const reader = new SseReader(res);
  await reader.next('ready');
  return { reader, close: () => abort.abort() };
}

for (const backend of backends()) {
  describe(`SAML 2.0 single logout (${backend.name})`, () => {
    let t: TestApp;
    let idp: SamlTestIdp;
    let sp: SpEntity;
    let spKeys: ReturnType<typeof makeKeyPair>;
    const dir = mkdtempSync(path.join(tmpdir(), 'jc-slo-'));
    const clock = new ManualClock();

    const person = () => ({
      [`${GFIPM}FederationId`]: `NIEF:IDP:TEST:USER:${randomUUID()}`,
      [`${GFIPM}EmployerORI`]: TEST_ORI,
      [`${GFIPM}GivenName`]: 'Sam',
      [`${GFIPM}SurName`]: 'Lopez',
      [`${GFIPM}EmailAddressText`]: uniqueEmail('slo'),
    });

    /** SP-initiated sign-in end to end (multi-factor at the IdP): the cookie session, past the notice. */
    async function signIn(who: Record<string, string>): Promise<string> {
      const start = await t.app.request(`/api/v1/federation/${IDP_ID}/start`);
      assert.equal(start.status, 302, await start.clone().text());
      const browser = start.headers.getSetCookie().find((c) => c.startsWith('jc_federation_saml='))!.split(';')[0]!;
      const request = await idp.read(start.headers.get('location')!, sp);
      const xml = await idp.respond(sp, request, { attributes: who, context: MFA_CONTEXT, now: clock.now() });
      const res = await t.app.request(`/api/v1/federation/${IDP_ID}/saml/acs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://idp.saml.test', cookie: browser },
        body: new URLSearchParams({ SAMLResponse: Buffer.from(xml).toString('base64'), RelayState: request.relayState }).toString(),
      });
      assert.equal(res.status, 303, await res.clone().text());
      return res.headers.getSetCookie().find((c) => c.includes('session_token='))!.split(';')[0]!;
    }

    const userOf = async (federationId: string) =>
      (await t.services.db.kysely.selectFrom('federated_identity').select('user_id').where('idp_id', '=', IDP_ID).where('federation_id', '=', federationId).executeTakeFirstOrThrow()).user_id;

    const ready = async (cookie: string) => {
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { cookie, body: { version: NOTICE.version } })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie })).status, 200);
    };

    const ask = (nameId: string, extra: Partial<LogoutAsk> = {}): LogoutAsk => ({ nameId, destination: SLO, now: clock.now(), ...extra });

    /** The browser, sent by the IdP's page: a redirect (GET) or a form post, from the IdP's site. */
    async function send(binding: 'redirect' | 'post', context: string, id = IDP_ID, relayState?: string) {
      if (binding === 'redirect') return t.app.request(context.replace(`/api/v1/federation/${IDP_ID}/`, `/api/v1/federation/${id}/`));
      const form = new URLSearchParams({ SAMLRequest: context });
      if (relayState) form.set('RelayState', relayState);
      return t.app.request(`/api/v1/federation/${id}/saml/slo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://idp.saml.test' }, body: form.toString() });
    }

    const audited = async (outcome: 'success' | 'denied') =>
      (await t.services.db.kysely.selectFrom('audit_log').select(['details', 'actor_id', 'target']).where('action', '=', 'auth.federation.saml-logout').where('outcome', '=', outcome).execute()).map((r) => ({
        ...r,
        details: JSON.parse(r.details) as Record<string, unknown>,
      }));

    before(async () => {
      spKeys = makeKeyPair('JusticeConnect SP');
      writeFileSync(path.join(dir, 'sp.key'), spKeys.privateKey);
      writeFileSync(path.join(dir, 'sp.crt'), spKeys.certificate);
      // The schema validator's worker starts now, off the clock of any one check (its first start, on a
      // machine busy with other test files, can take longer than one check's time limit).
      const warm = samlify.SamlLib.isValidXml('<warm-up/>').catch(() => undefined);
      t = await startApp(backend, { JC_SAML_SP_KEY_FILE: path.join(dir, 'sp.key'), JC_SAML_SP_CERT_FILE: path.join(dir, 'sp.crt') }, { clock });
      await warm;
      idp = startSamlIdp();
      const admin = await activeUser(t, 'Site Admin', { siteAdmin: true });
      const made = await call(t, 'POST', '/api/v1/identity-providers', {
        cookie: admin.cookie,
        body: { id: IDP_ID, displayName: 'SLO IdP', protocol: 'saml', issuer: idp.entityId, saml: { metadata: idp.metadata }, oris: [TEST_ORI], multiFactor: [MFA_CONTEXT] },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      // Registered by SSO URL and certificate: no SLO URL of its own.
      const plain = await call(t, 'POST', '/api/v1/identity-providers', {
        cookie: admin.cookie,
        body: { id: PLAIN_ID, displayName: 'Plain IdP', protocol: 'saml', issuer: PLAIN_ISSUER, saml: { ssoUrl: SSO_URL, certificates: [idp.keys.certificate] }, oris: [TEST_ORI] },
      });
      assert.equal(plain.status, 201, JSON.stringify(plain.body));
      const metadata = await (await t.app.request(`/api/v1/federation/${IDP_ID}/saml/metadata`)).text();
      // Our metadata names the SLO endpoint (both bindings) and the certificate our answers are signed with.
      assert.ok(metadata.includes(`SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${SLO}"`), metadata);
      assert.ok(metadata.includes(`SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${SLO}"`), metadata);
      assert.ok(metadata.includes(certBody(spKeys.certificate)), 'our signing certificate');
      sp = samlify.ServiceProvider({ metadata, wantLogoutRequestSigned: true });
    });
    after(async () => {
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a signed LogoutRequest (redirect, then POST) ends that officer’s sessions and live stream, audited, and answers the IdP with a signed LogoutResponse; other officers stay signed in', async () => {
      const who = person();
      const first = await signIn(who);
      const second = await signIn(who);
      const userId = await userOf(who[`${GFIPM}FederationId`]!);
      await activate(t, userId);
      const other = person();
      const otherCookie = await signIn(other);
      await activate(t, await userOf(other[`${GFIPM}FederationId`]!));
      const local = await activeUser(t, 'Local Officer');
      for (const cookie of [first, second, otherCookie]) await ready(cookie);
      const streams = { first: await stream(t, first), other: await stream(t, otherCookie), local: await stream(t, local.cookie) };

      const request = idp.logoutRequest(sp, 'redirect', ask(who[`${GFIPM}FederationId`]!, { sessionIndex: '_idp-session-1', relayState: 'idp-state-1' }));
      const res = await send('redirect', request.context);
      assert.equal(res.status, 302, await res.clone().text());
      assert.equal(res.headers.get('cache-control'), 'no-store');
      // The IdP reads our answer (samlify checks our signature against our metadata's certificate).
      const answer = await idp.readLogoutResponse(res.headers.get('location')!, sp);
      assert.deepEqual(answer, { status: SUCCESS, inResponseTo: request.id, relayState: 'idp-state-1' });

      assert.equal((await streams.first.reader.next('end')).data.reason, 'revoked');
      await streams.first.reader.until(() => streams.first.reader.ended, 'the stream to close');
      for (const cookie of [first, second]) assert.deepEqual((await call(t, 'GET', '/api/v1/me', { cookie })).body.error.code, 'UNAUTHENTICATED');
      for (const s of [streams.other, streams.local]) {
        assert.equal(s.reader.ended, false);
        assert.equal(s.reader.messages.some((m) => m.event === 'end'), false);
        s.close();
      }
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: otherCookie })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: local.cookie })).status, 200);
      const row = (await audited('success')).find((r) => r.actor_id === userId);
      assert.ok(row, 'an audit row names the officer');
      assert.equal(row.target, IDP_ID);
      assert.deepEqual([row.details.sessionsEnded, row.details.binding], [2, 'redirect']);

      // HTTP-POST, the request signed in its XML: the other officer.
      const posted = idp.logoutRequest(sp, 'post', ask(other[`${GFIPM}FederationId`]!));
      const byPost = await send('post', posted.context, IDP_ID, 'idp-state-2');
      assert.equal(byPost.status, 302, await byPost.clone().text());
      assert.equal((await idp.readLogoutResponse(byPost.headers.get('location')!, sp)).status, SUCCESS);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: otherCookie })).status, 401);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: local.cookie })).status, 200);

      // Someone never signed in here: Success (nothing to end), audited.
      const nobody = await send('redirect', idp.logoutRequest(sp, 'redirect', ask('NIEF:IDP:TEST:USER:nobody')).context);
      assert.equal((await idp.readLogoutResponse(nobody.headers.get('location')!, sp)).status, SUCCESS);
      assert.ok((await audited('success')).some((r) => r.details.knownUser === false));
      // Nothing recorded holds the request.
      const rows = await t.services.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'auth.federation.saml-logout').execute();
      assert.ok(rows.every((r) => !r.details.includes('LogoutRequest') && !r.details.includes('NIEF:')));
    });

    it('refuses unsigned, wrongly signed, misdirected, stale and replayed LogoutRequests with a 4xx, an audit row, and nothing ended', async () => {
      const who = person();
      const cookie = await signIn(who);
      await activate(t, await userOf(who[`${GFIPM}FederationId`]!));
      await ready(cookie);
      const nameId = who[`${GFIPM}FederationId`]!;
      const attacker = startSamlIdp(makeKeyPair('Attacker'));
      const minutes = (n: number) => new Date(clock.now().getTime() + n * 60_000);
      const unsigned = (context: string) => {
        const url = new URL(context, BASE_URL);
        url.searchParams.delete('Signature');
        url.searchParams.delete('SigAlg');
        return `${url.pathname}${url.search}`;
      };
      const tampered = (context: string) => {
        const url = new URL(context, BASE_URL);
        const relay = url.searchParams.get('RelayState');
        url.searchParams.set('RelayState', `${relay ?? ''}x`);
        return `${url.pathname}${url.search}`;
      };
      const plainPost = Buffer.from(
        `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${randomUUID()}" Version="2.0" IssueInstant="${clock.now().toISOString()}" Destination="${SLO}"><saml:Issuer>${idp.entityId}</saml:Issuer><saml:NameID>${nameId}</saml:NameID></samlp:LogoutRequest>`,
      ).toString('base64');
      type Case = [string, 'redirect' | 'post', () => string, number, string];
      const cases: Case[] = [
        ['unsigned (redirect)', 'redirect', () => unsigned(idp.logoutRequest(sp, 'redirect', ask(nameId)).context), 401, 'UNSIGNED_REQUEST'],
        ['unsigned (POST)', 'post', () => plainPost, 401, 'UNSIGNED_REQUEST'],
        ['signed by another key (redirect)', 'redirect', () => attacker.logoutRequest(sp, 'redirect', ask(nameId)).context, 401, 'BAD_SIGNATURE'],
        ['signed by another key (POST)', 'post', () => attacker.logoutRequest(sp, 'post', ask(nameId)).context, 401, 'BAD_SIGNATURE'],
        ['signed, then its RelayState changed', 'redirect', () => tampered(idp.logoutRequest(sp, 'redirect', ask(nameId, { relayState: 'state' })).context), 401, 'BAD_SIGNATURE'],
        ['wrong Destination', 'redirect', () => idp.logoutRequest(sp, 'redirect', ask(nameId, { destination: 'https://another-sp.example.gov/slo' })).context, 401, 'WRONG_DESTINATION'],
        ['wrong Issuer, signed with the registered key', 'redirect', () => idp.logoutRequest(sp, 'redirect', ask(nameId, { issuer: 'https://idp.attacker.example' })).context, 401, 'WRONG_ISSUER'],
        ['expired (NotOnOrAfter)', 'redirect', () => idp.logoutRequest(sp, 'redirect', ask(nameId, { now: minutes(-5), notOnOrAfter: minutes(-2) })).context, 401, 'REQUEST_EXPIRED'],
        ['issued too long ago', 'post', () => idp.logoutRequest(sp, 'post', ask(nameId, { now: minutes(-30) })).context, 401, 'REQUEST_EXPIRED'],
        ['issued in the future', 'redirect', () => idp.logoutRequest(sp, 'redirect', ask(nameId, { now: minutes(10) })).context, 401, 'REQUEST_NOT_YET_VALID'],
        ['a document type (POST)', 'post', () => Buffer.from(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]>${Buffer.from(plainPost, 'base64').toString()}`).toString('base64'), 400, 'INVALID_REQUEST'],
        ['not SAML', 'post', () => Buffer.from('not a request').toString('base64'), 400, 'INVALID_REQUEST'],
      ];
      for (const [name, binding, make, status, code] of cases) {
        const before = (await audited('denied')).filter((r) => r.details.code === code).length;
        const res = await send(binding, make());
        const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
        assert.deepEqual([res.status, body?.error?.code], [status, code], name);
        assert.equal((await audited('denied')).filter((r) => r.details.code === code).length, before + 1, `${name}: one audit row`);
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie })).status, 200, `${name}: still signed in`);
      }
      // A good request works once; its ID again is a replay (refused, audited); then nothing more ends.
      const id = `_${randomUUID()}`;
      const once = await send('redirect', idp.logoutRequest(sp, 'redirect', ask('NIEF:IDP:TEST:USER:nobody', { id })).context);
      assert.equal(once.status, 302);
      const replay = await send('redirect', idp.logoutRequest(sp, 'redirect', ask(nameId, { id })).context);
      assert.deepEqual([replay.status, ((await replay.json()) as { error: { code: string } }).error.code], [400, 'REQUEST_REPLAYED']);
      assert.ok((await audited('denied')).some((r) => r.details.code === 'REQUEST_REPLAYED'));
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie })).status, 200);
      // The same request at another IdP's endpoint: not its signature (its Destination is not there either).
      const elsewhere = await send('redirect', idp.logoutRequest(sp, 'redirect', ask(nameId)).context, PLAIN_ID);
      assert.equal(elsewhere.status, 401);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie })).status, 200);
    });

    it('our signing key: both files or neither, and the key must be the certificate’s', () => {
      const env = { JC_DATA_DIR: dir, JC_AUTH_SECRET: 'a'.repeat(32), JC_AUDIT_KEY: 'b'.repeat(32) };
      const other = makeKeyPair('Another');
      writeFileSync(path.join(dir, 'other.key'), other.privateKey);
      assert.equal(loadConfig(env).samlSigning, null);
      assert.equal(loadConfig({ ...env, JC_SAML_SP_KEY_FILE: path.join(dir, 'sp.key'), JC_SAML_SP_CERT_FILE: path.join(dir, 'sp.crt') }).samlSigning?.certificate, certBody(spKeys.certificate));
      assert.throws(() => loadConfig({ ...env, JC_SAML_SP_KEY_FILE: path.join(dir, 'sp.key') }), (e) => e instanceof ConfigError && /both, or neither/.test(e.message));
      assert.throws(() => loadConfig({ ...env, JC_SAML_SP_KEY_FILE: path.join(dir, 'other.key'), JC_SAML_SP_CERT_FILE: path.join(dir, 'sp.crt') }), (e) => e instanceof ConfigError && /not the RSA key/.test(e.message));
      assert.throws(() => loadConfig({ ...env, JC_SAML_SP_KEY_FILE: path.join(dir, 'sp.crt'), JC_SAML_SP_CERT_FILE: path.join(dir, 'sp.crt') }), (e) => e instanceof ConfigError && !e.message.includes('BEGIN'));
    });

    it('an IdP registered without an SLO URL gets a plain page; an unknown IdP is 404', async () => {
      const res = await send('redirect', idp.logoutRequest(sp, 'redirect', ask('NIEF:IDP:TEST:USER:nobody', { issuer: PLAIN_ISSUER, destination: `${BASE_URL}/api/v1/federation/${PLAIN_ID}/saml/slo` })).context, PLAIN_ID);
      assert.equal(res.status, 200, await res.clone().text());
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(await res.text(), /signed out/);
      assert.equal((await send('redirect', idp.logoutRequest(sp, 'redirect', ask('x')).context, 'no-such-idp')).status, 404);
    });
  });
}
