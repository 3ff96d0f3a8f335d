import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { verifyAudit } from '../src/audit.ts';
import { activeUser, backends, call, PASSWORD, signUpAndIn, suiteApp, uniqueEmail } from './helpers.ts';

for (const backend of backends()) {
  describe(`audit log (${backend.name})`, () => {
    const t = suiteApp(backend);
    const rows = () => t.services.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq').execute();

    it('records sign-in success and failure, sign-out, writes and denials, with actor, target, outcome, time, IP and user agent, and never a secret', async () => {
      const email = uniqueEmail('audited');
      const u = await signUpAndIn(t, 'Audited Officer', email);
      const wrong = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: 'not-the-password-at-all' }, headers: { 'user-agent': 'audit-test/1.0' } });
      assert.equal(wrong.status, 401);
      // A pending account is denied community features: recorded as denied.
      assert.equal((await call(t, 'GET', '/api/v1/communities', { cookie: u.cookie })).status, 403);
      const admin = await activeUser(t, 'Audit Site Admin', { siteAdmin: true });
      await call(t, 'POST', '/api/v1/communities', { cookie: admin.cookie, body: { name: 'Audited community', visibility: 'public' } });
      await call(t, 'POST', '/api/auth/sign-out', { cookie: admin.cookie, body: {} });
      const log = await rows();
      const signIns = log.filter((r) => r.action === 'auth.sign-in' && r.target === email);
      assert.deepEqual(
        signIns.map((r) => r.outcome),
        ['success', 'failure'],
      );
      assert.equal(signIns[0]!.actor_id, u.userId);
      assert.equal(signIns[1]!.user_agent, 'audit-test/1.0');
      assert.match(signIns[1]!.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'UTC');
      assert.ok(log.some((r) => r.action === 'GET /api/v1/communities' && r.outcome === 'denied' && r.actor_id === u.userId));
      assert.ok(log.some((r) => r.action === 'POST /api/v1/communities' && r.outcome === 'success' && r.actor_id === admin.userId));
      assert.ok(log.some((r) => r.action === 'auth.sign-out' && r.actor_id === admin.userId));
      const everything = JSON.stringify(log);
      assert.ok(!everything.includes(PASSWORD) && !everything.includes('not-the-password-at-all'), 'no password in the log');
      assert.ok(!/session_token|Bearer /i.test(everything), 'no token in the log');
    });

    it('is append-only: the database refuses updates and deletes', async () => {
      const db = t.services.db.kysely;
      await assert.rejects(db.updateTable('audit_log').set({ outcome: 'success' }).execute(), /append-only/);
      await assert.rejects(db.deleteFrom('audit_log').execute(), /append-only/);
    });

    it('is hash-chained: a changed or removed row is found by the verifier', async () => {
      const db = t.services.db.kysely;
      assert.equal((await verifyAudit(db)).broken, null);
      const log = await rows();
      assert.ok(log.length >= 4);
      const victim = log[2]!;
      // An attacker with database access first removes the guard…
      if (t.services.db.dialect.kind === 'postgres') await sql`alter table audit_log disable trigger audit_log_no_change`.execute(db);
      else await sql`drop trigger audit_log_no_update`.execute(db);
      await db.updateTable('audit_log').set({ outcome: 'success', actor_id: null }).where('seq', '=', victim.seq).execute();
      const changed = await verifyAudit(db);
      assert.equal(changed.broken?.seq, Number(victim.seq));
      assert.match(changed.broken!.reason, /changed/);
      // …and the chain still gives them away.
      await db.updateTable('audit_log').set({ outcome: victim.outcome, actor_id: victim.actor_id }).where('seq', '=', victim.seq).execute();
      assert.equal((await verifyAudit(db)).broken, null, 'restored exactly: intact again');
      if (t.services.db.dialect.kind === 'sqlite') await sql`drop trigger audit_log_no_delete`.execute(db);
      await db.deleteFrom('audit_log').where('seq', '=', victim.seq).execute();
      const removed = await verifyAudit(db);
      assert.equal(removed.broken?.seq, Number(log[3]!.seq));
      assert.match(removed.broken!.reason, /removed/);
    });

    it('lets agency administrators read their agency’s entries and no one else’s', async () => {
      const member = await activeUser(t, 'Audit Member');
      const agencyAdmin = await activeUser(t, 'Audit Agency Admin', { agencyAdmin: true });
      assert.equal((await call(t, 'GET', '/api/v1/audit', { cookie: member.cookie })).body.error.code, 'ADMIN_REQUIRED');
      await t.services.db.kysely.insertInto('agency').values({ id: 'agency-audit-other', name: 'Other', ori: 'AUDIT0002', created_at: new Date().toISOString() }).execute();
      const outsider = await activeUser(t, 'Other Agency Officer');
      await t.services.db.kysely.updateTable('profile').set({ agency_id: 'agency-audit-other' }).where('user_id', '=', outsider.userId).execute();
      await call(t, 'POST', '/api/v1/communities', { cookie: outsider.cookie, body: { name: 'Other agency community', visibility: 'public' } });
      const page = await call(t, 'GET', '/api/v1/audit?limit=500', { cookie: agencyAdmin.cookie });
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length > 0);
      // Entries belong to the agency the actor was in when they were written.
      assert.ok(!page.body.items.some((e: { actorId: string; action: string }) => e.actorId === outsider.userId && e.action === 'POST /api/v1/communities'), 'another agency’s entries stay hidden');
      assert.ok(page.body.items.some((e: { actorId: string }) => e.actorId === member.userId));
    });
  });
}
