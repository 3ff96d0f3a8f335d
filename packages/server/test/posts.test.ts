import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { activeUser, activeUsers, backends, call, suiteApp } from './helpers.ts';

for (const backend of backends()) {
  describe(`community feed API (${backend.name})`, () => {
    const t = suiteApp(backend);
    let owner: { cookie: string; userId: string };
    let member: { cookie: string; userId: string };
    let outsider: { cookie: string; userId: string };
    let pub: string;
    let restricted: string;
    before(async () => {
      [owner, member, outsider] = await activeUsers(t, 'Feed Owner', 'Feed Member', 'Feed Outsider');
      pub = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Feed Public', visibility: 'public' } })).body.slug;
      restricted = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Feed Restricted', visibility: 'restricted' } })).body.slug;
      await call(t, 'POST', `/api/v1/communities/${pub}/join`, { cookie: member.cookie });
    });

    const post = (cookie: string, slug: string, body: Record<string, unknown>) => call(t, 'POST', `/api/v1/communities/${slug}/posts`, { cookie, body });

    it('pages newest first with a cursor: no post twice or missing while posts arrive between pages', async () => {
      const slug = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Paging', visibility: 'public' } })).body.slug;
      const before: string[] = [];
      for (let i = 0; i < 25; i++) before.push((await post(owner.cookie, slug, { body: `post ${i}` })).body.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let round = 0;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await call(t, 'GET', `/api/v1/communities/${slug}/posts?limit=7${cursor ? `&cursor=${cursor}` : ''}`, { cookie: member.cookie });
        seen.push(...res.body.items.map((p) => p.id));
        cursor = res.body.nextCursor;
        // New posts land between page requests.
        await post(owner.cookie, slug, { body: `interleaved ${round++}` });
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
      assert.deepEqual(seen, [...before].reverse(), 'every post that existed, newest first, none missing');
    });

    it('lets members post, readers read, and keeps a restricted feed from outsiders (404)', async () => {
      const mine = await post(member.cookie, pub, { body: 'Hello corridor' });
      assert.equal(mine.status, 201);
      assert.equal(mine.body.author.name, 'Feed Member');
      assert.equal(mine.body.canEdit, true);
      const read = await call(t, 'GET', `/api/v1/communities/${pub}/posts`, { cookie: outsider.cookie });
      assert.equal(read.status, 200, 'a public feed is readable');
      assert.equal((await post(outsider.cookie, pub, { body: 'not a member' })).status, 403);
      await post(owner.cookie, restricted, { body: 'secret' });
      for (const [method, path] of [
        ['GET', `/api/v1/communities/${restricted}/posts`],
        ['POST', `/api/v1/communities/${restricted}/posts`],
      ] as const) {
        const res = await call(t, method, path, { cookie: outsider.cookie, body: method === 'POST' ? { body: 'x' } : undefined });
        assert.equal(res.status, 404, `${method} ${path}`);
      }
      const secretId = (await call(t, 'GET', `/api/v1/communities/${restricted}/posts`, { cookie: owner.cookie })).body.items[0].id;
      for (const [method, path] of [
        ['GET', `/api/v1/posts/${secretId}/comments`],
        ['PUT', `/api/v1/posts/${secretId}/reactions/like`],
        ['DELETE', `/api/v1/posts/${secretId}`],
      ] as const) {
        assert.equal((await call(t, method, path, { cookie: outsider.cookie })).status, 404, `${method} ${path}`);
      }
      const feed = await call(t, 'GET', '/api/v1/feed', { cookie: outsider.cookie });
      assert.ok(!feed.body.items.some((p: { id: string }) => p.id === secretId), 'nor in anyone’s combined feed');
    });

    it('writes a retried post once (clientId), and reacts once per kind', async () => {
      const clientId = randomUUID();
      const first = await post(member.cookie, pub, { body: 'retry me', clientId });
      const again = await post(member.cookie, pub, { body: 'retry me', clientId });
      assert.equal(first.status, 201);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      const id = first.body.id;
      await call(t, 'PUT', `/api/v1/posts/${id}/reactions/like`, { cookie: owner.cookie });
      const twice = await call(t, 'PUT', `/api/v1/posts/${id}/reactions/like`, { cookie: owner.cookie });
      assert.deepEqual(twice.body, { reactions: { like: 1, thanks: 0, important: 0 }, myReactions: ['like'] });
      const undone = await call(t, 'DELETE', `/api/v1/posts/${id}/reactions/like`, { cookie: owner.cookie });
      assert.equal(undone.body.reactions.like, 0);
    });

    it('comments count, authors edit, moderators and authors delete, others may not', async () => {
      const p = (await post(member.cookie, pub, { body: 'discuss' })).body;
      const cm = await call(t, 'POST', `/api/v1/posts/${p.id}/comments`, { cookie: owner.cookie, body: { body: 'a comment' } });
      assert.equal(cm.status, 201);
      const list = await call(t, 'GET', `/api/v1/communities/${pub}/posts`, { cookie: member.cookie });
      assert.equal(list.body.items.find((x: { id: string }) => x.id === p.id).commentCount, 1);
      assert.equal((await call(t, 'PATCH', `/api/v1/posts/${p.id}`, { cookie: owner.cookie, body: { body: 'hijack' } })).status, 403);
      const edited = await call(t, 'PATCH', `/api/v1/posts/${p.id}`, { cookie: member.cookie, body: { body: 'discuss, edited' } });
      assert.equal(edited.body.body, 'discuss, edited');
      assert.ok(edited.body.editedAt);
      const other = await activeUser(t, 'Other Member');
      await call(t, 'POST', `/api/v1/communities/${pub}/join`, { cookie: other.cookie });
      assert.equal((await call(t, 'DELETE', `/api/v1/posts/${p.id}`, { cookie: other.cookie })).status, 403);
      assert.equal((await call(t, 'DELETE', `/api/v1/posts/${p.id}`, { cookie: owner.cookie })).status, 200, 'the owner moderates');
      assert.equal((await call(t, 'GET', `/api/v1/posts/${p.id}/comments`, { cookie: member.cookie })).status, 404, 'gone');
      assert.equal((await call(t, 'POST', `/api/v1/posts/${(await post(member.cookie, pub, { body: 'r' })).body.id}/report`, { cookie: other.cookie, body: { reason: 'contains personal information' } })).status, 200);
    });

    it('stores bodies as written (the elements sanitize): a script is data, not markup', async () => {
      const xss = '<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))';
      const p = await post(member.cookie, pub, { body: xss });
      assert.equal(p.body.body, xss);
      assert.match(p.headers.get('content-type') ?? '', /application\/json/);
    });

    it('takes files within the limits, serves them only to readers, and refuses the rest', async () => {
      const upload = (cookie: string, slug: string, name: string, bytes: Uint8Array) => {
        const form = new FormData();
        form.append('file', new File([bytes], name));
        return t.app.request(`/api/v1/communities/${slug}/files`, { method: 'POST', headers: { cookie, origin: 'http://localhost:8787' }, body: form });
      };
      const ok = await upload(member.cookie, pub, 'patrol schedule.pdf', new TextEncoder().encode('%PDF-1.4 demo'));
      assert.equal(ok.status, 201);
      const file = (await ok.json()) as { id: string; url: string; contentType: string };
      assert.equal(file.contentType, 'application/pdf');
      const withFile = await post(member.cookie, pub, { body: 'see attached', attachmentId: file.id });
      assert.equal(withFile.body.type, 'file');
      assert.equal(withFile.body.attachment.filename, 'patrol schedule.pdf');
      const got = await t.app.request(file.url, { headers: { cookie: outsider.cookie } });
      assert.equal(got.status, 200, 'a public community’s reader');
      assert.match(got.headers.get('content-disposition') ?? '', /attachment/);
      const tooBig = await upload(member.cookie, pub, 'big.pdf', new Uint8Array(10 * 1024 * 1024 + 1));
      assert.equal(tooBig.status, 413);
      const exe = await upload(member.cookie, pub, 'tool.exe', new Uint8Array([77, 90]));
      assert.equal(exe.status, 415);
      assert.equal((await upload(outsider.cookie, pub, 'a.txt', new Uint8Array([65]))).status, 403, 'members only');
      const secret = await upload(owner.cookie, restricted, 'secret.txt', new TextEncoder().encode('secret'));
      const secretFile = (await secret.json()) as { url: string };
      assert.equal((await t.app.request(secretFile.url, { headers: { cookie: outsider.cookie } })).status, 404);
    });

    it('reads one post, and tells only its author the clientId', async () => {
      const clientId = randomUUID();
      const p = (await post(member.cookie, pub, { body: 'one post', clientId })).body;
      assert.equal(p.clientId, clientId);
      const asOwner = await call(t, 'GET', `/api/v1/posts/${p.id}`, { cookie: owner.cookie });
      assert.equal(asOwner.status, 200);
      assert.equal(asOwner.body.clientId, null);
      const secret = (await post(owner.cookie, restricted, { body: 'hidden one' })).body;
      assert.equal((await call(t, 'GET', `/api/v1/posts/${secret.id}`, { cookie: outsider.cookie })).status, 404);
    });

    it('sends reports to the moderators: their queue and their own live event', async () => {
      const p = (await post(member.cookie, pub, { body: 'questionable' })).body;
      const reporter = await activeUser(t, 'Reporter');
      assert.equal((await call(t, 'POST', `/api/v1/posts/${p.id}/report`, { cookie: reporter.cookie, body: { reason: 'contains criminal-justice information' } })).status, 200);
      const queue = await call(t, 'GET', `/api/v1/communities/${pub}/reports`, { cookie: owner.cookie });
      assert.equal(queue.status, 200);
      assert.ok(queue.body.items.some((r: { postId: string; reason: string }) => r.postId === p.id && /criminal-justice/.test(r.reason)));
      assert.equal((await call(t, 'GET', `/api/v1/communities/${pub}/reports`, { cookie: member.cookie })).status, 403);
      const events = (await t.services.db.kysely.selectFrom('event').select(['user_id', 'payload']).where('type', '=', 'post.reported').execute()).filter(
        (e) => JSON.parse(e.payload).postId === p.id,
      );
      assert.deepEqual(events.map((e) => e.user_id), [owner.userId], 'only the moderators (here, the owner) hear of it');
    });

    it('shows a followers-only blog entry to the author’s followers only', async () => {
      const follower = await activeUser(t, 'Follower');
      await call(t, 'POST', `/api/v1/communities/${pub}/join`, { cookie: follower.cookie });
      const entry = (await post(member.cookie, pub, { type: 'blog', title: 'Notes', body: 'for my followers', audience: 'followers' })).body;
      const sees = async (cookie: string) => (await call(t, 'GET', `/api/v1/communities/${pub}/posts?limit=100`, { cookie })).body.items.some((x: { id: string }) => x.id === entry.id);
      assert.equal(await sees(follower.cookie), false);
      assert.deepEqual((await call(t, 'PUT', `/api/v1/users/${member.userId}/follow`, { cookie: follower.cookie })).body, { following: true });
      assert.equal(await sees(follower.cookie), true);
      assert.equal(await sees(member.cookie), true, 'its author');
      assert.equal(await sees(outsider.cookie), false);
      await call(t, 'DELETE', `/api/v1/users/${member.userId}/follow`, { cookie: follower.cookie });
      assert.equal(await sees(follower.cookie), false);
      assert.equal((await post(member.cookie, pub, { body: 'x', audience: 'followers' })).status, 400, 'only blog entries can be for followers');
    });

    it('combines the feed over my communities, and notifies a mentioned member', async () => {
      const other = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Feed Second', visibility: 'public' } })).body.slug;
      await call(t, 'POST', `/api/v1/communities/${other}/join`, { cookie: member.cookie });
      const a = (await post(owner.cookie, other, { body: `hey @[Feed Member](user:${member.userId})` })).body;
      const feed = await call(t, 'GET', '/api/v1/feed?limit=50', { cookie: member.cookie });
      const slugs = new Set(feed.body.items.map((p: { communitySlug: string }) => p.communitySlug));
      assert.ok(slugs.has(pub) && slugs.has(other));
      assert.ok(!slugs.has(restricted));
      const mention = await t.services.db.kysely.selectFrom('event').select(['type', 'user_id']).where('type', '=', 'mention.created').where('user_id', '=', member.userId).execute();
      assert.equal(mention.length, 1);
      assert.ok(a.id);
    });
  });
}
