import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeUsers, addMember, backends, call, makeCommunity, suiteApp } from './helpers.ts';

type User = { cookie: string; userId: string };
type Step = { id: string; title: string; done: boolean; position: number; sectionId: string | null; assignee: { kind: string; id?: string } | null; doneBy: { id: string } | null };
type Activity = { id: string; steps: Step[]; progress: { done: number; total: number }; version: number; canEdit: boolean; canChangeSteps: boolean; sections: { id: string; title: string }[] };

for (const backend of backends()) {
  describe(`activities API (${backend.name})`, () => {
    const t = suiteApp(backend);
    let owner: User, alice: User, bob: User, outsider: User;
    let slug: string;
    let communityId: string;

    const api = (u: User, method: string, path: string, body?: unknown) => call(t, method, `/api/v1${path}`, { cookie: u.cookie, body });
    const titles = (a: Activity) => a.steps.map((s) => s.title);
    const newActivity = async (u: User, steps: string[], extra: Record<string, unknown> = {}, ref = slug): Promise<Activity> => {
      const res = await api(u, 'POST', `/communities/${ref}/activities`, { title: 'Peak trafficking times', steps: steps.map((title) => ({ title })), ...extra });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };

    before(async () => {
      [owner, alice, bob, outsider] = await activeUsers(t, 'Activity Owner', 'Alice Member', 'Bob Member', 'Activity Outsider');
      const created = await api(owner, 'POST', '/communities', {
        name: 'Activity Task Force',
        visibility: 'public',
        settings: { activityTemplates: [{ title: 'Peak trafficking times', steps: ['Develop a patrol schedule', 'Communicate the schedule to members', 'Plan a time to assess the result'] }] },
      });
      slug = created.body.slug;
      communityId = created.body.id;
      await addMember(t, communityId, alice.userId);
      await addMember(t, communityId, bob.userId);
    });

    it('starts an activity from the community’s template, with the template’s steps in order and nothing done', async () => {
      const templates = await api(alice, 'GET', `/communities/${slug}/activities?templates=true`);
      assert.equal(templates.body.items.length, 1);
      const template = templates.body.items[0];
      assert.equal(template.template, true);
      const res = await api(alice, 'POST', `/communities/${slug}/activities`, { title: 'Peak times, summer', templateId: template.id, dueDate: '2026-12-31' });
      assert.equal(res.status, 201);
      assert.deepEqual(titles(res.body), ['Develop a patrol schedule', 'Communicate the schedule to members', 'Plan a time to assess the result']);
      assert.deepEqual(res.body.progress, { done: 0, total: 3 });
      assert.equal(res.body.dueDate, '2026-12-31');
      assert.equal(res.body.template, false);
      assert.equal(res.body.canEdit, true, 'its creator owns it');
      const list = await api(bob, 'GET', `/communities/${slug}/activities`);
      assert.ok(list.body.items.some((a: { id: string }) => a.id === res.body.id));
      // Templates are the moderators'.
      assert.equal((await api(alice, 'POST', `/communities/${slug}/activities`, { title: 'x', template: true })).body.error.code, 'MODERATOR_REQUIRED');
      assert.equal((await api(alice, 'POST', `/steps/${res.body.steps[0].id}/done`)).status, 404, 'no such route');
      const templateStep = (await api(alice, 'GET', `/activities/${template.id}`)).body.steps[0].id;
      assert.equal((await api(alice, 'PUT', `/steps/${templateStep}/done`)).body.error.code, 'MODERATOR_REQUIRED');
    });

    it('lets only members change steps; a restricted community’s activity does not exist for outsiders', async () => {
      const a = await newActivity(alice, ['one', 'two']);
      const step = a.steps[0]!.id;
      const writes: [string, string, unknown?][] = [
        ['POST', `/activities/${a.id}/steps`, { title: 'three' }],
        ['PATCH', `/steps/${step}`, { title: 'renamed' }],
        ['PUT', `/steps/${step}/done`],
        ['DELETE', `/steps/${step}/done`],
        ['POST', `/steps/${step}/move`, { index: 1 }],
        ['DELETE', `/steps/${step}`],
        ['POST', `/activities/${a.id}/sections`, { title: 'Phase 2' }],
        ['POST', `/activities/${a.id}/updates`, { body: 'hello' }],
      ];
      for (const [method, path, body] of writes) {
        const res = await api(outsider, method, path, body);
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(res.body.error.code, 'MEMBERSHIP_REQUIRED', `${method} ${path}`);
      }
      assert.equal((await api(outsider, 'GET', `/activities/${a.id}`)).status, 200, 'a public community’s activity is readable');
      // The activity itself is its owner's (or a moderator's) to change.
      assert.equal((await api(bob, 'PATCH', `/activities/${a.id}`, { status: 'completed' })).body.error.code, 'OWNER_REQUIRED');
      assert.equal((await api(owner, 'PATCH', `/activities/${a.id}`, { title: 'Renamed by the community owner' })).status, 200);

      const restricted = await makeCommunity(t, { visibility: 'restricted', createdBy: owner.userId });
      await addMember(t, restricted.id, owner.userId, 'owner');
      const secret = await newActivity(owner, ['secret step'], {}, restricted.slug);
      const secretStep = secret.steps[0]!.id;
      for (const [method, path, body] of [
        ['GET', `/activities/${secret.id}`],
        ['GET', `/activities/${secret.id}/updates`],
        ['PUT', `/steps/${secretStep}/done`],
        ['POST', `/steps/${secretStep}/move`, { index: 0 }],
        ['PATCH', `/steps/${secretStep}`, { title: 'x' }],
        ['GET', `/communities/${restricted.slug}/activities`],
      ] as [string, string, unknown?][]) {
        assert.equal((await api(alice, method, path, body)).status, 404, `${method} ${path}`);
      }
      const unchanged = await api(owner, 'GET', `/activities/${secret.id}`);
      assert.equal(unchanged.body.steps[0].done, false);
    });

    it('checks steps off with who and when, and undoes it', async () => {
      const a = await newActivity(alice, ['one', 'two', 'three']);
      const done = await api(bob, 'PUT', `/steps/${a.steps[1]!.id}/done`);
      assert.equal(done.body.steps[1].done, true);
      assert.equal(done.body.steps[1].doneBy.id, bob.userId);
      assert.ok(done.body.steps[1].doneAt);
      assert.deepEqual(done.body.progress, { done: 1, total: 3 });
      assert.ok(done.body.version > a.version);
      const undone = await api(alice, 'DELETE', `/steps/${a.steps[1]!.id}/done`);
      assert.equal(undone.body.steps[1].done, false);
      assert.equal(undone.body.steps[1].doneBy, null);
      assert.deepEqual(undone.body.progress, { done: 0, total: 3 });
      const events = await t.services.db.kysely.selectFrom('event').select(['type', 'payload']).where('type', '=', 'step.changed').execute();
      const changes = events.map((e) => JSON.parse(e.payload)).filter((p) => p.activityId === a.id).map((p) => p.change);
      assert.deepEqual(changes.slice(-2), ['done', 'undone']);
    });

    it('moves steps within and across sections', async () => {
      const a = await newActivity(alice, ['a', 'b', 'c', 'd']);
      const [sa, sb, sc, sd] = a.steps.map((s) => s.id);
      let res = await api(alice, 'POST', `/steps/${sd}/move`, { index: 0 });
      assert.deepEqual(titles(res.body), ['d', 'a', 'b', 'c']);
      res = await api(bob, 'POST', `/steps/${sd}/move`, { index: 99 });
      assert.deepEqual(titles(res.body), ['a', 'b', 'c', 'd'], 'an index past the end means last');
      res = await api(alice, 'POST', `/activities/${a.id}/sections`, { title: 'Assessment' });
      const section = res.body.sections[0].id;
      res = await api(alice, 'POST', `/steps/${sb}/move`, { index: 0, sectionId: section });
      assert.deepEqual(titles(res.body), ['a', 'c', 'd', 'b']);
      assert.equal(res.body.steps[3].sectionId, section);
      res = await api(alice, 'POST', `/steps/${sa}/move`, { index: 1, sectionId: section });
      assert.deepEqual(titles(res.body), ['c', 'd', 'b', 'a']);
      assert.deepEqual(
        res.body.steps.map((s: Step) => s.position).sort((x: number, y: number) => x - y),
        [0, 1, 2, 3],
      );
      const bad = await api(alice, 'POST', `/steps/${sc}/move`, { index: 0, sectionId: 'sec_elsewhere' });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error.fields.sectionId, 'Not a section of this activity');
    });

    it('keeps a consistent order and every completion when two clients reorder and check off at once', async () => {
      const names = Array.from({ length: 12 }, (_, i) => `step ${i}`);
      const a = await newActivity(alice, names);
      const ids = a.steps.map((s) => s.id);
      // Alice reorders while Bob checks steps off and renames others, all at once.
      const ops: Promise<{ status: number }>[] = [];
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 12; i += 3) ops.push(api(alice, 'POST', `/steps/${ids[(i + round) % 12]}/move`, { index: (i * 7 + round) % 12 }));
        ops.push(api(bob, 'PUT', `/steps/${ids[round * 2]}/done`));
        ops.push(api(bob, 'PATCH', `/steps/${ids[round * 2 + 1]}`, { notes: `note ${round}` }));
      }
      const results = await Promise.all(ops);
      assert.ok(results.every((r) => r.status === 200), JSON.stringify(results.map((r) => r.status)));
      const final: Activity = (await api(alice, 'GET', `/activities/${a.id}`)).body;
      assert.equal(final.steps.length, 12, 'no step lost');
      assert.deepEqual(new Set(final.steps.map((s) => s.id)), new Set(ids));
      assert.deepEqual(
        final.steps.map((s) => s.position),
        Array.from({ length: 12 }, (_, i) => i),
        'positions are 0…11 in display order: no duplicates, no gaps',
      );
      for (let round = 0; round < 4; round++) {
        assert.equal(final.steps.find((s) => s.id === ids[round * 2])!.done, true, `Bob's check-off ${round} kept`);
      }
      assert.deepEqual(final.progress, { done: 4, total: 12 });
      const notes = await t.services.db.kysely.selectFrom('activity_step').select(['id', 'notes']).where('activity_id', '=', a.id).execute();
      for (let round = 0; round < 4; round++) assert.equal(notes.find((n) => n.id === ids[round * 2 + 1])!.notes, `note ${round}`);
      // Every change counted exactly once: the version grew by the number of changes.
      assert.equal(final.version, a.version + ops.length);
      // Concurrent edits to one step's different fields both stay.
      const target = ids[11]!;
      await Promise.all([api(alice, 'PATCH', `/steps/${target}`, { title: 'Renamed at once' }), api(bob, 'PUT', `/steps/${target}/done`), api(alice, 'POST', `/steps/${target}/move`, { index: 0 })]);
      const last: Activity = (await api(bob, 'GET', `/activities/${a.id}`)).body;
      assert.deepEqual({ title: last.steps[0]!.title, done: last.steps[0]!.done, id: last.steps[0]!.id }, { title: 'Renamed at once', done: true, id: target });
    });

    it('counts a whole-group step in every member’s to-dos, and a member’s step in theirs only', async () => {
      const a = await newActivity(alice, []);
      let res = await api(alice, 'POST', `/activities/${a.id}/steps`, { title: 'Everyone: read the schedule', assignee: { kind: 'group' }, dueDate: '2026-12-01' });
      const group = res.body.steps[0].id;
      res = await api(alice, 'POST', `/activities/${a.id}/steps`, { title: 'Bob: assess the result', assignee: { kind: 'user', id: bob.userId }, dueDate: '2026-11-28' });
      const bobs = res.body.steps[1].id;
      res = await api(alice, 'POST', `/activities/${a.id}/steps`, { title: 'No one yet' });
      const todo = async (u: User) => ((await api(u, 'GET', '/me/todos')).body.items as { id: string; assignedToMe: boolean; activityTitle: string; communitySlug: string }[]).filter((x) => x.communitySlug === slug);
      const forBob = await todo(bob);
      assert.deepEqual(
        forBob.filter((x) => [group, bobs].includes(x.id)).map((x) => x.id),
        [bobs, group],
        'soonest due first',
      );
      assert.ok(forBob.every((x) => x.assignedToMe));
      assert.equal(forBob[0]!.activityTitle, 'Peak trafficking times');
      assert.deepEqual(
        (await todo(alice)).filter((x) => [group, bobs].includes(x.id)).map((x) => x.id),
        [group],
      );
      assert.ok((await todo(owner)).some((x) => x.id === group), 'the owner is in the group too');
      assert.equal((await todo(outsider)).length, 0, 'not a member: not in the group');
      const assigned = await t.services.db.kysely.selectFrom('event').select(['user_id', 'payload']).where('type', '=', 'step.assigned').execute();
      assert.ok(assigned.some((e) => e.user_id === bob.userId && JSON.parse(e.payload).stepId === bobs), 'Bob was told');
      await api(alice, 'PUT', `/steps/${group}/done`);
      assert.ok(!(await todo(bob)).some((x) => x.id === group), 'done steps leave every to-do list');
      const notMember = await api(alice, 'PATCH', `/steps/${bobs}`, { assignee: { kind: 'user', id: outsider.userId } });
      assert.equal(notMember.status, 422);
      assert.equal(notMember.body.error.fields['assignee.id'], 'Not a member of this community');
    });

    it('validates at the edge, naming the field', async () => {
      const a = await newActivity(alice, ['one']);
      const badDate = await api(alice, 'POST', `/activities/${a.id}/steps`, { title: 'x', dueDate: '12/01/2026' });
      assert.equal(badDate.status, 400);
      assert.ok(badDate.body.error.fields.dueDate);
      const noTitle = await api(alice, 'POST', `/communities/${slug}/activities`, { title: ' ', extra: true });
      assert.ok(noTitle.body.error.fields.title);
      assert.ok(noTitle.body.error.fields.extra);
      const badMove = await api(alice, 'POST', `/steps/${a.steps[0]!.id}/move`, { index: -1 });
      assert.ok(badMove.body.error.fields.index);
      const post = await api(alice, 'POST', `/activities/${a.id}/updates`, { body: 'Schedule is in the Operations forum.', stepId: a.steps[0]!.id });
      assert.equal(post.status, 201);
      assert.equal(post.body.stepId, a.steps[0]!.id);
      const updates = await api(bob, 'GET', `/activities/${a.id}/updates`);
      assert.equal(updates.body.items[0].body, 'Schedule is in the Operations forum.');
      const wrongStep = await api(alice, 'POST', `/activities/${a.id}/updates`, { body: 'x', stepId: 'stp_nope' });
      assert.equal(wrongStep.body.error.fields.stepId, 'Not a step of this activity');
    });
  });
}
