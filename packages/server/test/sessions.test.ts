import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeUser, backends, call, OTHER_ORIGIN, signInFrom, suiteApp } from './helpers.ts';
import { credentialKey } from '../src/http/credentials.ts';

/*
 * The fast session path (http/context.ts): a process remembers which session
 * a verified credential names, but reads the session from the database on
 * every request. These tests hold it to "revocation is never delayed".
 */
for (const backend of backends()) {
  describe(`session resolution (${backend.name})`, () => {
    const t = suiteApp(backend);

    it('a session deleted in the database (as another process would) is refused on the very next request', async () => {
      const officer = await activeUser(t, 'Revoked Elsewhere');
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: officer.cookie })).status, 200);
      assert.ok(t.services.credentials.size > 0, 'the credential is remembered');
      await t.services.db.kysely.deleteFrom('session').where('userId', '=', officer.userId).execute();
      const after = await call(t, 'GET', '/api/v1/me', { cookie: officer.cookie });
      assert.equal(after.status, 401);
      assert.equal(after.body.error.code, 'UNAUTHENTICATED');
    });

    it('a suspension made elsewhere takes effect on the next request', async () => {
      const officer = await activeUser(t, 'Suspended Elsewhere');
      assert.equal((await call(t, 'GET', '/api/v1/communities', { cookie: officer.cookie })).status, 200);
      await t.services.db.kysely.updateTable('profile').set({ status: 'suspended' }).where('user_id', '=', officer.userId).execute();
      const res = await call(t, 'GET', '/api/v1/communities', { cookie: officer.cookie });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'ACCOUNT_DISABLED');
    });

    it('a bearer token signed out on one page is refused on the next request', async () => {
      const officer = await activeUser(t, 'Bearer Officer');
      const email = (await t.services.db.kysely.selectFrom('user').select('email').where('id', '=', officer.userId).executeTakeFirstOrThrow()).email;
      const token = await signInFrom(t, OTHER_ORIGIN, email);
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token })).status, 200);
      const out = await call(t, 'POST', '/api/auth/sign-out', { origin: OTHER_ORIGIN, token, body: {} });
      assert.equal(out.status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token })).status, 401);
    });

    it('a cookie with a known token but a forged signature is never taken for the remembered one', async () => {
      const officer = await activeUser(t, 'Forgery Target');
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: officer.cookie })).status, 200);
      const [name, value] = officer.cookie.split('=') as [string, string];
      const token = decodeURIComponent(value).split('.')[0];
      for (const forged of [`${name}=${token}`, `${name}=${encodeURIComponent(`${token}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`)}`]) {
        const res = await call(t, 'GET', '/api/v1/me', { cookie: forged });
        assert.equal(res.status, 401, `refused: ${forged.slice(0, 40)}…`);
      }
      // The token alone as a bearer credential is better-auth's to judge, not the cache's.
      const bearer = await call(t, 'GET', '/api/v1/me', { token: 'not-a-session' });
      assert.equal(bearer.status, 401);
    });
  });
}

describe('credential keys', () => {
  const key = (init: Record<string, string>) => credentialKey(new Headers(init));

  it('are the Authorization header and every better-auth cookie, exactly as sent', () => {
    assert.equal(key({}), null);
    assert.equal(key({ cookie: 'theme=dark' }), null, 'other cookies are no credential');
    assert.equal(key({ cookie: 'theme=dark; better-auth.session_token=abc.sig' }), '\nbetter-auth.session_token=abc.sig');
    assert.notEqual(key({ cookie: 'better-auth.session_token=abc.sig' }), key({ cookie: 'better-auth.session_token=abc.sig2' }));
    assert.notEqual(
      key({ cookie: 'better-auth.session_token=abc.sig', authorization: 'Basic x' }),
      key({ cookie: 'better-auth.session_token=other.sig', authorization: 'Basic x' }),
      'an Authorization header better-auth ignores does not hide which cookie came with it',
    );
    assert.notEqual(key({ authorization: 'Bearer a' }), key({ authorization: 'Bearer a', cookie: 'better-auth.session_token=b' }));
    assert.equal(key({ cookie: '__Secure-better-auth.session_token=abc.sig' }), '\n__Secure-better-auth.session_token=abc.sig');
  });
});
