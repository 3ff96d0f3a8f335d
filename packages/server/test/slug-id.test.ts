import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { activeUsers, addMember, backends, call, suiteApp } from './helpers.ts';

/*
 * Security review, finding 1: a community's slug could be another community's
 * id. Lookups were "slug = v OR id = v", so an attacker whose own community's
 * slug was the task force's id was authorized, on every object route, against
 * their own community. Now object routes authorize by the object's community
 * id only, a path's {ref} is an id when it has an id's shape and a slug
 * otherwise, and no slug may look like an id or equal one.
 */

type User = { cookie: string; userId: string };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const backend of backends()) {
  describe(`a slug never stands for another community's id (${backend.name})`, () => {
    const t = suiteApp(backend);
    let owner: User, member: User, removed: User, attacker: User;
    let tf: { id: string; slug: string };
    let pub: { id: string; slug: string };
    let topicId: string, activityId: string, fileUrl: string, tfPostId: string, pubPostId: string;

    const api = (u: User, method: string, path: string, body?: unknown) => call(t, method, `/api/v1${path}`, { cookie: u.cookie, body });
    const ok = async (u: User, method: string, path: string, body?: unknown) => {
      const res = await api(u, method, path, body);
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const upload = async (u: User, slug: string) => {
      const form = new FormData();
      form.append('file', new File([new TextEncoder().encode('task force roster')], 'roster.txt'));
      const res = await t.app.request(`/api/v1/communities/${slug}/files`, { method: 'POST', headers: { cookie: u.cookie, origin: 'http://localhost:8787' }, body: form });
      assert.equal(res.status, 201);
      return ((await res.json()) as { url: string }).url;
    };
    /** A community written straight to the database, as one made before this release (or by a bug) could be. */
    const plant = async (slug: string, owners: User[]) => {
      const id = randomUUID();
      const at = new Date().toISOString();
      await t.services.db.kysely
        .insertInto('community')
        .values({ id, parent_id: null, slug, name: 'Planted', description: '', banner_url: null, tags: '[]', visibility: 'public', settings: '{}', created_by: owners[0]!.userId, archived_at: null, created_at: at, updated_at: at })
        .execute();
      for (const o of owners) await addMember(t, id, o.userId, 'owner');
      return id;
    };

    before(async () => {
      [owner, member, removed, attacker] = await activeUsers(t, 'Task Force Owner', 'Task Force Member', 'Removed Member', 'Attacker');
      tf = await ok(owner, 'POST', '/communities', { name: 'I-35 Task Force', visibility: 'restricted' });
      pub = await ok(owner, 'POST', '/communities', { name: 'Open Exchange', visibility: 'public' });
      await addMember(t, tf.id, member.userId);
      await addMember(t, tf.id, removed.userId);
      await ok(owner, 'DELETE', `/communities/${tf.slug}/members/${removed.userId}`);
      await ok(member, 'POST', `/communities/${pub.slug}/join`);
      const forums = await ok(owner, 'GET', `/communities/${tf.slug}/forums`);
      topicId = (await ok(owner, 'POST', `/communities/${tf.slug}/topics`, { forumId: forums.items[0].id, title: 'Surveillance plan', body: 'Positions for Friday' })).id;
      activityId = (await ok(owner, 'POST', `/communities/${tf.slug}/activities`, { title: 'Peak times', steps: [{ title: 'Schedule' }] })).id;
      fileUrl = await upload(owner, tf.slug);
      tfPostId = (await ok(owner, 'POST', `/communities/${tf.slug}/posts`, { body: 'task force only' })).id;
      pubPostId = (await ok(member, 'POST', `/communities/${pub.slug}/posts`, { body: 'in the open' })).id;
    });

    it('refuses a slug shaped like an id, or equal to any community’s id, and never derives one from a name', async () => {
      for (const slug of [tf.id, tf.id.toUpperCase(), randomUUID()]) {
        const res = await api(attacker, 'POST', '/communities', { name: 'Mine', slug });
        assert.equal(res.status, 400, `${slug}: ${JSON.stringify(res.body)}`);
        assert.ok(res.body.error.fields?.slug, 'names the field');
      }
      // A community whose id is not a UUID (written by an older version): its id is still no one's slug.
      const legacyId = `legacy-${Date.now()}`;
      const at = new Date().toISOString();
      await t.services.db.kysely
        .insertInto('community')
        .values({ id: legacyId, parent_id: null, slug: `${legacyId}-x`, name: 'Legacy', description: '', banner_url: null, tags: '[]', visibility: 'restricted', settings: '{}', created_by: owner.userId, archived_at: null, created_at: at, updated_at: at })
        .execute();
      const taken = await api(attacker, 'POST', '/communities', { name: 'Mine', slug: legacyId });
      assert.equal(taken.status, 409, JSON.stringify(taken.body));
      assert.equal(taken.body.error.code, 'SLUG_TAKEN');
      for (const name of [tf.id, legacyId]) {
        const made = await ok(attacker, 'POST', '/communities', { name });
        assert.doesNotMatch(made.slug, UUID, 'a slug made from a name never has an id’s shape');
        assert.notEqual(made.slug, legacyId, 'nor is it an id');
      }
    });

    it('an outsider and a removed member whose own community’s slug is the task force’s id reach nothing of it; its members keep their access', async () => {
      // The slug got in before this release (or by any other way): it must not matter.
      await plant(tf.id, [attacker, removed]);
      await plant(pub.id, [attacker]);
      for (const u of [attacker, removed]) {
        for (const [method, path, body] of [
          ['GET', `/communities/${tf.id}/topics`],
          ['GET', `/communities/${tf.id}/activities`],
          ['GET', `/topics/${topicId}`],
          ['GET', `/topics/${topicId}/replies`],
          ['POST', `/topics/${topicId}/replies`, { body: 'I am in' }],
          ['PUT', `/topics/${topicId}/lock`],
          ['GET', `/activities/${activityId}`],
          ['PATCH', `/activities/${activityId}`, { title: 'Mine now' }],
          ['GET', `/posts/${tfPostId}`],
          ['GET', `/posts/${tfPostId}/comments`],
          ['DELETE', `/posts/${tfPostId}`],
        ] as [string, string, unknown?][]) {
          const res = await api(u, method, path, body);
          assert.equal(res.status, 404, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
        }
        const file = await t.app.request(fileUrl, { headers: { cookie: u.cookie } });
        assert.equal(file.status, 404, 'the task force’s file');
      }
      // A public community: readable, but only its moderators delete others' posts.
      const del = await api(attacker, 'DELETE', `/posts/${pubPostId}`);
      assert.equal(del.status, 403, JSON.stringify(del.body));
      assert.equal((await api(member, 'GET', `/posts/${pubPostId}`)).status, 200, 'the post is still there');

      // The task force's members, meanwhile, are not refused.
      assert.equal((await ok(member, 'GET', `/communities/${tf.id}`)).id, tf.id);
      assert.equal((await ok(member, 'GET', `/communities/${tf.slug}`)).id, tf.id);
      assert.equal((await ok(member, 'GET', `/communities/${tf.id}/topics`)).items[0].id, topicId);
      assert.equal((await ok(member, 'GET', `/topics/${topicId}`)).locked, false, 'not locked by the attacker');
      await ok(member, 'GET', `/activities/${activityId}`);
      await ok(member, 'GET', `/posts/${tfPostId}`);
      assert.equal((await t.app.request(fileUrl, { headers: { cookie: member.cookie } })).status, 200);
      assert.equal((await api(attacker, 'GET', `/communities/${tf.id}`)).status, 404, 'an id names that community only');
    });

    it('the migration renames every slug that has an id’s shape or is another community’s id', async () => {
      const { renameIdShapedSlugs } = await import('../src/db/ids.ts');
      const kysely = t.services.db.kysely;
      await renameIdShapedSlugs(kysely);
      const rows = await kysely.selectFrom('community').select(['id', 'slug']).execute();
      const ids = new Set(rows.map((r) => r.id));
      for (const r of rows) {
        assert.doesNotMatch(r.slug, UUID, `${r.id}: ${r.slug}`);
        assert.ok(!ids.has(r.slug) || r.slug === r.id, `${r.slug} is another community's id`);
      }
      assert.equal(new Set(rows.map((r) => r.slug)).size, rows.length, 'slugs stay unique');
      assert.equal((await ok(member, 'GET', `/communities/${tf.slug}`)).id, tf.id, 'a proper slug is kept');
    });

    it('whatever slugs a user chooses, no user’s access to another community’s objects changes (property)', async () => {
      const readers: [string, User][] = [
        ['member', member],
        ['removed', removed],
        ['attacker', attacker],
        ['owner', owner],
      ];
      const reads = [
        `/communities/${tf.id}`,
        `/communities/${tf.slug}`,
        `/communities/${tf.id}/topics`,
        `/communities/${tf.slug}/activities`,
        `/topics/${topicId}`,
        `/topics/${topicId}/replies`,
        `/activities/${activityId}`,
        `/posts/${tfPostId}`,
        `/posts/${tfPostId}/comments`,
        `/communities/${pub.id}`,
        `/communities/${pub.id}/posts`,
        `/posts/${pubPostId}`,
      ];
      const matrix = async () => {
        const out: string[] = [];
        for (const [name, u] of readers) {
          for (const path of reads) {
            const res = await api(u, 'GET', path);
            out.push(`${name} GET ${path}: ${res.status} ${res.status === 200 && !Array.isArray(res.body?.items) ? res.body.id : ''}`);
          }
          out.push(`${name} file: ${(await t.app.request(fileUrl, { headers: { cookie: u.cookie } })).status}`);
        }
        // Writes the outsiders may not do (refused, so nothing changes).
        for (const [name, u] of readers.slice(1, 3)) {
          out.push(`${name} lock: ${(await api(u, 'PUT', `/topics/${topicId}/lock`)).status}`);
          out.push(`${name} reply: ${(await api(u, 'POST', `/topics/${topicId}/replies`, { body: 'x' })).status}`);
          out.push(`${name} delete: ${(await api(u, 'DELETE', `/posts/${pubPostId}`)).status}`);
        }
        return out;
      };
      const baseline = await matrix();
      const names = (await t.services.db.kysely.selectFrom('community').select(['id', 'slug']).execute()).flatMap((r) => [r.id, r.slug]);
      const slugArb = fc.oneof(
        fc.constantFrom(...names),
        fc.constantFrom(...names).map((s) => s.toUpperCase()),
        fc.constantFrom(...names).map((s) => s.replace(/-/g, '')),
        fc.uuid(),
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}[a-z0-9]$/),
      );
      const choiceArb = fc.record({ slug: slugArb, planted: fc.boolean(), visibility: fc.constantFrom('public', 'moderated', 'restricted'), who: fc.constantFrom(0, 1, 2) });
      await fc.assert(
        fc.asyncProperty(fc.array(choiceArb, { minLength: 1, maxLength: 3 }), async (choices) => {
          for (const { slug, planted, visibility, who } of choices) {
            const u = [attacker, removed, member][who]!;
            if (planted) {
              const free = !(await t.services.db.kysely.selectFrom('community').select('id').where('slug', '=', slug).executeTakeFirst());
              if (free) await plant(slug, [u]);
            } else {
              const res = await api(u, 'POST', '/communities', { name: `Chosen ${slug}`, slug, visibility });
              assert.ok([201, 400, 409].includes(res.status), `${slug}: ${res.status} ${JSON.stringify(res.body)}`);
              if (res.status === 201) {
                assert.doesNotMatch(res.body.slug, UUID);
                const clash = await t.services.db.kysely.selectFrom('community').select('id').where('id', '=', res.body.slug).executeTakeFirst();
                assert.equal(clash, undefined, `${res.body.slug} is a community's id`);
              }
            }
          }
          assert.deepEqual(await matrix(), baseline);
        }),
        { numRuns: 30 },
      );
    });
  });
}
