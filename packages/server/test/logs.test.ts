import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { activeUser, addMember, backends, call, codeFor, makeCommunity, OTHER_ORIGIN, PASSWORD, startApp, suiteApp } from './helpers.ts';
import { NOTICE } from '../src/routes/notice.ts';

/** A destination for the app's logger that keeps its lines (pino writes one JSON object a line). */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

for (const backend of backends()) {
  describe(`logs: JSON lines with a request id, and no secret (${backend.name})`, () => {
    const log = capture();
    const t = suiteApp(backend, { JC_LOG_REQUESTS: 'true', JC_LOG_LEVEL: 'info' }, { logDestination: log.stream });

    it('writes no password, one-time code, bearer token, post text or query string, and every line names its request', async () => {
      const user = await activeUser(t, 'Logged Officer');
      // Signed in again from an allow-listed other origin: password, then a one-time code, then a bearer token.
      const first = await call(t, 'POST', '/api/auth/sign-in/email', { origin: OTHER_ORIGIN, body: { email: user.email, password: PASSWORD } });
      assert.equal(first.status, 200);
      const challenge = first.body.challenge as string;
      const code = await codeFor(t, user.email);
      const second = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { origin: OTHER_ORIGIN, body: { code, challenge } });
      assert.equal(second.status, 200);
      const token = second.headers.get('set-auth-token')!;
      assert.ok(token);
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { origin: OTHER_ORIGIN, token, body: { version: NOTICE.version } })).status, 200);
      // A wrong password too (its own error answer).
      const wrongPassword = `wrong-${randomUUID()}`;
      assert.equal((await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: user.email, password: wrongPassword } })).status, 401);

      const community = await makeCommunity(t, { visibility: 'public', createdBy: user.userId });
      await addMember(t, community.id, user.userId, 'owner');
      const text = `A distinctive post text ${randomUUID()}`;
      const posted = await call(t, 'POST', `/api/v1/communities/${community.slug}/posts`, { origin: OTHER_ORIGIN, token, body: { body: text } });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      const secretQuery = `query-secret-${randomUUID()}`;
      assert.equal((await call(t, 'GET', `/api/v1/me?access_token=${secretQuery}`, { origin: OTHER_ORIGIN, token })).status, 200);

      assert.ok(log.lines.length >= 8, `lines were written (${log.lines.length})`);
      const all = log.lines.join('\n');
      for (const [what, secret] of [
        ['password', PASSWORD],
        ['wrong password', wrongPassword],
        ['one-time code', code],
        ['two-factor challenge', challenge],
        ['bearer token', token],
        ['session cookie', user.cookie.split('=')[1]!],
        ['post text', text],
        ['query string', secretQuery],
      ] as const) {
        assert.ok(!all.includes(secret), `no line contains the ${what}`);
      }
      for (const line of log.lines) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        assert.equal(typeof entry.requestId, 'string', `a request id on ${line}`);
        assert.equal(typeof entry.level, 'string');
        assert.equal(typeof entry.time, 'string');
      }
      const access = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
      const postLine = access.find((e) => e.method === 'POST' && e.route === '/api/v1/communities/:ref/posts');
      assert.ok(postLine, 'the post has its access line, by route pattern');
      assert.equal(postLine.status, 201);
      assert.equal(typeof postLine.durationMs, 'number');
      assert.ok(!access.some((e) => String(e.route).includes(community.slug)), 'no access line names the community');
      for (const e of access) assert.deepEqual(Object.keys(e).sort(), ['durationMs', 'level', 'method', 'msg', 'pid', 'requestId', 'route', 'status', 'time']);
    });

    it("gives each answer a request id, keeps a caller's safe one, and an error answer's id is its log line's", async () => {
      const generated = await t.app.request('/api/v1/health');
      assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      const mine = `trace-${randomUUID().slice(0, 8)}`;
      assert.equal((await t.app.request('/api/v1/health', { headers: { 'x-request-id': mine } })).headers.get('x-request-id'), mine);
      for (const unsafe of ['has spaces in it', 'x'.repeat(65), 'quote"d', 'new\tline', '']) {
        const res = await t.app.request('/api/v1/health', { headers: { 'x-request-id': unsafe } });
        assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, `not kept: ${JSON.stringify(unsafe)}`);
      }

      const user = await activeUser(t, 'Error Reader');
      const missing = await t.app.request(`/api/v1/communities/${randomUUID()}`, { headers: { cookie: user.cookie, origin: 'http://localhost:8787' } });
      assert.equal(missing.status, 404);
      const body = (await missing.json()) as { error: { code: string; message: string; requestId: string } };
      assert.equal(typeof body.error.code, 'string');
      assert.equal(body.error.requestId, missing.headers.get('x-request-id'));
      const line = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.requestId === body.error.requestId);
      assert.ok(line, 'a log line carries the error answer’s request id');
      assert.equal(line.status, 404);
      assert.equal(line.route, '/api/v1/communities/:ref');
      // An answer made from better-auth's error carries it too.
      const refused = await call(t, 'POST', '/api/auth/sign-in/email', { headers: { 'x-request-id': 'auth-error-1' }, body: { email: `nobody-${randomUUID()}@example.test`, password: 'whatever-it-is' } });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.requestId, 'auth-error-1');
    });
  });
}

describe('logs: quiet when told', () => {
  it('writes nothing at level silent, and no access lines without JC_LOG_REQUESTS', async () => {
    for (const env of [{ JC_LOG_LEVEL: 'silent', JC_LOG_REQUESTS: 'true' }, { JC_LOG_LEVEL: 'info', JC_LOG_REQUESTS: 'false' }]) {
      const log = capture();
      const t = await startApp(backends()[0]!, env, { logDestination: log.stream });
      try {
        assert.equal((await t.app.request('/api/v1/health')).status, 200);
        assert.equal((await t.app.request('/nowhere')).status, 404);
        assert.deepEqual(log.lines, [], JSON.stringify(env));
      } finally {
        await t.dispose();
      }
    }
  });
});
