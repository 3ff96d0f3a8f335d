import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeUsers, backends, call, suiteApp } from './helpers.ts';
import { SseReader } from './sse.ts';

/*
 * Security review, finding 5: a followers-only blog entry leaked. A
 * non-follower who got its id (live, from an event) could read it, its
 * comments, comment on it, react to it and report it. Now every sub-resource
 * and every live event of a post obeys its audience, by one rule
 * (data/audience.ts): its author and the author's followers, nobody else —
 * not the community's owner either, unless she follows the author.
 */

type User = { cookie: string; userId: string };

for (const backend of backends()) {
  describe(`followers-only entries stay with the followers (${backend.name})`, () => {
    const t = suiteApp(backend);
    let owner: User, author: User, follower: User, stranger: User, outsider: User;
    let slug: string;
    let entry: { id: string; attachment: { url: string } };

    const api = (u: User, method: string, path: string, body?: unknown) => call(t, method, `/api/v1${path}`, { cookie: u.cookie, body });
    const download = async (u: User, url: string) => (await t.app.request(url, { headers: { cookie: u.cookie } })).status;
    async function subscribe(u: User) {
      const abort = new AbortController();
      const response = await t.app.request('/api/v1/events', { headers: { cookie: u.cookie }, signal: abort.signal });
      assert.equal(response.status, 200);
      const reader = new SseReader(response);
      await reader.next('ready');
      return { reader, close: () => abort.abort() };
    }
    async function followersOnly(body: string) {
      const form = new FormData();
      form.append('file', new File([new TextEncoder().encode('for my followers')], 'notes.txt'));
      const up = await t.app.request(`/api/v1/communities/${slug}/files`, { method: 'POST', headers: { cookie: author.cookie, origin: 'http://localhost:8787' }, body: form });
      assert.equal(up.status, 201);
      const file = (await up.json()) as { id: string };
      const res = await api(author, 'POST', `/communities/${slug}/posts`, { type: 'blog', title: 'Notes', body, audience: 'followers', attachmentId: file.id });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    }

    before(async () => {
      [owner, author, follower, stranger, outsider] = await activeUsers(t, 'Corner Owner', 'Blog Author', 'Blog Follower', 'Blog Stranger', 'Blog Outsider');
      slug = (await api(owner, 'POST', '/communities', { name: 'Blog Corner', visibility: 'public' })).body.slug;
      for (const u of [author, follower, stranger]) assert.equal((await api(u, 'POST', `/communities/${slug}/join`)).status, 200);
      assert.equal((await api(follower, 'PUT', `/users/${author.userId}/follow`)).status, 200);
      entry = await followersOnly('between us');
    });

    it('a non-follower finds no followers-only entry, nor anything under it: post, comments, comment, reactions, report, edit, delete, file (404)', async () => {
      for (const [name, u] of [['member not following', stranger], ['outsider', outsider], ['community owner not following', owner]] as const) {
        for (const [method, path, body] of [
          ['GET', `/posts/${entry.id}`],
          ['GET', `/posts/${entry.id}/comments`],
          ['POST', `/posts/${entry.id}/comments`, { body: 'let me in' }],
          ['PUT', `/posts/${entry.id}/reactions/like`],
          ['DELETE', `/posts/${entry.id}/reactions/like`],
          ['POST', `/posts/${entry.id}/report`, { reason: 'curious' }],
          ['PATCH', `/posts/${entry.id}`, { body: 'mine now' }],
          ['DELETE', `/posts/${entry.id}`],
        ] as [string, string, unknown?][]) {
          const res = await api(u, method, path, body);
          assert.equal(res.status, 404, `${name}: ${method} ${path}: ${JSON.stringify(res.body)}`);
        }
        assert.equal(await download(u, entry.attachment.url), 404, `${name}: the entry's file`);
        const feed = await api(u, 'GET', `/communities/${slug}/posts?limit=100`);
        assert.ok(!feed.body.items.some((p: { id: string }) => p.id === entry.id), `${name}: not in the feed`);
      }
      const counts = await t.services.db.kysely.selectFrom('comment').select('id').where('post_id', '=', entry.id).execute();
      assert.equal(counts.length, 0, 'no comment was written');
      const reports = await t.services.db.kysely.selectFrom('report').select('id').where('post_id', '=', entry.id).execute();
      assert.equal(reports.length, 0, 'no report was written');
    });

    it('its author and the author’s followers read, comment, react, report and download it; the queue shows the report only to a moderator who may see it', async () => {
      assert.equal((await api(follower, 'GET', `/posts/${entry.id}`)).status, 200);
      assert.equal((await api(follower, 'POST', `/posts/${entry.id}/comments`, { body: 'noted' })).status, 201);
      assert.equal((await api(follower, 'PUT', `/posts/${entry.id}/reactions/thanks`)).status, 200);
      assert.equal((await api(follower, 'POST', `/posts/${entry.id}/report`, { reason: 'shares a plate number' })).status, 200);
      assert.equal(await download(follower, entry.attachment.url), 200);
      const comments = await api(author, 'GET', `/posts/${entry.id}/comments`);
      assert.deepEqual(comments.body.items.map((x: { body: string }) => x.body), ['noted']);
      assert.equal((await api(author, 'GET', `/posts/${entry.id}`)).body.reactions.thanks, 1);
      assert.equal(await download(author, entry.attachment.url), 200);
      const queue = async () => (await api(owner, 'GET', `/communities/${slug}/reports`)).body.items.map((r: { postId: string }) => r.postId);
      assert.ok(!(await queue()).includes(entry.id), 'the owner does not follow the author');
      await api(owner, 'PUT', `/users/${author.userId}/follow`);
      assert.ok((await queue()).includes(entry.id), 'once she follows, she sees it and its report');
      await api(owner, 'DELETE', `/users/${author.userId}/follow`);
    });

    it('live events of a followers-only entry never reach a non-follower, and reach its followers', async () => {
      const streams = { stranger: await subscribe(stranger), owner: await subscribe(owner), follower: await subscribe(follower) };
      try {
        const secret = await followersOnly(`heads up @[Blog Stranger](user:${stranger.userId})`);
        assert.equal((await api(follower, 'POST', `/posts/${secret.id}/comments`, { body: 'seen' })).status, 201);
        assert.equal((await api(follower, 'PUT', `/posts/${secret.id}/reactions/like`)).status, 200);
        assert.equal((await api(author, 'PATCH', `/posts/${secret.id}`, { body: 'heads up, edited' })).status, 200);
        assert.equal((await api(follower, 'POST', `/posts/${secret.id}/report`, { reason: 'too much detail' })).status, 200);
        // A post for everyone, after them: once it arrives, everything before it has been judged.
        const open = (await api(author, 'POST', `/communities/${slug}/posts`, { body: 'for everyone' })).body;
        const about = (id: string) => (m: { data: { payload: { postId?: string } } }) => m.data.payload.postId === id;
        for (const [name, s] of [['stranger', streams.stranger], ['owner', streams.owner]] as const) {
          await s.reader.next('post.created', about(open.id));
          const leaked = s.reader.events().filter(about(secret.id));
          assert.deepEqual(leaked.map((m) => m.event), [], `${name} heard of the followers-only entry`);
        }
        const f = streams.follower.reader;
        await f.next('post.created', about(open.id));
        const heard = new Set(f.events().filter(about(secret.id)).map((m) => m.event));
        for (const type of ['post.created', 'comment.created', 'reaction.changed', 'post.updated']) assert.ok(heard.has(type), `the follower hears ${type}`);
      } finally {
        Object.values(streams).forEach((s) => s.close());
      }
    });
  });
}
