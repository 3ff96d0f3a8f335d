import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, TEST_ORI, backends, call, signUpAndIn, suiteApp, uniqueEmail } from './helpers.ts';

/**
 * Every route that takes input so far, with a valid body to break in each way:
 * a missing field, a wrong type, an unknown field, malformed JSON, an oversized body.
 */
interface Case {
  route: string;
  method: string;
  valid: () => Record<string, unknown>;
  required: string | null;
  typed: [string, unknown];
  auth: boolean;
}

const cases: Case[] = [
  { route: '/api/auth/sign-up/email', method: 'POST', valid: () => ({ name: 'N', email: uniqueEmail(), password: PASSWORD, agencyOri: TEST_ORI }), required: 'email', typed: ['password', 12345678901234], auth: false },
  { route: '/api/auth/sign-in/email', method: 'POST', valid: () => ({ email: uniqueEmail(), password: PASSWORD }), required: 'password', typed: ['rememberMe', 'yes'], auth: false },
  { route: '/api/v1/me', method: 'PATCH', valid: () => ({ title: 'Analyst' }), required: null, typed: ['optedIn', 'yes'], auth: true },
];

function assertShape(res: { status: number; body: any }, status: number, field?: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(typeof res.body?.error?.code, 'string');
  assert.equal(typeof res.body?.error?.message, 'string');
  if (field) {
    assert.ok(res.body.error.fields?.[field], `the error names ${field}: ${JSON.stringify(res.body.error)}`);
    assert.match(res.body.error.message, new RegExp(field));
  }
}

for (const backend of backends()) {
  describe(`bad input gets the 4xx error shape naming the field (${backend.name})`, () => {
    const t = suiteApp(backend, { JC_BODY_LIMIT: '2048' });
    let cookie: string;
    before(async () => {
      ({ cookie } = await signUpAndIn(t));
    });

    for (const c of cases) {
      const opts = () => (c.auth ? { cookie } : {});
      if (c.required) {
        it(`${c.method} ${c.route}: missing ${c.required}`, async () => {
          const body = c.valid();
          delete body[c.required!];
          const res = await call(t, c.method, c.route, { ...opts(), body });
          assertShape(res, 400, c.required!);
          assert.equal(res.body.error.fields[c.required!], 'Required');
        });
      } else {
        it(`${c.method} ${c.route}: empty body`, async () => {
          assertShape(await call(t, c.method, c.route, { ...opts(), body: {} }), 400);
        });
      }
      it(`${c.method} ${c.route}: wrong type for ${c.typed[0]}`, async () => {
        const res = await call(t, c.method, c.route, { ...opts(), body: { ...c.valid(), [c.typed[0]]: c.typed[1] } });
        assertShape(res, 400, c.typed[0]);
      });
      it(`${c.method} ${c.route}: unknown field`, async () => {
        const res = await call(t, c.method, c.route, { ...opts(), body: { ...c.valid(), isAdmin: true } });
        assertShape(res, 400, 'isAdmin');
        assert.equal(res.body.error.fields.isAdmin, 'Unknown field');
      });
      it(`${c.method} ${c.route}: malformed JSON`, async () => {
        const res = await call(t, c.method, c.route, { ...opts(), rawBody: '{"name": ' });
        assertShape(res, 400);
        assert.equal(res.body.error.code, 'INVALID_JSON');
      });
      it(`${c.method} ${c.route}: oversized body`, async () => {
        const res = await call(t, c.method, c.route, { ...opts(), body: { ...c.valid(), padding: 'x'.repeat(4096) } });
        assertShape(res, 413);
        assert.equal(res.body.error.code, 'PAYLOAD_TOO_LARGE');
      });
      it(`${c.method} ${c.route}: a body that is not JSON`, async () => {
        const res = await call(t, c.method, c.route, { ...opts(), rawBody: 'name=x', headers: { 'content-type': 'text/plain' } });
        assert.ok([400, 403, 415].includes(res.status), `status ${res.status}`);
        assert.equal(typeof res.body.error.code, 'string');
      });
    }

    it('names nested problems: a sign-up password that is too short', async () => {
      const res = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name: 'N', email: uniqueEmail(), password: 'short', agencyOri: TEST_ORI } });
      assertShape(res, 400, 'password');
    });

    it('POST /api/auth/sign-out: unknown field', async () => {
      const res = await call(t, 'POST', '/api/auth/sign-out', { cookie, body: { everywhere: true } });
      assertShape(res, 400, 'everywhere');
    });

    it('refuses a sign-up for an agency that does not exist, naming agencyOri', async () => {
      const res = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name: 'N', email: uniqueEmail(), password: PASSWORD, agencyOri: 'ZZ0000000' } });
      assertShape(res, 422);
      assert.ok(res.body.error.fields.agencyOri);
    });

    it('refuses NUL characters in a body, a path or a query (PostgreSQL cannot store them), and writes nothing', async () => {
      const body = await call(t, 'PATCH', '/api/v1/me', { cookie, body: { title: 'Sergeant\u0000' } });
      assertShape(body, 400, 'body');
      assert.equal(body.body.error.code, 'INVALID_CHARACTERS');
      assert.equal((await call(t, 'GET', '/api/v1/communities/a%00b', { cookie })).body.error.fields.path, 'Contains a NUL character');
      assert.equal((await call(t, 'GET', '/api/v1/communities?cursor=%00', { cookie })).body.error.fields.query, 'Contains a NUL character');
      const me = await call(t, 'GET', '/api/v1/me', { cookie });
      assert.ok(!String(me.body.title).includes('Sergeant'), 'nothing written');
    });

    it('names a bad ORI', async () => {
      const res = await call(t, 'PATCH', '/api/v1/me', { cookie, body: { agencyOri: 'TX-1' } });
      assertShape(res, 400, 'agencyOri');
    });
  });
}
