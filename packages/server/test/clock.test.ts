import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../src/clock.ts';
import { EDIT_WINDOW_MS } from '../src/policy.ts';
import { activeUser, backends, call, suiteApp } from './helpers.ts';

/*
 * One clock for every timestamp: what the server stores (rows, live events,
 * audit entries) and what it decides by (the edit window) both read the
 * clock the app was given, so a test moves time by hand and never sleeps.
 */
for (const backend of backends()) {
  describe(`one clock (${backend.name})`, () => {
    const clock = new ManualClock();
    const t = suiteApp(backend, {}, { clock });
    let member: { cookie: string; userId: string };
    let slug: string;
    before(async () => {
      member = await activeUser(t, 'Clock Member');
      slug = (await call(t, 'POST', '/api/v1/communities', { cookie: member.cookie, body: { name: 'Clockwork', visibility: 'public' } })).body.slug;
    });

    it('stamps rows, live events and audit entries with the server’s clock', async () => {
      clock.advance(60_000);
      const at = clock.now().toISOString();
      const res = await call(t, 'POST', `/api/v1/communities/${slug}/posts`, { cookie: member.cookie, body: { body: 'On time' } });
      assert.equal(res.status, 201);
      assert.equal(res.body.createdAt, at);
      const db = t.services.db.kysely;
      const event = await db.selectFrom('event').select('created_at').where('type', '=', 'post.created').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
      assert.equal(event.created_at, at);
      const audit = await db.selectFrom('audit_log').select(['at', 'action']).where('actor_id', '=', member.userId).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      assert.equal(audit.action, `POST /api/v1/communities/${slug}/posts`);
      assert.equal(audit.at, at);
    });

    it('closes a post’s edit window when the clock passes 15 minutes, not before', async () => {
      const posted = await call(t, 'POST', `/api/v1/communities/${slug}/posts`, { cookie: member.cookie, body: { body: 'Draft' } });
      clock.advance(EDIT_WINDOW_MS);
      const edited = await call(t, 'PATCH', `/api/v1/posts/${posted.body.id}`, { cookie: member.cookie, body: { body: 'Edited at the last moment' } });
      assert.equal(edited.status, 200);
      assert.equal(edited.body.editedAt, clock.now().toISOString());
      assert.equal(edited.body.canEdit, true);
      clock.advance(1);
      const late = await call(t, 'PATCH', `/api/v1/posts/${posted.body.id}`, { cookie: member.cookie, body: { body: 'Too late' } });
      assert.equal(late.status, 409);
      assert.equal(late.body.error.code, 'EDIT_WINDOW_CLOSED');
      assert.equal((await call(t, 'GET', `/api/v1/posts/${posted.body.id}`, { cookie: member.cookie })).body.canEdit, false);
    });

    it('announces a maintenance window’s start and end when the clock is moved past them: no tick by hand, no sleep', async () => {
      const admin = await activeUser(t, 'Clock Admin', { siteAdmin: true });
      const created = await call(t, 'POST', '/api/v1/services', { cookie: admin.cookie, body: { id: 'clocked', name: 'Clocked', icon: 'globe', url: 'https://clocked.example.gov/' } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const minutes = (n: number) => new Date(clock.now().getTime() + n * 60_000).toISOString();
      const window = await call(t, 'POST', '/api/v1/services/clocked/maintenance', { cookie: admin.cookie, body: { startsAt: minutes(10), endsAt: minutes(20) } });
      assert.equal(window.status, 201, JSON.stringify(window.body));
      const announced = async () =>
        (await t.services.db.kysely.selectFrom('event').select('payload').where('type', '=', 'service.changed').orderBy('id').execute())
          .map((e) => JSON.parse(e.payload))
          .filter((p) => p.serviceId === 'clocked')
          .map((p) => p.reason)
          .filter((reason) => reason === 'maintenance-started' || reason === 'maintenance-ended');
      assert.deepEqual(await announced(), [], 'nothing announced by a tick yet');
      const period = t.services.config.scheduleSeconds * 1000;
      clock.advance(10 * 60_000 - 1);
      await t.services.schedule.settled();
      assert.deepEqual(await announced(), [], 'the scheduler ran, and a millisecond early is not started');
      clock.advance(period);
      await t.services.schedule.settled();
      assert.deepEqual(await announced(), ['maintenance-started'], 'within one scheduler period of its start, by itself');
      clock.advance(10 * 60_000);
      await t.services.schedule.settled();
      clock.advance(period);
      await t.services.schedule.settled();
      assert.deepEqual(await announced(), ['maintenance-started', 'maintenance-ended'], 'and its end, each once');
    });
  });
}
