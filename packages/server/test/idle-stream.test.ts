import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../src/clock.ts';
import { activeUser, backends, call, startApp, type TestApp } from './helpers.ts';
import { SseReader } from './sse.ts';

const HEARTBEAT_MS = 20_000;
const MINUTE = 60_000;

/*
 * A live stream ends with its session: at the idle deadline (what the user
 * did, not what the page did on its own) or the absolute one, within one
 * heartbeat, with the reason. The heartbeat runs on the server's clock, which
 * the test moves by hand: no sleeping.
 */
for (const backend of backends()) {
  describe(`live stream and the session's deadlines (${backend.name})`, () => {
    let t: TestApp;
    let clock: ManualClock;
    before(async () => {
      clock = new ManualClock();
      t = await startApp(backend, { JC_HEARTBEAT_SECONDS: String(HEARTBEAT_MS / 1000), JC_IDLE_TIMEOUT_MINUTES: '30', JC_SESSION_HOURS: '1' }, { clock });
    });
    after(() => t.dispose());

    // Each test signs in at the real time (better-auth's), with the server's clock there too.
    beforeEach(() => clock.set(new Date()));

    async function subscribe(cookie: string) {
      const abort = new AbortController();
      const response = await t.app.request('/api/v1/events', { headers: { cookie }, signal: abort.signal });
      assert.equal(response.status, 200);
      const reader = new SseReader(response);
      await reader.next('ready');
      return { reader, close: () => abort.abort() };
    }

    /** Moves the clock by `ms` and waits for the heartbeat that follows (a comment, or the end). */
    async function tick(s: { reader: SseReader }, ms: number) {
      const comments = s.reader.comments;
      const ended = s.reader.messages.some((m) => m.event === 'end');
      clock.advance(ms);
      await s.reader.until(() => s.reader.comments > comments || (!ended && s.reader.messages.some((m) => m.event === 'end')), 'the next heartbeat');
    }

    it('an idle session’s stream ends within one heartbeat after the idle deadline, with reason idle; background requests do not hold it open', async () => {
      const officer = await activeUser(t, 'Idle Streamer');
      const s = await subscribe(officer.cookie);
      // The page keeps asking on its own (a live refresh): that is not activity.
      for (let elapsed = 0; elapsed < 30 * MINUTE; elapsed += 5 * MINUTE) {
        await tick(s, 5 * MINUTE);
        assert.ok(!s.reader.messages.some((m) => m.event === 'end'), `still open at ${elapsed / MINUTE + 5} minutes`);
        const background = await call(t, 'GET', '/api/v1/me', { cookie: officer.cookie, headers: { 'x-jc-background': '1' } });
        assert.equal(background.status, 200, 'the session holds until its deadline');
      }
      // Exactly at the deadline still open (idle means longer than the timeout); one heartbeat later, ended.
      await tick(s, HEARTBEAT_MS);
      const end = await s.reader.next('end');
      assert.deepEqual(end.data, { reason: 'idle' });
      await s.reader.until(() => s.reader.ended, 'the stream to close');
      // And the session is over for requests too, said the same way.
      const after = await call(t, 'GET', '/api/v1/me', { cookie: officer.cookie });
      assert.equal(after.status, 401);
      assert.equal(after.body.error.code, 'SESSION_EXPIRED');
      s.close();
    });

    it('a session in use keeps its stream past the idle timeout, which ends at the absolute lifetime with reason lifetime', async () => {
      const officer = await activeUser(t, 'Busy Streamer');
      const s = await subscribe(officer.cookie);
      for (let i = 0; i < 3; i++) {
        await tick(s, 20 * MINUTE - HEARTBEAT_MS);
        assert.ok(!s.reader.messages.some((m) => m.event === 'end'), `open after ${(i + 1) * 20} minutes of use`);
        // Something the user did: it counts.
        assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: officer.cookie })).status, 200);
      }
      // Past the hour (signed in a moment after the clock was set), by at most one heartbeat.
      await tick(s, 4 * HEARTBEAT_MS);
      const end = await s.reader.next('end');
      assert.deepEqual(end.data, { reason: 'lifetime' });
      s.close();
    });
  });
}
