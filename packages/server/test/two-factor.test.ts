import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base32 } from '@better-auth/utils/base32';
import { createOTP } from '@better-auth/utils/otp';
import { ManualClock } from '../src/clock.ts';
import { NOTICE } from '../src/routes/notice.ts';
import { activate, call, codeFor, OTHER_ORIGIN, PASSWORD, sessionCookie, signIn, signUpAndIn, suiteApp, TEST_ORI, uniqueEmail } from './helpers.ts';
import { backends } from './helpers.ts';

const challengeOf = (headers: Headers) => headers.getSetCookie().find((c) => c.includes('two_factor='))!.split(';')[0]!;

for (const backend of backends()) {
  describe(`second factor, notice and sessions (${backend.name})`, () => {
    const clock = new ManualClock();
    const t = suiteApp(backend, { JC_SCHEDULE_SECONDS: '3600' }, { clock });

    it('a password-only session gets 403 TWO_FACTOR_REQUIRED until an authenticator is confirmed, then the notice, then everything', async () => {
      clock.set(new Date());
      const email = uniqueEmail('enrol');
      await call(t, 'POST', '/api/auth/sign-up/email', { body: { name: 'New Officer', email, password: PASSWORD, agencyOri: TEST_ORI } });
      const firstSignIn = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
      assert.equal(firstSignIn.status, 200);
      assert.equal(firstSignIn.body.twoFactorRedirect, undefined, 'no authenticator yet: a session, but a limited one');
      const first = sessionCookie(firstSignIn.headers);
      const blocked = await call(t, 'GET', '/api/v1/me', { cookie: first });
      assert.equal(blocked.status, 403);
      assert.equal(blocked.body.error.code, 'TWO_FACTOR_REQUIRED');
      assert.equal((await call(t, 'GET', '/api/v1/health', { cookie: first })).status, 200, 'health answers anyone');
      const enabled = await call(t, 'POST', '/api/auth/two-factor/enable', { cookie: first, body: { password: PASSWORD } });
      assert.equal(enabled.status, 200);
      assert.match(enabled.body.totpURI, /^otpauth:\/\/totp\/JusticeConnect:/);
      assert.equal(enabled.body.backupCodes.length, 10);
      // The URI's QR code, made here (the browser only draws it): square rows of 0 and 1, a quiet zone of two
      // modules, and the top-left finder pattern's solid row inside it.
      const qr: string[] = enabled.body.qr;
      assert.ok(qr.length >= 25 && qr.every((row) => row.length === qr.length && /^[01]+$/.test(row)), 'a square of modules');
      assert.ok(qr.slice(0, 2).every((row) => !row.includes('1')) && qr.every((row) => row.startsWith('00')), 'the quiet zone');
      assert.equal(qr[2]!.slice(2, 9), '1111111', 'the finder pattern');
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: first })).body.error.code, 'TWO_FACTOR_REQUIRED', 'not until the code confirms it');
      const secret = new URL(enabled.body.totpURI).searchParams.get('secret')!;
      const code = await createOTP(base32.decode(secret), { digits: 6, period: 30 }).totp();
      const confirmed = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: first, body: { code } });
      assert.equal(confirmed.status, 200);
      // Confirming the authenticator replaces the password-only session with a new one.
      const cookie = confirmed.headers.getSetCookie().some((c) => c.includes('session_token=') && !c.includes('Max-Age=0')) ? sessionCookie(confirmed.headers) : first;
      if (cookie !== first) assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: first })).status, 401, 'the password-only session ended');
      const afterCode = await call(t, 'GET', '/api/v1/me', { cookie });
      assert.equal(afterCode.body.error.code, 'NOTICE_REQUIRED');
      const notice = await call(t, 'GET', '/api/v1/notice');
      assert.equal(notice.body.version, NOTICE.version);
      assert.match(notice.body.paragraphs.join(' '), /U\.S\. Government information system/);
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { cookie, body: { version: 'old' } })).body.error.code, 'NOTICE_CHANGED');
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { cookie, body: { version: NOTICE.version } })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie })).status, 200);
      const recorded = await t.services.db.kysely.selectFrom('notice_acceptance').selectAll().execute();
      assert.ok(recorded.some((r) => r.version === NOTICE.version), 'acceptance recorded with its version');
      // Every later sign-in asks for a code, and the notice again.
      const again = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
      assert.equal(again.body.twoFactorRedirect, true);
      assert.equal(again.headers.getSetCookie().some((c) => c.includes('session_token=') && !c.includes('Max-Age=0')), false, 'no session before the code');
    });

    it('a TOTP code works once, and no device is ever trusted', async () => {
      const u = await signUpAndIn(t, 'Code Once');
      const code = await codeFor(t, u.email);
      const first = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      const ok = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(first.headers), body: { code } });
      assert.equal(ok.status, 200);
      const second = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      const replay = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(second.headers), body: { code } });
      assert.equal(replay.status, 401);
      assert.equal(replay.body.error.code, 'CODE_ALREADY_USED');
      const trust = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(second.headers), body: { code: '123456', trustDevice: true } });
      assert.equal(trust.status, 400);
      assert.equal(trust.body.error.fields.trustDevice, 'Unknown field');
      for (const path of ['/api/auth/two-factor/send-otp', '/api/auth/two-factor/verify-otp', '/api/auth/two-factor/disable']) {
        assert.equal((await call(t, 'POST', path, { body: {} })).status, 404, `${path}: email codes and disabling are not offered`);
      }
    });

    it('one code sent twice at the same moment signs in once', async () => {
      const u = await signUpAndIn(t, 'Code Race');
      const code = await codeFor(t, u.email);
      const a = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      const b = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      const answers = await Promise.all([a, b].map((first) => call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(first.headers), body: { code } })));
      assert.deepEqual(answers.map((r) => r.status).sort(), [200, 401]);
      assert.equal(answers.find((r) => r.status === 401)!.body.error.code, 'CODE_ALREADY_USED');
      // A wrong code is not kept as used: the right one still works after it.
      const c = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      const fresh = await codeFor(t, u.email);
      const wrong = fresh === '000000' ? '111111' : '000000';
      assert.equal((await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(c.headers), body: { code: wrong } })).status, 401);
      assert.equal((await t.services.db.kysely.selectFrom('totp_used').select('code').where('code', '=', wrong).execute()).length, 0);
      assert.equal((await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(c.headers), body: { code: fresh } })).status, 200);
    });

    it('five wrong codes lock the account like five wrong passwords', async () => {
      const u = await signUpAndIn(t, 'Wrong Codes');
      const first = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      const challenge = challengeOf(first.headers);
      const real = await codeFor(t, u.email);
      const wrong = real === '000000' ? '111111' : '000000';
      const answers: string[] = [];
      for (let i = 0; i < 5; i++) answers.push((await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challenge, body: { code: wrong } })).body.error.code);
      assert.equal(answers.at(-1), 'ACCOUNT_LOCKED');
      const right = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challenge, body: { code: real } });
      assert.equal(right.body.error.code, 'ACCOUNT_LOCKED');
      assert.equal((await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } })).body.error.code, 'ACCOUNT_LOCKED');
      const audit = await t.services.db.kysely.selectFrom('audit_log').select(['action', 'outcome']).where('target', '=', u.userId).execute();
      assert.ok(audit.some((a) => a.action === 'auth.second-factor' && a.outcome === 'failure'), 'second-factor failures are audited');
    });

    it('a page on another origin signs in with the challenge in the body, since it cannot keep the cookie', async () => {
      const u = await signUpAndIn(t, 'Cross Origin Officer');
      const first = await call(t, 'POST', '/api/auth/sign-in/email', { origin: OTHER_ORIGIN, body: { email: u.email, password: PASSWORD } });
      assert.equal(first.body.twoFactorRedirect, true);
      assert.ok(first.body.challenge, 'the challenge is in the body for an allow-listed other origin');
      const same = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      assert.equal(same.body.challenge, undefined, 'a same-origin page keeps it in the HttpOnly cookie only');
      const second = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { origin: OTHER_ORIGIN, body: { code: await codeFor(t, u.email), challenge: first.body.challenge } });
      assert.equal(second.status, 200);
      const token = second.headers.get('set-auth-token');
      assert.ok(token, 'a bearer token for the other origin');
      const notice = await call(t, 'POST', '/api/v1/notice/accept', { origin: OTHER_ORIGIN, token: token!, body: { version: NOTICE.version } });
      assert.equal(notice.status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token: token! })).status, 200);
    });

    it('a session unused for 30 minutes ends; one in use lasts until its 12 hours', async () => {
      clock.set(new Date());
      const u = await signUpAndIn(t, 'Idle Officer');
      clock.advance(29 * 60_000);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).status, 200, 'used within 30 minutes');
      clock.advance(29 * 60_000);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).status, 200, 'each use starts the 30 minutes again');
      clock.advance(31 * 60_000);
      const idle = await call(t, 'GET', '/api/v1/me', { cookie: u.cookie });
      assert.equal(idle.status, 401);
      assert.equal(idle.body.error.code, 'SESSION_EXPIRED');
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).body.error.code, 'UNAUTHENTICATED', 'the session is gone, not just refused');

      clock.set(new Date());
      const busy = await signIn(t, u.email);
      for (let h = 0; h < 12; h++) {
        clock.advance(25 * 60_000);
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: busy.cookie })).status, 200);
      }
      // 12 × 25 minutes = 5 hours; keep going past 12 hours in total.
      let last = 200;
      for (let h = 0; h < 18 && last === 200; h++) {
        clock.advance(25 * 60_000);
        last = (await call(t, 'GET', '/api/v1/me', { cookie: busy.cookie })).status;
      }
      assert.equal(last, 401, 'the absolute lifetime ends even a busy session');
      clock.set(new Date());
    });

    it('requests the page makes on its own (X-JC-Background) do not keep an idle session alive', async () => {
      clock.set(new Date());
      const u = await signUpAndIn(t, 'Background Reader');
      const background = { 'x-jc-background': '1' };
      clock.advance(20 * 60_000);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie, headers: background })).status, 200, 'answered while the session lasts');
      clock.advance(15 * 60_000);
      const ended = await call(t, 'GET', '/api/v1/me', { cookie: u.cookie, headers: background });
      assert.equal(ended.status, 401, '35 minutes since the person last did anything');
      assert.equal(ended.body.error.code, 'SESSION_EXPIRED');
      clock.set(new Date());
    });

    it('suspension ends every session at once', async () => {
      const u = await signUpAndIn(t, 'Suspended Soon');
      await activate(t, u.userId);
      const admin = await signUpAndIn(t, 'Suspending Admin');
      await activate(t, admin.userId, { siteAdmin: true });
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).status, 200);
      assert.equal((await call(t, 'POST', `/api/v1/users/${u.userId}/suspend`, { cookie: admin.cookie })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).status, 401);
    });
  });
}
