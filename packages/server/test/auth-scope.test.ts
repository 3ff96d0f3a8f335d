import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { authCallsInFlight, authStorages } from '../src/auth-scope.ts';
import { credentialKey } from '../src/http/credentials.ts';
import { backends, call, signUpAndIn, suiteApp } from './helpers.ts';

/*
 * better-auth's AsyncLocalStorage is enabled only while one of its calls
 * runs (src/auth-scope.ts). What that must never cost: a call that overlaps
 * another's end still finds its context, on both databases.
 */

/** Node 20's AsyncLocalStorage says whether it is enabled; a later Node (AsyncContextFrame) has nothing to disable. */
const enabled = () => authStorages().map((s) => (s as unknown as { enabled?: boolean }).enabled ?? false);

for (const backend of backends()) {
  describe(`better-auth's context, on only while a call runs (${backend.name})`, () => {
    const t = suiteApp(backend);

    it('overlapping sign-ins and first sights of a session all succeed, and nothing is left enabled after them', async () => {
      // Each sign-up and sign-in is several better-auth calls; eight at once overlap every way.
      const users = await Promise.all(Array.from({ length: 8 }, (_, i) => signUpAndIn(t, `Overlap Officer ${i}`)));
      assert.equal(authCallsInFlight(), 0);
      assert.deepEqual(enabled(), [false, false, false], 'disabled once no call runs');

      // Forget which session each credential names, so each next request asks better-auth again, all at once.
      for (const u of users) t.services.credentials.delete(credentialKey(new Headers({ cookie: u.cookie }))!);
      const answers = await Promise.all(users.flatMap((u) => [call(t, 'GET', '/api/v1/me', { cookie: u.cookie }), call(t, 'GET', '/api/auth/get-session', { cookie: u.cookie })]));
      for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.deepEqual(
        answers.filter((_, i) => i % 2 === 1).map((a) => a.body.user.id),
        users.map((u) => u.userId),
        "each session is its own user's",
      );
      assert.equal(authCallsInFlight(), 0);
      assert.deepEqual(enabled(), [false, false, false]);
    });
  });
}
