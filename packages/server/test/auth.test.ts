import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_ORIGIN, PASSWORD, TEST_ORI, backends, call, sessionCookie, signInFrom, signUpAndIn, suiteApp, uniqueEmail } from './helpers.ts';

for (const backend of backends()) {
  describe(`accounts and sessions (${backend.name})`, () => {
    const t = suiteApp(backend);

    it('signs up and signs in with email and password; the session cookie is HttpOnly', async () => {
      const email = uniqueEmail();
      const up = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name: 'Avery Lane', email, password: PASSWORD, agencyOri: TEST_ORI } });
      assert.equal(up.status, 200);
      const res = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
      assert.equal(res.status, 200);
      const raw = res.headers.getSetCookie().find((c) => c.includes('session_token='))!;
      assert.match(raw, /HttpOnly/i);
      assert.match(raw, /SameSite=Lax/i);
      // A password alone opens no door: the account must set up its authenticator first.
      const limited = await call(t, 'GET', '/api/v1/me', { cookie: sessionCookie(res.headers) });
      assert.equal(limited.status, 403);
      assert.equal(limited.body.error.code, 'TWO_FACTOR_REQUIRED');
      const session = await call(t, 'GET', '/api/auth/get-session', { cookie: sessionCookie(res.headers) });
      assert.equal(session.body.user.name, 'Avery Lane');
      assert.equal(session.body.user.email, email);
    });

    it('gives a same-origin page no bearer token: the cookie alone carries its session', async () => {
      const { email } = await signUpAndIn(t);
      const res = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
      assert.equal(res.headers.get('set-auth-token'), null);
      assert.equal(res.body.token, undefined);
    });

    it('gives an allow-listed other origin a bearer token that works without cookies', async () => {
      const { email } = await signUpAndIn(t, 'Remote Analyst');
      const res = await call(t, 'POST', '/api/auth/sign-in/email', { origin: OTHER_ORIGIN, body: { email, password: PASSWORD } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), OTHER_ORIGIN);
      assert.match(res.headers.get('access-control-expose-headers') ?? '', /set-auth-token/);
      assert.equal(res.headers.get('set-auth-token'), null, 'no token before the one-time code');
      const token = await signInFrom(t, OTHER_ORIGIN, email);
      assert.ok(token, 'a bearer token is returned');
      const me = await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token });
      assert.equal(me.status, 200);
      assert.equal(me.body.name, 'Remote Analyst');
    });

    it('refuses a sign-in posted from an origin that is not on the allow-list', async () => {
      const { email } = await signUpAndIn(t);
      const res = await call(t, 'POST', '/api/auth/sign-in/email', { origin: 'http://evil.example.test', body: { email, password: PASSWORD } });
      assert.equal(res.status, 403);
      assert.ok(res.body.error.code);
      assert.equal(res.headers.get('set-auth-token'), null);
    });

    it('answers a wrong password with 401 in the shared error shape', async () => {
      const { email } = await signUpAndIn(t);
      const res = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: 'not-the-password' } });
      assert.equal(res.status, 401);
      assert.equal(typeof res.body.error.code, 'string');
      assert.equal(typeof res.body.error.message, 'string');
    });

    it('does not let an email be registered twice, nor reveal that it exists', async () => {
      const email = uniqueEmail();
      const first = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name: 'One', email, password: PASSWORD, agencyOri: TEST_ORI } });
      const again = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name: 'Two', email, password: 'another-password-9', agencyOri: TEST_ORI } });
      assert.equal(again.status, first.status, 'a duplicate answers like a new sign-up (no account enumeration)');
      const signIn = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
      assert.equal(signIn.status, 200);
      assert.equal(signIn.body.user.name, 'One', 'the first account is untouched');
      const other = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: 'another-password-9' } });
      assert.equal(other.status, 401);
    });

    it('ends the session on sign-out, for the cookie and the bearer token alike', async () => {
      const { cookie } = await signUpAndIn(t);
      assert.equal((await call(t, 'POST', '/api/auth/sign-out', { cookie })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie })).status, 401);

      const { email } = await signUpAndIn(t);
      const token = await signInFrom(t, OTHER_ORIGIN, email);
      assert.equal((await call(t, 'POST', '/api/auth/sign-out', { origin: OTHER_ORIGIN, token })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token })).status, 401);
    });

    it('rejects a forged bearer token', async () => {
      const res = await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token: 'forged.token' });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    });

    it('exposes only the better-auth endpoints JusticeConnect uses', async () => {
      for (const p of ['/api/auth/forget-password', '/api/auth/list-sessions', '/api/auth/update-user']) {
        const res = await call(t, 'POST', p, { body: {} });
        assert.equal(res.status, 404, p);
        assert.equal(res.body.error.code, 'NOT_FOUND');
      }
    });

    it('reports the session at get-session', async () => {
      const { cookie } = await signUpAndIn(t, 'Session Holder');
      const res = await call(t, 'GET', '/api/auth/get-session', { cookie });
      assert.equal(res.status, 200);
      assert.equal(res.body.user.name, 'Session Holder');
      // An account with a password (here signed in with its code: its authenticator is set up).
      assert.equal(res.body.user.passwordSet, true);
      assert.equal(res.body.user.twoFactorEnabled, true);
      const none = await call(t, 'GET', '/api/auth/get-session');
      assert.equal(none.body, null);
    });
  });
}
