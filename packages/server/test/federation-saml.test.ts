import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../src/clock.ts';
import samlify, { type SpEntity } from '../src/federation/samlify.ts';
import { NOTICE } from '../src/routes/notice.ts';
import { activate, activeUser, backends, BASE_URL, call, signUpAndIn, suiteApp, TEST_ORI, uniqueEmail } from './helpers.ts';
import { certBody, makeKeyPair, MFA_CONTEXT, PASSWORD_CONTEXT, responseXml, sign, SSO_URL, startSamlIdp, type Answer, type AuthnRequestSeen, type SamlTestIdp } from './support/saml-idp.ts';
import { addFederationAgencies, federatedAccount, federationRefusals, OUTSIDE_ORI, SECOND_ORI, type SignInAnswer } from './support/federation.ts';

/*
 * Signing in through a SAML 2.0 identity provider, against a real one
 * (samlify's IdentityProvider with a key made now): SP-initiated sign-in end
 * to end, the account it provisions or finds, vetting and multi-factor as for
 * OIDC, and the attacker's responses, each refused with its code and an audit
 * row. Times are the server's clock (a ManualClock), not the wall's.
 */

const IDP_ID = 'saml-idp';
const ACS = `${BASE_URL}/api/v1/federation/${IDP_ID}/saml/acs`;
const SP_ENTITY = `${BASE_URL}/api/v1/federation/${IDP_ID}/saml/metadata`;
const IDP_ORIGIN = 'https://idp.saml.test';
const GFIPM = 'gfipm:2.0:user:';

interface Result extends SignInAnswer {
  code: string | undefined;
}

for (const backend of backends()) {
  describe(`federation through SAML 2.0 (${backend.name})`, () => {
    let idp: SamlTestIdp;
    let sp: SpEntity;
    let admin: { cookie: string };
    const clock = new ManualClock();
    const t = suiteApp(backend, {}, { clock });

    const person = (extra: Record<string, string> = {}) => ({
      [`${GFIPM}FederationId`]: `NIEF:IDP:TEST:USER:${randomUUID()}`,
      [`${GFIPM}EmployerORI`]: TEST_ORI,
      [`${GFIPM}GivenName`]: 'Sam',
      [`${GFIPM}SurName`]: 'Lopez',
      [`${GFIPM}EmailAddressText`]: uniqueEmail('saml'),
      [`${GFIPM}SwornLawEnforcementOfficerIndicator`]: 'true',
      ...extra,
    });

    /** Our start, as the browser follows it: the IdP's reading of the AuthnRequest, and this browser's cookie. */
    async function begin(returnTo = '/portal/?tab=home', browser?: string) {
      const start = await t.app.request(`/api/v1/federation/${IDP_ID}/start?returnTo=${encodeURIComponent(returnTo)}`, { headers: browser ? { cookie: browser } : {} });
      assert.equal(start.status, 302, await start.clone().text());
      const set = start.headers.getSetCookie().find((c) => c.startsWith('jc_federation_saml='));
      const cookie = set ? set.split(';')[0]! : browser!;
      return { request: await idp.read(start.headers.get('location')!, sp), cookie };
    }

    /** The IdP's page posting to our ACS (from its own origin, as a browser would). */
    async function post(xml: string, relayState: string | undefined, cookie: string | undefined): Promise<Result> {
      const form = new URLSearchParams({ SAMLResponse: Buffer.from(xml).toString('base64') });
      if (relayState !== undefined) form.set('RelayState', relayState);
      const res = await t.app.request(`/api/v1/federation/${IDP_ID}/saml/acs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: IDP_ORIGIN, ...(cookie && { cookie }) },
        body: form.toString(),
      });
      const session = res.headers.getSetCookie().find((c) => c.includes('session_token='));
      const text = await res.text();
      return { status: res.status, location: res.headers.get('location'), cookie: session?.split(';')[0], code: text ? JSON.parse(text).error?.code : undefined };
    }

    /** The whole journey, the IdP answering as `answer` says. */
    async function signIn(answer: Answer): Promise<Result> {
      const { request, cookie } = await begin();
      return post(await idp.respond(sp, request, { now: clock.now(), ...answer }), request.relayState, cookie);
    }

    const refusals = (code: string) => federationRefusals(t, code);
    const userOf = (federationId: string) => federatedAccount(t, IDP_ID, federationId);

    before(async () => {
      idp = startSamlIdp();
      await addFederationAgencies(t);
      admin = await activeUser(t, 'Site Admin', { siteAdmin: true });
      // Registered from the IdP's metadata, as a deployment would.
      const made = await call(t, 'POST', '/api/v1/identity-providers', {
        cookie: admin.cookie,
        body: { id: IDP_ID, displayName: 'Test SAML IdP', protocol: 'saml', issuer: idp.entityId, saml: { metadata: idp.metadata }, oris: [TEST_ORI, SECOND_ORI], multiFactor: [MFA_CONTEXT] },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.saml.ssoUrl, SSO_URL);
      assert.equal(made.body.saml.certificates.length, 1);
      assert.equal(made.body.claims.ori, `${GFIPM}EmployerORI`);
      // The IdP trusts our SP metadata as the server publishes it.
      const metadata = await t.app.request(`/api/v1/federation/${IDP_ID}/saml/metadata`);
      assert.equal(metadata.status, 200);
      assert.match(metadata.headers.get('content-type') ?? '', /samlmetadata\+xml/);
      const xml = await metadata.text();
      assert.ok(xml.includes(`entityID="${SP_ENTITY}"`) && xml.includes(ACS) && /WantAssertionsSigned="true"/.test(xml), xml);
      sp = samlify.ServiceProvider({ metadata: xml });
    });

    it('signs in end to end (AuthnRequest by redirect, signed assertion posted from the IdP’s site): a pending account in the asserted agency, found again by its federation id, and our TOTP step without a multi-factor context', async () => {
      const who = person();
      const { request, cookie } = await begin();
      assert.equal(request.acs, ACS);
      assert.equal(request.issuer, SP_ENTITY);
      const res = await post(await idp.respond(sp, request, { attributes: who, context: PASSWORD_CONTEXT, now: clock.now() }), request.relayState, cookie);
      assert.deepEqual([res.status, res.location, res.code], [303, '/portal/?tab=home', undefined]);
      assert.ok(res.cookie);
      const user = await userOf(who[`${GFIPM}FederationId`]!);
      assert.deepEqual([user?.status, user?.ori], ['pending', TEST_ORI]);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: res.cookie })).body.error.code, 'TWO_FACTOR_REQUIRED');
      // Again, with another email and name: the same account (linked by federation id, never by email).
      const again = await signIn({ attributes: { ...who, [`${GFIPM}EmailAddressText`]: uniqueEmail('other'), [`${GFIPM}GivenName`]: 'Samuel' } });
      assert.equal(again.status, 303);
      assert.equal((await userOf(who[`${GFIPM}FederationId`]!))?.id, user!.id);
      const rows = await t.services.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'auth.federation.sign-in').where('outcome', '=', 'success').where('actor_id', '=', user!.id).execute();
      assert.equal(rows.length, 2);
      assert.deepEqual([JSON.parse(rows[0]!.details).via, JSON.parse(rows[0]!.details).multiFactor], ['saml', false]);
      // The assertion's ID is kept against replay.
      const kept = await t.services.db.kysely.selectFrom('federation_jti').select('jti').where('idp_id', '=', IDP_ID).execute();
      assert.ok(kept.length >= 2 && kept.every((k) => k.jti.startsWith('saml:')));
    });

    it('skips our TOTP step exactly when the AuthnContextClassRef is a configured multi-factor context; a response signed as a whole works too', async () => {
      const mfa = await signIn({ attributes: person(), context: MFA_CONTEXT });
      assert.equal(mfa.status, 303);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: mfa.cookie })).body.error.code, 'NOTICE_REQUIRED');
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { cookie: mfa.cookie!, body: { version: NOTICE.version } })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: mfa.cookie })).status, 200);
      const whole = await signIn({ attributes: person(), context: MFA_CONTEXT, sign: 'response' });
      assert.equal(whole.status, 303);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: whole.cookie })).body.error.code, 'NOTICE_REQUIRED');
      for (const context of [PASSWORD_CONTEXT, 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified']) {
        const res = await signIn({ attributes: person(), context });
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: res.cookie })).body.error.code, 'TWO_FACTOR_REQUIRED', context);
      }
    });

    it('pending unless the IdP’s vetting counts; a changed ORI is a transfer; an ORI outside the IdP’s list is refused', async () => {
      const who = person();
      await signIn({ attributes: who, context: MFA_CONTEXT });
      const user = (await userOf(who[`${GFIPM}FederationId`]!))!;
      assert.equal(user.status, 'pending');
      await activate(t, user.id);
      await signIn({ attributes: who });
      assert.equal((await userOf(who[`${GFIPM}FederationId`]!))?.status, 'active');
      await signIn({ attributes: { ...who, [`${GFIPM}EmployerORI`]: SECOND_ORI } });
      const account = (await userOf(who[`${GFIPM}FederationId`]!))!;
      assert.deepEqual([account.id, account.status, account.ori], [user.id, 'pending', SECOND_ORI]);
      assert.equal((await call(t, 'PATCH', `/api/v1/identity-providers/${IDP_ID}`, { cookie: admin.cookie, body: { vettingCounts: true } })).status, 200);
      try {
        const fresh = person();
        assert.equal((await signIn({ attributes: fresh })).status, 303);
        assert.equal((await userOf(fresh[`${GFIPM}FederationId`]!))?.status, 'active');
      } finally {
        await call(t, 'PATCH', `/api/v1/identity-providers/${IDP_ID}`, { cookie: admin.cookie, body: { vettingCounts: false } });
      }
      // A sworn officer of an agency this IdP may not assert: refused, no account, an audit row.
      const outside = person({ [`${GFIPM}EmployerORI`]: OUTSIDE_ORI });
      const before = (await refusals('ORI_NOT_ALLOWED')).length;
      const res = await signIn({ attributes: outside, context: MFA_CONTEXT });
      assert.deepEqual([res.status, res.code, res.cookie], [403, 'ORI_NOT_ALLOWED', undefined]);
      assert.equal(await userOf(outside[`${GFIPM}FederationId`]!), undefined);
      assert.equal((await refusals('ORI_NOT_ALLOWED')).length, before + 1);
      // Never joined to a local account by its email.
      const local = await signUpAndIn(t, 'Local Officer');
      const same = person({ [`${GFIPM}EmailAddressText`]: local.email });
      await signIn({ attributes: same });
      assert.notEqual((await userOf(same[`${GFIPM}FederationId`]!))?.id, local.userId);
    });

    it('refuses the attacker’s responses, each with its code, no session and an audit row', async () => {
      const other = makeKeyPair('Attacker');
      const now = () => clock.now();
      const minutes = (n: number) => new Date(clock.now().getTime() + n * 60_000);
      type Case = [string, (r: AuthnRequestSeen) => Promise<string> | string, number, string];
      const who = person();
      const cases: Case[] = [
        ['unsigned', (r) => responseXml(idp, r, { attributes: who, now: now() }), 401, 'BAD_SIGNATURE'],
        ['signed by another key (its certificate in KeyInfo)', (r) => sign(responseXml(idp, r, { attributes: who, now: now() }), 'assertion', other), 401, 'BAD_SIGNATURE'],
        ['the whole response signed by another key', (r) => sign(responseXml(idp, r, { attributes: who, now: now() }), 'response', other), 401, 'BAD_SIGNATURE'],
        [
          'signed, then its federation id changed',
          async (r) => (await idp.respond(sp, r, { attributes: who, now: now() })).replace(who[`${GFIPM}FederationId`]!, 'NIEF:IDP:TEST:USER:victim'),
          401,
          'BAD_SIGNATURE',
        ],
        [
          'wrapping: a forged unsigned assertion beside the signed one',
          async (r) => {
            const signed = await idp.respond(sp, r, { attributes: who, now: now() });
            const forged = responseXml(idp, r, { attributes: person({ [`${GFIPM}FederationId`]: 'NIEF:IDP:TEST:USER:victim' }), now: now() }).match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
            return signed.replace('<saml:Assertion ', `${forged}<saml:Assertion `);
          },
          401,
          'SIGNATURE_WRAPPING',
        ],
        [
          'wrapping: the signed assertion moved into a forged one’s subject',
          async (r) => {
            const signed = (await idp.respond(sp, r, { attributes: who, now: now() })).match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
            const forged = responseXml(idp, r, { attributes: person({ [`${GFIPM}FederationId`]: 'NIEF:IDP:TEST:USER:victim' }), now: now() });
            return forged.replace('/></saml:SubjectConfirmation>', `>${signed}</saml:SubjectConfirmationData></saml:SubjectConfirmation>`);
          },
          401,
          'SIGNATURE_WRAPPING',
        ],
        [
          'wrapping: a response signed as a whole, its assertion swapped for a forged one',
          async (r) => {
            const signed = await idp.respond(sp, r, { attributes: who, now: now(), sign: 'response' });
            const forged = responseXml(idp, r, { attributes: person({ [`${GFIPM}FederationId`]: 'NIEF:IDP:TEST:USER:victim' }), now: now() }).match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
            return signed.replace(/<saml:Assertion[\s\S]*<\/saml:Assertion>/, forged);
          },
          401,
          'BAD_SIGNATURE',
        ],
        ['wrong audience', (r) => idp.respond(sp, r, { attributes: who, now: now(), audience: 'https://another-sp.example.gov' }), 401, 'WRONG_AUDIENCE'],
        ['wrong recipient', (r) => idp.respond(sp, r, { attributes: who, now: now(), recipient: 'https://another-sp.example.gov/acs' }), 401, 'WRONG_RECIPIENT'],
        ['wrong destination', (r) => idp.respond(sp, r, { attributes: who, now: now(), destination: 'https://another-sp.example.gov/acs' }), 401, 'WRONG_DESTINATION'],
        ['another issuer, signed with the registered key', (r) => idp.respond(sp, r, { attributes: who, now: now(), issuer: 'https://idp.attacker.example' }), 401, 'WRONG_ISSUER'],
        ['expired', (r) => idp.respond(sp, r, { attributes: who, now: minutes(-20), notOnOrAfter: minutes(-10) }), 401, 'ASSERTION_EXPIRED'],
        ['not yet valid', (r) => idp.respond(sp, r, { attributes: who, now: minutes(10), notBefore: minutes(10), notOnOrAfter: minutes(15) }), 401, 'ASSERTION_NOT_YET_VALID'],
        ['answering another request', (r) => idp.respond(sp, r, { attributes: who, now: now(), inResponseTo: '_not-our-request' }), 401, 'UNKNOWN_REQUEST'],
        ['unsolicited, though our state came back', (r) => idp.respond(sp, r, { attributes: who, now: now(), inResponseTo: null }), 401, 'UNSOLICITED_RESPONSE'],
        ['signed with SHA-1 by the registered key', (r) => sign(responseXml(idp, r, { attributes: who, now: now() }), 'assertion', idp.keys, 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'), 401, 'WEAK_SIGNATURE'],
        ['not XML', () => 'not a response', 400, 'INVALID_RESPONSE'],
        ['signed, but not following the SAML schemas', (r) => sign(responseXml(idp, r, { attributes: who, now: now() }).replace('<saml:Subject>', '<saml:Bogus/><saml:Subject>'), 'assertion', idp.keys), 400, 'INVALID_RESPONSE'],
        ['a document type (entity expansion)', (r) => `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${responseXml(idp, r, { attributes: who, now: now() })}`, 400, 'INVALID_RESPONSE'],
      ];
      for (const [name, make, status, code] of cases) {
        const { request, cookie } = await begin();
        const before = (await refusals(code)).length;
        const res = await post(await make(request), request.relayState, cookie);
        assert.deepEqual([res.status, res.code, res.cookie], [status, code, undefined], name);
        assert.equal((await refusals(code)).length, before + 1, `${name}: one audit row`);
      }
      assert.equal(await userOf('NIEF:IDP:TEST:USER:victim'), undefined);
      // A comment slipped into a signed value (outside what the signature covers) cuts nothing off: the value is read as signed.
      const own = person({ [`${GFIPM}FederationId`]: 'NIEF:IDP:TEST:USER:victim.attacker' });
      const { request, cookie } = await begin();
      const commented = (await idp.respond(sp, request, { attributes: own, now: now() })).replace('USER:victim.attacker</saml:AttributeValue>', 'USER:victim<!---->.attacker</saml:AttributeValue>');
      assert.ok(commented.includes('<!---->'));
      assert.equal((await post(commented, request.relayState, cookie)).status, 303);
      assert.ok(await userOf('NIEF:IDP:TEST:USER:victim.attacker'));
      assert.equal(await userOf('NIEF:IDP:TEST:USER:victim'), undefined);
      // Nothing the refusals wrote holds the response.
      const details = await t.services.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'auth.federation.sign-in').execute();
      assert.ok(details.every((r) => !r.details.includes('PHNhbWxw') && !r.details.includes('Assertion')));
    });

    it('times are the server’s clock, with a minute’s skew', async () => {
      const { request, cookie } = await begin();
      const xml = await idp.respond(sp, request, { attributes: person(), now: clock.now() });
      // Valid for five minutes; the server's clock moves seven (the wall's does not).
      clock.advance(7 * 60_000);
      try {
        const res = await post(xml, request.relayState, cookie);
        assert.deepEqual([res.status, res.code], [401, 'ASSERTION_EXPIRED']);
      } finally {
        clock.advance(-7 * 60_000);
      }
      // Within the skew: 30 seconds early is accepted.
      const early = await signIn({ attributes: person(), now: new Date(clock.now().getTime() + 30_000), notBefore: new Date(clock.now().getTime() + 30_000) });
      assert.equal(early.status, 303);
    });

    it('a response works once: posted again, or its assertion answering a second request, it is refused', async () => {
      const who = person();
      const first = await begin();
      const second = await begin(undefined, first.cookie);
      const assertionId = `_${randomUUID()}`;
      const xml = await idp.respond(sp, first.request, { attributes: who, now: clock.now(), assertionId });
      assert.equal((await post(xml, first.request.relayState, first.cookie)).status, 303);
      const again = await post(xml, first.request.relayState, first.cookie);
      assert.deepEqual([again.status, again.code], [400, 'INVALID_STATE']);
      // The IdP (or whoever holds one of its signed assertions) answers the second request with the same assertion ID.
      const reused = await post(await idp.respond(sp, second.request, { attributes: who, now: clock.now(), assertionId }), second.request.relayState, second.cookie);
      assert.deepEqual([reused.status, reused.code], [401, 'ASSERTION_REPLAYED']);
      assert.equal((await refusals('ASSERTION_REPLAYED')).length, 1);
      // One response posted 10 times at once: one session, the rest find the state taken.
      const raced = await begin();
      const once = await idp.respond(sp, raced.request, { attributes: person(), now: clock.now() });
      const answers = await Promise.all(Array.from({ length: 10 }, () => post(once, raced.request.relayState, raced.cookie)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [303, 400, 400, 400, 400, 400, 400, 400, 400, 400], JSON.stringify(answers.map((a) => a.code)));
      assert.equal(answers.filter((a) => a.cookie).length, 1);
    });

    it('refuses an IdP-initiated response, one from another browser, and any response once the provider is disabled', async () => {
      // Unsolicited: no RelayState, no InResponseTo (signed by the registered IdP all the same).
      const { request } = await begin();
      const unsolicited = await idp.respond(sp, request, { attributes: person(), now: clock.now(), inResponseTo: null });
      const res = await post(unsolicited, undefined, undefined);
      assert.deepEqual([res.status, res.code], [401, 'UNSOLICITED_RESPONSE']);
      assert.ok((await refusals('UNSOLICITED_RESPONSE')).length >= 1);
      // Another browser (no cookie, or another's) cannot use this browser's answer.
      const mine = await begin();
      const xml = await idp.respond(sp, mine.request, { attributes: person(), now: clock.now() });
      for (const cookie of [undefined, 'jc_federation_saml=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
        assert.deepEqual(Object.values(await post(xml, mine.request.relayState, cookie)).slice(2), [undefined, 'INVALID_STATE']);
      }
      // Disabled: the ACS, the start and the metadata answer 404.
      const pending = await begin();
      const late = await idp.respond(sp, pending.request, { attributes: person(), now: clock.now() });
      assert.equal((await call(t, 'POST', `/api/v1/identity-providers/${IDP_ID}/disable`, { cookie: admin.cookie })).status, 200);
      try {
        const refused = await post(late, pending.request.relayState, pending.cookie);
        assert.deepEqual([refused.status, refused.code, refused.cookie], [404, 'NOT_FOUND', undefined]);
        assert.equal((await call(t, 'GET', `/api/v1/federation/${IDP_ID}/start`, {})).status, 404);
        assert.equal((await t.app.request(`/api/v1/federation/${IDP_ID}/saml/metadata`)).status, 404);
      } finally {
        assert.equal((await call(t, 'POST', `/api/v1/identity-providers/${IDP_ID}/enable`, { cookie: admin.cookie })).status, 200);
      }
    });

    it('registers by SSO URL and certificates too, refuses bad SAML settings, and trusts both certificates during a rollover', async () => {
      const next = makeKeyPair('Next key');
      const bad: [Record<string, unknown>, string][] = [
        [{ saml: undefined }, 'saml'],
        [{ saml: { ssoUrl: SSO_URL } }, 'saml.certificates'],
        [{ saml: { ssoUrl: 'ftp://idp.example', certificates: [next.certificate] } }, 'saml.ssoUrl'],
        [{ saml: { ssoUrl: SSO_URL, certificates: ['not a certificate'] } }, 'saml.certificates.0'],
        [{ saml: { metadata: '<EntityDescriptor/>' } }, 'saml.metadata'],
        [{ saml: { metadata: idp.metadata }, issuer: 'https://another.idp.example' }, 'saml.metadata'],
        [{ clientSecret: 'a-secret' }, 'clientSecret'],
        [{ issuer: 'not a uri' }, 'issuer'],
      ];
      const body = { id: 'saml-two', displayName: 'Second SAML IdP', protocol: 'saml', issuer: 'urn:example:idp:two', saml: { ssoUrl: SSO_URL, certificates: [next.certificate, certBody(idp.keys.certificate)] }, oris: [TEST_ORI] };
      for (const [change, field] of bad) {
        const res = await call(t, 'POST', '/api/v1/identity-providers', { cookie: admin.cookie, body: { ...body, ...change } });
        assert.equal(res.status, 400, JSON.stringify(change));
        assert.ok(res.body.error.fields[field], `${JSON.stringify(change)}: ${JSON.stringify(res.body.error.fields)}`);
      }
      assert.equal((await call(t, 'POST', '/api/v1/identity-providers', { cookie: admin.cookie, body: { ...body, protocol: 'oidc', issuer: 'https://oidc.example.gov', clientId: 'jc' } })).body.error.fields.saml, 'Only for a SAML 2.0 provider');
      const made = await call(t, 'POST', '/api/v1/identity-providers', { cookie: admin.cookie, body });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.saml.certificates.length, 2);
      assert.equal((await call(t, 'PATCH', '/api/v1/identity-providers/saml-two', { cookie: admin.cookie, body: { scopes: ['openid'] } })).body.error.fields.scopes, 'Only for an OIDC provider');
      // The registered provider now trusts the next key as well as the current one: the IdP signs with either.
      assert.equal((await call(t, 'PATCH', `/api/v1/identity-providers/${IDP_ID}`, { cookie: admin.cookie, body: { saml: { ssoUrl: SSO_URL, certificates: [idp.keys.certificate, next.certificate] } } })).status, 200);
      try {
        for (const key of [next, idp.keys]) {
          const { request, cookie } = await begin();
          const res = await post(sign(responseXml(idp, request, { attributes: person(), now: clock.now() }), 'assertion', key), request.relayState, cookie);
          assert.equal(res.status, 303, res.code);
        }
      } finally {
        await call(t, 'PATCH', `/api/v1/identity-providers/${IDP_ID}`, { cookie: admin.cookie, body: { saml: { metadata: idp.metadata } } });
      }
      const offered = await call(t, 'GET', '/api/v1/federation/providers', {});
      assert.ok(offered.body.items.some((i: { id: string; protocol: string }) => i.id === IDP_ID && i.protocol === 'saml'));
    });
  });
}
