import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../src/clock.ts';
import { activeUser, backends, call, PASSWORD, signIn as fullSignIn, suiteApp } from './helpers.ts';

const T0 = '2026-06-01T08:00:00.000Z';

for (const backend of backends()) {
  describe(`sign-in controls (${backend.name})`, () => {
    const clock = new ManualClock(T0);
    const t = suiteApp(backend, { JC_SCHEDULE_SECONDS: '3600', JC_SIGN_IN_RATE_PER_MINUTE: '1000' }, { clock });

    const signIn = (email: string, password: string, headers: Record<string, string> = {}) => call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password }, headers });
    const emailOf = async (userId: string) => (await t.services.db.kysely.selectFrom('user').select('email').where('id', '=', userId).executeTakeFirstOrThrow()).email;

    it('the 6th sign-in within 15 minutes is refused even with the right password; an admin unlock lets it in', async () => {
      clock.set(T0);
      const officer = await activeUser(t, 'Lockout Officer');
      const email = await emailOf(officer.userId);
      for (let i = 1; i <= 4; i++) {
        clock.advance(60_000);
        const res = await signIn(email, `wrong password ${i}`);
        assert.equal(res.status, 401, `failure ${i}`);
      }
      clock.advance(60_000);
      const fifth = await signIn(email, 'wrong password 5');
      assert.equal(fifth.status, 403);
      assert.equal(fifth.body.error.code, 'ACCOUNT_LOCKED');
      const right = await signIn(email, PASSWORD);
      assert.equal(right.status, 403, 'the right password changes nothing');
      assert.equal(right.body.error.code, 'ACCOUNT_LOCKED');
      assert.deepEqual(right.body, fifth.body, 'the locked answer is the same whatever the password');
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: officer.cookie })).status, 401, 'locking ends the sessions it had');
      clock.advance(24 * 3600_000);
      assert.equal((await signIn(email, PASSWORD)).body.error.code, 'ACCOUNT_LOCKED', 'it stays locked until an administrator unlocks it');
      const admin = await activeUser(t, 'Unlocking Agency Admin', { agencyAdmin: true });
      const member = await activeUser(t, 'Not An Admin');
      assert.equal((await call(t, 'POST', `/api/v1/users/${officer.userId}/unlock`, { cookie: member.cookie })).body.error.code, 'ADMIN_REQUIRED');
      const listed = await call(t, 'GET', '/api/v1/users', { cookie: admin.cookie });
      assert.equal(listed.body.items.find((u: { id: string }) => u.id === officer.userId).locked, true);
      const unlocked = await call(t, 'POST', `/api/v1/users/${officer.userId}/unlock`, { cookie: admin.cookie });
      assert.equal(unlocked.status, 200);
      assert.equal(unlocked.body.locked, false);
      assert.equal((await signIn(email, PASSWORD)).status, 200);
      const log = await t.services.db.kysely.selectFrom('audit_log').select(['action', 'outcome']).where('target', 'in', [email, `/api/v1/users/${officer.userId}/unlock`]).orderBy('seq').execute();
      const actions = log.map((r) => `${r.action}:${r.outcome}`);
      assert.ok(actions.includes('auth.lockout:success'), 'the lockout is audited');
      assert.ok(actions.includes('auth.sign-in:denied'), 'the refused sign-ins are audited');
      assert.ok(actions.includes(`POST /api/v1/users/${officer.userId}/unlock:success`), 'the unlock is audited');
    });

    it('counts only failures within the window: four, a pause, four more do not lock', async () => {
      clock.set(T0);
      const officer = await activeUser(t, 'Slow Typist');
      const email = await emailOf(officer.userId);
      for (let i = 0; i < 4; i++) assert.equal((await signIn(email, 'nope nope nope')).status, 401);
      clock.advance(16 * 60_000);
      for (let i = 0; i < 4; i++) assert.equal((await signIn(email, 'nope nope nope')).status, 401);
      // The right password alone is not a success while the code is still to come…
      assert.equal((await signIn(email, PASSWORD)).body.twoFactorRedirect, true);
      // …a whole sign-in is, and clears the count.
      await fullSignIn(t, email);
      for (let i = 0; i < 4; i++) assert.equal((await signIn(email, 'nope nope nope')).status, 401);
      await fullSignIn(t, email);
    });

    it('refuses a suspended account before looking at the password, so the answer does not tell whether it was right', async () => {
      const officer = await activeUser(t, 'Suspended Officer');
      const email = await emailOf(officer.userId);
      await t.services.db.kysely.updateTable('profile').set({ status: 'suspended' }).where('user_id', '=', officer.userId).execute();
      const right = await signIn(email, PASSWORD);
      const wrong = await signIn(email, 'definitely wrong');
      assert.equal(right.status, 403);
      assert.deepEqual(right.body, wrong.body);
      assert.equal(right.body.error.code, 'ACCOUNT_DISABLED');
    });
  });

  describe(`rate limits (${backend.name})`, () => {
    const clock = new ManualClock(T0);
    const t = suiteApp(backend, { JC_SCHEDULE_SECONDS: '3600', JC_SIGN_IN_RATE_PER_MINUTE: '5', JC_WRITE_RATE_PER_MINUTE: '10' }, { clock });

    it('limits sign-in attempts a minute for one account, with Retry-After, and lets them through the next minute', async () => {
      clock.set(T0);
      const email = 'nobody-in-particular@agency.demo.test';
      for (let i = 0; i < 5; i++) assert.equal((await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: 'x' } })).status, 401);
      const limited = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: 'x' } });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, 'RATE_LIMITED');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      clock.advance(60_000);
      assert.equal((await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: 'x' } })).status, 401);
    });

    it('limits writes a minute per user, and not reads', async () => {
      clock.set('2026-06-01T08:59:00.000Z');
      const u = await activeUser(t, 'Busy Writer');
      // A new minute: signing in (the notice's acceptance is a write) counted in the last one.
      clock.set('2026-06-01T09:00:00.000Z');
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await call(t, 'PATCH', '/api/v1/me', { cookie: u.cookie, body: { title: `Title ${i}` } })).status);
      assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200));
      assert.deepEqual(statuses.slice(10), [429, 429]);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).status, 200, 'reads go on');
      const me = await call(t, 'GET', '/api/v1/me', { cookie: u.cookie });
      assert.equal(me.body.title, 'Title 9', 'a refused write changed nothing');
    });

    it('sliding rate window: a burst at 0:59 and another at 1:01 do not both pass; a full minute later the limit is back', async () => {
      const email = 'burst-across-a-minute@agency.demo.test';
      const attempt = async () => (await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: 'x' } })).status;
      const burst = async () => Promise.all(Array.from({ length: 5 }, attempt));
      clock.set('2026-06-01T10:00:59.000Z');
      assert.deepEqual(await burst(), Array(5).fill(401), 'the first burst is within the limit');
      clock.set('2026-06-01T10:01:01.000Z');
      const second = await burst();
      assert.deepEqual(second, Array(5).fill(429), 'two seconds later, across the minute boundary, the second burst is refused');
      clock.set('2026-06-01T10:01:59.000Z');
      assert.deepEqual(await burst(), Array(5).fill(401), 'a full minute after the first burst the whole limit is available again');
      assert.equal(await attempt(), 429);
    });
  });
}
