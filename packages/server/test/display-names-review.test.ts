import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeUser, backends, call, PASSWORD, suiteApp, TEST_ORI, uniqueEmail } from './helpers.ts';

/** Review item 9: display names that could disguise who wrote something are refused. */
const SPOOFS: [string, string][] = [
  ['right-to-left override', 'Dana \u202EsreyeR'],
  ['left-to-right embedding', 'Dana \u202AReyes'],
  ['pop directional formatting', 'Dana Reyes\u202C'],
  ['first strong isolate', 'Dana \u2068Reyes\u2069'],
  ['right-to-left mark', 'Dana\u200F Reyes'],
  ['left-to-right mark', 'Dana\u200E Reyes'],
  ['Arabic letter mark', 'Dana\u061C Reyes'],
  ['zero-width space', 'Da\u200Bna Reyes'],
  ['zero-width joiner', 'Dana\u200D Reyes'],
  ['zero-width non-joiner', 'Dana\u200C Reyes'],
  ['word joiner', 'Dana\u2060Reyes'],
  ['byte order mark', '\uFEFFDana Reyes'],
];

for (const backend of backends()) {
  describe(`review 9: display names refuse bidirectional-override and zero-width characters (${backend.name})`, () => {
    const t = suiteApp(backend);
    let user: { cookie: string; userId: string };
    before(async () => {
      user = await activeUser(t, 'Plain Name');
    });

    for (const [what, name] of SPOOFS) {
      it(`refuses a sign-up whose name has a ${what}, naming the field`, async () => {
        const res = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name, email: uniqueEmail(), password: PASSWORD, agencyOri: TEST_ORI } });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.match(res.body.error.fields?.name ?? '', /invisible|direction/i);
      });

      it(`refuses a profile name with a ${what}, and keeps the old one`, async () => {
        const res = await call(t, 'PATCH', '/api/v1/me', { cookie: user.cookie, body: { name } });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.match(res.body.error.fields?.name ?? '', /invisible|direction/i);
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: user.cookie })).body.name, 'Plain Name');
      });
    }

    it('still takes names in any script, accents and joiners-free ligatures included', async () => {
      for (const name of ['José Álvarez', 'محمد علي', 'Nguyễn Thị Minh', "O'Brien-Smith", '李小龍']) {
        const res = await call(t, 'PATCH', '/api/v1/me', { cookie: user.cookie, body: { name } });
        assert.equal(res.status, 200, `${name}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.name, name);
      }
      const up = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name: 'محمد علي', email: uniqueEmail(), password: PASSWORD, agencyOri: TEST_ORI } });
      assert.equal(up.status, 200, JSON.stringify(up.body));
    });
  });
}
