import type { Forum, Me, Reply, Topic, TopicSummary } from '../api/schemas.js';
import { FLAG_REASONS as FLAG_REASON_LIST } from '../api/schemas.js';
import type { CommunityRules, FixtureCommunity } from './community-fixtures.js';
import { neverAnswered } from './fixture-requests.js';
import { fail, json, noFixture } from './fixture-http.js';
import { LONG_TOPIC_ID, fixtureForums, fixtureReplies, fixtureReply, fixtureTopic, fixtureTopics, manyFixtureReplies, type FixtureForum, type FixtureTopic } from './forum-fixtures.js';
import type { FixtureOptions } from './fixtures.js';

/**
 * Forums, topics, replies and flags: the forum API's rules (readers read,
 * members write, moderators moderate), offset cursors.
 */
export function forumRoutes(rules: CommunityRules, options: FixtureOptions) {
  const { byRef, roleIn, manager, person, contentReadable, placeIn } = rules;
  const forums = structuredClone(options.forums ?? fixtureForums());
  const longCount = options.longThread ?? 10_000;
  const topics = structuredClone(options.topics ?? fixtureTopics()).filter((t) => longCount > 0 || t.id !== LONG_TOPIC_ID);
  /** Each topic's replies in thread order (a top-level reply, then the ones nested under it). */
  const threads = new Map<string, Reply[]>();
  for (const r of structuredClone(options.replies ?? fixtureReplies())) {
    const list = threads.get(r.topicId) ?? [];
    list.push(r);
    threads.set(r.topicId, list);
  }
  for (const [id, list] of threads) {
    const tops = list.filter((r) => !r.parentId).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const under = (top: Reply) => list.filter((r) => r.parentId === top.id).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    threads.set(id, tops.flatMap((top) => [top, ...under(top)]));
  }
  const thread = (topicId: string): Reply[] => {
    let list = threads.get(topicId);
    if (!list) {
      list = topicId === LONG_TOPIC_ID && topics.some((t) => t.id === LONG_TOPIC_ID) ? manyFixtureReplies(LONG_TOPIC_ID, longCount) : [];
      threads.set(topicId, list);
    }
    return list;
  };
  const likes = new Map<string, Set<string>>();
  const flags: {
    id: string;
    reason: string;
    note: string | null;
    reporterId: string;
    createdAt: string;
    topicId: string;
    replyId: string | null;
  }[] = [];
  let seq = 0;

  const forumOf = (t: FixtureTopic) => forums.find((f) => f.id === t.forumId)!;
  const communityOf = (t: FixtureTopic) => byRef(forumOf(t).community)!;
  const replyCount = (t: FixtureTopic) => thread(t.id).filter((r) => !r.deleted).length;
  const othersReplied = (t: FixtureTopic) => thread(t.id).some((r) => !r.deleted && r.author?.id !== t.authorId);
  const forumView = (f: FixtureForum): Forum => {
    const own = topics.filter((t) => t.forumId === f.id);
    return {
      id: f.id,
      communityId: byRef(f.community)!.id,
      name: f.name,
      description: f.description,
      topicCount: own.length,
      lastActivityAt: own.map((t) => t.lastActivityAt).sort().pop() ?? null,
    };
  };
  const summary = (t: FixtureTopic): Omit<TopicSummary, 'excerpt'> => {
    const f = forumOf(t);
    const c = byRef(f.community)!;
    return {
      id: t.id,
      forumId: f.id,
      forumName: f.name,
      ...placeIn(c),
      title: t.title,
      tags: t.tags,
      question: t.question,
      answered: t.question && t.answerReplyId !== null,
      pinned: t.pinned,
      locked: t.locked,
      replyCount: replyCount(t),
      author: person(t.authorId),
      createdAt: t.createdAt,
      lastActivityAt: t.lastActivityAt,
    };
  };
  const excerpt = (body: string) => body.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_`#>|]/g, '').replace(/\s+/g, ' ').trim().slice(0, 200);
  const summaryView = (t: FixtureTopic): TopicSummary => ({ ...summary(t), excerpt: excerpt(t.body) });
  const topicView = (t: FixtureTopic, uid: string): Topic => {
    const c = communityOf(t);
    const moderator = manager(c, uid);
    const member = roleIn(c, uid) !== null;
    return {
      ...summary(t),
      body: t.body,
      editedAt: t.editedAt,
      answerReplyId: t.answerReplyId,
      following: t.followers.includes(uid),
      canReply: member && (!t.locked || moderator),
      canModerate: moderator,
      canEdit: t.authorId === uid || moderator,
      canDelete: moderator || (t.authorId === uid && !othersReplied(t)),
      canAnswer: t.question && (t.authorId === uid || moderator),
    };
  };
  const replyView = (r: Reply, t: FixtureTopic, uid: string): Reply => {
    const c = communityOf(t);
    return {
      ...r,
      liked: likes.get(r.id)?.has(uid) ?? false,
      isAnswer: t.answerReplyId === r.id,
      canEdit: !r.deleted && r.author?.id === uid && !t.locked,
      canDelete: !r.deleted && (r.author?.id === uid || manager(c, uid)),
    };
  };
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const invalid = (fields: Record<string, string>) =>
    fail(400, 'VALIDATION_FAILED', `Invalid request body: ${Object.entries(fields).map(([k, v]) => `${k} (${v})`).join(', ')}`, fields);
  const needMember = () => fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to do that.');
  const needModerator = () => fail(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
  const noTopic = () => fail(404, 'NOT_FOUND', 'No such topic.');
  const checkTags = (tags: unknown, fields: Record<string, string>) => {
    if (tags === undefined) return [];
    if (!Array.isArray(tags) || tags.length > 5) {
      fields.tags = 'At most 5 tags';
      return [];
    }
    const clean = tags.map((x) => (typeof x === 'string' ? x.trim().toLowerCase() : ''));
    if (clean.some((x) => !/^[a-z0-9][a-z0-9-]{0,29}$/.test(x))) fields.tags = 'Tags are 1–30 lower-case letters, digits and dashes';
    return clean;
  };
  const checkFlag = (body: Record<string, unknown>) => {
    if (typeof body.reason !== 'string' || !(FLAG_REASON_LIST as readonly string[]).includes(body.reason)) return invalid({ reason: 'Required' });
    if (body.reason === 'other' && !text(body.note)) return invalid({ note: 'Say what is wrong' });
    return null;
  };
  const addFlag = (uid: string, body: Record<string, unknown>, topicId: string, replyId: string | null) => {
    flags.unshift({ id: `flg_fixture_${++seq}`, reason: body.reason as string, note: text(body.note) || null, reporterId: uid, createdAt: new Date().toISOString(), topicId, replyId });
    return json(200, { ok: true });
  };
  const touch = (t: FixtureTopic) => (t.lastActivityAt = new Date().toISOString());

  /** `/communities/{ref}/forums|topics|forum-flags` (the community is readable). */
  const community = (me: Me, method: string, url: URL, c: FixtureCommunity, action: string, body: Record<string, unknown>): Response | Promise<Response> => {
    const uid = me.id;
    if (!contentReadable(c, uid)) return fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to see inside it.');
    if (method === 'GET' && (action === 'forums' || action === 'topics')) {
      if (options.forumsPending) return neverAnswered();
      if (options.forumsFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
    }
    const own = forums.filter((f) => f.community === c.slug);
    if (action === 'forums' && method === 'GET') return json(200, { items: own.map(forumView) });
    if (action === 'forums' && method === 'POST') {
      if (!manager(c, uid)) return needModerator();
      const name = text(body.name);
      if (!name) return invalid({ name: 'Required' });
      const forum: FixtureForum = { id: `frm_fixture_${++seq}`, community: c.slug, name, description: text(body.description) };
      forums.push(forum);
      return json(201, forumView(forum));
    }
    if (action === 'topics' && method === 'GET') {
      const forum = url.searchParams.get('forum');
      const filter = url.searchParams.get('filter') ?? 'all';
      const tag = url.searchParams.get('tag');
      const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 20));
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const all = topics
        .filter((t) => own.some((f) => f.id === t.forumId) && (!forum || t.forumId === forum) && (!tag || t.tags.includes(tag)))
        .filter((t) =>
          filter === 'questions' ? t.question : filter === 'answered' ? t.question && t.answerReplyId !== null : filter === 'unanswered' ? t.question && t.answerReplyId === null : true,
        )
        .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.lastActivityAt.localeCompare(a.lastActivityAt) || b.id.localeCompare(a.id));
      return json(200, { items: all.slice(offset, offset + limit).map(summaryView), nextCursor: all.length > offset + limit ? String(offset + limit) : null });
    }
    if (action === 'topics' && method === 'POST') {
      if (!roleIn(c, uid)) return needMember();
      const fields: Record<string, string> = {};
      const title = text(body.title);
      const content = text(body.body);
      const forum = own.find((f) => f.id === body.forumId);
      if (!forum) fields.forumId = body.forumId === undefined ? 'Required' : 'No such forum in this community';
      if (!title) fields.title = body.title === undefined ? 'Required' : 'Give the topic a title';
      else if (title.length > 200) fields.title = 'At most 200 characters';
      if (!content) fields.body = body.body === undefined ? 'Required' : 'Write something';
      else if (content.length > 20_000) fields.body = 'At most 20000 characters';
      const tags = checkTags(body.tags, fields);
      if (Object.keys(fields).length) return invalid(fields);
      const clientId = typeof body.clientId === 'string' ? body.clientId : undefined;
      const again = clientId ? topics.find((t) => t.authorId === uid && t.clientId === clientId) : undefined;
      if (again) return json(200, topicView(again, uid));
      const created = fixtureTopic(`top_fixture_${Date.now().toString(36)}_${++seq}`, forum!.id, uid, 0, 0, title, content, {
        tags: [...new Set(tags)],
        question: body.question === true,
        clientId,
      });
      topics.push(created);
      return json(201, topicView(created, uid));
    }
    if (action === 'forum-flags' && method === 'GET') {
      if (!manager(c, uid)) return needModerator();
      const items = flags
        .filter((f) => { const t = topics.find((x) => x.id === f.topicId); return t && communityOf(t) === c; })
        .map((f) => {
          const t = topics.find((x) => x.id === f.topicId)!;
          const r = f.replyId ? thread(t.id).find((x) => x.id === f.replyId) : undefined;
          return {
            id: f.id,
            reason: f.reason,
            note: f.note,
            reporter: { id: f.reporterId, name: person(f.reporterId).name },
            createdAt: f.createdAt,
            target: {
              kind: f.replyId ? 'reply' : 'topic',
              topicId: t.id,
              replyId: f.replyId,
              topicTitle: t.title,
              excerpt: excerpt(r ? r.body : t.body),
              author: r?.author ?? person(t.authorId),
            },
          };
        });
      return json(200, { items });
    }
    return noFixture(method, url);
  };

  /** `/topics/{id}…`, `/replies/{id}…`, `/forum-flags/{id}/resolve`. */
  const other = (me: Me, method: string, url: URL, body: Record<string, unknown>): Response => {
    const uid = me.id;
    const [, kind, id, action] = url.pathname.replace(/^\/api\/v1/, '').split('/').map(decodeURIComponent);
    if (kind === 'forum-flags' && action === 'resolve' && method === 'POST') {
      const f = flags.find((x) => x.id === id);
      const t = f && topics.find((x) => x.id === f.topicId);
      if (!f || !t || !contentReadable(communityOf(t), uid)) return fail(404, 'NOT_FOUND', 'No such flag.');
      if (!manager(communityOf(t), uid)) return needModerator();
      if (body.action !== 'dismiss' && body.action !== 'remove') return invalid({ action: 'Required' });
      if (body.action === 'remove') {
        if (f.replyId) Object.assign(thread(t.id).find((r) => r.id === f.replyId) ?? {}, { deleted: true, body: '', author: null });
        else topics.splice(topics.indexOf(t), 1);
      }
      flags.splice(flags.indexOf(f), 1);
      return json(200, { ok: true });
    }
    let t: FixtureTopic | undefined;
    let r: Reply | undefined;
    if (kind === 'topics') t = topics.find((x) => x.id === id);
    else if (kind === 'replies') {
      for (const x of topics) {
        r = thread(x.id).find((y) => y.id === id);
        if (r) {
          t = x;
          break;
        }
      }
    }
    if (!t || !contentReadable(communityOf(t), uid)) return kind === 'replies' ? fail(404, 'NOT_FOUND', 'No such reply.') : noTopic();
    const c = communityOf(t);
    const member = roleIn(c, uid) !== null;
    const moderator = manager(c, uid);
    if (options.forumsFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');

    if (r) {
      if (!action && method === 'GET') return json(200, replyView(r, t, uid));
      if (!action && method === 'PATCH') {
        if (!member) return needMember();
        if (r.deleted || r.author?.id !== uid) return fail(403, 'AUTHOR_REQUIRED', 'Only its author may edit a reply.');
        if (t.locked) return fail(403, 'TOPIC_LOCKED', 'This topic is locked.');
        const content = text(body.body);
        if (!content) return invalid({ body: 'Write something' });
        Object.assign(r, { body: content, editedAt: new Date().toISOString() });
        return json(200, replyView(r, t, uid));
      }
      if (!action && method === 'DELETE') {
        if (r.author?.id !== uid && !moderator) return needModerator();
        Object.assign(r, { deleted: true, body: '', author: null });
        if (t.answerReplyId === r.id) t.answerReplyId = null;
        return json(200, { ok: true });
      }
      if (action === 'like' && (method === 'PUT' || method === 'DELETE')) {
        if (!member) return needMember();
        const set = likes.get(r.id) ?? new Set<string>();
        likes.set(r.id, set);
        const had = set.has(uid);
        if (method === 'PUT' && !had) (set.add(uid), r.likeCount++);
        if (method === 'DELETE' && had) (set.delete(uid), r.likeCount--);
        return json(200, { likeCount: r.likeCount, liked: set.has(uid) });
      }
      if (action === 'flag' && method === 'POST') return checkFlag(body) ?? addFlag(uid, body, t.id, r.id);
      return noFixture(method, url);
    }

    if (!action && method === 'GET') return json(200, topicView(t, uid));
    if (!action && method === 'PATCH') {
      if (t.authorId !== uid && !moderator) return fail(403, 'AUTHOR_REQUIRED', 'Only its author or a moderator may edit a topic.');
      const fields: Record<string, string> = {};
      if (body.title !== undefined && (!text(body.title) || text(body.title).length > 200)) fields.title = 'Enter a title (at most 200 characters)';
      if (body.body !== undefined && !text(body.body)) fields.body = 'Write something';
      const tags = body.tags === undefined ? undefined : checkTags(body.tags, fields);
      if (Object.keys(fields).length) return invalid(fields);
      if (body.title !== undefined) t.title = text(body.title);
      if (body.body !== undefined) t.body = text(body.body);
      if (tags) t.tags = [...new Set(tags)];
      t.editedAt = new Date().toISOString();
      return json(200, topicView(t, uid));
    }
    if (!action && method === 'DELETE') {
      if (!moderator && !(t.authorId === uid && !othersReplied(t))) return needModerator();
      topics.splice(topics.indexOf(t), 1);
      return json(200, { ok: true });
    }
    if ((action === 'pin' || action === 'lock') && (method === 'PUT' || method === 'DELETE')) {
      if (!moderator) return needModerator();
      if (action === 'pin') t.pinned = method === 'PUT';
      else t.locked = method === 'PUT';
      return json(200, topicView(t, uid));
    }
    if (action === 'move' && method === 'POST') {
      if (!moderator) return needModerator();
      const to = forums.find((f) => f.id === body.forumId && f.community === c.slug);
      if (!to) return invalid({ forumId: 'No such forum in this community' });
      t.forumId = to.id;
      return json(200, topicView(t, uid));
    }
    if (action === 'follow' && (method === 'PUT' || method === 'DELETE')) {
      t.followers = t.followers.filter((x) => x !== uid);
      if (method === 'PUT') t.followers.push(uid);
      return json(200, topicView(t, uid));
    }
    if (action === 'answer' && (method === 'PUT' || method === 'DELETE')) {
      if (t.authorId !== uid && !moderator) return fail(403, 'AUTHOR_REQUIRED', 'Only the asker or a moderator may mark the answer.');
      if (!t.question) return fail(409, 'NOT_A_QUESTION', 'This topic is not a question.');
      if (method === 'PUT') {
        const answer = thread(t.id).find((x) => x.id === body.replyId && !x.deleted);
        if (!answer) return invalid({ replyId: 'No such reply in this topic' });
        t.answerReplyId = answer.id;
      } else t.answerReplyId = null;
      return json(200, topicView(t, uid));
    }
    if (action === 'flag' && method === 'POST') return checkFlag(body) ?? addFlag(uid, body, t.id, null);
    if (action === 'replies' && method === 'GET') {
      const list = thread(t.id);
      const limit = Math.max(1, Math.min(100, Number(url.searchParams.get('limit') ?? 50)));
      const cursor = url.searchParams.get('cursor');
      const before = url.searchParams.get('before');
      const anchor = url.searchParams.get('anchor');
      let start = 0;
      let end: number;
      if (anchor) {
        const target = list.find((x) => x.id === anchor);
        if (!target) return fail(404, 'NOT_FOUND', 'No such reply in this topic.');
        start = list.findIndex((x) => x.id === (target.parentId ?? target.id));
        end = Math.min(list.length, start + limit);
      } else if (before) {
        end = Math.min(list.length, Number(before));
        start = Math.max(0, end - limit);
      } else {
        start = cursor ? Number(cursor) : 0;
        end = Math.min(list.length, start + limit);
      }
      return json(200, {
        items: list.slice(start, end).map((x) => replyView(x, t, uid)),
        nextCursor: end < list.length ? String(end) : null,
        prevCursor: start > 0 ? String(start) : null,
        total: list.length,
      });
    }
    if (action === 'replies' && method === 'POST') {
      if (!member) return needMember();
      if (t.locked && !moderator) return fail(403, 'TOPIC_LOCKED', 'This topic is locked.');
      const content = text(body.body);
      if (!content) return invalid({ body: body.body === undefined ? 'Required' : 'Write something' });
      if (content.length > 20_000) return invalid({ body: 'At most 20000 characters' });
      const list = thread(t.id);
      const clientId = typeof body.clientId === 'string' ? body.clientId : null;
      const again = clientId ? list.find((x) => x.author?.id === uid && x.clientId === clientId) : undefined;
      if (again) return json(200, replyView(again, t, uid));
      const parent = typeof body.parentId === 'string' ? list.find((x) => x.id === body.parentId) : undefined;
      if (body.parentId !== undefined && !parent) return invalid({ parentId: 'No such reply in this topic' });
      const quoted = typeof body.quoteId === 'string' ? list.find((x) => x.id === body.quoteId) : parent?.parentId ? parent : undefined;
      if (body.quoteId !== undefined && !quoted) return invalid({ quoteId: 'No such reply in this topic' });
      const top = parent ? (parent.parentId ? list.find((x) => x.id === parent.parentId)! : parent) : undefined;
      const created = fixtureReply(`rpl_fixture_${Date.now().toString(36)}_${++seq}`, t.id, uid, 0, content, {
        parentId: top?.id ?? null,
        quote: quoted && !quoted.deleted && quoted.author ? { id: quoted.id, authorName: quoted.author.name, excerpt: excerpt(quoted.body).slice(0, 140) } : null,
        clientId,
      });
      if (top) {
        let at = list.indexOf(top) + 1;
        while (at < list.length && list[at]!.parentId === top.id) at++;
        list.splice(at, 0, created);
      } else list.push(created);
      touch(t);
      return json(201, replyView(created, t, uid));
    }
    return noFixture(method, url);
  };
  return { community, other };
}
