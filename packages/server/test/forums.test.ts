import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { activate, activeUser, activeUsers, addMember, backends, call, makeCommunity, signUpAndIn, suiteApp } from './helpers.ts';

type User = { cookie: string; userId: string };

for (const backend of backends()) {
  describe(`forums API (${backend.name})`, () => {
    const t = suiteApp(backend);
    let owner: User, moderator: User, member: User, asker: User, outsider: User, admin: User;
    let pub: { id: string; slug: string };
    let restricted: { id: string; slug: string };
    let forumId: string;
    let otherForumId: string;
    let secretTopic: string;

    const api = (u: User | null, method: string, path: string, body?: unknown) => call(t, method, `/api/v1${path}`, { cookie: u?.cookie, body });
    const newTopic = async (u: User, body: Record<string, unknown> = {}, slug = pub.slug, forum = forumId) => {
      const res = await api(u, 'POST', `/communities/${slug}/topics`, { forumId: forum, title: 'Radio channel for the weekend', body: 'Which channel?', ...body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: string };
    };
    const reply = async (u: User, topicId: string, body: Record<string, unknown> = {}) => {
      const res = await api(u, 'POST', `/topics/${topicId}/replies`, { body: 'A reply', ...body });
      assert.ok(res.status === 201 || res.status === 200, JSON.stringify(res.body));
      return res.body as { id: string; parentId: string | null; quote: { id: string; authorName: string; excerpt: string } | null };
    };

    before(async () => {
      [owner, moderator, member, asker, outsider] = await activeUsers(t, 'Forum Owner', 'Forum Moderator', 'Forum Member', 'Forum Asker', 'Forum Outsider');
      admin = await activeUser(t, 'Site Admin', { siteAdmin: true });
      const created = await api(owner, 'POST', '/communities', {
        name: 'Forum Public',
        visibility: 'public',
        settings: { forums: [{ name: 'Operations' }, { name: 'Intelligence sharing', description: 'Trends' }] },
      });
      assert.equal(created.status, 201);
      pub = { id: created.body.id, slug: created.body.slug };
      await addMember(t, pub.id, moderator.userId, 'moderator');
      await addMember(t, pub.id, member.userId, 'member');
      await addMember(t, pub.id, asker.userId, 'member');
      const forums = await api(member, 'GET', `/communities/${pub.slug}/forums`);
      [forumId, otherForumId] = forums.body.items.map((f: { id: string }) => f.id);
      restricted = await makeCommunity(t, { visibility: 'restricted', createdBy: owner.userId });
      await addMember(t, restricted.id, owner.userId, 'owner');
      await api(owner, 'POST', `/communities/${restricted.slug}/forums`, { name: 'Secret' });
      const rf = await api(owner, 'GET', `/communities/${restricted.slug}/forums`);
      secretTopic = (await newTopic(owner, { title: 'Secret plans' }, restricted.slug, rf.body.items[0].id)).id;
    });

    it('gives a new community the forums its settings name, or one general forum', async () => {
      const forums = await api(member, 'GET', `/communities/${pub.slug}/forums`);
      assert.deepEqual(
        forums.body.items.map((f: { name: string }) => f.name),
        ['Operations', 'Intelligence sharing'],
      );
      const plain = await api(owner, 'POST', '/communities', { name: 'Forum Plain', visibility: 'public' });
      const general = await api(owner, 'GET', `/communities/${plain.body.slug}/forums`);
      assert.deepEqual(
        general.body.items.map((f: { name: string }) => f.name),
        ['General discussion'],
      );
      const copy = await api(owner, 'POST', '/communities', { name: 'Forum Copy', visibility: 'public', copyFrom: pub.slug });
      const copied = await api(owner, 'GET', `/communities/${copy.body.slug}/forums`);
      assert.equal(copied.body.items.length, 2, 'copying settings copies the forum templates');
    });

    it('lets moderators add forums and no one else', async () => {
      assert.equal((await api(member, 'POST', `/communities/${pub.slug}/forums`, { name: 'Training' })).body.error.code, 'MODERATOR_REQUIRED');
      assert.equal((await api(moderator, 'POST', `/communities/${pub.slug}/forums`, { name: 'Training' })).status, 201);
      const again = await api(owner, 'POST', `/communities/${pub.slug}/forums`, { name: 'Training' });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.fields.name, 'Already in use');
    });

    it('decides every moderator action by role: owner, moderator and site admin may; member, outsider may not; restricted stays hidden', async () => {
      type Action = { name: string; run: (u: User, topicId: string) => Promise<{ status: number; body: any }> };
      const actions: Action[] = [
        { name: 'pin', run: (u, id) => api(u, 'PUT', `/topics/${id}/pin`) },
        { name: 'unpin', run: (u, id) => api(u, 'DELETE', `/topics/${id}/pin`) },
        { name: 'lock', run: (u, id) => api(u, 'PUT', `/topics/${id}/lock`) },
        { name: 'unlock', run: (u, id) => api(u, 'DELETE', `/topics/${id}/lock`) },
        { name: 'move', run: (u, id) => api(u, 'POST', `/topics/${id}/move`, { forumId: otherForumId }) },
        { name: 'delete a topic of someone else', run: (u, id) => api(u, 'DELETE', `/topics/${id}`) },
        {
          name: 'delete a reply of someone else',
          run: async (u, id) => {
            const r = await reply(asker, id);
            return api(u, 'DELETE', `/replies/${r.id}`);
          },
        },
        { name: 'see the flag queue', run: (u) => api(u, 'GET', `/communities/${pub.slug}/forum-flags`) },
        {
          name: 'resolve a flag',
          run: async (u, id) => {
            await api(member, 'POST', `/topics/${id}/flag`, { reason: 'off-topic' });
            const queue = await api(owner, 'GET', `/communities/${pub.slug}/forum-flags`);
            const flag = queue.body.items.find((f: { target: { topicId: string } }) => f.target.topicId === id);
            return api(u, 'POST', `/forum-flags/${flag.id}/resolve`, { action: 'dismiss' });
          },
        },
      ];
      const allowed: [string, User][] = [
        ['owner', owner],
        ['moderator', moderator],
        ['site admin', admin],
      ];
      const refused: [string, User, number, string][] = [
        ['member', member, 403, 'MODERATOR_REQUIRED'],
        ['outsider of a public community', outsider, 403, 'MODERATOR_REQUIRED'],
      ];
      for (const action of actions) {
        for (const [who, u] of allowed) {
          const topic = await newTopic(asker, { title: `${action.name} by ${who}` });
          const res = await action.run(u, topic.id);
          assert.equal(res.status, 200, `${who} may ${action.name}: ${JSON.stringify(res.body)}`);
        }
        for (const [who, u, status, code] of refused) {
          const topic = await newTopic(asker, { title: `${action.name} by ${who}` });
          const res = await action.run(u, topic.id);
          assert.equal(res.status, status, `${who} may not ${action.name}`);
          assert.equal(res.body.error.code, code, `${who} / ${action.name}`);
        }
      }
      // In a restricted community an outsider learns nothing: every route answers 404.
      for (const [method, path, body] of [
        ['GET', `/topics/${secretTopic}`],
        ['PUT', `/topics/${secretTopic}/pin`],
        ['PUT', `/topics/${secretTopic}/lock`],
        ['DELETE', `/topics/${secretTopic}`],
        ['GET', `/topics/${secretTopic}/replies`],
        ['POST', `/topics/${secretTopic}/replies`, { body: 'hi' }],
        ['POST', `/topics/${secretTopic}/flag`, { reason: 'spam' }],
        ['GET', `/communities/${restricted.slug}/topics`],
        ['GET', `/communities/${restricted.slug}/forum-flags`],
      ] as [string, string, unknown?][]) {
        const res = await api(outsider, method, path, body);
        assert.equal(res.status, 404, `${method} ${path}`);
      }
      const secretReply = await reply(owner, secretTopic);
      assert.equal((await api(outsider, 'GET', `/replies/${secretReply.id}`)).status, 404);
      assert.equal((await api(outsider, 'PUT', `/replies/${secretReply.id}/like`)).status, 404);
    });

    it('refuses replies to a locked topic with 403 TOPIC_LOCKED, except from moderators', async () => {
      const topic = await newTopic(member);
      const early = await reply(asker, topic.id);
      const locked = await api(moderator, 'PUT', `/topics/${topic.id}/lock`);
      assert.equal(locked.body.locked, true);
      assert.equal(locked.body.canReply, true, 'moderators may still reply');
      const view = await api(member, 'GET', `/topics/${topic.id}`);
      assert.equal(view.body.canReply, false);
      const refused = await api(member, 'POST', `/topics/${topic.id}/replies`, { body: 'one more thing' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'TOPIC_LOCKED');
      assert.match(refused.body.error.message, /locked/);
      assert.equal((await api(asker, 'PATCH', `/replies/${early.id}`, { body: 'edited after the lock' })).body.error.code, 'TOPIC_LOCKED');
      assert.equal((await api(member, 'PATCH', `/topics/${topic.id}`, { body: 'edited after the lock' })).body.error.code, 'TOPIC_LOCKED');
      assert.equal((await api(moderator, 'POST', `/topics/${topic.id}/replies`, { body: 'Locked: see the new thread.' })).status, 201);
      await api(owner, 'DELETE', `/topics/${topic.id}/lock`);
      assert.equal((await api(member, 'POST', `/topics/${topic.id}/replies`, { body: 'thanks' })).status, 201);
    });

    it('has answers only on questions, chosen by the asker or a moderator', async () => {
      const discussion = await newTopic(asker);
      const r = await reply(member, discussion.id);
      const notQuestion = await api(asker, 'PUT', `/topics/${discussion.id}/answer`, { replyId: r.id });
      assert.equal(notQuestion.status, 409);
      assert.equal(notQuestion.body.error.code, 'NOT_A_QUESTION');

      const question = await newTopic(asker, { title: 'Which plate readers cover MM 180?', question: true });
      const a = await reply(member, question.id, { body: 'MM 186 and MM 221' });
      const b = await reply(moderator, question.id, { body: 'Also MM 205' });
      const stranger = await api(member, 'PUT', `/topics/${question.id}/answer`, { replyId: a.id });
      assert.equal(stranger.status, 403);
      assert.equal(stranger.body.error.code, 'ASKER_REQUIRED');
      const byAsker = await api(asker, 'PUT', `/topics/${question.id}/answer`, { replyId: a.id });
      assert.equal(byAsker.status, 200);
      assert.equal(byAsker.body.answerReplyId, a.id);
      assert.equal(byAsker.body.answered, true);
      const byModerator = await api(moderator, 'PUT', `/topics/${question.id}/answer`, { replyId: b.id });
      assert.equal(byModerator.body.answerReplyId, b.id);
      const wrong = await api(asker, 'PUT', `/topics/${question.id}/answer`, { replyId: r.id });
      assert.equal(wrong.status, 422);
      assert.equal(wrong.body.error.fields.replyId, 'Not a reply of this topic');
      const page = await api(member, 'GET', `/topics/${question.id}/replies`);
      assert.deepEqual(
        page.body.items.map((x: { isAnswer: boolean }) => x.isAnswer),
        [false, true],
      );
      const answered = await api(member, 'GET', `/communities/${pub.slug}/topics?filter=answered&limit=100`);
      assert.ok(answered.body.items.some((x: { id: string }) => x.id === question.id));
      const unanswered = await api(member, 'GET', `/communities/${pub.slug}/topics?filter=unanswered&limit=100`);
      assert.ok(!unanswered.body.items.some((x: { id: string }) => x.id === question.id));
      // Deleting the answer leaves the question unanswered.
      await api(moderator, 'DELETE', `/replies/${b.id}`);
      assert.equal((await api(asker, 'GET', `/topics/${question.id}`)).body.answerReplyId, null);
    });

    it('keeps one level of nesting: a reply to a nested reply goes under its top-level reply and quotes it', async () => {
      const topic = await newTopic(member);
      const first = await reply(member, topic.id, { body: 'first' });
      const second = await reply(asker, topic.id, { body: 'second' });
      const nested = await reply(asker, topic.id, { body: 'nested under first', parentId: first.id });
      assert.equal(nested.parentId, first.id);
      const deeper = await reply(moderator, topic.id, { body: 'answering the nested one', parentId: nested.id });
      assert.equal(deeper.parentId, first.id, 'flattened to the top-level reply');
      assert.equal(deeper.quote?.id, nested.id, 'and quotes the one it answers');
      assert.equal(deeper.quote?.excerpt, 'nested under first');
      const quoting = await reply(member, topic.id, { body: 'quoting', quoteId: second.id });
      assert.equal(quoting.quote?.authorName, 'Forum Asker');
      const page = await api(member, 'GET', `/topics/${topic.id}/replies`);
      assert.deepEqual(
        page.body.items.map((r: { body: string }) => r.body),
        ['first', 'nested under first', 'answering the nested one', 'second', 'quoting'],
        'thread order: each top-level reply followed by its nested replies',
      );
      const foreign = await newTopic(member);
      const elsewhere = await reply(member, foreign.id);
      const bad = await api(member, 'POST', `/topics/${topic.id}/replies`, { body: 'x', parentId: elsewhere.id });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error.fields.parentId, 'Not a reply of this topic');
    });

    it('pages a long thread forward, backward and from an anchor, with nothing twice or missing', async () => {
      const topic = await newTopic(member);
      const ids: string[] = [];
      const order: string[] = [];
      for (let i = 0; i < 30; i++) {
        const parentId = i % 4 === 3 ? ids[i - 1] : undefined;
        const r = await reply(i % 2 ? member : asker, topic.id, { body: `reply ${i}`, parentId });
        ids.push(r.id);
      }
      // The expected thread order.
      const full = await api(member, 'GET', `/topics/${topic.id}/replies?limit=100`);
      order.push(...full.body.items.map((r: { id: string }) => r.id));
      assert.equal(order.length, 30);
      assert.equal(full.body.total, 30);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await api(member, 'GET', `/topics/${topic.id}/replies?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...res.body.items.map((r) => r.id));
        cursor = res.body.nextCursor;
        // Replies written meanwhile land after everything seen so far.
        if (cursor && seen.length < 20) await reply(owner, topic.id, { body: 'meanwhile' });
      } while (cursor);
      assert.deepEqual(seen.slice(0, 30), order);
      assert.equal(new Set(seen).size, seen.length);

      // A deep link to a nested reply starts at its thread, and can load upward.
      const target = ids[15]!;
      const anchored = await api(member, 'GET', `/topics/${topic.id}/replies?limit=5&anchor=${target}`);
      assert.equal(anchored.status, 200);
      const at = order.indexOf(target);
      const start = anchored.body.items[0].id;
      assert.ok(anchored.body.items.some((r: { id: string }) => r.id === target));
      assert.ok(order.indexOf(start) <= at && order.indexOf(start) >= at - 1, 'the page starts at the thread holding the anchor');
      assert.ok(anchored.body.prevCursor);
      const back = await api(member, 'GET', `/topics/${topic.id}/replies?limit=5&before=${anchored.body.prevCursor}`);
      assert.deepEqual(
        back.body.items.map((r: { id: string }) => r.id),
        order.slice(order.indexOf(start) - 5, order.indexOf(start)),
      );
      assert.ok(back.body.nextCursor);
      const other = await newTopic(member);
      assert.equal((await api(member, 'GET', `/topics/${other.id}/replies?anchor=${target}`)).status, 404);
      const both = await api(member, 'GET', `/topics/${topic.id}/replies?anchor=${target}&before=${anchored.body.prevCursor}`);
      assert.equal(both.status, 400);
      assert.equal((await api(member, 'GET', `/topics/${topic.id}/replies?cursor=bogus`)).body.error.fields['cursor'], 'Not a cursor this server gave out');
    });

    it('counts likes once a member, and shows tombstones for deleted replies', async () => {
      const topic = await newTopic(member);
      const r = await reply(asker, topic.id);
      assert.deepEqual((await api(member, 'PUT', `/replies/${r.id}/like`)).body, { likeCount: 1, liked: true });
      assert.deepEqual((await api(member, 'PUT', `/replies/${r.id}/like`)).body, { likeCount: 1, liked: true }, 'liking twice counts once');
      assert.deepEqual((await api(moderator, 'PUT', `/replies/${r.id}/like`)).body, { likeCount: 2, liked: true });
      assert.deepEqual((await api(member, 'DELETE', `/replies/${r.id}/like`)).body, { likeCount: 1, liked: false });
      assert.equal((await api(outsider, 'PUT', `/replies/${r.id}/like`)).body.error.code, 'MEMBERSHIP_REQUIRED');
      const page = await api(moderator, 'GET', `/topics/${topic.id}/replies`);
      assert.equal(page.body.items[0].liked, true);
      assert.equal((await api(member, 'DELETE', `/replies/${r.id}`)).body.error.code, 'MODERATOR_REQUIRED');
      assert.equal((await api(asker, 'DELETE', `/replies/${r.id}`)).status, 200);
      const after = await api(member, 'GET', `/topics/${topic.id}/replies`);
      assert.equal(after.body.items[0].deleted, true);
      assert.equal(after.body.items[0].body, '');
      assert.equal(after.body.items[0].author, null);
      assert.equal(after.body.total, 0);
    });

    it('queues flags for moderators (the sensitive-information reason included) and removes what they remove', async () => {
      const topic = await newTopic(member);
      const r = await reply(asker, topic.id, { body: 'Subject DOB 01/02/1980, SSN …' });
      const other = await api(member, 'POST', `/replies/${r.id}/flag`, { reason: 'other' });
      assert.equal(other.status, 400);
      assert.equal(other.body.error.fields.note, 'Say what is wrong');
      const flagged = await api(member, 'POST', `/replies/${r.id}/flag`, { reason: 'sensitive-information' });
      assert.equal(flagged.status, 200);
      await api(member, 'POST', `/replies/${r.id}/flag`, { reason: 'sensitive-information' });
      const queue = await api(moderator, 'GET', `/communities/${pub.slug}/forum-flags`);
      const mine = queue.body.items.filter((f: { target: { replyId: string | null } }) => f.target.replyId === r.id);
      assert.equal(mine.length, 1, 'flagging twice queues once');
      assert.equal(mine[0].reason, 'sensitive-information');
      assert.equal(mine[0].target.kind, 'reply');
      assert.equal(mine[0].target.author.name, 'Forum Asker');
      assert.equal(mine[0].reporter.name, 'Forum Member');
      // The moderators heard of it, and no one else.
      const notices = await t.services.db.kysely.selectFrom('event').select('user_id').where('type', '=', 'forum.flagged').execute();
      const told = new Set(notices.map((n) => n.user_id));
      assert.ok(told.has(moderator.userId) && told.has(owner.userId));
      assert.ok(!told.has(member.userId) && !told.has(asker.userId));
      assert.equal((await api(moderator, 'POST', `/forum-flags/${mine[0].id}/resolve`, { action: 'remove' })).status, 200);
      assert.equal((await api(member, 'GET', `/replies/${r.id}`)).body.deleted, true);
      const later = await api(moderator, 'GET', `/communities/${pub.slug}/forum-flags`);
      assert.ok(!later.body.items.some((f: { id: string }) => f.id === mine[0].id));
    });

    it('tells a topic’s followers of replies, and mentioned members, and not the writer', async () => {
      const topic = await newTopic(member);
      await api(outsider, 'PUT', `/topics/${topic.id}/follow`);
      const r = await reply(asker, topic.id, { body: `Ping @[Forum Moderator](user:${moderator.userId}) and @[Outsider](user:${outsider.userId})` });
      const events = await t.services.db.kysely.selectFrom('event').selectAll().where('type', 'in', ['topic.replied', 'mention.created']).execute();
      const about = events.filter((e) => JSON.parse(e.payload).replyId === r.id);
      const replied = about.filter((e) => e.type === 'topic.replied').map((e) => e.user_id);
      assert.deepEqual(new Set(replied), new Set([member.userId, outsider.userId]), 'the author (auto-followed) and an explicit follower; not the replier');
      const mentioned = about.filter((e) => e.type === 'mention.created').map((e) => e.user_id);
      assert.deepEqual(mentioned, [moderator.userId], 'only members are told of a mention');
      const unfollowed = await api(outsider, 'DELETE', `/topics/${topic.id}/follow`);
      assert.equal(unfollowed.body.following, false);
      const asked = await api(asker, 'GET', `/topics/${topic.id}`);
      assert.equal(asked.body.following, true, 'replying follows the topic');
    });

    it('lists topics pinned first, then by latest activity, with filters and tags', async () => {
      const community = await api(owner, 'POST', '/communities', { name: 'Forum Listing', visibility: 'public' });
      const slug = community.body.slug;
      const forum = (await api(owner, 'GET', `/communities/${slug}/forums`)).body.items[0].id;
      const a = await newTopic(owner, { title: 'A', tags: ['Schedule', 'lpr'] }, slug, forum);
      const b = await newTopic(owner, { title: 'B', question: true }, slug, forum);
      const c = await newTopic(owner, { title: 'C' }, slug, forum);
      await reply(owner, a.id);
      await api(owner, 'PUT', `/topics/${b.id}/pin`);
      const list = await api(member, 'GET', `/communities/${slug}/topics`);
      assert.deepEqual(
        list.body.items.map((x: { title: string }) => x.title),
        ['B', 'A', 'C'],
      );
      assert.deepEqual(list.body.items[1].tags, ['schedule', 'lpr']);
      const paged = await api(member, 'GET', `/communities/${slug}/topics?limit=1`);
      const next = await api(member, 'GET', `/communities/${slug}/topics?limit=5&cursor=${paged.body.nextCursor}`);
      assert.deepEqual(
        next.body.items.map((x: { title: string }) => x.title),
        ['A', 'C'],
      );
      const tagged = await api(member, 'GET', `/communities/${slug}/topics?tag=lpr`);
      assert.deepEqual(
        tagged.body.items.map((x: { id: string }) => x.id),
        [a.id],
      );
      const questions = await api(member, 'GET', `/communities/${slug}/topics?filter=unanswered`);
      assert.deepEqual(
        questions.body.items.map((x: { id: string }) => x.id),
        [b.id],
      );
      void c;
    });

    it('validates topics and replies at the edge, naming the field, and writes a retried one once', async () => {
      const bad = await api(member, 'POST', `/communities/${pub.slug}/topics`, { forumId, title: '', body: 'x', tags: ['no spaces allowed'], extra: 1 });
      assert.equal(bad.status, 400);
      assert.ok(bad.body.error.fields.title);
      assert.ok(bad.body.error.fields['tags.0']);
      assert.ok(bad.body.error.fields.extra);
      const wrongForum = await api(member, 'POST', `/communities/${pub.slug}/topics`, { forumId: 'frm_nope', title: 't', body: 'b' });
      assert.equal(wrongForum.status, 422);
      assert.equal(wrongForum.body.error.fields.forumId, 'Not a forum of this community');
      const outsiderTopic = await api(outsider, 'POST', `/communities/${pub.slug}/topics`, { forumId, title: 't', body: 'b' });
      assert.equal(outsiderTopic.body.error.code, 'MEMBERSHIP_REQUIRED');
      const topic = await newTopic(member);
      const clientId = randomUUID();
      const first = await api(member, 'POST', `/topics/${topic.id}/replies`, { body: 'once', clientId });
      const again = await api(member, 'POST', `/topics/${topic.id}/replies`, { body: 'once', clientId });
      assert.equal(first.status, 201);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.body.clientId, clientId);
      assert.equal((await api(member, 'GET', `/topics/${topic.id}`)).body.replyCount, 1);
      const empty = await api(member, 'POST', `/topics/${topic.id}/replies`, { body: '   ' });
      assert.equal(empty.body.error.fields.body, 'Write something');
      const move = await api(owner, 'POST', `/topics/${topic.id}/move`, { forumId: 'frm_elsewhere' });
      assert.equal(move.status, 422);
    });

    it('answers a pending or not-opted-in account with its own state, not “not found”', async () => {
      const topic = await newTopic(member);
      const pending = await signUpAndIn(t, 'Pending Reader');
      const res = await api(pending, 'GET', `/topics/${topic.id}`);
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'ACCOUNT_PENDING');
      await activate(t, pending.userId, { optedIn: false });
      assert.equal((await api(pending, 'GET', `/topics/${topic.id}/replies`)).body.error.code, 'OPT_IN_REQUIRED');
    });

    it('lets an author delete their own topic only until someone else replies', async () => {
      const lonely = await newTopic(member);
      assert.equal((await api(member, 'GET', `/topics/${lonely.id}`)).body.canDelete, true);
      assert.equal((await api(member, 'DELETE', `/topics/${lonely.id}`)).status, 200);
      assert.equal((await api(member, 'GET', `/topics/${lonely.id}`)).status, 404);
      const busy = await newTopic(member);
      await reply(asker, busy.id);
      assert.equal((await api(member, 'GET', `/topics/${busy.id}`)).body.canDelete, false);
      assert.equal((await api(member, 'DELETE', `/topics/${busy.id}`)).body.error.code, 'MODERATOR_REQUIRED');
    });
  });
}
