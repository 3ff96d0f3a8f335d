import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { activeUser, backends, BASE_URL, call, OTHER_ORIGIN, suiteApp } from './helpers.ts';

for (const backend of backends()) {
  describe(`web controls (${backend.name})`, () => {
    const t = suiteApp(backend);
    let cookie: string;
    before(async () => {
      cookie = (await activeUser(t, 'Web Officer')).cookie;
    });

    it('answers CORS only for the allow-list, with Vary: Origin and never a wildcard with credentials', async () => {
      const allowed = await call(t, 'GET', '/api/v1/health', { origin: OTHER_ORIGIN });
      assert.equal(allowed.headers.get('access-control-allow-origin'), OTHER_ORIGIN);
      assert.match(allowed.headers.get('vary') ?? '', /origin/i);
      const refused = await call(t, 'GET', '/api/v1/health', { origin: 'http://evil.example.test' });
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
      const preflight = await t.app.request('/api/v1/me', { method: 'OPTIONS', headers: { origin: 'http://evil.example.test', 'access-control-request-method': 'PATCH' } });
      assert.notEqual(preflight.headers.get('access-control-allow-origin'), '*');
      assert.notEqual(preflight.headers.get('access-control-allow-origin'), 'http://evil.example.test');
    });

    it('checks the origin of every state-changing request, whatever its content type', async () => {
      for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
        const res = await call(t, 'PATCH', '/api/v1/me', { cookie, origin: 'http://evil.example.test', rawBody: JSON.stringify({ title: 'Forged' }), headers: { 'content-type': type } });
        assert.equal(res.status, 403, type);
      }
      // No Origin, but the browser's Fetch Metadata says cross-site.
      const meta = await call(t, 'PATCH', '/api/v1/me', { cookie, origin: null, body: { title: 'Forged' }, headers: { 'sec-fetch-site': 'cross-site' } });
      assert.equal(meta.status, 403);
      assert.equal(meta.body.error.code, 'ORIGIN_NOT_ALLOWED');
      const me = await call(t, 'GET', '/api/v1/me', { cookie });
      assert.notEqual(me.body.title, 'Forged', 'nothing was changed');
      assert.equal((await call(t, 'PATCH', '/api/v1/me', { cookie, body: { title: 'Sergeant' } })).status, 200, 'the page’s own origin may');
    });

    it('sends the security headers: CSP with frame-ancestors from the allow-list, nosniff, Referrer-Policy, HSTS', async () => {
      // A page or file of the site (here its 404), as any document.
      const res = await t.app.request('https://jc.example.gov/no-such-page', { headers: { origin: BASE_URL } });
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'self' http:\/\/portal\.example\.test:5173/);
      assert.match(csp, /default-src 'self'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(res.headers.get('referrer-policy'));
      assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
    });

    it("gives the API's JSON answers a policy that allows nothing, framing included, with nosniff, Referrer-Policy and HSTS", async () => {
      for (const [path, status] of [['/api/v1/health', 200], ['/api/v1/me', 401], ['/api/v1/no-such-route', 404]] as const) {
        const res = await t.app.request(`https://jc.example.gov${path}`, { headers: { origin: BASE_URL } });
        assert.equal(res.status, status, path);
        assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'", path);
        assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
        assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
        assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/, path);
        assert.equal(res.headers.get('access-control-allow-origin'), BASE_URL, path);
        assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, path);
      }
    });

    it('keeps the widget bundle loadable from any portal: CORS * and Cross-Origin-Resource-Policy: cross-origin', async () => {
      const widgets = path.join(t.dir, 'widgets');
      mkdirSync(widgets, { recursive: true });
      writeFileSync(path.join(widgets, 'justiceconnect.js'), 'export {};');
      const app = await createApp(loadConfig({ JC_DATA_DIR: t.dir, JC_DATABASE_URL: t.databaseUrl, JC_LOG_REQUESTS: 'false', JC_BASE_URL: BASE_URL }), { widgets });
      try {
        const rel = await app.app.request('/widgets/justiceconnect.js', { headers: { origin: 'https://any-portal.example.gov' } });
        assert.equal(rel.status, 200);
        assert.equal(rel.headers.get('access-control-allow-origin'), '*');
        assert.equal(rel.headers.get('cross-origin-resource-policy'), 'cross-origin');
      } finally {
        await app.close();
      }
    });

    it('limits request bodies', async () => {
      const res = await call(t, 'PATCH', '/api/v1/me', { cookie, rawBody: JSON.stringify({ title: 'x'.repeat(200_000) }), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 413);
    });
  });
}
