import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, TEST_ORI, activeUser, backends, call, signUpAndIn, suiteApp } from './helpers.ts';

for (const backend of backends()) {
  describe(`agencies, vetting and the community gate (${backend.name})`, () => {
    const t = suiteApp(backend);
    let siteAdmin: { cookie: string; userId: string };
    let agencyAdmin: { cookie: string; userId: string };
    before(async () => {
      siteAdmin = await activeUser(t, 'Site Admin', { siteAdmin: true });
      agencyAdmin = await activeUser(t, 'Agency Admin', { agencyAdmin: true });
      const other = await call(t, 'POST', '/api/v1/agencies', { cookie: siteAdmin.cookie, body: { name: 'Other Agency', ori: 'ok0000001' } });
      assert.equal(other.status, 201);
      assert.equal(other.body.ori, 'OK0000001');
    });

    it('keeps a new account out of communities until its agency administrator approves it', async () => {
      const u = await signUpAndIn(t, 'New Recruit');
      await call(t, 'PATCH', '/api/v1/me', { cookie: u.cookie, body: { optedIn: true } });
      const before = await call(t, 'GET', '/api/v1/communities', { cookie: u.cookie });
      assert.equal(before.status, 403);
      assert.equal(before.body.error.code, 'ACCOUNT_PENDING');
      const pending = await call(t, 'GET', '/api/v1/users?status=pending', { cookie: agencyAdmin.cookie });
      assert.ok(pending.body.items.some((x: { id: string }) => x.id === u.userId));
      const ok = await call(t, 'POST', `/api/v1/users/${u.userId}/approve`, { cookie: agencyAdmin.cookie });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.status, 'active');
      assert.equal((await call(t, 'GET', '/api/v1/communities', { cookie: u.cookie })).status, 200);
    });

    it('asks for the JusticeConnect opt-in with its own code', async () => {
      const u = await activeUser(t, 'Not Opted', { optedIn: false });
      const res = await call(t, 'POST', '/api/v1/communities', { cookie: u.cookie, body: { name: 'Nope' } });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'OPT_IN_REQUIRED');
    });

    it('lets an agency administrator see and act on their own agency’s users only', async () => {
      const outsider = await signUpAndIn(t, 'Other Agency Officer');
      await call(t, 'PATCH', '/api/v1/me', { cookie: outsider.cookie, body: { agencyOri: 'OK0000001' } });
      const list = await call(t, 'GET', '/api/v1/users', { cookie: agencyAdmin.cookie });
      assert.equal(list.status, 200);
      assert.ok(list.body.items.length > 0);
      for (const u of list.body.items) assert.equal(u.agency.ori, TEST_ORI, 'every listed user is of the admin’s agency');
      assert.ok(!list.body.items.some((x: { id: string }) => x.id === outsider.userId));
      for (const verb of ['approve', 'suspend', 'remove']) {
        const res = await call(t, 'POST', `/api/v1/users/${outsider.userId}/${verb}`, { cookie: agencyAdmin.cookie });
        assert.equal(res.status, 404, verb);
      }
      // The site administrator sees everyone.
      const all = await call(t, 'GET', '/api/v1/users', { cookie: siteAdmin.cookie });
      assert.ok(all.body.items.some((x: { id: string }) => x.id === outsider.userId));
    });

    it('ends every session at once on suspension, refuses new sign-ins, and reinstates', async () => {
      const u = await activeUser(t, 'Suspended Officer');
      const email = (await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).body.email;
      const second = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
      const cookie2 = second.headers.getSetCookie()[0]!.split(';')[0]!;
      const res = await call(t, 'POST', `/api/v1/users/${u.userId}/suspend`, { cookie: agencyAdmin.cookie });
      assert.equal(res.status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: u.cookie })).status, 401);
      assert.equal((await call(t, 'GET', '/api/v1/me', { cookie: cookie2 })).status, 401);
      const again = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
      assert.equal(again.status, 403);
      assert.equal(again.body.error.code, 'ACCOUNT_DISABLED');
      assert.equal((await call(t, 'POST', `/api/v1/users/${u.userId}/approve`, { cookie: agencyAdmin.cookie })).status, 200);
      assert.equal((await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } })).status, 200);
    });

    it('removes a user on separation: sessions end and the account stays out', async () => {
      const u = await activeUser(t, 'Separated Officer');
      assert.equal((await call(t, 'POST', `/api/v1/users/${u.userId}/remove`, { cookie: agencyAdmin.cookie })).status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/communities', { cookie: u.cookie })).status, 401);
    });

    it('keeps agency and site administration to those who hold it', async () => {
      const plain = await activeUser(t, 'Plain Officer');
      assert.equal((await call(t, 'GET', '/api/v1/users', { cookie: plain.cookie })).status, 403);
      assert.equal((await call(t, 'POST', '/api/v1/agencies', { cookie: agencyAdmin.cookie, body: { name: 'X', ori: 'XX0000001' } })).status, 403);
      assert.equal((await call(t, 'POST', `/api/v1/users/${agencyAdmin.userId}/suspend`, { cookie: agencyAdmin.cookie })).status, 409, 'not on yourself');
      assert.equal((await call(t, 'POST', `/api/v1/users/${siteAdmin.userId}/suspend`, { cookie: agencyAdmin.cookie })).status, 403);
      // The site administrator appoints an agency administrator.
      const appoint = await call(t, 'PUT', `/api/v1/agencies/${TEST_ORI}/admins/${plain.userId}`, { cookie: siteAdmin.cookie });
      assert.equal(appoint.status, 200);
      assert.equal((await call(t, 'GET', '/api/v1/users', { cookie: plain.cookie })).status, 200);
      assert.equal((await call(t, 'PUT', `/api/v1/agencies/OK0000001/admins/${plain.userId}`, { cookie: siteAdmin.cookie })).status, 404, 'only a user of that agency');
    });

    it('lists agencies publicly, for choosing one at sign-up', async () => {
      const res = await call(t, 'GET', '/api/v1/agencies');
      assert.equal(res.status, 200);
      assert.ok(res.body.items.some((a: { ori: string }) => a.ori === TEST_ORI));
    });
  });

  describe(`community lists hold only what the caller may read (${backend.name})`, () => {
    const t = suiteApp(backend);

    it('every listed item reads one by one, every readable one is listed, in updated order, across pages', async () => {
      const owner = await activeUser(t, 'List Owner');
      const users = [await activeUser(t, 'List Member'), await activeUser(t, 'List Outsider'), await activeUser(t, 'List Admin', { siteAdmin: true })];
      const created: string[] = [];
      for (const [i, visibility] of (['public', 'moderated', 'restricted', 'restricted', 'public'] as const).entries()) {
        const parent = i === 3 ? created[2] : i === 4 ? created[3] : undefined;
        const res = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: `List ${i}`, visibility, parent } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        created.push(res.body.slug);
      }
      // The member joins the restricted ones by invitation.
      for (const slug of [created[2]!, created[3]!]) {
        await call(t, 'POST', `/api/v1/communities/${slug}/invitations`, { cookie: owner.cookie, body: { userId: users[0]!.userId } });
        assert.equal((await call(t, 'POST', `/api/v1/communities/${slug}/join`, { cookie: users[0]!.cookie })).status, 200);
      }
      for (const u of [owner, ...users]) {
        for (const scope of ['all', 'mine']) {
          const items: { slug: string; updatedAt: string; membership: unknown }[] = [];
          let cursor: string | null = null;
          do {
            const q: string = `/api/v1/communities?scope=${scope}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
            const page = await call(t, 'GET', q, { cookie: u.cookie });
            assert.equal(page.status, 200);
            items.push(...page.body.items);
            cursor = page.body.nextCursor;
          } while (cursor);
          const slugs = items.map((i) => i.slug);
          assert.equal(new Set(slugs).size, slugs.length, 'no item twice across pages');
          for (let i = 1; i < items.length; i++) assert.ok(items[i - 1]!.updatedAt >= items[i]!.updatedAt, 'most recently updated first');
          for (const slug of slugs) assert.equal((await call(t, 'GET', `/api/v1/communities/${slug}`, { cookie: u.cookie })).status, 200, `${slug} listed, so readable`);
          if (scope === 'all') {
            for (const slug of created) {
              const readable = (await call(t, 'GET', `/api/v1/communities/${slug}`, { cookie: u.cookie })).status === 200;
              assert.equal(slugs.includes(slug), readable, `${slug}: listed if and only if readable`);
            }
          } else {
            for (const item of items) assert.ok(item.membership, 'mine lists only communities with my membership');
          }
        }
      }
      // Members lists: only for readers; requests only for managers.
      const outsider = users[1]!;
      assert.equal((await call(t, 'GET', `/api/v1/communities/${created[2]}/members`, { cookie: outsider.cookie })).status, 404);
      const members = await call(t, 'GET', `/api/v1/communities/${created[2]}/members`, { cookie: users[0]!.cookie });
      assert.deepEqual(members.body.items.map((m: { name: string }) => m.name).sort(), ['List Member', 'List Owner']);
    });

    it('copies settings but never members or content, and refuses a taken slug naming the field', async () => {
      const owner = await activeUser(t, 'Template Owner');
      const settings = { descriptionTemplate: 'Purpose:', forums: [{ name: 'Ops' }], activityTemplates: [{ title: 'Plan', steps: ['One', 'Two'] }] };
      const source = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Template Source', visibility: 'moderated', settings } });
      const member = await activeUser(t, 'Source Member');
      await call(t, 'POST', `/api/v1/communities/${source.body.slug}/invitations`, { cookie: owner.cookie, body: { userId: member.userId } });
      await call(t, 'POST', `/api/v1/communities/${source.body.slug}/join`, { cookie: member.cookie });
      const copier = await activeUser(t, 'Copier');
      const copy = await call(t, 'POST', '/api/v1/communities', { cookie: copier.cookie, body: { name: 'Copied Community', copyFrom: source.body.slug } });
      assert.equal(copy.status, 201);
      assert.equal(copy.body.visibility, 'moderated');
      assert.deepEqual(copy.body.settings, settings);
      assert.equal(copy.body.description, 'Purpose:');
      assert.equal(copy.body.memberCount, 1, 'only its creator');
      assert.deepEqual(copy.body.membership, { role: 'owner', state: 'active' });
      const taken = await call(t, 'POST', '/api/v1/communities', { cookie: copier.cookie, body: { name: 'X', slug: copy.body.slug } });
      assert.equal(taken.status, 409);
      assert.ok(taken.body.error.fields.slug);
      const restricted = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Hidden Template', visibility: 'restricted' } });
      const sneaky = await call(t, 'POST', '/api/v1/communities', { cookie: copier.cookie, body: { name: 'Sneaky', copyFrom: restricted.body.slug } });
      assert.equal(sneaky.status, 404, 'cannot copy what you cannot see');
    });

    it('makes free, valid slugs from names', async () => {
      const owner = await activeUser(t, 'Slug Maker');
      const a = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Border Liaison' } });
      const b = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Border Liaison' } });
      assert.equal(a.body.slug, 'border-liaison');
      assert.equal(b.body.slug, 'border-liaison-2');
      const long = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: `${'a'.repeat(59)} bcd` } });
      assert.equal(long.status, 201);
      assert.match(long.body.slug, /^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, 'the slug passes the API’s own rule');
    });

    it('shows an invitee a restricted community, but not its inside: no settings, no copying', async () => {
      const owner = await activeUser(t, 'Secret Owner');
      const invitee = await activeUser(t, 'Invitee');
      const r = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Secret Templates', visibility: 'restricted', settings: { descriptionTemplate: 'SECRET' } } });
      await call(t, 'POST', `/api/v1/communities/${r.body.slug}/invitations`, { cookie: owner.cookie, body: { userId: invitee.userId } });
      const seen = await call(t, 'GET', `/api/v1/communities/${r.body.slug}`, { cookie: invitee.cookie });
      assert.equal(seen.status, 200);
      assert.deepEqual(seen.body.settings, {});
      const listed = await call(t, 'GET', '/api/v1/communities?scope=mine', { cookie: invitee.cookie });
      assert.deepEqual(listed.body.items.find((c: { slug: string }) => c.slug === r.body.slug).settings, {});
      const copy = await call(t, 'POST', '/api/v1/communities', { cookie: invitee.cookie, body: { name: 'Copycat', copyFrom: r.body.slug } });
      assert.equal(copy.status, 403);
    });

    it('never leaves a subcommunity without an owner when its owner leaves or is removed from the parent', async () => {
      const owner = await activeUser(t, 'Parent Owner');
      const mod = await activeUser(t, 'Sub Founder');
      const p = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Parent With Sub' } });
      await call(t, 'POST', `/api/v1/communities/${p.body.slug}/join`, { cookie: mod.cookie });
      await call(t, 'PATCH', `/api/v1/communities/${p.body.slug}/members/${mod.userId}`, { cookie: owner.cookie, body: { role: 'moderator' } });
      const sub = await call(t, 'POST', '/api/v1/communities', { cookie: mod.cookie, body: { name: 'Sub Of Parent', parent: p.body.slug } });
      assert.equal(sub.status, 201);
      const leave = await call(t, 'POST', `/api/v1/communities/${p.body.slug}/leave`, { cookie: mod.cookie });
      assert.equal(leave.status, 409);
      assert.equal(leave.body.error.code, 'LAST_OWNER');
      const remove = await call(t, 'DELETE', `/api/v1/communities/${p.body.slug}/members/${mod.userId}`, { cookie: owner.cookie });
      assert.equal(remove.status, 409);
      const members = await call(t, 'GET', `/api/v1/communities/${sub.body.slug}/members`, { cookie: owner.cookie });
      assert.ok(members.body.items.some((m: { role: string }) => m.role === 'owner'), 'the subcommunity still has its owner');
    });

    it('keeps one owner: the last owner can neither leave nor be demoted', async () => {
      const owner = await activeUser(t, 'Only Owner');
      const c = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'One Owner' } });
      const leave = await call(t, 'POST', `/api/v1/communities/${c.body.slug}/leave`, { cookie: owner.cookie });
      assert.equal(leave.status, 409);
      assert.equal(leave.body.error.code, 'LAST_OWNER');
      const demote = await call(t, 'PATCH', `/api/v1/communities/${c.body.slug}/members/${owner.userId}`, { cookie: owner.cookie, body: { role: 'member' } });
      assert.equal(demote.status, 409);
    });
  });
}
