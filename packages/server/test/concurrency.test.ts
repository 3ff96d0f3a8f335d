import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../src/db/database.ts';
import { currentCode, enrolWithSecret } from '../src/totp.ts';
import { backends, PASSWORD, TEST_ORI, testSecret, uniqueEmail } from './helpers.ts';
import { api, assertInvariants, burst, community, noServerErrors, rounds, statuses, violations, type Caller } from './support/concurrency.ts';
import { explainSetupFailure, request, SECRET, signIn, twoProcesses, type ServerProcess, type TwoProcesses } from './support/processes.ts';
import { routeBuilders, type Fixtures } from './support/route-builders.ts';
import { conflictingBurst, deriveConflicts, NO_CONFLICT } from './support/route-conflicts.ts';

/*
 * Writes under concurrency (db/locks.ts): two server processes on one
 * database fire the same request, or conflicting ones, at once; no answer is a
 * 5xx and the invariants hold in the database afterwards. On PostgreSQL (READ
 * COMMITTED: the findings of issue 19 were there) and on SQLite (two
 * processes on one file). Every state-changing route of the OpenAPI document
 * is fired N times at once (test/support/route-builders.ts says how).
 */

const ROUNDS = 6;
const N = 10;

for (const backend of backends()) {
  describe(`concurrency: two processes on one database (${backend.name})`, () => {
    let two: TwoProcesses;
    let a: ServerProcess;
    let b: ServerProcess;
    let db: Db;
    let address = 0;
    let owner: Caller, owner2: Caller, moderator: Caller, member: Caller, member2: Caller, admin: Caller, admin2: Caller;
    const both = () => [a, b];

    async function account(name: string, options: { siteAdmin?: boolean } = {}): Promise<Caller> {
      const email = uniqueEmail('race');
      const headers = { 'x-forwarded-for': `198.51.100.${++address}` };
      const up = await request(a, 'POST', '/api/auth/sign-up/email', { body: { name, email, password: PASSWORD, agencyOri: TEST_ORI }, headers });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      const { id } = await db.kysely.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      await enrolWithSecret(db.kysely, SECRET, id, testSecret(email));
      await db.kysely.updateTable('profile').set({ status: 'active', opted_in: 1, site_admin: options.siteAdmin ? 1 : 0 }).where('user_id', '=', id).execute();
      const cookie = await signIn(a, b, email, await currentCode(testSecret(email)), headers);
      return { id, cookie, headers };
    }

    before(async () => {
      try {
        two = await twoProcesses(
          backend,
          { JC_TRUST_PROXY: 'true', JC_SIGN_IN_RATE_PER_MINUTE: '100000', JC_WRITE_RATE_PER_MINUTE: '1000000' },
          'jc-race-',
        );
        ({ a, b, db } = two);
        // One after another: setting up is not what these tests claim, and six sign-ups with their
        // password hashing at once on a loaded machine only add to what can go wrong before the test.
        owner = await account('Owner One');
        owner2 = await account('Owner Two');
        moderator = await account('Mod Erator');
        member = await account('Mem Ber');
        member2 = await account('Mem Ber Two');
        admin = await account('Site Admin', { siteAdmin: true });
        admin2 = await account('Site Admin Two', { siteAdmin: true });
      } catch (err) {
        // Printed at once, so it comes before the cancelled tests in the output, not after them.
        throw explainSetupFailure(`concurrency (${backend.name}): setting up`, err, two ? [a, b] : []);
      }
    });

    after(() => two?.dispose());

    afterEach(async () => {
      await assertInvariants(db);
    });

    const ownersOf = async (id: string) =>
      Number((await db.kysely.selectFrom('membership').select((eb) => eb.fn.countAll<string | number>().as('n')).where('community_id', '=', id).where('role', '=', 'owner').where('state', '=', 'active').executeTakeFirstOrThrow()).n);

    it('finding 1: two owners demoting each other, or both leaving, at once leave the community an owner', async () => {
      await rounds(ROUNDS, async (round) => {
        const id = await community(db, 'public', [
          [owner.id, 'owner'],
          [owner2.id, 'owner'],
        ]);
        const replies = await Promise.all([
          api(a, owner, 'PATCH', `/communities/${id}/members/${owner2.id}`, { role: 'member' }),
          api(b, owner2, 'PATCH', `/communities/${id}/members/${owner.id}`, { role: 'member' }),
        ]);
        noServerErrors(replies, 'demote each other');
        assert.equal(await ownersOf(id), 1, `round ${round}: one owner left (${statuses(replies)})`);
        assert.deepEqual(statuses(replies).map((s) => s < 300), [true, false], 'one demotion happens; the other is refused');
      });
      await rounds(ROUNDS, async (round) => {
        const id = await community(db, 'public', [
          [owner.id, 'owner'],
          [owner2.id, 'owner'],
        ]);
        const replies = await Promise.all([api(a, owner, 'POST', `/communities/${id}/leave`), api(b, owner2, 'POST', `/communities/${id}/leave`)]);
        noServerErrors(replies, 'both leave');
        assert.equal(await ownersOf(id), 1, `round ${round}: one owner stays`);
        assert.ok(replies.some((r) => r.status === 409 && r.body.error.code === 'LAST_OWNER'));
      });
    });

    async function forumSetup() {
      const id = await community(db, 'public', [
        [owner.id, 'owner'],
        [moderator.id, 'moderator'],
        [member.id, 'member'],
      ]);
      const f1 = (await api(a, owner, 'POST', `/communities/${id}/forums`, { name: 'One' })).body.id as string;
      const f2 = (await api(a, owner, 'POST', `/communities/${id}/forums`, { name: 'Two' })).body.id as string;
      return { id, f1, f2 };
    }
    const topicIn = async (ref: string, forumId: string, who: Caller, question = false) => {
      const res = await api(a, who, 'POST', `/communities/${ref}/topics`, { forumId, title: 'A topic', body: 'Body', question });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const replyTo = async (topicId: string, who: Caller) => {
      const res = await api(b, who, 'POST', `/topics/${topicId}/replies`, { body: 'A reply' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };

    it('finding 2a: a reply deleted by its author and a moderator at once is counted off once', async () => {
      const { id, f1 } = await forumSetup();
      const topicId = await topicIn(id, f1, owner);
      const replies: string[] = [];
      for (let i = 0; i < 6; i++) replies.push(await replyTo(topicId, member));
      const answers = await Promise.all(replies.flatMap((r) => [api(a, member, 'DELETE', `/replies/${r}`), api(b, moderator, 'DELETE', `/replies/${r}`)]));
      noServerErrors(answers, 'deleting replies');
      const topic = await db.kysely.selectFrom('topic').select('reply_count').where('id', '=', topicId).executeTakeFirstOrThrow();
      assert.equal(Number(topic.reply_count), 0);
    });

    it('finding 2b: topics moved and deleted at once keep each forum’s topic count', async () => {
      const { id, f1, f2 } = await forumSetup();
      const topics: string[] = [];
      for (let i = 0; i < 6; i++) topics.push(await topicIn(id, f1, member));
      const answers = await Promise.all(
        topics.flatMap((t) => [api(a, moderator, 'POST', `/topics/${t}/move`, { forumId: f2 }), api(b, owner, 'DELETE', `/topics/${t}`), api(b, owner, 'POST', `/topics/${t}/move`, { forumId: f1 })]),
      );
      noServerErrors(answers, 'moving and deleting');
      const counts = await db.kysely.selectFrom('forum').select('topic_count').where('id', 'in', [f1, f2]).execute();
      assert.deepEqual(counts.map((c) => Number(c.topic_count)), [0, 0]);
    });

    it('finding 2c: marking an answer while it is deleted never leaves the answer on a deleted reply', async () => {
      const { id, f1 } = await forumSetup();
      await rounds(ROUNDS, async (round) => {
        const topicId = await topicIn(id, f1, member, true);
        const replyId = await replyTo(topicId, moderator);
        const answers = await Promise.all([api(a, member, 'PUT', `/topics/${topicId}/answer`, { replyId }), api(b, moderator, 'DELETE', `/replies/${replyId}`)]);
        noServerErrors(answers, 'answer and delete');
        const topic = await db.kysely.selectFrom('topic').select('answer_reply_id').where('id', '=', topicId).executeTakeFirstOrThrow();
        assert.equal(topic.answer_reply_id, null, `round ${round}`);
      });
    });

    it('finding 3: the same clientId sent 20 times at once answers 201 once and 200 after, never 5xx (posts, topics, replies)', async () => {
      const { id, f1 } = await forumSetup();
      const topicId = await topicIn(id, f1, owner);
      const cases: [string, string, Record<string, unknown>, 'post' | 'topic' | 'reply'][] = [
        ['posts', `/communities/${id}/posts`, { body: 'Once' }, 'post'],
        ['topics', `/communities/${id}/topics`, { forumId: f1, title: 'Once', body: 'Once' }, 'topic'],
        ['replies', `/topics/${topicId}/replies`, { body: 'Once' }, 'reply'],
      ];
      for (const [name, url, body, table] of cases) {
        const clientId = randomUUID();
        const answers = await burst(both(), 20, (s) => api(s, member, 'POST', url, { ...body, clientId }));
        noServerErrors(answers, name);
        assert.deepEqual(statuses(answers), [...Array(19).fill(200), 201], `${name}: one 201, then the first answer again`);
        assert.equal(new Set(answers.map((r) => r.body.id)).size, 1, `${name}: one row, the same in every answer`);
        const rows = await db.kysely.selectFrom(table).select('id').where('client_id', '=', clientId).execute();
        assert.equal(rows.length, 1);
      }
    });

    it('finding 4: reordering favourites 20 times at once answers 200 every time', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await api(a, admin, 'POST', '/services', { name: `Service ${randomUUID().slice(0, 6)}`, icon: 'search', url: 'https://example.test/' });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        ids.push(res.body.id);
      }
      const answers = await burst(both(), 20, (s, i) => api(s, member, 'PUT', '/me/favorites', { serviceIds: i % 2 ? ids : [...ids].reverse() }));
      noServerErrors(answers, 'reordering');
      assert.ok(answers.every((r) => r.status === 200));
      const favourites = await db.kysely.selectFrom('service_favorite').select('service_id').where('user_id', '=', member.id).execute();
      assert.equal(favourites.length, 3);
    });

    it('finding 7: grant and deny of one access request at once: one decides, the grant follows the state', async () => {
      await rounds(ROUNDS, async (round) => {
        const service = await api(a, admin, 'POST', '/services', { name: `Restricted ${round}`, icon: 'shield', url: 'https://example.test/', access: { rule: 'restricted' } });
        assert.equal(service.status, 201, JSON.stringify(service.body));
        const asked = await api(b, member2, 'POST', `/services/${service.body.id}/access-requests`, {});
        assert.equal(asked.status, 201, JSON.stringify(asked.body));
        const answers = await Promise.all([api(a, admin, 'POST', `/access-requests/${asked.body.id}/grant`, {}), api(b, admin, 'POST', `/access-requests/${asked.body.id}/deny`, {})]);
        noServerErrors(answers, 'grant and deny');
        assert.deepEqual(statuses(answers), [200, 409], `round ${round}`);
      });
    });

    it('finding 10a: one step checked off by two users at once gives one "done" and the first user’s name', async () => {
      const id = await community(db, 'public', [
        [owner.id, 'owner'],
        [member.id, 'member'],
        [member2.id, 'member'],
      ]);
      await rounds(ROUNDS, async (round) => {
        const activity = await api(a, owner, 'POST', `/communities/${id}/activities`, { title: `Round ${round}`, steps: [{ title: 'Step' }] });
        assert.equal(activity.status, 201, JSON.stringify(activity.body));
        const stepId = activity.body.steps[0].id as string;
        const answers = await Promise.all([api(a, member, 'PUT', `/steps/${stepId}/done`), api(b, member2, 'PUT', `/steps/${stepId}/done`)]);
        noServerErrors(answers, 'done twice');
        const events = (await db.kysely.selectFrom('event').select('payload').where('type', '=', 'step.changed').execute()).filter((e) => {
          const p = JSON.parse(e.payload);
          return p.stepId === stepId && p.change === 'done';
        });
        assert.equal(events.length, 1, `round ${round}: one "done" event`);
        // The first to check it off keeps it: both answers show that same name.
        const names = answers.map((r) => r.body.steps.find((s: { id: string }) => s.id === stepId).doneBy.id as string);
        assert.equal(names[0], names[1], `round ${round}: both answers name the one who checked it off`);
      });
    });

    it('finding 10b: accepting one invitation 20 times at once joins once', async () => {
      const id = await community(db, 'restricted', [
        [owner.id, 'owner'],
        [member.id, 'member', 'invited'],
      ]);
      const answers = await burst(both(), 20, (s) => api(s, member, 'POST', `/communities/${id}/join`));
      noServerErrors(answers, 'accepting');
      assert.equal(answers.filter((r) => r.status === 200).length, 1, `one join (${statuses(answers)})`);
      const joined = (await db.kysely.selectFrom('event').select('payload').where('type', '=', 'membership.changed').where('community_id', '=', id).execute()).filter((e) => JSON.parse(e.payload).action === 'joined');
      assert.equal(joined.length, 1);
    });

    it('finding 10c: 20 join requests to a moderated community at once make one request', async () => {
      const id = await community(db, 'moderated', [[owner.id, 'owner']]);
      const answers = await burst(both(), 20, (s) => api(s, member, 'POST', `/communities/${id}/join`));
      noServerErrors(answers, 'asking');
      assert.equal(answers.filter((r) => r.status === 202).length, 1, `one request (${statuses(answers)})`);
      const requested = (await db.kysely.selectFrom('event').select('payload').where('type', '=', 'membership.changed').where('community_id', '=', id).execute()).filter(
        (e) => JSON.parse(e.payload).action === 'requested',
      );
      assert.equal(requested.length, 1);
    });

    it(`every state-changing route of the OpenAPI document, ${N} identical requests at once: never a 5xx`, async () => {
      const doc = (await request(a, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => m !== 'get').map((m) => `${m.toUpperCase()} ${p}`));
      const missing = routes.filter((r) => !(r in routeBuilders));
      assert.deepEqual(missing, [], 'a state-changing route needs a request builder in test/support/route-builders.ts');
      const fixtures: Fixtures = { db, servers: both(), users: { owner, owner2, moderator, member, member2, admin, admin2 }, api };
      for (const route of routes) {
        const builder = routeBuilders[route]!;
        if (typeof builder === 'string') continue;
        const made = await builder(fixtures);
        const answers = await burst(both(), N, (s) => api(s, made.as, made.method ?? route.split(' ')[0]!, made.url, made.body));
        noServerErrors(answers, route);
      }
    });

    it(`every state-changing route of the OpenAPI document, ${N / 2} requests at once with ${N / 2} conflicting ones (its undoing, a second caller): never a 5xx`, async (t) => {
      const doc = (await request(a, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => m !== 'get').map((m) => `${m.toUpperCase()} ${p}`));
      const table = new Set(routes);
      const fixtures: Fixtures = { db, servers: both(), users: { owner, owner2, moderator, member, member2, admin, admin2 }, api };
      const send = (f: Fixtures, who: Caller, method: string, url: string, body?: unknown) => api(a, who, method, url, body);
      const without: string[] = [];
      const stale: string[] = [];
      const failures: string[] = [];
      for (const route of routes) {
        const builder = routeBuilders[route];
        if (builder === undefined || typeof builder === 'string') continue;
        const derived = await deriveConflicts(route, table, fixtures, () => builder(fixtures), send);
        t.diagnostic(`${route}: ${[derived.undo?.label, derived.second?.label].filter(Boolean).join(' and ') || `none (${derived.tried.join('; ')})`}`);
        if (route in NO_CONFLICT) {
          // Listed: a second caller acts on its own object, not R's; an undoing found now means the entry is stale.
          if (derived.undo) stale.push(`${route} (${derived.undo.label})`);
          continue;
        }
        if (!derived.undo && !derived.second) {
          without.push(route);
          continue;
        }
        const made = await builder(fixtures);
        const requests = conflictingBurst(route, table, fixtures, made, derived, N);
        const answers = await burst(both(), N, (s, i) => api(s, requests[i]!.as, requests[i]!.method, requests[i]!.url, requests[i]!.body));
        const bad = answers.map((r, i) => ({ r, label: requests[i]!.label })).filter(({ r }) => r.status >= 500);
        if (bad.length > 0) failures.push(`${route} with ${[derived.undo?.label, derived.second?.label].filter(Boolean).join(' and ')}: ${bad.length} of ${N} answered 5xx, e.g. ${bad[0]!.label}: ${JSON.stringify(bad[0]!.r.body)}`);
        const broken = Object.entries(await violations(db)).filter(([, rows]) => rows.length > 0);
        if (broken.length > 0) failures.push(`${route} with ${[derived.undo?.label, derived.second?.label].filter(Boolean).join(' and ')}: invariants broken: ${JSON.stringify(Object.fromEntries(broken))}`);
      }
      assert.deepEqual(failures, [], 'no 5xx, invariants hold');
      assert.deepEqual(without, [], 'a route with no conflict derived is listed in NO_CONFLICT (test/support/route-conflicts.ts) with the reason');
      assert.deepEqual(stale, [], 'a route listed in NO_CONFLICT has an undoing now: take it off the list');
    });
  });
}
