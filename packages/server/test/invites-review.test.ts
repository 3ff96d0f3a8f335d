import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeUser, activeUsers, backends, call, PASSWORD, suiteApp, TEST_ORI, uniqueEmail } from './helpers.ts';

type User = { cookie: string; userId: string; email: string };

for (const backend of backends()) {
  describe(`review 9: inviting by email reveals nothing about the address; invite by user from a picker (${backend.name})`, () => {
    const t = suiteApp(backend);
    let owner: User;
    let member: User;
    let outsider: User;
    let active: User;
    let admin: User;
    let notOptedIn: User;
    let suspended: User;
    let pendingEmail: string;
    let pendingId: string;
    let slug: string;
    let restricted: string;

    const invite = (cookie: string, ref: string, body: unknown) => call(t, 'POST', `/api/v1/communities/${ref}/invitations`, { cookie, body });

    before(async () => {
      [owner, member, outsider, active] = await activeUsers(t, 'Invite Owner', 'Invite Plain Member', 'Invite Outsider', 'Zelda Active');
      admin = await activeUser(t, 'Zelda Admin', { agencyAdmin: true });
      notOptedIn = await activeUser(t, 'Zelda Not Opted In', { optedIn: false });
      suspended = await activeUser(t, 'Zelda Suspended');
      await t.services.db.kysely.updateTable('profile').set({ status: 'suspended' }).where('user_id', '=', suspended.userId).execute();
      pendingEmail = uniqueEmail('pending');
      const up = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name: 'Zelda Pending', email: pendingEmail, password: PASSWORD, agencyOri: TEST_ORI } });
      assert.equal(up.status, 200);
      pendingId = (await t.services.db.kysely.selectFrom('user').select('id').where('email', '=', pendingEmail).executeTakeFirstOrThrow()).id;
      slug = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Invite Public', visibility: 'public' } })).body.slug;
      restricted = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Invite Restricted', visibility: 'restricted' } })).body.slug;
      await call(t, 'POST', `/api/v1/communities/${slug}/join`, { cookie: member.cookie });
    });

    it('answers an email invitation the same whether the address has no account, an active, pending, suspended, not-opted-in or administrator account, or a member', async () => {
      const answers = [];
      for (const email of [uniqueEmail('nobody'), active.email, pendingEmail, suspended.email, notOptedIn.email, admin.email, member.email, owner.email]) {
        const res = await invite(owner.cookie, restricted, { email });
        answers.push({ status: res.status, body: res.body, type: res.headers.get('content-type') });
      }
      assert.equal(answers[0]!.status, 202, JSON.stringify(answers[0]));
      for (const a of answers) assert.deepEqual(a, answers[0], 'one answer for every address');
      assert.ok(!JSON.stringify(answers[0]).match(/Zelda|agency|pending|admin/i), 'nothing about anyone');
    });

    it('keeps who an email invitation reached between the community and the invitee: not in the invited list, not in the live events, not removable by id', async () => {
      const r = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Invite Quiet', visibility: 'restricted' } })).body.slug as string;
      assert.equal((await invite(owner.cookie, r, { email: active.email.toUpperCase() })).status, 202);
      const invited = await call(t, 'GET', `/api/v1/communities/${r}/members?state=invited`, { cookie: owner.cookie });
      assert.equal(invited.status, 200);
      assert.deepEqual(invited.body.items, [], 'the inviter does not learn whom the address reached');
      const stored = await t.services.db.kysely.selectFrom('event').select(['community_id', 'payload']).where('type', '=', 'membership.changed').where('user_id', '=', active.userId).execute();
      const events = stored.filter((e) => (JSON.parse(e.payload) as { slug: string }).slug === r);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.community_id, null, 'the event goes to the invitee alone, not to the community');
      const removeUnknown = await call(t, 'DELETE', `/api/v1/communities/${r}/members/${outsider.userId}`, { cookie: owner.cookie });
      const removeInvited = await call(t, 'DELETE', `/api/v1/communities/${r}/members/${active.userId}`, { cookie: owner.cookie });
      assert.deepEqual([removeInvited.status, removeInvited.body], [removeUnknown.status, removeUnknown.body], 'probing by id tells nothing either');
      // The invitee sees it and may accept it.
      const mine = await call(t, 'GET', '/api/v1/communities?scope=mine', { cookie: active.cookie });
      assert.equal(mine.body.items.find((c: { slug: string }) => c.slug === r)?.membership?.state, 'invited');
      assert.equal((await call(t, 'POST', `/api/v1/communities/${r}/join`, { cookie: active.cookie })).status, 200);
      const members = await call(t, 'GET', `/api/v1/communities/${r}/members`, { cookie: owner.cookie });
      assert.ok(members.body.items.some((m: { userId: string }) => m.userId === active.userId), 'once accepted, a member like any other');
    });

    it('invites only active, opted-in people by email, and records in the audit log who it really reached', async () => {
      const r = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Invite Audit', visibility: 'restricted' } })).body.slug as string;
      const nobody = uniqueEmail('nobody');
      for (const email of [active.email, pendingEmail, nobody]) assert.equal((await invite(owner.cookie, r, { email })).status, 202);
      const rows = await t.services.db.kysely.selectFrom('membership').innerJoin('community', 'community.id', 'membership.community_id').select(['membership.user_id', 'membership.state']).where('community.slug', '=', r).execute();
      assert.deepEqual(rows.map((x) => x.user_id).sort(), [owner.userId, active.userId].sort(), 'the pending account is not invited');
      const audit = await t.services.db.kysely.selectFrom('audit_log').select(['action', 'target', 'details']).where('action', '=', 'community.invite-by-email').orderBy('seq').execute();
      const last = audit.slice(-3).map((a) => JSON.parse(a.details) as { invitedUserId: string | null; result: string });
      assert.deepEqual(last.map((d) => d.invitedUserId), [active.userId, null, null]);
      assert.deepEqual(last.map((d) => d.result), ['invited', 'not-eligible', 'no-account']);
    });

    it('offers a picker of the people the inviter may see: active, opted-in users by name, title and agency, no email or roles', async () => {
      const res = await call(t, 'GET', `/api/v1/communities/${slug}/invitable?q=zelda`, { cookie: owner.cookie });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const names = res.body.items.map((i: { name: string }) => i.name).sort();
      assert.deepEqual(names, ['Zelda Active', 'Zelda Admin']);
      for (const item of res.body.items) assert.deepEqual(Object.keys(item).sort(), ['agency', 'name', 'title', 'userId']);
      assert.equal(res.body.items.find((i: { name: string }) => i.name === 'Zelda Active').agency, 'Test Agency');
      const members = await call(t, 'GET', `/api/v1/communities/${slug}/invitable?q=invite`, { cookie: owner.cookie });
      assert.ok(!members.body.items.some((i: { userId: string }) => i.userId === member.userId || i.userId === owner.userId), 'members are not offered');
      assert.equal((await call(t, 'GET', `/api/v1/communities/${slug}/invitable?q=zelda`, { cookie: member.cookie })).status, 403, 'owners and moderators only');
      assert.equal((await call(t, 'GET', `/api/v1/communities/${restricted}/invitable?q=zelda`, { cookie: outsider.cookie })).status, 404);
      assert.equal((await call(t, 'GET', `/api/v1/communities/${slug}/invitable?q=${'x'.repeat(101)}`, { cookie: owner.cookie })).status, 400);
    });

    it('invites by user only someone the picker offers', async () => {
      const r = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Invite By Id', visibility: 'restricted' } })).body.slug as string;
      const ok = await invite(owner.cookie, r, { userId: active.userId });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.body.state, 'invited');
      assert.equal(ok.body.name, 'Zelda Active');
      for (const hidden of [pendingId, suspended.userId, notOptedIn.userId, 'usr_no_such_user']) {
        const res = await invite(owner.cookie, r, { userId: hidden });
        assert.equal(res.status, 404, hidden);
        assert.deepEqual(res.body, { error: { code: 'USER_NOT_FOUND', message: 'No such user to invite.', fields: { userId: 'Choose someone from the list' }, requestId: res.headers.get('x-request-id') } });
      }
    });

    it('still refuses bad input and callers who may not invite', async () => {
      const bad = await invite(owner.cookie, slug, { email: 'not-an-email' });
      assert.equal(bad.status, 400);
      assert.ok(bad.body.error.fields?.email);
      assert.equal((await invite(owner.cookie, slug, {})).status, 400);
      assert.equal((await invite(owner.cookie, slug, { email: active.email, userId: active.userId })).status, 400);
      assert.equal((await invite(member.cookie, slug, { email: active.email })).status, 403);
      assert.equal((await invite(outsider.cookie, restricted, { email: active.email })).status, 404);
    });
  });
}
