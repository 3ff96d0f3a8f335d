import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createApp, type JusticeConnectApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { FeedPageCache } from '../src/posts/page-cache.ts';
import { provision } from '../src/federation/accounts.ts';
import { settleWrites } from '../src/audit-outbox.ts';
import { findProvider, insertProvider, toIdp } from '../src/federation/queries.ts';
import { activeUser, activeUsers, addMember, backends, BASE_URL, call, makeCommunity, OTHER_ORIGIN, startApp, TEST_ORI, type CallResult, type TestApp } from './helpers.ts';

/*
 * The shared first page of a community's feed (posts/page-cache.ts), on by
 * default. It must never decide access (a removed member, a suspended account,
 * an ended session is refused on the very next request, the cache unasked),
 * never lend one reader's own parts (reactions, rights, idempotency key) to
 * another, and answer exactly what the database answers with the cache off:
 * here a second app on the same database with JC_PAGE_CACHE=false.
 */

type User = { cookie: string; userId: string };
type Page = { items: { id: string; communityId: string; audience: string; author: { id: string }; reactions: Record<string, number>; myReactions: string[]; canEdit: boolean; canDelete: boolean; clientId: string | null }[]; nextCursor: string | null };

const api = (app: JusticeConnectApp, u: User, method: string, path: string, body?: unknown) => call(app, method, `/api/v1${path}`, { cookie: u.cookie, body });

/** A tiny seeded PRNG (mulberry32): the property test's whole sequence follows from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => int(16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
  };
  return { next, int, pick, uuid };
}

for (const backend of backends()) {
  describe(`the feed's shared first page (${backend.name})`, () => {
    const t = {} as TestApp;
    /** The same database, the page cache off: what the route answers uncached. */
    let plain: JusticeConnectApp;
    let cache: FeedPageCache;

    before(async () => {
      Object.assign(t, await startApp(backend));
      assert.ok(t.services.pageCache, 'the page cache is on by default');
      cache = t.services.pageCache;
      plain = await createApp(
        loadConfig({ JC_DATA_DIR: t.dir, JC_DATABASE_URL: t.databaseUrl, JC_BASE_URL: BASE_URL, JC_TRUSTED_ORIGINS: OTHER_ORIGIN, JC_LOG_REQUESTS: 'false', JC_PAGE_CACHE: 'false' }),
      );
      assert.equal(plain.services.pageCache, null);
    });
    after(async () => {
      await plain?.close();
      await t.dispose();
    });

    const feed = (app: JusticeConnectApp, u: User, ref: string, query = '') => api(app, u, 'GET', `/communities/${ref}/posts${query}`);
    const stats = () => ({ ...cache.stats });
    /** Reads the page from the cache; asserts it was served from it (a hit) and that it equals the uncached answer. */
    async function cachedRead(u: User, ref: string, label: string): Promise<Page> {
      const s = stats();
      const res = await feed(t, u, ref);
      assert.equal(res.status, 200, `${label}: ${JSON.stringify(res.body)}`);
      assert.equal(cache.stats.hits, s.hits + 1, `${label}: answered from the cache`);
      assert.deepEqual(res.body, (await feed(plain, u, ref)).body, `${label}: as the database answers`);
      return res.body;
    }
    /** Reads twice: the first may build the entry, the second is a hit. */
    async function warm(u: User, ref: string) {
      const s = stats();
      assert.equal((await feed(t, u, ref)).status, 200);
      await cachedRead(u, ref, 'warming');
      assert.ok(cache.stats.builds + cache.stats.hits >= s.builds + s.hits + 2);
    }
    /** Asserts the cached app refuses `u` exactly as the uncached one does, without asking the cache. */
    async function refusedLikeUncached(u: User, ref: string, status: number, code?: string) {
      const s = stats();
      const res = await feed(t, u, ref);
      assert.deepEqual(stats(), s, 'the cache was not asked');
      const uncached = await feed(plain, u, ref);
      assert.deepEqual([res.status, res.body], [uncached.status, uncached.body], 'refused as uncached');
      assert.equal(res.status, status, JSON.stringify(res.body));
      if (code) assert.equal(res.body.error.code, code);
    }
    async function publicCommunityWithPost(owner: User, readers: User[]) {
      const c = await makeCommunity(t, { visibility: 'public', createdBy: owner.userId });
      await addMember(t, c.id, owner.userId, 'owner');
      for (const r of readers) await addMember(t, c.id, r.userId);
      assert.equal((await api(t, owner, 'POST', `/communities/${c.slug}/posts`, { body: 'Shift notes' })).status, 201);
      return c;
    }

    it('a member removed from a restricted community is refused (404, as uncached) on the very next read', async () => {
      const [owner, member, outsider] = await activeUsers(t, 'Vault Owner', 'Vault Member', 'Vault Outsider');
      const c = await makeCommunity(t, { visibility: 'restricted', createdBy: owner.userId });
      await addMember(t, c.id, owner.userId, 'owner');
      await addMember(t, c.id, member.userId);
      assert.equal((await api(t, member, 'POST', `/communities/${c.slug}/posts`, { body: 'Inside only' })).status, 201);
      // What a non-member of a restricted community is answered, cache or not.
      await refusedLikeUncached(outsider, c.slug, 404, 'NOT_FOUND');
      await warm(member, c.slug);
      await cachedRead(owner, c.slug, 'the owner, same version');
      assert.equal((await api(t, owner, 'DELETE', `/communities/${c.slug}/members/${member.userId}`)).status, 200);
      await refusedLikeUncached(member, c.slug, 404, 'NOT_FOUND');
      await refusedLikeUncached(member, c.id, 404, 'NOT_FOUND');
      // The owner still reads, from a rebuilt entry.
      assert.equal((await feed(t, owner, c.slug)).body.items.length, 1);
    });

    it('a suspended user is refused on the next read: by an administrator (sessions end: 401), or by status alone, as another process would set it (403)', async () => {
      const admin = await activeUser(t, 'Agency Admin', { agencyAdmin: true });
      const [owner, first, second] = await activeUsers(t, 'Desk Owner', 'Desk First', 'Desk Second');
      const c = await publicCommunityWithPost(owner, [first, second]);
      await warm(first, c.slug);
      assert.equal((await api(t, admin, 'POST', `/users/${first.userId}/suspend`)).status, 200);
      await refusedLikeUncached(first, c.slug, 401, 'UNAUTHENTICATED');
      await cachedRead(second, c.slug, 'another reader, same version');
      await t.services.db.kysely.updateTable('profile').set({ status: 'suspended' }).where('user_id', '=', second.userId).execute();
      // The first refusal ends the session (http/context.ts): compare it with the uncached answer to a twin.
      const twin = await activeUser(t, 'Desk Twin');
      await t.services.db.kysely.updateTable('profile').set({ status: 'suspended' }).where('user_id', '=', twin.userId).execute();
      const s = stats();
      const [res, uncached] = [await feed(t, second, c.slug), await feed(plain, twin, c.slug)];
      assert.deepEqual(stats(), s, 'the cache was not asked');
      assert.deepEqual([res.status, res.body], [uncached.status, uncached.body]);
      assert.equal(res.body.error.code, 'ACCOUNT_DISABLED');
      await refusedLikeUncached(second, c.slug, 401, 'UNAUTHENTICATED');
      await cachedRead(owner, c.slug, 'the owner still reads');
    });

    it('a signed-out session is refused (401) on the next read', async () => {
      const [owner, reader] = await activeUsers(t, 'Desk Owner', 'Signing Out');
      const c = await publicCommunityWithPost(owner, [reader]);
      await warm(reader, c.slug);
      assert.equal((await call(t, 'POST', '/api/auth/sign-out', { cookie: reader.cookie, body: {} })).status, 200);
      await refusedLikeUncached(reader, c.slug, 401, 'UNAUTHENTICATED');
      await cachedRead(owner, c.slug, 'the owner still reads');
    });

    it("one reader's reaction, rights and idempotency key are never another's", async () => {
      const [owner, a, b] = await activeUsers(t, 'Desk Owner', 'Reader A', 'Reader B');
      const c = await publicCommunityWithPost(owner, [a, b]);
      const clientId = randomUUID();
      const posted = await api(t, a, 'POST', `/communities/${c.slug}/posts`, { body: 'Mine', clientId });
      assert.equal(posted.status, 201);
      await warm(b, c.slug);
      assert.equal((await api(t, a, 'PUT', `/posts/${posted.body.id}/reactions/like`)).status, 200);
      const s = stats();
      assert.equal((await feed(t, b, c.slug)).status, 200);
      assert.equal(cache.stats.builds, s.builds + 1, 'the reaction made the entry old: rebuilt');
      const seen = (page: Page) => page.items.find((p) => p.id === posted.body.id)!;
      const asB = seen(await cachedRead(b, c.slug, 'B after A reacted'));
      const asA = seen(await cachedRead(a, c.slug, 'A, from the entry B read'));
      const asOwner = seen(await cachedRead(owner, c.slug, 'the owner (a moderator), from the same entry'));
      assert.deepEqual(asB.reactions, { like: 1, thanks: 0, important: 0 }, "A's like counts for everyone");
      assert.deepEqual(asA.reactions, asB.reactions);
      assert.deepEqual([asB.myReactions, asA.myReactions, asOwner.myReactions], [[], ['like'], []]);
      assert.deepEqual([asA.canEdit, asA.canDelete, asA.clientId], [true, true, clientId]);
      assert.deepEqual([asB.canEdit, asB.canDelete, asB.clientId], [false, false, null]);
      assert.deepEqual([asOwner.canEdit, asOwner.canDelete, asOwner.clientId], [false, true, null]);
      // B reacting too: each still sees only their own.
      assert.equal((await api(t, b, 'PUT', `/posts/${posted.body.id}/reactions/thanks`)).status, 200);
      assert.equal((await feed(t, a, c.slug)).status, 200);
      const again = [seen(await cachedRead(a, c.slug, 'A')), seen(await cachedRead(b, c.slug, 'B'))];
      assert.deepEqual(
        again.map((p) => p.myReactions),
        [['like'], ['thanks']],
      );
      assert.deepEqual(again[1]!.reactions, { like: 1, thanks: 1, important: 0 });
    });

    it("a reader's several kinds of reaction on one post are listed as the uncached page lists them", async () => {
      const [owner, a] = await activeUsers(t, 'Desk Owner', 'Two Kinds');
      const c = await publicCommunityWithPost(owner, [a]);
      const post = (await feed(t, a, c.slug)).body.items[0];
      for (const kind of ['like', 'important']) assert.equal((await api(t, a, 'PUT', `/posts/${post.id}/reactions/${kind}`)).status, 200);
      assert.equal((await feed(t, owner, c.slug)).status, 200);
      const [mine] = (await cachedRead(a, c.slug, 'like and important')).items;
      assert.deepEqual([...mine!.myReactions].sort(), ['important', 'like']);
    });

    it("an author renamed by a federated sign-in (the account's name taken from the IdP) shows renamed on the next read", async () => {
      const [author, reader] = await activeUsers(t, 'Name Before', 'Name Reader');
      const c = await publicCommunityWithPost(author, [reader]);
      const db = t.services.db.kysely;
      const idpId = `idp-${author.userId.slice(0, 8).toLowerCase()}`;
      await insertProvider(db, t.services.config.authSecret, { id: idpId, protocol: 'oidc', displayName: 'IdP', issuer: `https://${idpId}.example.test`, clientId: 'jc', oris: [TEST_ORI] }, 'api');
      const at = new Date().toISOString();
      await db.insertInto('federated_identity').values({ idp_id: idpId, federation_id: 'fed-1', user_id: author.userId, email: null, created_at: at, last_sign_in_at: at, saml_name_id: null }).execute();
      await warm(reader, c.slug);
      // The sign-in's own write (federation/sign-in.ts): the account found by its link, its name as the IdP asserts it.
      const idp = toIdp((await findProvider(db, idpId))!);
      await db.transaction().execute((trx) => provision(trx, idp, { federationId: 'fed-1', ori: TEST_ORI, name: 'Name After', email: null, multiFactor: false }, backend.name === 'postgres' ? false : 0));
      // As the sign-in's request does before it answers: its event numbered (PostgreSQL, audit-outbox.ts).
      await settleWrites(db);
      const page = await feed(t, reader, c.slug);
      assert.deepEqual([page.body.items[0].author.name, (await feed(plain, reader, c.slug)).body.items[0].author.name], ['Name After', 'Name After']);
    });

    it('keeps its text within its byte budget, the least recently read page out first', async () => {
      const [owner] = await activeUsers(t, 'Budget Owner');
      const a = await publicCommunityWithPost(owner, []);
      const b = await publicCommunityWithPost(owner, []);
      const long = 'x'.repeat(20_000);
      for (const c of [a, b]) for (let i = 0; i < 3; i++) assert.equal((await api(t, owner, 'POST', `/communities/${c.slug}/posts`, { body: long })).status, 201);
      const small = new FeedPageCache(60_000, 200_000);
      const saved = t.services.pageCache;
      t.services.pageCache = small;
      try {
        for (const c of [a, b, a]) assert.equal((await feed(t, owner, c.slug)).status, 200);
        // Each page holds about 120 KB of text: the second pushed the first out, and reading the first again rebuilt it.
        assert.deepEqual([small.stats.builds, small.stats.hits], [3, 0]);
        assert.ok(small.bytes <= 200_000, `${small.bytes} bytes`);
        assert.equal((await feed(t, owner, a.slug)).status, 200);
        assert.deepEqual([small.stats.builds, small.stats.hits], [3, 1], 'the page read last stayed');
      } finally {
        t.services.pageCache = saved;
      }
    });

    it('property: random posts, follows, reactions and memberships; every cached page equals the uncached one and crosses no boundary', async () => {
      const seed = Number(process.env.JC_PAGE_CACHE_SEED ?? (backend.name === 'sqlite' ? 1789 : 2024));
      const steps = Number(process.env.JC_PAGE_CACHE_STEPS ?? 70);
      const rnd = prng(seed);
      const users = await activeUsers(t, 'Prop Owner', 'Prop One', 'Prop Two', 'Prop Three', 'Prop Four');
      const [owner] = users;
      const made = async (visibility: 'public' | 'restricted') => {
        const res = await api(t, owner, 'POST', '/communities', { name: `Prop ${visibility}`, visibility });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return { id: res.body.id as string, slug: res.body.slug as string, restricted: visibility === 'restricted' };
      };
      const communities = [await made('restricted'), await made('public')];
      const members = new Map(communities.map((c) => [c.id, new Set([owner.userId])]));
      const follows = new Set<string>();
      const posts: { id: string; community: string; author: string; audience: 'community' | 'followers'; deleted: boolean }[] = [];
      const name = (u: User) => `u${users.findIndex((x) => x.userId === u.userId)}`;
      const isMember = (u: User, c: { id: string }) => members.get(c.id)!.has(u.userId);
      const sees = (u: User, p: (typeof posts)[number]) => p.audience === 'community' || p.author === u.userId || follows.has(`${u.userId}>${p.author}`);
      const log: string[] = [];
      const expect = (res: CallResult, status: number, what: string) => assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      const start = stats();
      let reads = 0;
      /** Each cached page's tag, with the text it named. */
      const texts = new Map<string, string>();

      /** The same page read by one to three users: the first may build the entry, the others share it. */
      async function read(first: User, c: (typeof communities)[number]) {
        const limit = rnd.pick([1, 2, 3, 5, 20]);
        const type = rnd.pick([undefined, undefined, 'blog', 'status'] as const);
        const readers = [first, ...Array.from({ length: rnd.int(3) }, () => rnd.pick(users))];
        for (const u of readers) await readAs(u, c, limit, type);
      }
      async function readAs(u: User, c: (typeof communities)[number], limit: number, type: 'blog' | 'status' | undefined) {
        const query = `?limit=${limit}${type ? `&type=${type}` : ''}`;
        log.push(`read ${name(u)} ${c.restricted ? 'R' : 'P'} ${query}`);
        const s = stats();
        const cached = await feed(t, u, c.slug, query);
        const uncached = await feed(plain, u, c.slug, query);
        assert.equal(cached.status, uncached.status, 'the same status as uncached');
        assert.deepEqual(cached.body, uncached.body, 'the same page as uncached');
        if (c.restricted && !isMember(u, c)) {
          assert.equal(cached.status, 404, 'a non-member is refused a restricted feed');
          assert.deepEqual(stats(), s, 'the cache was not asked for a refused reader');
          return;
        }
        expect(cached, 200, 'a reader of the feed');
        reads += 1;
        // Its tag names this text and no other, ever; asked again unchanged, it is a 304.
        const tag = cached.headers.get('etag')!;
        assert.match(tag, /^"[A-Za-z0-9_-]{27}"$/);
        const text = JSON.stringify(cached.body);
        assert.equal(texts.get(tag) ?? text, text, `the tag ${tag} named another page before`);
        texts.set(tag, text);
        if (reads % 3 === 0) assert.equal((await call(t, 'GET', `/api/v1/communities/${c.slug}/posts${query}`, { cookie: u.cookie, headers: { 'if-none-match': tag } })).status, 304, 'unchanged: 304');
        for (const item of (cached.body as Page).items) {
          const p = posts.find((x) => x.id === item.id);
          assert.ok(p && !p.deleted, `${item.id} is a live post`);
          assert.equal(p.community, c.id, `${item.id} is of the community read`);
          assert.ok(sees(u, p), `${item.id}: a followers-only entry shown to ${name(u)}, who neither wrote it nor follows its author`);
        }
        // When the page holds the whole feed: every post the model says this reader sees.
        const expected = posts.filter((p) => p.community === c.id && !p.deleted && sees(u, p)).map((p) => p.id);
        if (!type && expected.length <= limit) assert.deepEqual((cached.body as Page).items.map((i) => i.id).sort(), expected.sort(), 'the whole feed');
      }

      const ops: [number, () => Promise<void>][] = [
        [30, () => read(rnd.pick(users), rnd.pick(communities))],
        [18, async () => {
          const c = rnd.pick(communities);
          const u = rnd.pick(users.filter((x) => isMember(x, c)));
          const audience = rnd.next() < 0.4 ? 'followers' : 'community';
          const type = audience === 'followers' || rnd.next() < 0.3 ? 'blog' : 'status';
          // Followers-only entries come in runs, so a window may hold more than a reader may see.
          const n = audience === 'followers' ? 1 + rnd.int(6) : 1;
          log.push(`post ${name(u)} ${c.restricted ? 'R' : 'P'} ${type} ${audience} x${n}`);
          for (let i = 0; i < n; i++) {
            const res = await api(t, u, 'POST', `/communities/${c.slug}/posts`, { type, ...(type === 'blog' && { title: 'Entry' }), body: `step ${log.length}`, audience, clientId: rnd.uuid() });
            expect(res, 201, 'a member posts');
            posts.push({ id: res.body.id, community: c.id, author: u.userId, audience, deleted: false });
          }
        }],
        [16, async () => {
          const live = posts.filter((p) => !p.deleted);
          if (live.length === 0) return;
          const p = rnd.pick(live);
          const u = rnd.pick(users);
          const kind = rnd.pick(['like', 'thanks', 'important']);
          const method = rnd.next() < 0.75 ? 'PUT' : 'DELETE';
          log.push(`${method} reaction ${name(u)} ${kind} on ${posts.indexOf(p)}`);
          const res = await api(t, u, method, `/posts/${p.id}/reactions/${kind}`);
          const allowed = isMember(u, { id: p.community }) && sees(u, p);
          assert.equal(res.status === 200, allowed, `reaction allowed: ${allowed}, got ${res.status}`);
        }],
        [10, async () => {
          const [u, v] = [rnd.pick(users), rnd.pick(users)];
          if (u === v) return;
          const on = !follows.has(`${u.userId}>${v.userId}`);
          log.push(`${on ? 'follow' : 'unfollow'} ${name(u)} -> ${name(v)}`);
          expect(await api(t, u, on ? 'PUT' : 'DELETE', `/users/${v.userId}/follow`), 200, 'follow');
          if (on) follows.add(`${u.userId}>${v.userId}`);
          else follows.delete(`${u.userId}>${v.userId}`);
        }],
        [12, async () => {
          const c = rnd.pick(communities);
          const u = rnd.pick(users.slice(1));
          const set = members.get(c.id)!;
          if (set.has(u.userId)) {
            const removed = rnd.next() < 0.5;
            log.push(`${removed ? 'remove' : 'leave'} ${name(u)} ${c.restricted ? 'R' : 'P'}`);
            const res = removed ? await api(t, owner, 'DELETE', `/communities/${c.slug}/members/${u.userId}`) : await api(t, u, 'POST', `/communities/${c.slug}/leave`);
            expect(res, 200, 'out');
            set.delete(u.userId);
          } else {
            log.push(`join ${name(u)} ${c.restricted ? 'R (invited)' : 'P'}`);
            if (c.restricted) expect(await api(t, owner, 'POST', `/communities/${c.slug}/invitations`, { userId: u.userId }), 201, 'invite');
            expect(await api(t, u, 'POST', `/communities/${c.slug}/join`), 200, 'join');
            set.add(u.userId);
          }
        }],
        [6, async () => {
          const live = posts.filter((p) => !p.deleted);
          if (live.length === 0) return;
          const p = rnd.pick(live);
          const u = users.find((x) => x.userId === p.author)!;
          const what = rnd.pick(['edit', 'delete', 'comment'] as const);
          log.push(`${what} ${name(u)} on ${posts.indexOf(p)}`);
          // The author may still be in the community or not: only members write.
          const res =
            what === 'edit' ? await api(t, u, 'PATCH', `/posts/${p.id}`, { body: `edited at ${log.length}` })
            : what === 'delete' ? await api(t, u, 'DELETE', `/posts/${p.id}`)
            : await api(t, u, 'POST', `/posts/${p.id}/comments`, { body: 'noted' });
          const allowed = what === 'delete' ? isMember(u, { id: p.community }) || !communities.find((c) => c.id === p.community)!.restricted : isMember(u, { id: p.community });
          assert.equal(res.status < 300, allowed, `${what} allowed: ${allowed}, got ${res.status} ${JSON.stringify(res.body)}`);
          if (what === 'delete' && allowed) p.deleted = true;
        }],
        [3, async () => {
          const u = rnd.pick(users);
          log.push(`rename ${name(u)}`);
          expect(await api(t, u, 'PATCH', '/me', { name: `Renamed ${log.length}` }), 200, 'rename');
        }],
      ];
      const total = ops.reduce((n, [w]) => n + w, 0);
      try {
        for (let i = 0; i < steps; i++) {
          let roll = rnd.int(total);
          const op = ops.find(([w]) => (roll -= w) < 0)![1];
          await op();
          // Read after every write too: most entries are then read right after they went old.
          if (log.at(-1)?.startsWith('read') === false) await read(rnd.pick(users), rnd.pick(communities));
        }
      } catch (err) {
        const steps = log.map((l, i) => `  ${i + 1}. ${l}`).join('\n');
        throw new Error(`page-cache property failed (${backend.name}, JC_PAGE_CACHE_SEED=${seed}) at step ${log.length}: ${(err as Error).message}\n${steps}`, { cause: err });
      }
      assert.ok(reads > 0 && cache.stats.hits > start.hits && cache.stats.builds > start.builds, `the cache was used: ${JSON.stringify({ start, now: stats() })}`);
    });
  });
}
