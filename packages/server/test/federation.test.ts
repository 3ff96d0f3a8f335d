import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPair } from 'jose';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { NOTICE } from '../src/routes/notice.ts';
import { currentCode } from '../src/totp.ts';
import { activate, activeUser, backends, BASE_URL, call, OTHER_ORIGIN, signUpAndIn, startApp, TEST_ORI, uniqueEmail, type TestApp } from './helpers.ts';
import { CLIENT_ID, CLIENT_SECRET, followAtIdp, PORTAL_CALLBACK, portalIdToken, signIdToken, startIdp, type NextLogin, type TestIdp } from './support/oidc-idp.ts';
import { addFederationAgencies, federatedAccount, federationRefusals, OUTSIDE_ORI, SECOND_ORI, type SignInAnswer } from './support/federation.ts';
import { openStream as stream } from './sse.ts';

/*
 * Signing in through a state's identity provider, against a real OpenID
 * provider (oidc-provider) in this process: the code flow with PKCE end to
 * end, the account it provisions, the second factor it does or does not
 * need, RFC 8693 token exchange, and each refusal with its code and audit row.
 */

const IDP_ID = 'test-idp';
const CALLBACK = `${BASE_URL}/api/v1/federation/${IDP_ID}/callback`;
const UNKNOWN_ORI = 'NOSUCH001';

interface Federated extends SignInAnswer {
  body: unknown;
}

for (const backend of backends()) {
  describe(`federation through OIDC (${backend.name})`, () => {
    let t: TestApp;
    let idp: TestIdp;
    let admin: { cookie: string };

    /** Makes an account at the IdP with the claims a test controls. */
    const account = (claims: Record<string, unknown> = {}) => {
      const sub = `NIEF:IDP:TEST:USER:${randomUUID()}`;
      idp.accounts.set(sub, { given_name: 'Dana', family_name: 'Reyes', email: uniqueEmail('fed'), employer_ori: TEST_ORI, ...claims });
      return sub;
    };

    /** The browser's whole journey: our start, the IdP (which signs `next` in), our callback. */
    async function federatedSignIn(next: NextLogin, returnTo = '/portal/?tab=home'): Promise<Federated> {
      idp.next = next;
      const start = await t.app.request(`/api/v1/federation/${IDP_ID}/start?returnTo=${encodeURIComponent(returnTo)}`);
      assert.equal(start.status, 302, await start.clone().text());
      const browser = start.headers.getSetCookie().find((c) => c.startsWith('jc_federation='))!.split(';')[0]!;
      const back = new URL(await followAtIdp(idp, start.headers.get('location')!, CALLBACK));
      const res = await t.app.request(`${back.pathname}${back.search}`, { headers: { cookie: browser } });
      const session = res.headers.getSetCookie().find((c) => c.includes('session_token='));
      const text = await res.text();
      return { status: res.status, location: res.headers.get('location'), cookie: session ? session.split(';')[0]! : undefined, body: text ? JSON.parse(text) : null };
    }

    const exchange = (token: string, origin: string | null = OTHER_ORIGIN) =>
      call(t, 'POST', '/api/v1/federation/token-exchange', {
        origin,
        rawBody: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: token,
          subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });

    const refusals = (code: string) => federationRefusals(t, code);
    const userOf = (sub: string) => federatedAccount(t, IDP_ID, sub);

    before(async () => {
      t = await startApp(backend);
      idp = await startIdp([CALLBACK, PORTAL_CALLBACK]);
      await addFederationAgencies(t);
      admin = await activeUser(t, 'Site Admin', { siteAdmin: true });
      const made = await call(t, 'POST', '/api/v1/identity-providers', {
        cookie: admin.cookie,
        body: { id: IDP_ID, displayName: 'Test State IdP', issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oris: [TEST_ORI, SECOND_ORI, UNKNOWN_ORI], multiFactor: ['mfa', 'urn:test:loa:mfa'] },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    });
    after(async () => {
      await t.dispose();
      await idp.close();
    });

    it('signs in end to end (code + PKCE at the real provider): a pending account in the asserted agency, and our TOTP step because amr shows no multi-factor', async () => {
      const sub = account();
      const res = await federatedSignIn({ sub, amr: ['pwd'] });
      assert.equal(res.status, 302, JSON.stringify(res.body));
      assert.equal(res.location, '/portal/?tab=home');
      assert.ok(res.cookie, 'a session cookie');
      const user = await userOf(sub);
      assert.equal(user?.status, 'pending');
      assert.equal(user?.ori, TEST_ORI);
      // The session counts only after our code step: enrol (no password to give), then the code.
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: res.cookie })).body.error.code, 'TWO_FACTOR_REQUIRED');
      // What tells jc-sign-in to set up an authenticator without asking for a password.
      const before = (await call(t, 'GET', '/api/auth/get-session', { cookie: res.cookie })).body;
      assert.equal(before.user.passwordSet, false);
      assert.equal(Boolean(before.user.twoFactorEnabled), false);
      const enabled = await call(t, 'POST', '/api/auth/two-factor/enable', { cookie: res.cookie!, body: {} });
      assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
      const secret = new URL(enabled.body.totpURI).searchParams.get('secret')!;
      const verified = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: res.cookie!, body: { code: await currentCode(secret) } });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      // Confirming the authenticator may hand out a new session (better-auth): the one the answer sets, if any.
      const renewed = verified.headers.getSetCookie().find((c) => c.includes('session_token=') && !/max-age=0/i.test(c));
      const cookie = renewed ? renewed.split(';')[0]! : res.cookie!;
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie })).body.error.code, 'NOTICE_REQUIRED');
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { cookie, body: { version: NOTICE.version } })).status, 200);
      const me = await call(t, 'GET', '/api/v1/me', { cookie });
      assert.equal(me.status, 200);
      assert.equal(me.body.status, 'pending');
      assert.equal(me.body.agency.ori, TEST_ORI);
      const rows = await t.services.db.kysely.selectFrom('audit_log').select(['details']).where('action', '=', 'auth.federation.sign-in').where('outcome', '=', 'success').where('actor_id', '=', user!.id).execute();
      assert.equal(rows.length, 1);
      assert.equal(JSON.parse(rows[0]!.details).multiFactor, false);
      // Signing in again: the same account, and the code step again (this account now has an authenticator).
      const again = await federatedSignIn({ sub, amr: ['pwd'] });
      assert.equal((await userOf(sub))?.id, user!.id);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: again.cookie })).body.error.code, 'TWO_FACTOR_REQUIRED');
      // Nor can that session set up another authenticator in place of the one the account has: the IdP's password
      // alone would then be enough to get past our code step for good.
      const replaced = await call(t, 'POST', '/api/auth/two-factor/enable', { cookie: again.cookie!, body: {} });
      assert.equal(replaced.status, 400, JSON.stringify(replaced.body));
      assert.equal(replaced.body.error.code, 'TOTP_ALREADY_ENABLED');
      // What tells jc-sign-in to ask for the code of the authenticator set up before, not to set one up.
      const later = (await call(t, 'GET', '/api/auth/get-session', { cookie: again.cookie })).body;
      assert.equal(later.user.twoFactorEnabled, true);
      assert.equal(later.user.passwordSet, false);
      // (The app's code of this period was used above, and a code works once: a backup code instead.)
      const code = await call(t, 'POST', '/api/auth/two-factor/verify-backup-code', { cookie: again.cookie!, body: { code: enabled.body.backupCodes[0] } });
      assert.equal(code.status, 200, JSON.stringify(code.body));
      const renewedAgain = code.headers.getSetCookie().find((c) => c.includes('session_token=') && !/max-age=0/i.test(c));
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: renewedAgain ? renewedAgain.split(';')[0]! : again.cookie })).body.error.code, 'NOTICE_REQUIRED');
    });

    it('skips our TOTP step exactly when amr or acr shows a configured multi-factor value', async () => {
      for (const next of [{ amr: ['pwd', 'mfa'] }, { acr: 'urn:test:loa:mfa' }]) {
        const res = await federatedSignIn({ sub: account(), ...next });
        assert.equal(res.status, 302);
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: res.cookie })).body.error.code, 'NOTICE_REQUIRED', JSON.stringify(next));
        assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { cookie: res.cookie!, body: { version: NOTICE.version } })).status, 200);
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: res.cookie })).status, 200);
      }
      // The idle limit holds for a federated session as for any: unused past it, it ends.
      const idle = await federatedSignIn({ sub: account(), amr: ['mfa'] });
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { cookie: idle.cookie!, body: { version: NOTICE.version } })).status, 200);
      const long = new Date(Date.now() - (t.services.config.sessions.idleMinutes + 1) * 60_000).toISOString();
      const userId = (await userOf(idp.next!.sub))!.id;
      await t.services.db.kysely.updateTable('session_activity').set({ last_seen_at: long }).where('user_id', '=', userId).execute();
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: idle.cookie })).body.error.code, 'SESSION_EXPIRED');
      for (const next of [{ amr: ['pwd', 'otp'] }, { acr: 'urn:test:loa:1' }, {}]) {
        const res = await federatedSignIn({ sub: account(), ...next });
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: res.cookie })).body.error.code, 'TWO_FACTOR_REQUIRED', JSON.stringify(next));
      }
    });

    it('a changed ORI is a transfer (vetted again); an IdP whose vetting counts lets its users arrive approved', async () => {
      const sub = account();
      await federatedSignIn({ sub, amr: ['mfa'] });
      const user = (await userOf(sub))!;
      await activate(t, user.id);
      await federatedSignIn({ sub, amr: ['mfa'] });
      assert.equal((await userOf(sub))?.status, 'active', 'the same agency keeps its vetting');
      idp.accounts.get(sub)!.employer_ori = SECOND_ORI;
      await federatedSignIn({ sub, amr: ['mfa'] });
      const moved = await userOf(sub);
      assert.deepEqual([moved?.id, moved?.ori, moved?.status], [user.id, SECOND_ORI, 'pending']);
      const rows = await t.services.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'auth.federation.sign-in').where('actor_id', '=', user.id).orderBy('seq').execute();
      assert.equal(JSON.parse(rows.at(-1)!.details).transferredFrom, 'agency-test');
      // Vetting that counts: pending accounts arrive approved.
      assert.equal((await call(t, 'PATCH', `/api/v1/identity-providers/${IDP_ID}`, { cookie: admin.cookie, body: { vettingCounts: true } })).status, 200);
      try {
        await federatedSignIn({ sub, amr: ['mfa'] });
        assert.equal((await userOf(sub))?.status, 'active');
        const fresh = account();
        await federatedSignIn({ sub: fresh, amr: ['mfa'] });
        assert.equal((await userOf(fresh))?.status, 'active');
      } finally {
        await call(t, 'PATCH', `/api/v1/identity-providers/${IDP_ID}`, { cookie: admin.cookie, body: { vettingCounts: false } });
      }
    });

    it('never joins a federated identity to a local account by email, and a suspended account stays refused', async () => {
      const local = await signUpAndIn(t, 'Local Officer');
      const sub = account({ email: local.email });
      const res = await federatedSignIn({ sub, amr: ['mfa'] });
      assert.equal(res.status, 302);
      const user = (await userOf(sub))!;
      assert.notEqual(user.id, local.userId);
      assert.match(user.email, /@federated\.invalid$/);
      // Suspended on our side: the next federated sign-in is refused, even with a new ORI (a transfer never revives an account).
      await t.services.db.kysely.updateTable('profile').set({ status: 'suspended' }).where('user_id', '=', user.id).execute();
      idp.accounts.get(sub)!.employer_ori = SECOND_ORI;
      const refused = await federatedSignIn({ sub, amr: ['mfa'] });
      assert.equal(refused.status, 403);
      assert.deepEqual([(refused.body as { error: { code: string } }).error.code, refused.cookie], ['ACCOUNT_DISABLED', undefined]);
      assert.equal((await userOf(sub))?.ori, TEST_ORI);
      assert.ok((await refusals('ACCOUNT_DISABLED')).length >= 1);
    });

    it('wrong passwords for a federated account (which has none) lock nothing: its IdP sign-in still works', async () => {
      const sub = account();
      assert.equal((await federatedSignIn({ sub, amr: ['mfa'] })).status, 302);
      const email = String(idp.accounts.get(sub)!.email);
      for (let i = 0; i < 7; i += 1) {
        const res = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: `guess-${i}-long-enough` } });
        assert.equal(res.status, 401);
      }
      const again = await federatedSignIn({ sub, amr: ['mfa'] });
      assert.equal(again.status, 302, JSON.stringify(again.body));
      assert.ok(again.cookie);
    });

    it('refuses an ORI outside the IdP’s list, and one of no agency, with a clear error and an audit row', async () => {
      for (const [ori, code] of [[OUTSIDE_ORI, 'ORI_NOT_ALLOWED'], [UNKNOWN_ORI, 'UNKNOWN_AGENCY']] as const) {
        idp.accounts.set(`x-${ori}`, { given_name: 'Out', family_name: 'Side', employer_ori: ori, email: uniqueEmail('out') });
        const res = await federatedSignIn({ sub: `x-${ori}`, amr: ['mfa'] });
        assert.equal(res.status, 403);
        assert.equal((res.body as { error: { code: string } }).error.code, code);
        assert.equal(res.cookie, undefined);
        assert.equal(await userOf(`x-${ori}`), undefined);
        const rows = await refusals(code);
        assert.ok(rows.length >= 1 && rows.every((r) => r.outcome === 'denied'), code);
      }
    });

    it('binds state to the browser that began it, uses it once, and returns only to a path on this site', async () => {
      idp.next = { sub: account(), amr: ['mfa'] };
      const start = await t.app.request(`/api/v1/federation/${IDP_ID}/start?returnTo=/portal/`);
      const browser = start.headers.getSetCookie().find((c) => c.startsWith('jc_federation='))!.split(';')[0]!;
      assert.match(start.headers.getSetCookie().join('\n'), /jc_federation=[^;]+;.*HttpOnly/i);
      const authorize = new URL(start.headers.get('location')!);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce') && authorize.searchParams.get('code_challenge'));
      assert.equal(authorize.searchParams.get('code_verifier'), null);
      const back = new URL(await followAtIdp(idp, authorize.toString(), CALLBACK));
      const path = `${back.pathname}${back.search}`;
      // Another browser (an attacker's callback URL sent to a victim, login CSRF): refused, and the state still unused.
      const other = await call(t, 'GET', path, { cookie: 'jc_federation=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
      assert.deepEqual([other.status, other.body.error.code], [400, 'INVALID_STATE']);
      assert.equal((await call(t, 'GET', path, {})).body.error.code, 'INVALID_STATE');
      const ok = await t.app.request(path, { headers: { cookie: browser } });
      assert.equal(ok.status, 302);
      // Used once.
      const replay = await call(t, 'GET', path, { cookie: browser });
      assert.deepEqual([replay.status, replay.body.error.code], [400, 'INVALID_STATE']);
      assert.ok((await refusals('INVALID_STATE')).length >= 3);
      // Only a path here: never another site.
      for (const returnTo of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/%0d%0aSet-Cookie:x=y'.replace('%0d%0a', '\r\n')]) {
        const res = await call(t, 'GET', `/api/v1/federation/${IDP_ID}/start?returnTo=${encodeURIComponent(returnTo)}`, {});
        assert.equal(res.status, 400, returnTo);
      }
    });

    it('exchanges a real ID token from the IdP’s portal for a bearer session, only from an allow-listed origin', async () => {
      const token = await portalIdToken(idp, { sub: account(), amr: ['pwd', 'mfa'] });
      // Another site (refused by the Origin check before the route), no Origin at all (by the CSRF check), our own origin (by the route: it has the cookie).
      for (const origin of ['http://evil.example.test', null, BASE_URL]) {
        const refused = await exchange(token, origin);
        assert.equal(refused.status, 403, String(origin));
        assert.equal(refused.headers.get('set-auth-token'), null);
      }
      const denied = await t.services.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'POST /api/v1/federation/token-exchange').where('outcome', '=', 'denied').execute();
      assert.ok(denied.length >= 2);
      const res = await exchange(token);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
      assert.equal(res.body.token_type, 'Bearer');
      assert.equal(res.body.secondFactor, 'done');
      assert.equal(res.headers.get('set-auth-token'), res.body.access_token);
      assert.equal(res.headers.get('access-control-allow-origin'), OTHER_ORIGIN);
      assert.equal(res.headers.getSetCookie().length, 0, 'no cookie for another origin');
      const bearer = res.body.access_token as string;
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token: bearer })).body.error.code, 'NOTICE_REQUIRED');
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { origin: OTHER_ORIGIN, token: bearer, body: { version: NOTICE.version } })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token: bearer })).status, 200);
      // The same ID token again: a replay (oidc-provider sets no jti: the token's hash is kept).
      const replay = await exchange(token);
      assert.deepEqual([replay.status, replay.body.error.code], [401, 'TOKEN_REPLAYED']);
      assert.ok((await refusals('TOKEN_REPLAYED')).length >= 1);
      assert.ok((await refusals('ORIGIN_NOT_ALLOWED')).length >= 1);
    });

    it('token exchange without multi-factor asks for our TOTP step', async () => {
      const sub = account();
      const res = await exchange(await signIdToken(idp, { sub, ...idp.accounts.get(sub), amr: ['pwd'] }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.secondFactor, 'required');
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token: res.body.access_token })).body.error.code, 'TWO_FACTOR_REQUIRED');
    });

    it('at once: one token sent 10 times makes one session (the rest replays), and two first sign-ins of one identity make one account', async () => {
      const sub = account();
      const claims = { sub, ...idp.accounts.get(sub), amr: ['mfa'] };
      const token = await signIdToken(idp, claims, { jti: randomUUID() });
      const same = await Promise.all(Array.from({ length: 10 }, () => exchange(token)));
      assert.deepEqual(
        same.map((r) => r.status).sort(),
        [200, 401, 401, 401, 401, 401, 401, 401, 401, 401],
        JSON.stringify(same.map((r) => r.body?.error?.code ?? r.status)),
      );
      assert.ok(same.filter((r) => r.status === 401).every((r) => r.body.error.code === 'TOKEN_REPLAYED'));
      const fresh = account();
      const first = { sub: fresh, ...idp.accounts.get(fresh), amr: ['mfa'] };
      const two = await Promise.all([signIdToken(idp, first, { jti: randomUUID() }), signIdToken(idp, first, { jti: randomUUID() })].map(async (t) => exchange(await t)));
      assert.deepEqual(two.map((r) => r.status), [200, 200], JSON.stringify(two.map((r) => r.body)));
      const accounts = await t.services.db.kysely.selectFrom('federated_identity').select('user_id').where('federation_id', '=', fresh).execute();
      assert.equal(new Set(accounts.map((a) => a.user_id)).size, 1, 'one account for one federated identity');
    });

    it('refuses wrong audience, expired, stale, re-signed, replayed (jti), unregistered issuer and out-of-list ORI tokens, each with its code and an audit row', async () => {
      const sub = account();
      const claims = { sub, ...idp.accounts.get(sub), amr: ['mfa'] };
      const now = Math.floor(Date.now() / 1000);
      const { privateKey: otherKey } = await generateKeyPair('RS256');
      const cases: [string, Promise<string>, number, string][] = [
        ['wrong audience', signIdToken(idp, claims, { aud: 'someone-else' }), 401, 'WRONG_AUDIENCE'],
        ['expired', signIdToken(idp, claims, { iat: now - 3600, exp: now - 600 }), 401, 'TOKEN_EXPIRED'],
        ['not fresh', signIdToken(idp, claims, { iat: now - 1800, exp: now + 600 }), 401, 'TOKEN_TOO_OLD'],
        ['re-signed with another key (same kid)', signIdToken(idp, claims, { key: otherKey }), 401, 'BAD_SIGNATURE'],
        ['re-signed with another key (unknown kid)', signIdToken(idp, claims, { key: otherKey, kid: 'attacker' }), 401, 'BAD_SIGNATURE'],
        ['unregistered issuer', signIdToken(idp, claims, { iss: 'https://idp.attacker.example' }), 401, 'UNREGISTERED_ISSUER'],
        ['ORI outside the list', signIdToken(idp, { ...claims, employer_ori: OUTSIDE_ORI }), 403, 'ORI_NOT_ALLOWED'],
      ];
      for (const [name, token, status, code] of cases) {
        const before = (await refusals(code)).length;
        const res = await exchange(await token);
        assert.deepEqual([res.status, res.body?.error?.code], [status, code], name);
        assert.equal(res.headers.get('set-auth-token'), null, name);
        assert.equal((await refusals(code)).length, before + 1, `${name}: one audit row`);
      }
      // The same jti twice: the second is a replay (even though its signature and times are fine).
      const jti = randomUUID();
      assert.equal((await exchange(await signIdToken(idp, claims, { jti }))).status, 200);
      const replay = await exchange(await signIdToken(idp, claims, { jti }));
      assert.deepEqual([replay.status, replay.body.error.code], [401, 'TOKEN_REPLAYED']);
      // An unsigned token (alg none) is not a signature at all.
      const [, body] = (await signIdToken(idp, claims)).split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${body}.`;
      assert.deepEqual([(await exchange(none)).status, (await exchange(none)).body.error.code], [401, 'BAD_SIGNATURE']);
      // Nothing the refusals wrote holds the token.
      const details = await t.services.db.kysely.selectFrom('audit_log').select(['details', 'target']).where('action', '=', 'auth.federation.sign-in').execute();
      assert.ok(details.every((r) => !r.details.includes('eyJ') && !(r.target ?? '').includes('eyJ')));
    });

    it('disabling the provider ends every session it opened (cookie and token-exchange bearer) and their live streams, with an audit row; local sessions stay; enabling lets its users sign in again', async () => {
      // One officer, signed in through the provider twice: a cookie session (code flow) and a bearer (token exchange).
      const sub = account();
      const viaRedirect = await federatedSignIn({ sub, amr: ['mfa'] });
      assert.equal(viaRedirect.status, 302, JSON.stringify(viaRedirect.body));
      const userId = (await userOf(sub))!.id;
      await activate(t, userId);
      const cookie = viaRedirect.cookie!;
      const exchanged = await exchange(await portalIdToken(idp, { sub, amr: ['pwd', 'mfa'] }));
      assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
      const bearer = exchanged.body.access_token as string;
      for (const who of [{ cookie }, { origin: OTHER_ORIGIN, token: bearer }]) {
        assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { ...who, body: { version: NOTICE.version } })).status, 200);
        assert.equal((await call(t, 'GET', '/api/v1/me', who)).status, 200);
      }
      // A local (password + TOTP) officer, and the administrator: sessions the provider did not open.
      const local = await activeUser(t, 'Local Officer');
      const streams = { cookie: await stream(t, { cookie }), bearer: await stream(t, { token: bearer }), local: await stream(t, { cookie: local.cookie }) };
      const opened = async () =>
        Number(
          (
            await t.services.db.kysely
              .selectFrom('session')
              .innerJoin('session_activity', 'session_activity.session_id', 'session.id')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('session_activity.idp_id', '=', IDP_ID)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const federatedSessions = await opened();
      assert.ok(federatedSessions >= 2, 'both of the officer’s sessions are marked as the provider’s');

      const disabled = await call(t, 'POST', `/api/v1/identity-providers/${IDP_ID}/disable`, { cookie: admin.cookie });
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      assert.equal(disabled.body.disabled, true);
      // Their live streams end at once, saying why; the local officer's stays open.
      for (const s of [streams.cookie, streams.bearer]) {
        assert.equal((await s.reader.next('end')).data.reason, 'revoked');
        await s.reader.until(() => s.reader.ended, 'the stream to close');
      }
      assert.equal(streams.local.reader.ended, false);
      assert.equal(streams.local.reader.messages.some((m) => m.event === 'end'), false);
      // The next request of either session: 401, signed out.
      for (const who of [{ cookie }, { origin: OTHER_ORIGIN, token: bearer }]) {
        const me = await call(t, 'GET', '/api/v1/me', who);
        assert.deepEqual([me.status, me.body.error.code], [401, 'UNAUTHENTICATED'], JSON.stringify(who));
      }
      assert.equal(await opened(), 0, 'no session of the provider is left');
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: local.cookie })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: admin.cookie })).status, 200);
      // One audit row, by the administrator, saying how many sessions ended.
      const rows = await t.services.db.kysely.selectFrom('audit_log').select(['actor_id', 'details', 'outcome']).where('action', '=', 'identity-provider.disabled').where('target', '=', IDP_ID).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.outcome, 'success');
      assert.equal(JSON.parse(rows[0]!.details).sessionsEnded, federatedSessions);
      // No way back in while it is disabled.
      assert.equal((await call(t, 'GET', `/api/v1/federation/${IDP_ID}/start`, {})).body.error.code, 'NOT_FOUND');
      const refused = await exchange(await portalIdToken(idp, { sub, amr: ['mfa'] }));
      assert.deepEqual([refused.status, refused.body.error.code], [401, 'UNREGISTERED_ISSUER']);

      // Enabled again: the same officer signs in both ways, as the same account.
      assert.equal((await call(t, 'POST', `/api/v1/identity-providers/${IDP_ID}/enable`, { cookie: admin.cookie })).status, 200);
      const back = await federatedSignIn({ sub, amr: ['mfa'] });
      assert.equal(back.status, 302, JSON.stringify(back.body));
      const again = await exchange(await portalIdToken(idp, { sub, amr: ['mfa'] }));
      assert.equal(again.status, 200, JSON.stringify(again.body));
      for (const who of [{ cookie: back.cookie! }, { origin: OTHER_ORIGIN, token: again.body.access_token as string }]) {
        assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { ...who, body: { version: NOTICE.version } })).status, 200);
        const me = await call(t, 'GET', '/api/v1/me', who);
        assert.equal(me.status, 200);
        assert.equal(me.body.id, userId);
      }
      streams.local.close();
    });
  });
}

for (const backend of backends()) {
  describe(`a provider the providers file disables or no longer lists (${backend.name})`, () => {
    const FILE_IDP = 'file-idp';
    const FILE_CALLBACK = `${BASE_URL}/api/v1/federation/${FILE_IDP}/callback`;
    let t: TestApp;
    let idp: TestIdp;
    let file: string;
    const entry = (extra: Record<string, unknown> = {}) => ({ id: FILE_IDP, displayName: 'File IdP', issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oris: [TEST_ORI], vettingCounts: true, multiFactor: ['mfa'], ...extra });

    /** Another server process starting on the same database with the file saying `providers` (then stopping). */
    async function startWith(providers: unknown[]) {
      writeFileSync(file, JSON.stringify({ providers }));
      const other = await createApp(
        loadConfig({ JC_DATA_DIR: t.dir, JC_DATABASE_URL: t.databaseUrl, JC_BASE_URL: BASE_URL, JC_TRUSTED_ORIGINS: OTHER_ORIGIN, JC_LOG_REQUESTS: 'false', JC_IDENTITY_PROVIDERS_FILE: file }),
      );
      await other.close();
    }

    /** A bearer session through token exchange, past the notice. */
    async function signedIn(sub: string) {
      const res = await call(t, 'POST', '/api/v1/federation/token-exchange', {
        origin: OTHER_ORIGIN,
        rawBody: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: await portalIdToken(idp, { sub, amr: ['mfa'] }), subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const token = res.body.access_token as string;
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { origin: OTHER_ORIGIN, token, body: { version: NOTICE.version } })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token })).status, 200);
      return token;
    }

    const fileAudits = async () =>
      (await t.services.db.kysely.selectFrom('audit_log').select(['action', 'actor_id', 'details']).where('target', '=', FILE_IDP).where('action', 'like', 'identity-provider.%').orderBy('seq').execute()).map((r) => ({
        action: r.action,
        actor: r.actor_id,
        ...JSON.parse(r.details),
      }));

    before(async () => {
      idp = await startIdp([FILE_CALLBACK, PORTAL_CALLBACK]);
      file = path.join(process.env.TMPDIR ?? '/tmp', `jc-idps-fed-${process.pid}-${backend.name}.json`);
      writeFileSync(file, JSON.stringify({ providers: [entry()] }));
      t = await startApp(backend, { JC_IDENTITY_PROVIDERS_FILE: file });
    });
    after(async () => {
      await t.dispose();
      await idp.close();
    });

    it('a start whose file drops the provider, or marks it disabled, ends its sessions and their live streams in every process, with an audit row; listed again, it signs in again; an administrator’s disabling holds', async () => {
      const sub = `NIEF:IDP:TEST:USER:${randomUUID()}`;
      idp.accounts.set(sub, { given_name: 'Fay', family_name: 'Ortiz', email: uniqueEmail('file'), employer_ori: TEST_ORI });
      const first = await signedIn(sub);
      const second = await signedIn(sub);
      const live = await stream(t, { token: first });

      // Another process starts without the provider in its file: this process's stream ends, both sessions are gone.
      await startWith([]);
      assert.equal((await live.reader.next('end')).data.reason, 'revoked');
      for (const token of [first, second]) {
        const me = await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token });
        assert.deepEqual([me.status, me.body.error.code], [401, 'UNAUTHENTICATED']);
      }
      assert.equal((await call(t, 'GET', `/api/v1/federation/${FILE_IDP}/start`, {})).body.error.code, 'NOT_FOUND');
      assert.deepEqual(await fileAudits(), [{ action: 'identity-provider.disabled', actor: null, by: 'providers-file', reason: 'removed', sessionsEnded: 2 }]);

      // Listed again: the file enables what it disabled.
      await startWith([entry()]);
      const third = await signedIn(sub);
      // Marked disabled in the file: that session ends.
      await startWith([entry({ disabled: true })]);
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token: third })).status, 401);
      assert.deepEqual((await fileAudits()).slice(1), [
        { action: 'identity-provider.enabled', actor: null, by: 'providers-file' },
        { action: 'identity-provider.disabled', actor: null, by: 'providers-file', reason: 'disabled', sessionsEnded: 1 },
      ]);

      // An administrator's disabling is not undone by the file listing the provider again.
      await startWith([entry()]);
      await signedIn(sub);
      const admin = await activeUser(t, 'Site Admin', { siteAdmin: true });
      assert.equal((await call(t, 'POST', `/api/v1/identity-providers/${FILE_IDP}/disable`, { cookie: admin.cookie })).status, 200);
      await startWith([entry()]);
      const row = await t.services.db.kysely.selectFrom('identity_provider').select(['disabled_at', 'disabled_by']).where('id', '=', FILE_IDP).executeTakeFirstOrThrow();
      assert.ok(row.disabled_at);
      assert.equal(row.disabled_by, 'api');
    });
  });
}
