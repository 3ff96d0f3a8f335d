import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema.ts';
import { activeUser, backends, call, codeFor, PASSWORD, suiteApp } from './helpers.ts';
import { request, signedInAccount } from './support/server-process.ts';
import { suiteProcesses } from './support/processes.ts';

/*
 * Issue 19, finding 6: the lockout holds in a burst. The lock check, the
 * password (or code) check and the failure count are one decision per
 * account, so however many requests arrive at once, at most `attempts`
 * secrets are checked per lockout, the lock falls on exactly that failure,
 * and nothing after it answers 200 or leaves a session.
 */

/**
 * What a burst of 30 wrong passwords and the right one (at index 15) may
 * leave, read from the audit log: one lockout, on exactly the 5th counted
 * failure, no password checked after it, the right one refused unless it came
 * before the lock, and no session.
 */
async function checkBurst(db: Kysely<Database>, userId: string, email: string, before: number, answers: { status: number; body: any }[]) {
  const auditOf = (target: string) => db.selectFrom('audit_log').select(['seq', 'action', 'outcome', 'details']).where('target', '=', target).orderBy('seq').execute();
  const rows = (await auditOf(email)).slice(before);
  // A password was looked at exactly when the sign-in audit says success or failure (a refusal before it says denied).
  const checked = rows.filter((r) => r.action === 'auth.sign-in' && r.outcome !== 'denied');
  const lockouts = rows.filter((r) => r.action === 'auth.lockout');
  assert.equal(lockouts.length, 1, 'one lockout');
  const lockSeq = lockouts[0]!.seq;
  const success = checked.find((r) => r.outcome === 'success');
  // The failures the lock counted: those before it, after the last success that cleared the count. A right
  // password clears it only when no code step follows; with an authenticator the count stays until the code is right.
  const cleared = checked.filter((r) => r.outcome === 'success' && Number(r.seq) < Number(lockSeq) && JSON.parse(String(r.details)).secondFactor === 'not set up').at(-1);
  const counted = checked.filter((r) => r.outcome === 'failure' && Number(r.seq) < Number(lockSeq) && (!cleared || Number(r.seq) > Number(cleared.seq)));
  assert.equal(counted.length, 5, `the lock fell on exactly the 5th failure (${counted.length})`);
  assert.equal(checked.filter((r) => Number(r.seq) > Number(lockSeq)).length, 0, 'no password is checked after the lock');
  assert.ok(checked.length <= 10, `at most 5 passwords checked per lockout (and 4 more before a right one): ${checked.length}`);
  const right = answers[15]!;
  if (success) {
    assert.ok(Number(success.seq) < Number(lockSeq), 'the right password passed only before the lock');
    assert.equal(right.status, 200);
  } else {
    assert.equal(right.status, 403, 'the right password after the lock is refused');
    assert.equal(right.body.error.code, 'ACCOUNT_LOCKED');
  }
  const statuses = answers.map((a) => a.status);
  assert.equal(statuses.filter((s) => s === 401).length + statuses.filter((s) => s === 200).length + 1, checked.length, 'each check answered once (the 5th failure as ACCOUNT_LOCKED)');
  assert.ok(statuses.every((s) => s === 200 || s === 401 || s === 403), statuses.join(','));
  const profile = await db.selectFrom('profile').select('locked_at').where('user_id', '=', userId).executeTakeFirstOrThrow();
  assert.ok(profile.locked_at, 'the account is locked');
  const sessions = await db.selectFrom('session').select('id').where('userId', '=', userId).execute();
  assert.equal(sessions.length, 0, 'a locked account keeps no session');
}

for (const backend of backends()) {
  describe(`lockout in a burst (${backend.name})`, () => {
    const t = suiteApp(backend, { JC_LOCKOUT_ATTEMPTS: '5', JC_SCHEDULE_SECONDS: '3600' });

    const emailOf = async (userId: string) => (await t.services.db.kysely.selectFrom('user').select('email').where('id', '=', userId).executeTakeFirstOrThrow()).email;
    const auditOf = (target: string) =>
      t.services.db.kysely.selectFrom('audit_log').select(['seq', 'action', 'outcome', 'details']).where('target', '=', target).orderBy('seq').execute();

    it('a burst of 30 wrong passwords and the right one: at most 5 checked, locked on exactly the 5th failure, the right one refused after the lock', async () => {
      const officer = await activeUser(t, 'Burst Target');
      const email = await emailOf(officer.userId);
      const before = (await auditOf(email)).length;
      const passwords = [...Array.from({ length: 30 }, (_, i) => `wrong password ${i}`)];
      passwords.splice(15, 0, PASSWORD);
      const answers = await Promise.all(passwords.map((password) => call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password } })));
      await checkBurst(t.services.db.kysely, officer.userId, email, before, answers);
    });

    it('a right code racing wrong codes never leaves a session on a locked account', async () => {
      for (let round = 0; round < 3; round++) {
        const officer = await activeUser(t, `Code Burst ${round}`);
        const email = await emailOf(officer.userId);
        const first = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
        assert.equal(first.status, 200);
        const challenge = first.headers.getSetCookie().find((c) => c.includes('two_factor='))!.split(';')[0]!;
        const right = await codeFor(t, email);
        const wrong = (i: number) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
        const codes = Array.from({ length: 12 }, (_, i) => wrong(i));
        codes.splice(round * 5, 0, right);
        const answers = await Promise.all(codes.map((code) => call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challenge, body: { code } })));
        const profile = await t.services.db.kysely.selectFrom('profile').select('locked_at').where('user_id', '=', officer.userId).executeTakeFirstOrThrow();
        assert.ok(profile.locked_at, 'the wrong codes locked the account');
        const sessions = await t.services.db.kysely.selectFrom('session').select('id').where('userId', '=', officer.userId).execute();
        assert.equal(sessions.length, 0, `round ${round}: no session on a locked account (${answers.map((a) => a.status).join(',')})`);
        for (const a of answers.filter((x) => x.status === 200)) {
          const cookie = a.headers.getSetCookie().find((c) => c.includes('session_token='))!.split(';')[0]!;
          assert.equal((await call(t, 'GET', '/api/v1/me', { cookie })).status, 401, 'the session a right code got before the lock ended with it');
        }
        const lockouts = (await auditOf(officer.userId)).filter((r) => r.action === 'auth.lockout');
        assert.equal(lockouts.length, 1, 'one lockout');
      }
    });
  });

  describe(`lockout in a burst over two processes (${backend.name})`, () => {
    const SECRET = 'lockout-burst-test-secret-lockout-burst-test';
    const two = suiteProcesses(backend, { JC_AUTH_SECRET: SECRET, JC_LOCKOUT_ATTEMPTS: '5', JC_SIGN_IN_RATE_PER_MINUTE: '1000' }, 'jc-lockout-');

    it('30 wrong passwords and the right one, half through each process: still at most 5 checked, locked on the 5th, no session', async () => {
      const { a, b, db } = two;
      const user = await signedInAccount(a, db, SECRET, 'Two Process Target');
      const before = (await db.kysely.selectFrom('audit_log').select('seq').where('target', '=', user.email).execute()).length;
      const passwords = Array.from({ length: 30 }, (_, i) => `wrong password ${i}`);
      passwords.splice(15, 0, PASSWORD);
      const answers = await Promise.all(passwords.map((password, i) => request(i % 2 ? b : a, 'POST', '/api/auth/sign-in/email', { body: { email: user.email, password } })));
      await checkBurst(db.kysely, user.id, user.email, before, answers);
      assert.equal((await request(b, 'GET', '/api/v1/me', { cookie: user.cookie })).status, 401, 'the session it had ended with the lock');
    });
  });
}
