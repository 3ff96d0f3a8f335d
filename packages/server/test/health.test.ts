import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { handleError } from '../src/http/errors.ts';
import { backends, call, suiteApp } from './helpers.ts';

for (const backend of backends()) {
  describe(`health and the server core (${backend.name})`, () => {
    const t = suiteApp(backend);

    it('reports the database in use', async () => {
      const res = await call(t, 'GET', '/api/v1/health');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.database, { kind: backend.name, ok: true });
      assert.equal(res.body.status, 'ok');
    });

    it('says alive without asking the database, and ready when the database answers', async () => {
      const live = await call(t, 'GET', '/api/v1/health/live');
      assert.equal(live.status, 200);
      assert.equal(live.body.status, 'ok');
      const ready = await call(t, 'GET', '/api/v1/health/ready');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.database, { kind: backend.name, ok: true });
      // (Readiness with the database down, and liveness meanwhile: test/chaos.test.ts.)
    });

    it("answers probes as the API's JSON with its headers, but no ETag (nothing revalidates a probe)", async () => {
      for (const path of ['/api/v1/health', '/api/v1/health/ready', '/api/v1/health/live']) {
        const res = await t.app.request(path);
        assert.equal(res.status, 200, path);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/, path);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
        assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, path);
        assert.equal(res.headers.get('etag'), null, path);
        const body = (await res.json()) as { status: string; version: string };
        assert.equal(body.status, 'ok', path);
        assert.match(body.version, /^\d+\.\d+\.\d+$/, path);
      }
    });

    it('answers unknown paths with the shared 404 shape', async () => {
      const res = await call(t, 'GET', '/api/v1/nothing-here');
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'NOT_FOUND');
    });

    it('publishes an OpenAPI document built from the zod schemas', async () => {
      const res = await call(t, 'GET', '/api/openapi.json');
      assert.equal(res.status, 200);
      assert.equal(res.body.openapi, '3.1.0');
      for (const p of ['/api/v1/health', '/api/v1/health/live', '/api/v1/health/ready', '/api/v1/me', '/api/auth/sign-in/email', '/api/auth/sign-up/email']) {
        assert.ok(res.body.paths[p], `OpenAPI documents ${p}`);
      }
      assert.ok(res.body.components.schemas.MePatch, 'the PATCH /me schema is named');
    });

    it('lets allow-listed origins call the API and no others', async () => {
      const ok = await call(t, 'OPTIONS', '/api/v1/me', {
        origin: 'http://portal.example.test:5173',
        headers: { 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
      });
      assert.equal(ok.headers.get('access-control-allow-origin'), 'http://portal.example.test:5173');
      const denied = await call(t, 'OPTIONS', '/api/v1/me', {
        origin: 'http://evil.example.test',
        headers: { 'access-control-request-method': 'PATCH' },
      });
      assert.equal(denied.headers.get('access-control-allow-origin'), null);
    });

    it('never leaks a stack trace from an unexpected error', async () => {
      const app = new Hono();
      app.onError(handleError);
      app.get('/boom', () => {
        throw new Error('secret internals');
      });
      const original = console.error;
      console.error = () => {};
      try {
        const res = await app.request('/boom');
        assert.equal(res.status, 500);
        const text = await res.text();
        assert.doesNotMatch(text, /secret internals|at .*\.ts/);
        assert.deepEqual(JSON.parse(text), { error: { code: 'INTERNAL', message: 'Something went wrong on the server.' } });
      } finally {
        console.error = original;
      }
    });
  });
}
