import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_ORI, activate, backends, call, signUpAndIn, suiteApp } from './helpers.ts';

for (const backend of backends()) {
  describe(`GET and PATCH /api/v1/me (${backend.name})`, () => {
    const t = suiteApp(backend);
    before(async () => {
      await t.services.db.kysely
        .insertInto('agency')
        .values({ id: 'agency-txdps', name: 'Texas Department of Public Safety (demo)', ori: 'TXDPS0000', created_at: new Date().toISOString() })
        .execute();
    });

    it('needs a session', async () => {
      const res = await call(t, 'GET', '/api/v1/me');
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { error: { code: 'UNAUTHENTICATED', message: 'Sign in to use this.', requestId: res.headers.get('x-request-id') } });
      assert.equal((await call(t, 'PATCH', '/api/v1/me', { body: { optedIn: true } })).status, 401);
    });

    it('starts pending in the agency it signed up with, and not opted in', async () => {
      const { cookie } = await signUpAndIn(t, 'New Officer');
      const res = await call(t, 'GET', '/api/v1/me', { cookie });
      assert.equal(res.status, 200);
      assert.equal(res.body.agency.ori, TEST_ORI);
      assert.equal(res.body.status, 'pending');
      assert.equal(res.body.siteAdmin, false);
      assert.equal(res.body.optedIn, false);
      assert.equal(res.body.optedInAt, null);
    });

    it('moves to another agency by its ORI (any case) as a transfer that needs vetting again, and opts in', async () => {
      const { cookie, userId } = await signUpAndIn(t);
      await activate(t, userId, { optedIn: false });
      const res = await call(t, 'PATCH', '/api/v1/me', { cookie, body: { agencyOri: 'txdps0000', optedIn: true, title: 'Analyst' } });
      assert.equal(res.status, 200);
      assert.equal(res.body.agency.ori, 'TXDPS0000');
      assert.equal(res.body.agency.name, 'Texas Department of Public Safety (demo)');
      assert.equal(res.body.status, 'pending', 'the new agency’s administrator must approve the transfer');
      assert.equal(res.body.optedIn, true);
      assert.equal(res.body.title, 'Analyst');
      assert.ok(Date.parse(res.body.optedInAt));
      const again = await call(t, 'GET', '/api/v1/me', { cookie });
      assert.deepEqual(again.body, res.body);
    });

    it('keeps the first opt-in time, and clears it on opting out', async () => {
      const { cookie } = await signUpAndIn(t);
      const first = await call(t, 'PATCH', '/api/v1/me', { cookie, body: { optedIn: true } });
      const second = await call(t, 'PATCH', '/api/v1/me', { cookie, body: { optedIn: true } });
      assert.equal(second.body.optedInAt, first.body.optedInAt);
      const out = await call(t, 'PATCH', '/api/v1/me', { cookie, body: { optedIn: false } });
      assert.equal(out.body.optedIn, false);
      assert.equal(out.body.optedInAt, null);
    });

    it('refuses an unknown ORI with 422 naming agencyOri, and writes nothing else of that request', async () => {
      const { cookie } = await signUpAndIn(t, 'Original Name');
      const res = await call(t, 'PATCH', '/api/v1/me', { cookie, body: { name: 'Changed Name', agencyOri: 'ZZ9999999' } });
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'UNKNOWN_AGENCY');
      assert.ok(res.body.error.fields.agencyOri);
      const me = await call(t, 'GET', '/api/v1/me', { cookie });
      assert.equal(me.body.name, 'Original Name', 'the name change in the same request was rolled back');
    });

    it('changes only the signed-in user', async () => {
      const a = await signUpAndIn(t, 'User A');
      const b = await signUpAndIn(t, 'User B');
      await call(t, 'PATCH', '/api/v1/me', { cookie: a.cookie, body: { name: 'User A renamed' } });
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: b.cookie })).body.name, 'User B');
    });
  });
}
