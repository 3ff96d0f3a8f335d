import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeUser, backends, call, suiteApp } from './helpers.ts';

for (const backend of backends()) {
  describe(`ETags on API reads (${backend.name})`, () => {
    const t = suiteApp(backend);

    it('an unchanged feed page answers 304 without a body; a new post changes the tag', async () => {
      const officer = await activeUser(t, 'ETag Officer');
      const created = await call(t, 'POST', '/api/v1/communities', { cookie: officer.cookie, body: { name: 'ETag Unit', visibility: 'public' } });
      assert.equal(created.status, 201);
      const url = `/api/v1/communities/${created.body.slug}/posts?limit=20`;
      await call(t, 'POST', `/api/v1/communities/${created.body.slug}/posts`, { cookie: officer.cookie, body: { body: 'first' } });
      const first = await call(t, 'GET', url, { cookie: officer.cookie });
      assert.equal(first.status, 200);
      const tag = first.headers.get('etag');
      assert.match(tag ?? '', /^"[A-Za-z0-9_-]{27}"$/);
      assert.equal(first.headers.get('cache-control'), 'no-store', 'pages are never kept in a browser cache');

      const again = await call(t, 'GET', url, { cookie: officer.cookie, headers: { 'if-none-match': tag! } });
      assert.equal(again.status, 304);
      assert.equal(again.body, null);
      assert.equal(again.headers.get('etag'), tag);
      assert.equal((await call(t, 'GET', url, { cookie: officer.cookie, headers: { 'if-none-match': `"other", W/${tag}` } })).status, 304, 'weak and listed tags match too');

      await call(t, 'POST', `/api/v1/communities/${created.body.slug}/posts`, { cookie: officer.cookie, body: { body: 'second' } });
      const changed = await call(t, 'GET', url, { cookie: officer.cookie, headers: { 'if-none-match': tag! } });
      assert.equal(changed.status, 200);
      assert.notEqual(changed.headers.get('etag'), tag);
      assert.equal(changed.body.items.length, 2);
    });

    it('a tag never answers for someone who may not read the page', async () => {
      const officer = await activeUser(t, 'Tag Owner');
      const created = await call(t, 'POST', '/api/v1/communities', { cookie: officer.cookie, body: { name: 'Closed Unit', visibility: 'restricted' } });
      const url = `/api/v1/communities/${created.body.slug}/posts`;
      const tag = (await call(t, 'GET', url, { cookie: officer.cookie })).headers.get('etag')!;
      assert.equal((await call(t, 'GET', url, { headers: { 'if-none-match': tag } })).status, 401);
      const outsider = await activeUser(t, 'Outsider');
      assert.equal((await call(t, 'GET', url, { cookie: outsider.cookie, headers: { 'if-none-match': tag } })).status, 404);
    });
  });
}
