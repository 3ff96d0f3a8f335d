import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base32 } from '@better-auth/utils/base32';
import { createOTP } from '@better-auth/utils/otp';
import { ManualClock } from '../src/clock.ts';
import { NOTICE } from '../src/routes/notice.ts';
import { enrolWithSecret } from '../src/totp.ts';
import {
  activeUser,
  backends,
  BASE_URL,
  call,
  codeFor,
  OTHER_ORIGIN,
  PASSWORD,
  sessionCookie,
  signInFrom,
  suiteApp,
  TEST_ORI,
  testSecret,
  uniqueEmail,
  type TestApp,
} from './helpers.ts';

/*
 * The findings of the outside security review of sign-in and sessions
 * (items 2, 3, 4 and the rate limits of 9), each held by its own tests.
 */

const challengeOf = (headers: Headers) => headers.getSetCookie().find((c) => c.includes('two_factor='))!.split(';')[0]!;
const JUNK_CHALLENGE = 'junk.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

async function sessionsOf(t: TestApp, userId: string) {
  return t.services.db.kysely.selectFrom('session').select(['id', 'token']).where('userId', '=', userId).execute();
}

/** A new account, signed up but with no authenticator yet. */
async function unenrolled(t: TestApp, name: string) {
  const email = uniqueEmail('review');
  const up = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name, email, password: PASSWORD, agencyOri: TEST_ORI } });
  assert.equal(up.status, 200);
  const user = await t.services.db.kysely.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return { email, userId: user.id };
}

const passwordOnly = async (t: TestApp, email: string) => {
  const res = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
  assert.equal(res.status, 200);
  return sessionCookie(res.headers);
};

for (const backend of backends()) {
  describe(`review item 2: the code step trusts only the signed challenge (${backend.name})`, () => {
    const t = suiteApp(backend, { JC_SCHEDULE_SECONDS: '3600' });

    it('a request with a cookie challenge and a body challenge is refused 400, and a used code does not work again behind a junk one', async () => {
      const u = await activeUser(t, 'Junk Challenge');
      const code = await codeFor(t, u.email);
      const first = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      assert.equal((await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(first.headers), body: { code } })).status, 200);
      const second = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      const before = (await sessionsOf(t, u.userId)).length;
      const replay = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(second.headers), body: { code, challenge: JUNK_CHALLENGE } });
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error.code, 'CHALLENGE_CONFLICT');
      assert.equal((await sessionsOf(t, u.userId)).length, before, 'no session was made');
      const alone = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(second.headers), body: { code } });
      assert.equal(alone.body.error.code, 'CODE_ALREADY_USED', 'the used code is refused as such');
    });

    it('a challenge whose signature does not verify is refused 401, and two challenge cookies are refused 400', async () => {
      const u = await activeUser(t, 'Forged Challenge');
      const first = await call(t, 'POST', '/api/auth/sign-in/email', { origin: OTHER_ORIGIN, body: { email: u.email, password: PASSWORD } });
      const real = decodeURIComponent(first.body.challenge as string);
      const forged = encodeURIComponent(`${real.slice(0, real.lastIndexOf('.'))}.${'B'.repeat(43)}=`);
      for (const challenge of [forged, JUNK_CHALLENGE, 'no-signature-at-all']) {
        const res = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { origin: OTHER_ORIGIN, body: { code: await codeFor(t, u.email), challenge } });
        assert.equal(res.status, 401, challenge);
        // The code the widgets already know for a challenge that is gone: back to the password step.
        assert.equal(res.body.error.code, 'INVALID_TWO_FACTOR_COOKIE');
      }
      const name = challengeOf(first.headers).split('=')[0];
      const two = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: `${name}=${first.body.challenge}; ${name}=${encodeURIComponent(JUNK_CHALLENGE)}`, body: { code: await codeFor(t, u.email) } });
      assert.equal(two.status, 400);
      assert.equal(two.body.error.code, 'CHALLENGE_CONFLICT');
      // The real challenge still works: nothing above consumed it.
      const ok = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { origin: OTHER_ORIGIN, body: { code: await codeFor(t, u.email), challenge: first.body.challenge } });
      assert.equal(ok.status, 200);
    });

    it('wrong codes sent with the body challenge alone count toward the lockout and are audited', async () => {
      const u = await activeUser(t, 'Counted Codes');
      const first = await call(t, 'POST', '/api/auth/sign-in/email', { origin: OTHER_ORIGIN, body: { email: u.email, password: PASSWORD } });
      const real = await codeFor(t, u.email);
      const wrong = real === '000000' ? '111111' : '000000';
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push((await call(t, 'POST', '/api/auth/two-factor/verify-totp', { origin: OTHER_ORIGIN, body: { code: wrong, challenge: first.body.challenge } })).body.error.code);
      }
      assert.equal(codes.at(-1), 'ACCOUNT_LOCKED');
      const failures = await t.services.db.kysely.selectFrom('audit_log').select('outcome').where('action', '=', 'auth.second-factor').where('target', '=', u.userId).execute();
      // Each of the five wrong codes is one counted, audited failure; the fifth locks the account.
      assert.equal(failures.filter((f) => f.outcome === 'failure').length, 5, JSON.stringify(codes));
    });

    it('an account locked after its password step does not finish signing in, whatever challenge it sends', async () => {
      const u = await activeUser(t, 'Locked Midway');
      const first = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      await t.services.db.kysely.updateTable('profile').set({ locked_at: new Date().toISOString() }).where('user_id', '=', u.userId).execute();
      await t.services.db.kysely.deleteFrom('session').where('userId', '=', u.userId).execute();
      const junk = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(first.headers), body: { code: await codeFor(t, u.email), challenge: JUNK_CHALLENGE } });
      assert.notEqual(junk.status, 200);
      const plain = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(first.headers), body: { code: await codeFor(t, u.email) } });
      assert.equal(plain.body.error.code, 'ACCOUNT_LOCKED');
      assert.equal((await sessionsOf(t, u.userId)).length, 0, 'no session for a locked account');
    });

    it('every request ends the session of a locked, suspended or removed account', async () => {
      for (const change of [{ locked_at: new Date().toISOString() }, { status: 'suspended' }, { status: 'removed' }] as const) {
        const u = await activeUser(t, `Ended ${Object.values(change)[0]}`);
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).status, 200);
        // Changed in the database, as another process would: no session is deleted by the change itself.
        await t.services.db.kysely.updateTable('profile').set(change).where('user_id', '=', u.userId).execute();
        const refused = await call(t, 'GET', '/api/v1/me', { cookie: u.cookie });
        assert.ok(refused.status === 401 || refused.status === 403, `${JSON.stringify(change)}: ${refused.status}`);
        assert.equal((await sessionsOf(t, u.userId)).length, 0, `${JSON.stringify(change)}: the session is deleted`);
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).status, 401);
      }
    });

    it('the live event stream refuses the session of a locked account', async () => {
      const u = await activeUser(t, 'Locked Listener');
      await t.services.db.kysely.updateTable('profile').set({ locked_at: new Date().toISOString() }).where('user_id', '=', u.userId).execute();
      const res = await t.app.request('/api/v1/events', { headers: { cookie: u.cookie, origin: BASE_URL } });
      const type = res.headers.get('content-type') ?? '';
      await res.body?.cancel();
      assert.ok(res.status === 401 || res.status === 403, `answered ${res.status} ${type}`);
      assert.equal((await sessionsOf(t, u.userId)).length, 0);
    });
  });

  describe(`review item 3: each session passes the code step itself (${backend.name})`, () => {
    const t = suiteApp(backend, { JC_SCHEDULE_SECONDS: '3600' });

    it('a password-only session opened before another one enrols does not become a full session', async () => {
      const u = await unenrolled(t, 'Two Tabs');
      const s1 = await passwordOnly(t, u.email);
      const s2 = await passwordOnly(t, u.email);
      const enabled = await call(t, 'POST', '/api/auth/two-factor/enable', { cookie: s1, body: { password: PASSWORD } });
      assert.equal(enabled.status, 200);
      const secret = new URL(enabled.body.totpURI).searchParams.get('secret')!;
      const code = await createOTP(base32.decode(secret), { digits: 6, period: 30 }).totp();
      const confirmed = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: s1, body: { code } });
      assert.equal(confirmed.status, 200);
      const other = await call(t, 'GET', '/api/v1/me', { cookie: s2 });
      assert.equal(other.status, 401, `the other session ended (answered ${JSON.stringify(other.body)})`);
      const full = sessionCookie(confirmed.headers);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: full })).body.error.code, 'NOTICE_REQUIRED', 'the enrolling session passed its code step');
      assert.equal((await sessionsOf(t, u.userId)).length, 1);
    });

    it('starting an enrolment ends the account’s other sessions', async () => {
      const u = await unenrolled(t, 'Enable Ends Others');
      const s1 = await passwordOnly(t, u.email);
      await passwordOnly(t, u.email);
      await passwordOnly(t, u.email);
      assert.equal((await sessionsOf(t, u.userId)).length, 3);
      assert.equal((await call(t, 'POST', '/api/auth/two-factor/enable', { cookie: s1, body: { password: PASSWORD } })).status, 200);
      assert.equal((await sessionsOf(t, u.userId)).length, 1);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: s1 })).body.error.code, 'TWO_FACTOR_REQUIRED');
    });

    it('the gate reads the session’s own record, not the account’s: a session that never entered a code is limited until it does', async () => {
      const u = await unenrolled(t, 'Enrolled Elsewhere');
      const s = await passwordOnly(t, u.email);
      // The account gets an authenticator without this session entering a code (as a seeded or restored account would).
      await enrolWithSecret(t.services.db.kysely, t.services.config.authSecret, u.userId, testSecret(u.email));
      const blocked = await call(t, 'GET', '/api/v1/me', { cookie: s });
      assert.equal(blocked.status, 403);
      assert.equal(blocked.body.error.code, 'TWO_FACTOR_REQUIRED');
      const code = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: s, body: { code: await codeFor(t, u.email) } });
      assert.equal(code.status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: s })).body.error.code, 'NOTICE_REQUIRED', 'past the code step now');
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { cookie: s, body: { version: NOTICE.version } })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: s })).status, 200);
    });
  });

  describe(`review item 4: no readable token, and bearers only from allow-listed origins (${backend.name})`, () => {
    const t = suiteApp(backend, { JC_SCHEDULE_SECONDS: '3600' });

    it('get-session and the sign-in steps answer a same-origin page without any token', async () => {
      const u = await activeUser(t, 'No Token Here');
      const tokens = (await sessionsOf(t, u.userId)).map((s) => s.token);
      const session = await call(t, 'GET', '/api/auth/get-session', { cookie: u.cookie });
      assert.equal(session.status, 200);
      assert.ok(session.body.session.id);
      assert.equal(session.body.session.token, undefined);
      const first = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD } });
      const second = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challengeOf(first.headers), body: { code: await codeFor(t, u.email) } });
      assert.equal(second.status, 200);
      const all = [...tokens, ...(await sessionsOf(t, u.userId)).map((s) => s.token)];
      for (const res of [session, first, second]) {
        const text = JSON.stringify(res.body);
        assert.ok(!all.some((token) => text.includes(token)), `no session token in ${text.slice(0, 120)}`);
        assert.equal(res.headers.get('set-auth-token'), null);
      }
    });

    it('the cross-origin get-session answer carries no token either; the bearer is the signed value', async () => {
      const u = await activeUser(t, 'Signed Bearer');
      const token = await signInFrom(t, OTHER_ORIGIN, u.email);
      const [stored] = (await sessionsOf(t, u.userId)).filter((s) => decodeURIComponent(token).startsWith(`${s.token}.`));
      assert.ok(stored, 'the bearer is the stored token with its signature');
      const session = await call(t, 'GET', '/api/auth/get-session', { origin: OTHER_ORIGIN, token });
      assert.equal(session.status, 200);
      assert.ok(!JSON.stringify(session.body).includes(stored.token));
    });

    it('a token read from the database alone does not work as a bearer', async () => {
      const u = await activeUser(t, 'Database Reader');
      await signInFrom(t, OTHER_ORIGIN, u.email);
      for (const s of await sessionsOf(t, u.userId)) {
        const res = await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token: s.token });
        assert.equal(res.status, 401, 'a bare, unsigned token is refused');
      }
    });

    it('a bearer credential is refused from an origin off the allow-list, or with no origin at all', async () => {
      const u = await activeUser(t, 'Allow Listed');
      const token = await signInFrom(t, OTHER_ORIGIN, u.email);
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token })).status, 200);
      for (const origin of ['http://evil.example.test', null, BASE_URL]) {
        const res = await call(t, 'GET', '/api/v1/me', { origin, token });
        assert.equal(res.status, 401, `origin ${origin}`);
        assert.equal(res.body.error.code, 'BEARER_ORIGIN_NOT_ALLOWED');
        const session = await call(t, 'GET', '/api/auth/get-session', { origin, token });
        assert.equal(session.status, 401, `get-session from ${origin}`);
      }
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token })).status, 200, 'still good from its own origin');
    });
  });

  describe(`review item 9: rate limits on sign-up and the code step, and their audit (${backend.name})`, () => {
    const clock = new ManualClock('2026-06-01T08:00:00.000Z');
    const t = suiteApp(backend, { JC_SCHEDULE_SECONDS: '3600', JC_TRUST_PROXY: 'true' }, { clock });

    const nextMinute = () => clock.advance(60_000);
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const signUp = (email: string, ip: string) => call(t, 'POST', '/api/auth/sign-up/email', { body: { name: 'Rate Limited', email, password: PASSWORD, agencyOri: TEST_ORI }, headers: from(ip) });
    const rateAudits = async (step: string) =>
      (await t.services.db.kysely.selectFrom('audit_log').select(['action', 'outcome', 'details']).where('action', '=', 'auth.rate-limited').execute()).filter((r) => JSON.parse(r.details).step === step);

    it('sign-up is limited per address and per email, answering 429 with Retry-After, and each is audited', async () => {
      t.services.config.rates.signInPerMinute = 3;
      nextMinute();
      for (let i = 0; i < 3; i++) assert.equal((await signUp(uniqueEmail('burst'), '198.51.100.1')).status, 200);
      const byAddress = await signUp(uniqueEmail('burst'), '198.51.100.1');
      assert.equal(byAddress.status, 429);
      assert.equal(byAddress.body.error.code, 'RATE_LIMITED');
      assert.ok(Number(byAddress.headers.get('retry-after')) > 0);
      nextMinute();
      const email = uniqueEmail('same');
      for (let i = 0; i < 3; i++) assert.notEqual((await signUp(email, `198.51.100.${10 + i}`)).status, 429);
      assert.equal((await signUp(email, '198.51.100.20')).status, 429, 'one email from many addresses');
      const audited = await rateAudits('sign-up');
      assert.equal(audited.length, 2);
      assert.ok(audited.every((r) => r.outcome === 'denied'));
      const signUps = await t.services.db.kysely.selectFrom('audit_log').select(['outcome', 'target']).where('action', '=', 'auth.sign-up').execute();
      assert.ok(signUps.some((r) => r.outcome === 'success' && r.target === email), 'a sign-up is audited');
    });

    it('the code step is limited per address and per account', async () => {
      t.services.config.rates.signInPerMinute = 1000;
      const u = await activeUser(t, 'Code Guesser');
      t.services.config.rates.signInPerMinute = 3;
      nextMinute();
      const challenge = async (ip: string) => challengeOf((await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: u.email, password: PASSWORD }, headers: from(ip) })).headers);
      const wrong = async () => ((await codeFor(t, u.email)) === '000000' ? '111111' : '000000');
      const verify = async (cookie: string, ip: string) => call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie, body: { code: await wrong() }, headers: from(ip) });
      // Per account: attempts from many addresses.
      const c1 = await challenge('203.0.113.1');
      nextMinute();
      const byAccount: number[] = [];
      for (let i = 0; i < 4; i++) byAccount.push((await verify(c1, `203.0.113.${20 + i}`)).status);
      assert.deepEqual(byAccount, [401, 401, 401, 429]);
      await t.services.db.kysely.deleteFrom('auth_failure').where('user_id', '=', u.userId).execute();
      // Per address: attempts for challenges nobody holds (they never reach an account).
      nextMinute();
      const byAddress: number[] = [];
      for (let i = 0; i < 4; i++) byAddress.push((await call(t, 'POST', '/api/auth/two-factor/verify-totp', { origin: OTHER_ORIGIN, body: { code: '123456', challenge: JUNK_CHALLENGE }, headers: from('203.0.113.99') })).status);
      assert.deepEqual(byAddress, [401, 401, 401, 429]);
      const audited = await rateAudits('second-factor');
      assert.equal(audited.length, 2);
    });

    it('a 429 on sign-in is audited', async () => {
      t.services.config.rates.signInPerMinute = 2;
      nextMinute();
      const email = uniqueEmail('nobody');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: 'not it at all' }, headers: from('192.0.2.7') })).status);
      assert.deepEqual(statuses, [401, 401, 429]);
      const audited = await rateAudits('sign-in');
      assert.equal(audited.length, 1);
      assert.equal(audited[0]!.outcome, 'denied');
      t.services.config.rates.signInPerMinute = 1000;
    });
  });
}
