import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../src/clock.ts';
import { EDIT_WINDOW_MS } from '../src/policy.ts';
import { activeUser, backends, call, startApp, type TestApp } from './helpers.ts';

/*
 * One clock for every timestamp: what the server stores (rows, live events,
 * audit entries) and what it decides by (the edit window) both read the
 * clock the app was given, so a test moves time by hand and never sleeps.
 */
for (const backend of backends()) {
  describe(`one clock (${backend.name})`, () => {
    const clock = new ManualClock();
    let t: TestApp;
    let member: { cookie: string; userId: string };
    let slug: string;
    before(async () => {
      t = await startApp(backend, {}, { clock });
      member = await activeUser(t, 'Clock Member');
      slug = (await call(t, 'POST', '/api/v1/communities', { cookie: member.cookie, body: { name: 'Clockwork', visibility: 'public' } })).body.slug;
    });
    after(() => t.dispose());

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
  });
}
