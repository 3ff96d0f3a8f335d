import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import { NOTICE } from '../src/routes/notice.ts';
import { activate, activeUser, backends, BASE_URL, call, OTHER_ORIGIN, startApp, TEST_ORI, uniqueEmail, type TestApp } from './helpers.ts';
import { CLIENT_ID, CLIENT_SECRET, followAtIdp, LOGOUT_EVENT, PORTAL_CALLBACK, portalIdToken, signLogoutToken, startIdp, type NextLogin, type TestIdp } from './support/oidc-idp.ts';
import { openStream as stream } from './sse.ts';

/*
 * OpenID Connect Back-Channel Logout 1.0 against a real OpenID provider
 * (oidc-provider): an officer signed in through it (a cookie session by the
 * code flow, a bearer by token exchange, a live stream) is signed out when
 * the IdP posts a logout token signed with its own key; every forged, stale,
 * replayed or misdirected token is refused with the spec's 400 and ends nothing.
 */

const A = 'logout-idp-a';
const B = 'logout-idp-b';
const CALLBACK = `${BASE_URL}/api/v1/federation/${A}/callback`;

for (const backend of backends()) {
  describe(`OIDC back-channel logout (${backend.name})`, () => {
    let t: TestApp;
    let idpA: TestIdp;
    let idpB: TestIdp;
    let admin: { cookie: string };

    const account = (idp: TestIdp) => {
      const sub = `NIEF:IDP:TEST:USER:${randomUUID()}`;
      idp.accounts.set(sub, { given_name: 'Dana', family_name: 'Reyes', email: uniqueEmail('bcl'), employer_ori: TEST_ORI });
      return sub;
    };

    /** The code flow at IdP A: a cookie session. */
    async function cookieSignIn(next: NextLogin): Promise<string> {
      idpA.next = next;
      const start = await t.app.request(`/api/v1/federation/${A}/start`);
      assert.equal(start.status, 302, await start.clone().text());
      const browser = start.headers.getSetCookie().find((c) => c.startsWith('jc_federation='))!.split(';')[0]!;
      const back = new URL(await followAtIdp(idpA, start.headers.get('location')!, CALLBACK));
      const res = await t.app.request(`${back.pathname}${back.search}`, { headers: { cookie: browser } });
      assert.equal(res.status, 302, await res.clone().text());
      return res.headers.getSetCookie().find((c) => c.includes('session_token='))!.split(';')[0]!;
    }

    /** Token exchange from the portal: a bearer session. */
    async function bearerSignIn(idp: TestIdp, next: NextLogin): Promise<string> {
      const res = await call(t, 'POST', '/api/v1/federation/token-exchange', {
        origin: OTHER_ORIGIN,
        rawBody: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: await portalIdToken(idp, next),
          subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.access_token as string;
    }

    /** What the IdP's back channel posts: no Origin, no cookie. */
    const logout = (id: string, token: string | null, contentType = 'application/x-www-form-urlencoded') =>
      call(t, 'POST', `/api/v1/federation/${id}/backchannel-logout`, {
        origin: null,
        rawBody: token === null ? 'other=1' : new URLSearchParams({ logout_token: token }).toString(),
        headers: { 'content-type': contentType },
      });

    const userOf = async (idp: string, sub: string) =>
      (await t.services.db.kysely.selectFrom('federated_identity').select('user_id').where('idp_id', '=', idp).where('federation_id', '=', sub).executeTakeFirstOrThrow()).user_id;

    const ready = async (who: { cookie: string } | { origin: string; token: string }) => {
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { ...who, body: { version: NOTICE.version } })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', who)).status, 200);
    };

    const sessionsOf = async (userId: string) =>
      Number((await t.services.db.kysely.selectFrom('session').select((eb) => eb.fn.countAll().as('n')).where('userId', '=', userId).executeTakeFirstOrThrow()).n);

    before(async () => {
      t = await startApp(backend);
      idpA = await startIdp([CALLBACK, PORTAL_CALLBACK]);
      idpB = await startIdp([PORTAL_CALLBACK]);
      admin = await activeUser(t, 'Site Admin', { siteAdmin: true });
      for (const [id, idp] of [[A, idpA], [B, idpB]] as const) {
        const made = await call(t, 'POST', '/api/v1/identity-providers', {
          cookie: admin.cookie,
          body: { id, displayName: `IdP ${id}`, issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oris: [TEST_ORI], multiFactor: ['mfa'] },
        });
        assert.equal(made.status, 201, JSON.stringify(made.body));
      }
    });
    after(async () => {
      await t.dispose();
      await idpA.close();
      await idpB.close();
    });

    it('a logout token from the IdP ends that officer’s cookie and bearer sessions and live streams, audited; local sessions and another officer’s stay', async () => {
      const sub = account(idpA);
      const cookie = await cookieSignIn({ sub, amr: ['mfa'] });
      const userId = await userOf(A, sub);
      await activate(t, userId);
      const bearer = await bearerSignIn(idpA, { sub, amr: ['mfa'] });
      const other = account(idpA);
      const otherBearer = await bearerSignIn(idpA, { sub: other, amr: ['mfa'] });
      await activate(t, await userOf(A, other));
      const local = await activeUser(t, 'Local Officer');
      for (const who of [{ cookie }, { origin: OTHER_ORIGIN, token: bearer }, { origin: OTHER_ORIGIN, token: otherBearer }]) await ready(who);
      const streams = { cookie: await stream(t, { cookie }), bearer: await stream(t, { token: bearer }), other: await stream(t, { token: otherBearer }), local: await stream(t, { cookie: local.cookie }) };

      const res = await logout(A, await signLogoutToken(idpA, { sub, sid: 'idp-session-1' }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.get('cache-control'), 'no-store');
      for (const s of [streams.cookie, streams.bearer]) {
        assert.equal((await s.reader.next('end')).data.reason, 'revoked');
        await s.reader.until(() => s.reader.ended, 'the stream to close');
      }
      for (const who of [{ cookie }, { origin: OTHER_ORIGIN, token: bearer }]) {
        const me = await call(t, 'GET', '/api/v1/me', who);
        assert.deepEqual([me.status, me.body.error.code], [401, 'UNAUTHENTICATED']);
      }
      assert.equal(await sessionsOf(userId), 0);
      for (const s of [streams.other, streams.local]) {
        assert.equal(s.reader.ended, false);
        assert.equal(s.reader.messages.some((m) => m.event === 'end'), false);
        s.close();
      }
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token: otherBearer })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: local.cookie })).status, 200);
      const rows = await t.services.db.kysely.selectFrom('audit_log').select(['details', 'actor_id', 'target']).where('action', '=', 'auth.federation.backchannel-logout').where('outcome', '=', 'success').execute();
      const row = rows.find((r) => r.actor_id === userId);
      assert.ok(row, 'an audit row names the officer');
      assert.equal(row.target, A);
      assert.equal(JSON.parse(row.details).sessionsEnded, 2);
      // A logout for someone never signed in here: 200 (nothing to end), audited.
      assert.equal((await logout(A, await signLogoutToken(idpA, { sub: 'NIEF:IDP:TEST:USER:nobody' }))).status, 200);
    });

    it('refuses forged, misdirected, malformed, stale and replayed logout tokens with the spec’s 400, an audit row, and nothing ended', async () => {
      const sub = account(idpA);
      const bearer = await bearerSignIn(idpA, { sub, amr: ['mfa'] });
      const who = { origin: OTHER_ORIGIN, token: bearer };
      await activate(t, await userOf(A, sub));
      await ready(who);
      const now = Math.floor(Date.now() / 1000);
      const { privateKey: otherKey } = await generateKeyPair('RS256');
      const [, body] = (await signLogoutToken(idpA, { sub })).split('.');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${body}.`;
      const cases: [string, string, string][] = [
        ['unsigned (alg none)', unsigned, 'BAD_SIGNATURE'],
        ['signed by another key (same kid)', await signLogoutToken(idpA, { sub }, { key: otherKey }), 'BAD_SIGNATURE'],
        ['signed by another key (its own kid)', await signLogoutToken(idpA, { sub }, { key: otherKey, kid: 'attacker' }), 'BAD_SIGNATURE'],
        ['wrong iss', await signLogoutToken(idpA, { sub }, { iss: 'https://idp.attacker.example' }), 'WRONG_ISSUER'],
        ['wrong aud', await signLogoutToken(idpA, { sub }, { aud: 'someone-else' }), 'WRONG_AUDIENCE'],
        ['no events', await signLogoutToken(idpA, { sub, events: undefined }), 'NOT_A_LOGOUT_TOKEN'],
        ['another event', await signLogoutToken(idpA, { sub, events: { 'http://schemas.openid.net/event/other': {} } }), 'NOT_A_LOGOUT_TOKEN'],
        ['event not an object', await signLogoutToken(idpA, { sub, events: { [LOGOUT_EVENT]: 'yes' } }), 'NOT_A_LOGOUT_TOKEN'],
        ['nonce present', await signLogoutToken(idpA, { sub, nonce: 'n-0S6_WzA2Mj' }), 'NOT_A_LOGOUT_TOKEN'],
        ['neither sub nor sid', await signLogoutToken(idpA, {}), 'INVALID_TOKEN'],
        ['no jti', await signLogoutToken(idpA, { sub }, { jti: null }), 'INVALID_TOKEN'],
        ['no iat', await signLogoutToken(idpA, { sub }, { iat: null }), 'INVALID_TOKEN'],
        ['iat far in the future', await signLogoutToken(idpA, { sub }, { iat: now + 3600 }), 'TOKEN_NOT_YET_VALID'],
        ['stale iat', await signLogoutToken(idpA, { sub }, { iat: now - 1800 }), 'TOKEN_TOO_OLD'],
        ['IdP B’s token at IdP A', await signLogoutToken(idpB, { sub }), 'BAD_SIGNATURE'],
        ['a real ID token (no jti, no event, a nonce)', await portalIdToken(idpA, { sub, amr: ['mfa'] }), 'INVALID_TOKEN'],
      ];
      for (const [name, token, code] of cases) {
        const res = await logout(A, token);
        assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error, 'invalid_request', name);
        assert.equal(typeof res.body.error_description, 'string', name);
        const rows = await t.services.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'auth.federation.backchannel-logout').where('outcome', '=', 'denied').execute();
        assert.ok(rows.some((r) => JSON.parse(r.details).code === code), `${name}: audited as ${code} (${JSON.stringify(res.body)})`);
      }
      // IdP A's token posted to IdP B's endpoint.
      const aAtB = await logout(B, await signLogoutToken(idpA, { sub }));
      assert.deepEqual([aAtB.status, aAtB.body.error], [400, 'invalid_request']);
      // No logout_token: 400 in the spec's shape; not a form at all: 415, before the route.
      const empty = await logout(A, null);
      assert.deepEqual([empty.status, empty.body.error], [400, 'invalid_request']);
      assert.equal((await logout(A, 'x', 'application/json')).status, 415);
      // A token naming only sid: JusticeConnect does not record the IdP's sid, so it cannot act (400: the logout failed).
      const sidOnly = await logout(A, await signLogoutToken(idpA, { sid: 'idp-session-2' }));
      assert.deepEqual([sidOnly.status, sidOnly.body.error], [400, 'invalid_request']);
      assert.equal((await call(t, 'GET', '/api/v1/me', who)).status, 200, 'still signed in after every refusal');
      // A good token works once; the same jti again is a replay.
      const jti = randomUUID();
      assert.equal((await logout(A, await signLogoutToken(idpA, { sub }, { jti }))).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', who)).status, 401);
      const replay = await logout(A, await signLogoutToken(idpA, { sub }, { jti }));
      assert.deepEqual([replay.status, replay.body.error], [400, 'invalid_request']);
      // Nothing recorded holds a token.
      const details = await t.services.db.kysely.selectFrom('audit_log').select(['details', 'target']).where('action', 'like', '%backchannel%').execute();
      assert.ok(details.every((r) => !r.details.includes('eyJ') && !(r.target ?? '').includes('eyJ')));
    });

    it('answers 404 for an unknown or disabled IdP, and works again once it is enabled', async () => {
      assert.equal((await logout('no-such-idp', await signLogoutToken(idpB, { sub: 'x' }))).status, 404);
      const sub = account(idpB);
      await bearerSignIn(idpB, { sub, amr: ['mfa'] });
      assert.equal((await call(t, 'POST', `/api/v1/identity-providers/${B}/disable`, { cookie: admin.cookie })).status, 200);
      assert.equal((await logout(B, await signLogoutToken(idpB, { sub }))).status, 404);
      assert.equal((await call(t, 'POST', `/api/v1/identity-providers/${B}/enable`, { cookie: admin.cookie })).status, 200);
      assert.equal((await logout(B, await signLogoutToken(idpB, { sub }))).status, 200);
    });
  });
}
