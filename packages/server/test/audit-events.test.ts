import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { activeUser, addMember, backends, call, makeCommunity, OTHER_ORIGIN, suiteApp, TEST_ORI } from './helpers.ts';

/*
 * What the audit log records beyond sign-in (audit.ts, http/context.ts): a
 * change lands with its row or not at all; probing, CSRF and Origin refusals;
 * role changes with the role before and after.
 */
for (const backend of backends()) {
  describe(`audit: what is recorded, and with what (${backend.name})`, () => {
    const t = suiteApp(backend);
    const rows = (action: string) => t.services.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

    it('a change commits in the same transaction as its audit row: when the audit insert fails, the change is rolled back', async () => {
      const admin = await activeUser(t, 'Transactional Admin', { siteAdmin: true });
      const db = t.services.db.kysely;
      // A working write: exactly one row for the request, written with the change.
      const ok = await call(t, 'POST', '/api/v1/communities', { cookie: admin.cookie, body: { name: 'Recorded with its row', visibility: 'public' } });
      assert.equal(ok.status, 201);
      const recorded = await rows('POST /api/v1/communities');
      assert.equal(recorded.length, 1, 'one row, not one from the transaction and another from the middleware');
      assert.equal(recorded[0]!.outcome, 'success');
      assert.equal(JSON.parse(recorded[0]!.details).committed, true);
      // The audit insert fails (a fault in the database): the community must not exist without its row.
      // On PostgreSQL the request's transaction inserts its entry into the audit outbox (audit-outbox.ts), chained after commit.
      if (t.services.db.dialect.kind === 'postgres') {
        await sql`create function audit_refuse() returns trigger language plpgsql as $$ begin if new.action = 'POST /api/v1/communities' then raise exception 'audit insert refused'; end if; return new; end $$`.execute(db);
        await sql`create trigger audit_refuse before insert on audit_outbox for each row execute function audit_refuse()`.execute(db);
      } else {
        await sql`create trigger audit_refuse before insert on audit_log when new.action = 'POST /api/v1/communities' begin select raise(abort, 'audit insert refused'); end`.execute(db);
      }
      try {
        const failed = await call(t, 'POST', '/api/v1/communities', { cookie: admin.cookie, body: { name: 'Never without its row', visibility: 'public' } });
        assert.equal(failed.status, 500);
        const community = await db.selectFrom('community').select('id').where('name', '=', 'Never without its row').executeTakeFirst();
        assert.equal(community, undefined, 'the change was rolled back with its audit row');
      } finally {
        await sql`drop trigger audit_refuse${sql.raw(t.services.db.dialect.kind === 'postgres' ? ' on audit_outbox' : '')}`.execute(db);
      }
    });

    it('a signed-in user’s 404 on an object route is recorded as denied (probing for ids and slugs)', async () => {
      const officer = await activeUser(t, 'Probing Officer');
      for (const url of ['/api/v1/communities/no-such-community', '/api/v1/posts/pst_guessed', '/api/v1/communities/no-such-community/members']) {
        const res = await call(t, 'GET', url, { cookie: officer.cookie });
        assert.equal(res.status, 404, url);
        const [row] = await rows(`GET ${url}`);
        assert.ok(row, `recorded: ${url}`);
        assert.equal(row.outcome, 'denied');
        assert.equal(row.actor_id, officer.userId);
        assert.equal(JSON.parse(row.details).status, 404);
      }
    });

    it('CSRF and Origin refusals are recorded as denied, with the refusal’s code', async () => {
      const officer = await activeUser(t, 'Forged Officer');
      // A JSON write from a site that is not allowed (checkOrigin).
      const origin = await call(t, 'POST', '/api/v1/communities', { cookie: officer.cookie, origin: 'http://evil.example', body: { name: 'Forged', visibility: 'public' } });
      assert.equal(origin.status, 403);
      // A form post from another site (Hono's csrf).
      const form = await call(t, 'POST', '/api/v1/communities/x/join', {
        cookie: officer.cookie,
        origin: 'http://evil.example',
        rawBody: 'a=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(form.status, 403);
      const forged = await rows('POST /api/v1/communities');
      assert.ok(forged.some((r) => r.outcome === 'denied' && JSON.parse(r.details).status === 403 && JSON.parse(r.details).code === 'ORIGIN_NOT_ALLOWED'), 'the Origin refusal');
      const [csrf] = await rows('POST /api/v1/communities/x/join');
      assert.ok(csrf, 'the CSRF refusal');
      assert.equal(csrf.outcome, 'denied');
      assert.equal(JSON.parse(csrf.details).status, 403);
      // An allowed other origin is not refused, and not recorded as such.
      const allowed = await call(t, 'GET', '/api/v1/me', { cookie: officer.cookie, origin: OTHER_ORIGIN });
      assert.equal(allowed.status, 200);
    });

    it('a community role change records the old and the new role', async () => {
      const owner = await activeUser(t, 'Role Owner');
      const member = await activeUser(t, 'Role Member');
      const c = await makeCommunity(t, { visibility: 'public', createdBy: owner.userId });
      await addMember(t, c.id, owner.userId, 'owner');
      await addMember(t, c.id, member.userId, 'member');
      const res = await call(t, 'PATCH', `/api/v1/communities/${c.slug}/members/${member.userId}`, { cookie: owner.cookie, body: { role: 'moderator' } });
      assert.equal(res.status, 200);
      const [row] = (await rows('membership.role-changed')).filter((r) => r.target === member.userId);
      assert.ok(row);
      assert.equal(row.actor_id, owner.userId);
      assert.deepEqual(JSON.parse(row.details), { communityId: c.id, userId: member.userId, oldRole: 'member', newRole: 'moderator' });
    });

    it('an agency administrator change records the old and the new role', async () => {
      const site = await activeUser(t, 'Role Site Admin', { siteAdmin: true });
      const officer = await activeUser(t, 'Promoted Officer');
      assert.equal((await call(t, 'PUT', `/api/v1/agencies/${TEST_ORI}/admins/${officer.userId}`, { cookie: site.cookie })).status, 200);
      assert.equal((await call(t, 'DELETE', `/api/v1/agencies/${TEST_ORI}/admins/${officer.userId}`, { cookie: site.cookie })).status, 200);
      const changes = (await rows('agency.role-changed')).filter((r) => r.target === officer.userId).map((r) => JSON.parse(r.details));
      assert.deepEqual(
        changes.map((d) => [d.oldRole, d.newRole]),
        [
          ['officer', 'agency-admin'],
          ['agency-admin', 'officer'],
        ],
      );
      assert.ok(changes.every((d) => d.agencyId === 'agency-test'));
    });
  });
}
