import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { authorize, authorizeRef, requireCommunityUser, type Access } from '../authz.ts';
import {
  createForum,
  deleteReply,
  deleteTopic,
  excerpt,
  findTopic,
  forumRights,
  listForums,
  oneReply,
  replyPage,
  topicPage,
  topicView,
  type ForumRights,
  type TopicTable,
} from '../data/forums.ts';
import { mentionedUserIds, newId } from '../data/posts.ts';
import { now } from '../db/database.ts';
import type { Database, FlagReason } from '../db/schema.ts';
import { emit, inTransaction, type AppEnv } from '../http/context.ts';
import { CursorParam } from '../http/cursor.ts';
import { ApiError } from '../http/errors.ts';
import { CommunityRef, communityErrors, jsonBody, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';

/*
 * Forums: a community's forums, their topics, and the topics' replies. Every
 * read and write asks the authorization function about the community the
 * topic belongs to; a topic or reply in a community you cannot read answers
 * 404, exactly as an id that does not exist.
 */

const Author = z.object({ id: z.string(), name: z.string(), agency: z.string().nullable() });
const ForumSchema = z
  .object({ id: z.string(), communityId: z.string(), name: z.string(), description: z.string(), topicCount: z.number(), lastActivityAt: z.string().nullable() })
  .openapi('Forum');
const TopicFields = {
  id: z.string(),
  forumId: z.string(),
  forumName: z.string(),
  communityId: z.string(),
  communitySlug: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  question: z.boolean(),
  answered: z.boolean(),
  pinned: z.boolean(),
  locked: z.boolean(),
  replyCount: z.number(),
  author: Author,
  createdAt: z.string(),
  lastActivityAt: z.string(),
};
const TopicSummarySchema = z.object({ ...TopicFields, excerpt: z.string() }).openapi('TopicSummary');
const TopicSchema = z
  .object({
    ...TopicFields,
    body: z.string(),
    editedAt: z.string().nullable(),
    answerReplyId: z.string().nullable(),
    following: z.boolean(),
    canReply: z.boolean(),
    canModerate: z.boolean(),
    canEdit: z.boolean(),
    canDelete: z.boolean(),
    canAnswer: z.boolean(),
  })
  .openapi('Topic');
const ReplySchema = z
  .object({
    id: z.string(),
    topicId: z.string(),
    parentId: z.string().nullable().openapi({ description: 'The top-level reply this one is nested under (one level of nesting)' }),
    quote: z.object({ id: z.string(), authorName: z.string(), excerpt: z.string() }).nullable(),
    body: z.string(),
    author: Author.nullable(),
    createdAt: z.string(),
    editedAt: z.string().nullable(),
    deleted: z.boolean(),
    likeCount: z.number(),
    liked: z.boolean(),
    isAnswer: z.boolean(),
    canEdit: z.boolean(),
    canDelete: z.boolean(),
    clientId: z.string().nullable(),
  })
  .openapi('Reply');
const ReplyPageSchema = z
  .object({ items: z.array(ReplySchema), nextCursor: z.string().nullable(), prevCursor: z.string().nullable(), total: z.number() })
  .openapi('ReplyPage');
export const FLAG_REASONS = ['sensitive-information', 'off-topic', 'abusive', 'spam', 'other'] as const satisfies readonly FlagReason[];
const FlagReasonSchema = z.enum(FLAG_REASONS).openapi({
  description: 'sensitive-information: contains personal or criminal-justice information that should not be shared',
});
const ForumFlagSchema = z
  .object({
    id: z.string(),
    reason: FlagReasonSchema,
    note: z.string().nullable(),
    reporter: z.object({ id: z.string(), name: z.string() }),
    createdAt: z.string(),
    target: z.object({ kind: z.enum(['topic', 'reply']), topicId: z.string(), replyId: z.string().nullable(), topicTitle: z.string(), excerpt: z.string(), author: Author }),
  })
  .openapi('ForumFlag');

const Ref = CommunityRef;
const Id = z.object({ id: z.string().min(1).max(100) });
const Ok = jsonContent(z.object({ ok: z.literal(true) }), 'Done');
const Body = z.string().trim().min(1, 'Write something').max(20000);
const Title = z.string().trim().min(1, 'Give the topic a title').max(200);
const Tags = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]{0,29}$/, 'Tags are 1–30 lower-case letters, digits and dashes'),
  )
  .max(5, 'At most 5 tags')
  .transform((t) => [...new Set(t)]);
const NewForum = z.strictObject({ name: z.string().trim().min(1).max(100), description: z.string().trim().max(1000).optional() }).openapi('NewForum');
const NewTopic = z
  .strictObject({
    forumId: z.string().min(1).max(100),
    title: Title,
    body: Body,
    tags: Tags.optional(),
    question: z.boolean().default(false),
    clientId: z.uuid().optional().openapi({ description: 'Idempotency key: sending the same topic again returns the first one' }),
  })
  .openapi('NewTopic');
const TopicPatch = z
  .strictObject({ title: Title.optional(), body: Body.optional(), tags: Tags.optional() })
  .refine((p) => p.title !== undefined || p.body !== undefined || p.tags !== undefined, { message: 'Change the title, body or tags', path: ['body'] })
  .openapi('TopicPatch');
const NewReply = z
  .strictObject({
    body: Body,
    parentId: z.string().min(1).max(100).optional().openapi({ description: 'Reply to this reply (a nested one is flattened to its top-level reply and quoted)' }),
    quoteId: z.string().min(1).max(100).optional(),
    clientId: z.uuid().optional().openapi({ description: 'Idempotency key: sending the same reply again returns the first one' }),
  })
  .openapi('NewReply');
const Flag = z
  .strictObject({ reason: FlagReasonSchema, note: z.string().trim().max(1000).optional() })
  .refine((f) => f.reason !== 'other' || (f.note !== undefined && f.note.length > 0), { message: 'Say what is wrong', path: ['note'] })
  .openapi('NewFlag');
const TopicQuery = z.strictObject({
  forum: z.string().min(1).max(100).optional(),
  filter: z.enum(['all', 'unanswered', 'answered', 'questions']).default('all'),
  tag: z.string().trim().toLowerCase().max(30).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: CursorParam.optional(),
});
const ReplyQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: CursorParam.optional().openapi({ description: 'The page after this cursor (a nextCursor)' }),
    before: CursorParam.optional().openapi({ description: 'The page before this cursor (a prevCursor)' }),
    anchor: z.string().min(1).max(100).optional().openapi({ description: 'The page starting at the thread that holds this reply (deep links)' }),
  })
  .refine((q) => [q.cursor, q.before, q.anchor].filter((v) => v !== undefined).length <= 1, { message: 'Give at most one of cursor, before and anchor', path: ['cursor'] });

const tags = ['forums'];
const routes = {
  forums: createRoute({ method: 'get', path: '/communities/{ref}/forums', tags, summary: 'A community’s forums', request: { params: Ref }, responses: { 200: jsonContent(z.object({ items: z.array(ForumSchema) }), 'Forums'), ...communityErrors } }),
  createForum: createRoute({ method: 'post', path: '/communities/{ref}/forums', tags, summary: 'Add a forum (owners and moderators)', request: { params: Ref, ...jsonBody(NewForum) }, responses: { 201: jsonContent(ForumSchema, 'Created'), ...communityErrors } }),
  topics: createRoute({
    method: 'get',
    path: '/communities/{ref}/topics',
    tags,
    summary: 'A community’s topics: pinned first, then most recent activity',
    request: { params: Ref, query: TopicQuery },
    responses: { 200: jsonContent(z.object({ items: z.array(TopicSummarySchema), nextCursor: z.string().nullable() }).openapi('TopicPage'), 'A page'), ...communityErrors },
  }),
  createTopic: createRoute({
    method: 'post',
    path: '/communities/{ref}/topics',
    tags,
    summary: 'Start a topic (members)',
    request: { params: Ref, ...jsonBody(NewTopic) },
    responses: { 201: jsonContent(TopicSchema, 'Created'), 200: jsonContent(TopicSchema, 'Already created (same clientId)'), ...communityErrors },
  }),
  topic: createRoute({ method: 'get', path: '/topics/{id}', tags, summary: 'One topic', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'The topic'), ...communityErrors } }),
  editTopic: createRoute({ method: 'patch', path: '/topics/{id}', tags, summary: 'Edit a topic (its author while unlocked, or a moderator)', request: { params: Id, ...jsonBody(TopicPatch) }, responses: { 200: jsonContent(TopicSchema, 'Edited'), ...communityErrors } }),
  deleteTopic: createRoute({ method: 'delete', path: '/topics/{id}', tags, summary: 'Delete a topic (a moderator; its author while no one else has replied)', request: { params: Id }, responses: { 200: Ok, ...communityErrors } }),
  pin: createRoute({ method: 'put', path: '/topics/{id}/pin', tags, summary: 'Pin a topic (moderators)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Pinned'), ...communityErrors } }),
  unpin: createRoute({ method: 'delete', path: '/topics/{id}/pin', tags, summary: 'Unpin a topic (moderators)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Unpinned'), ...communityErrors } }),
  lock: createRoute({ method: 'put', path: '/topics/{id}/lock', tags, summary: 'Lock a topic: only moderators may reply (moderators)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Locked'), ...communityErrors } }),
  unlock: createRoute({ method: 'delete', path: '/topics/{id}/lock', tags, summary: 'Unlock a topic (moderators)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Unlocked'), ...communityErrors } }),
  move: createRoute({
    method: 'post',
    path: '/topics/{id}/move',
    tags,
    summary: 'Move a topic to another forum of the same community (moderators)',
    request: { params: Id, ...jsonBody(z.strictObject({ forumId: z.string().min(1).max(100) })) },
    responses: { 200: jsonContent(TopicSchema, 'Moved'), ...communityErrors },
  }),
  follow: createRoute({ method: 'put', path: '/topics/{id}/follow', tags, summary: 'Follow a topic: be told of its replies', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Following'), ...communityErrors } }),
  unfollow: createRoute({ method: 'delete', path: '/topics/{id}/follow', tags, summary: 'Stop following a topic', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Not following'), ...communityErrors } }),
  answer: createRoute({
    method: 'put',
    path: '/topics/{id}/answer',
    tags,
    summary: 'Mark a reply as the answer to a question (its asker or a moderator)',
    request: { params: Id, ...jsonBody(z.strictObject({ replyId: z.string().min(1).max(100) })) },
    responses: { 200: jsonContent(TopicSchema, 'Answered'), ...communityErrors },
  }),
  unanswer: createRoute({ method: 'delete', path: '/topics/{id}/answer', tags, summary: 'Unmark the answer (its asker or a moderator)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Unanswered'), ...communityErrors } }),
  flagTopic: createRoute({ method: 'post', path: '/topics/{id}/flag', tags, summary: 'Flag a topic for the moderators', request: { params: Id, ...jsonBody(Flag) }, responses: { 200: Ok, ...communityErrors } }),
  replies: createRoute({ method: 'get', path: '/topics/{id}/replies', tags, summary: 'A topic’s replies in thread order', request: { params: Id, query: ReplyQuery }, responses: { 200: jsonContent(ReplyPageSchema, 'A page'), ...communityErrors } }),
  reply: createRoute({
    method: 'post',
    path: '/topics/{id}/replies',
    tags,
    summary: 'Reply (members; moderators only once locked)',
    request: { params: Id, ...jsonBody(NewReply) },
    responses: { 201: jsonContent(ReplySchema, 'Replied'), 200: jsonContent(ReplySchema, 'Already replied (same clientId)'), ...communityErrors },
  }),
  getReply: createRoute({ method: 'get', path: '/replies/{id}', tags, summary: 'One reply', request: { params: Id }, responses: { 200: jsonContent(ReplySchema, 'The reply'), ...communityErrors } }),
  editReply: createRoute({ method: 'patch', path: '/replies/{id}', tags, summary: 'Edit your reply (while the topic is unlocked)', request: { params: Id, ...jsonBody(z.strictObject({ body: Body })) }, responses: { 200: jsonContent(ReplySchema, 'Edited'), ...communityErrors } }),
  deleteReply: createRoute({ method: 'delete', path: '/replies/{id}', tags, summary: 'Delete a reply (its author, or a moderator)', request: { params: Id }, responses: { 200: Ok, ...communityErrors } }),
  like: createRoute({ method: 'put', path: '/replies/{id}/like', tags, summary: 'Like a reply (members)', request: { params: Id }, responses: { 200: jsonContent(z.object({ likeCount: z.number(), liked: z.boolean() }), 'Liked'), ...communityErrors } }),
  unlike: createRoute({ method: 'delete', path: '/replies/{id}/like', tags, summary: 'Take a like back', request: { params: Id }, responses: { 200: jsonContent(z.object({ likeCount: z.number(), liked: z.boolean() }), 'Not liked'), ...communityErrors } }),
  flagReply: createRoute({ method: 'post', path: '/replies/{id}/flag', tags, summary: 'Flag a reply for the moderators', request: { params: Id, ...jsonBody(Flag) }, responses: { 200: Ok, ...communityErrors } }),
  flags: createRoute({ method: 'get', path: '/communities/{ref}/forum-flags', tags, summary: 'Flagged topics and replies waiting for the moderators (owners and moderators)', request: { params: Ref }, responses: { 200: jsonContent(z.object({ items: z.array(ForumFlagSchema) }), 'Open flags'), ...communityErrors } }),
  resolve: createRoute({
    method: 'post',
    path: '/forum-flags/{id}/resolve',
    tags,
    summary: 'Dismiss a flag, or remove what was flagged (moderators)',
    request: { params: Id, ...jsonBody(z.strictObject({ action: z.enum(['dismiss', 'remove']) })) },
    responses: { 200: Ok, ...communityErrors },
  }),
};

type Db = Kysely<Database>;
const NO_TOPIC = () => new ApiError(404, 'NOT_FOUND', 'No such topic.');
const NO_REPLY = () => new ApiError(404, 'NOT_FOUND', 'No such reply.');

/**
 * The topic (not deleted) and the caller's rights in its community. A topic
 * in a community the caller may not read inside is "not found"; then the
 * action is asked of the authorization function, whose answer (403 with a
 * code) stands.
 */
async function topicAccess(c: Context<AppEnv>, id: string, action: 'content.read' | 'content.write' | 'content.moderate', db: Db = c.get('services').db.kysely) {
  // The account's own state (pending, not opted in) answers first, as on every community route.
  await requireCommunityUser(c, db);
  const topic = await findTopic(db, id);
  const read = topic ? await authorize(c, topic.community_id, 'content.read', db).catch(() => null) : null;
  if (!topic || !read) throw NO_TOPIC();
  const access = action === 'content.read' ? read : await authorize(c, topic.community_id, action, db);
  return { topic, access, rights: forumRights(access) };
}

async function replyAccess(c: Context<AppEnv>, id: string, action: 'content.read' | 'content.write', db: Db = c.get('services').db.kysely) {
  const reply = await db.selectFrom('reply').selectAll().where('id', '=', id).executeTakeFirst();
  const found = reply ? await topicAccess(c, reply.topic_id, 'content.read', db).catch(() => null) : null;
  if (!reply || !found) throw NO_REPLY();
  if (action !== 'content.read') await authorize(c, found.topic.community_id, action, db);
  return { reply, ...found };
}

const locked = (topic: TopicTable, rights: ForumRights) => {
  if (topic.locked && !rights.moderator) throw new ApiError(403, 'TOPIC_LOCKED', 'This topic is locked: only moderators may reply or edit.');
};

type TopicChange = 'edit' | 'pin' | 'lock' | 'move' | 'answer';
async function topicChanged(c: Context<AppEnv>, trx: Db, access: Access, topic: TopicTable, change: TopicChange, forumId = topic.forum_id) {
  await emit(c, trx, { type: 'topic.updated', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, forumId, change } });
}

/** A reply of this topic that is not deleted, or a 422 naming the field. */
async function replyIn(trx: Db, topic: TopicTable, id: string, field: string) {
  const r = await trx.selectFrom('reply').selectAll().where('id', '=', id).where('topic_id', '=', topic.id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!r) throw new ApiError(422, 'UNKNOWN_REPLY', 'Name a reply of this topic.', { [field]: 'Not a reply of this topic' });
  return r;
}

async function forumIn(trx: Db, communityId: string, forumId: string) {
  const f = await trx.selectFrom('forum').select(['id']).where('id', '=', forumId).where('community_id', '=', communityId).executeTakeFirst();
  if (!f) throw new ApiError(422, 'UNKNOWN_FORUM', 'Choose one of this community’s forums.', { forumId: 'Not a forum of this community' });
  return f;
}

async function touchActivity(trx: Db, topic: Pick<TopicTable, 'id' | 'forum_id' | 'community_id'>, at: string) {
  await trx.updateTable('topic').set({ last_activity_at: at }).where('id', '=', topic.id).execute();
  await trx.updateTable('forum').set({ last_activity_at: at }).where('id', '=', topic.forum_id).execute();
  await trx.updateTable('community').set({ updated_at: at }).where('id', '=', topic.community_id).execute();
}

/** @mentioned members of the community hear of it (mentions of anyone else are only text). */
async function notifyMentions(c: Context<AppEnv>, trx: Db, access: Access, body: string, payload: Record<string, unknown>) {
  const mentioned = mentionedUserIds(body).filter((u) => u !== access.actor.userId);
  if (!mentioned.length) return;
  const members = await trx.selectFrom('membership').select('user_id').where('community_id', '=', access.community.id).where('state', '=', 'active').where('user_id', 'in', mentioned).execute();
  for (const m of members) {
    await emit(c, trx, { type: 'mention.created', userId: m.user_id, communityId: access.community.id, content: true, payload: { ...payload, slug: access.community.slug, by: access.actor.userId } });
  }
}

async function addFlag(c: Context<AppEnv>, trx: Db, access: Access, topic: TopicTable, replyId: string | null, flag: { reason: FlagReason; note?: string }) {
  const me = access.actor.userId;
  // Flagging the same thing twice adds nothing to the queue.
  let dup = trx.selectFrom('forum_flag').select('id').where('topic_id', '=', topic.id).where('reporter_id', '=', me).where('resolved_at', 'is', null);
  dup = replyId ? dup.where('reply_id', '=', replyId) : dup.where('reply_id', 'is', null);
  if (await dup.executeTakeFirst()) return;
  const id = newId('flg');
  await trx
    .insertInto('forum_flag')
    .values({ id, community_id: topic.community_id, topic_id: topic.id, reply_id: replyId, reporter_id: me, reason: flag.reason, note: flag.note ?? null, resolved_at: null, resolved_by: null, resolution: null, created_at: now() })
    .execute();
  // The moderators hear of it; no one else learns who flagged what.
  const moderators = await trx.selectFrom('membership').select('user_id').where('community_id', '=', topic.community_id).where('state', '=', 'active').where('role', '!=', 'member').execute();
  for (const m of moderators) await emit(c, trx, { type: 'forum.flagged', userId: m.user_id, payload: { slug: access.community.slug, flagId: id, topicId: topic.id } });
}

export const forums = createRouter()
  .openapi(routes.forums, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.read');
    return c.json({ items: await listForums(c.get('services').db.kysely, access.community.id) }, 200);
  })
  .openapi(routes.createForum, async (c) => {
    const body = c.req.valid('json');
    const forum = await inTransaction(c, async (trx) => {
      const access = await authorizeRef(c, c.req.valid('param').ref, 'content.moderate', trx);
      const taken = await trx.selectFrom('forum').select('id').where('community_id', '=', access.community.id).where('name', '=', body.name).executeTakeFirst();
      if (taken) throw new ApiError(409, 'FORUM_EXISTS', 'This community already has a forum of that name.', { name: 'Already in use' });
      const f = await createForum(trx, access.community.id, body);
      await emit(c, trx, { type: 'forum.created', communityId: access.community.id, content: true, payload: { slug: access.community.slug, forumId: f.id } });
      return f;
    });
    return c.json(forum, 201);
  })
  .openapi(routes.topics, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.read');
    const q = c.req.valid('query');
    const page = await topicPage(c.get('services').db.kysely, { communityId: access.community.id, forumId: q.forum, filter: q.filter, tag: q.tag }, { limit: q.limit, cursor: q.cursor });
    return c.json(page, 200);
  })
  .openapi(routes.createTopic, async (c) => {
    const body = c.req.valid('json');
    const result = await inTransaction(c, async (trx) => {
      const access = await authorizeRef(c, c.req.valid('param').ref, 'content.write', trx);
      const rights = forumRights(access);
      const me = access.actor.userId;
      if (body.clientId) {
        const existing = await trx.selectFrom('topic').select('id').where('author_id', '=', me).where('client_id', '=', body.clientId).where('deleted_at', 'is', null).executeTakeFirst();
        if (existing) return { view: await topicView(trx, rights, existing.id), created: false };
      }
      await forumIn(trx, access.community.id, body.forumId);
      const id = newId('top');
      const at = now();
      const topicTags = body.tags ?? [];
      await trx
        .insertInto('topic')
        .values({
          id,
          forum_id: body.forumId,
          community_id: access.community.id,
          author_id: me,
          title: body.title,
          body: body.body,
          tags: JSON.stringify(topicTags),
          question: body.question ? 1 : 0,
          answer_reply_id: null,
          client_id: body.clientId ?? null,
          last_activity_at: at,
          edited_at: null,
          deleted_at: null,
          created_at: at,
        })
        .execute();
      if (topicTags.length) await trx.insertInto('topic_tag').values(topicTags.map((tag) => ({ topic_id: id, tag }))).execute();
      await trx.insertInto('topic_follow').values({ topic_id: id, user_id: me, created_at: at }).execute();
      await trx.updateTable('forum').set((eb) => ({ topic_count: eb('topic_count', '+', 1) })).where('id', '=', body.forumId).execute();
      await touchActivity(trx, { id, forum_id: body.forumId, community_id: access.community.id }, at);
      await emit(c, trx, { type: 'topic.created', communityId: access.community.id, content: true, payload: { slug: access.community.slug, topicId: id, forumId: body.forumId } });
      await notifyMentions(c, trx, access, body.body, { topicId: id });
      return { view: await topicView(trx, rights, id), created: true };
    });
    return c.json(result.view, result.created ? 201 : 200);
  })
  .openapi(routes.topic, async (c) => {
    const { topic, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read');
    return c.json(await topicView(c.get('services').db.kysely, rights, topic.id), 200);
  })
  .openapi(routes.editTopic, async (c) => {
    const patch = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.write', trx);
      if (!rights.moderator) {
        if (topic.author_id !== access.actor.userId) throw new ApiError(403, 'AUTHOR_REQUIRED', 'Only its author or a moderator may edit a topic.');
        locked(topic, rights);
      }
      await trx
        .updateTable('topic')
        .set({
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.body !== undefined && { body: patch.body }),
          ...(patch.tags !== undefined && { tags: JSON.stringify(patch.tags) }),
          edited_at: now(),
        })
        .where('id', '=', topic.id)
        .execute();
      if (patch.tags !== undefined) {
        await trx.deleteFrom('topic_tag').where('topic_id', '=', topic.id).execute();
        if (patch.tags.length) await trx.insertInto('topic_tag').values(patch.tags.map((tag) => ({ topic_id: topic.id, tag }))).execute();
      }
      await topicChanged(c, trx, access, topic, 'edit');
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.deleteTopic, async (c) => {
    await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read', trx);
      if (!rights.moderator) {
        const view = await topicView(trx, rights, topic.id);
        if (topic.author_id !== access.actor.userId) throw new ApiError(403, 'MODERATOR_REQUIRED', 'Only a moderator may delete someone else’s topic.');
        if (!view.canDelete) throw new ApiError(403, 'MODERATOR_REQUIRED', 'Others have replied: only a moderator may delete this topic now.');
      }
      await deleteTopic(trx, topic);
      await emit(c, trx, { type: 'topic.deleted', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, forumId: topic.forum_id } });
    });
    return c.json({ ok: true as const }, 200);
  });

/** Pin, unpin, lock and unlock: moderators set one flag of the topic. */
for (const [r, column, value] of [
  [routes.pin, 'pinned', 1],
  [routes.unpin, 'pinned', 0],
  [routes.lock, 'locked', 1],
  [routes.unlock, 'locked', 0],
] as const) {
  forums.openapi(r, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.moderate', trx);
      if (topic[column] !== value) {
        await trx.updateTable('topic').set({ [column]: value }).where('id', '=', topic.id).execute();
        await topicChanged(c, trx, access, topic, column === 'pinned' ? 'pin' : 'lock');
      }
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  });
}

forums
  .openapi(routes.move, async (c) => {
    const { forumId } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.moderate', trx);
      // Within the community only: moving content elsewhere would change who may read it.
      await forumIn(trx, topic.community_id, forumId);
      if (forumId !== topic.forum_id) {
        await trx.updateTable('topic').set({ forum_id: forumId }).where('id', '=', topic.id).execute();
        await trx.updateTable('forum').set((eb) => ({ topic_count: eb('topic_count', '-', 1) })).where('id', '=', topic.forum_id).execute();
        await trx.updateTable('forum').set((eb) => ({ topic_count: eb('topic_count', '+', 1) })).where('id', '=', forumId).execute();
        await topicChanged(c, trx, access, topic, 'move', forumId);
      }
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.follow, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read', trx);
      await trx
        .insertInto('topic_follow')
        .values({ topic_id: topic.id, user_id: access.actor.userId, created_at: now() })
        .onConflict((oc) => oc.columns(['topic_id', 'user_id']).doNothing())
        .execute();
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.unfollow, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read', trx);
      await trx.deleteFrom('topic_follow').where('topic_id', '=', topic.id).where('user_id', '=', access.actor.userId).execute();
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.answer, async (c) => {
    const { replyId } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.write', trx);
      if (!topic.question) throw new ApiError(409, 'NOT_A_QUESTION', 'Only a question has an answer.');
      if (!rights.moderator && topic.author_id !== access.actor.userId) throw new ApiError(403, 'ASKER_REQUIRED', 'Only the asker or a moderator may choose the answer.');
      await replyIn(trx, topic, replyId, 'replyId');
      await trx.updateTable('topic').set({ answer_reply_id: replyId }).where('id', '=', topic.id).execute();
      await topicChanged(c, trx, access, topic, 'answer');
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.unanswer, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.write', trx);
      if (!topic.question) throw new ApiError(409, 'NOT_A_QUESTION', 'Only a question has an answer.');
      if (!rights.moderator && topic.author_id !== access.actor.userId) throw new ApiError(403, 'ASKER_REQUIRED', 'Only the asker or a moderator may choose the answer.');
      await trx.updateTable('topic').set({ answer_reply_id: null }).where('id', '=', topic.id).execute();
      await topicChanged(c, trx, access, topic, 'answer');
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.flagTopic, async (c) => {
    const flag = c.req.valid('json');
    await inTransaction(c, async (trx) => {
      const { topic, access } = await topicAccess(c, c.req.valid('param').id, 'content.read', trx);
      await addFlag(c, trx, access, topic, null, flag);
    });
    return c.json({ ok: true as const }, 200);
  })
  .openapi(routes.replies, async (c) => {
    const { topic, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read');
    const q = c.req.valid('query');
    return c.json(await replyPage(c.get('services').db.kysely, rights, topic, q), 200);
  })
  .openapi(routes.reply, async (c) => {
    const body = c.req.valid('json');
    const result = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.write', trx);
      const me = access.actor.userId;
      if (body.clientId) {
        const existing = await trx.selectFrom('reply').select('id').where('author_id', '=', me).where('client_id', '=', body.clientId).executeTakeFirst();
        if (existing) return { view: await oneReply(trx, rights, topic, existing.id), created: false };
      }
      locked(topic, rights);
      // One level of nesting: a reply to a nested reply goes under its top-level reply and quotes the one it answers.
      let parent: { id: string; root_seq: number } | null = null;
      let quoteId = body.quoteId ?? null;
      if (body.parentId) {
        const target = await replyIn(trx, topic, body.parentId, 'parentId');
        if (target.parent_id) {
          const root = await trx.selectFrom('reply').select(['id', 'root_seq']).where('id', '=', target.parent_id).executeTakeFirstOrThrow();
          parent = root;
          quoteId ??= target.id;
        } else {
          parent = { id: target.id, root_seq: target.root_seq };
        }
      }
      if (quoteId) await replyIn(trx, topic, quoteId, 'quoteId');
      const at = now();
      const counter = await trx
        .updateTable('topic')
        .set((eb) => ({ last_seq: eb('last_seq', '+', 1), reply_count: eb('reply_count', '+', 1) }))
        .where('id', '=', topic.id)
        .returning(['last_seq'])
        .executeTakeFirstOrThrow();
      const seq = Number(counter.last_seq);
      const id = newId('rpl');
      await trx
        .insertInto('reply')
        .values({
          id,
          topic_id: topic.id,
          author_id: me,
          parent_id: parent?.id ?? null,
          quote_id: quoteId,
          root_seq: parent ? parent.root_seq : seq,
          seq,
          body: body.body,
          client_id: body.clientId ?? null,
          edited_at: null,
          deleted_at: null,
          created_at: at,
        })
        .execute();
      await touchActivity(trx, topic, at);
      // Replying follows the topic; every other follower hears of the reply.
      await trx
        .insertInto('topic_follow')
        .values({ topic_id: topic.id, user_id: me, created_at: at })
        .onConflict((oc) => oc.columns(['topic_id', 'user_id']).doNothing())
        .execute();
      const slug = access.community.slug;
      await emit(c, trx, { type: 'reply.created', communityId: topic.community_id, content: true, payload: { slug, topicId: topic.id, replyId: id, authorId: me } });
      const followers = await trx.selectFrom('topic_follow').select('user_id').where('topic_id', '=', topic.id).where('user_id', '!=', me).execute();
      for (const f of followers) {
        await emit(c, trx, { type: 'topic.replied', userId: f.user_id, communityId: topic.community_id, content: true, payload: { slug, topicId: topic.id, replyId: id, title: topic.title } });
      }
      await notifyMentions(c, trx, access, body.body, { topicId: topic.id, replyId: id });
      return { view: await oneReply(trx, rights, topic, id), created: true };
    });
    return c.json(result.view, result.created ? 201 : 200);
  })
  .openapi(routes.getReply, async (c) => {
    const { reply, topic, rights } = await replyAccess(c, c.req.valid('param').id, 'content.read');
    return c.json(await oneReply(c.get('services').db.kysely, rights, topic, reply.id), 200);
  })
  .openapi(routes.editReply, async (c) => {
    const { body } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { reply, topic, access, rights } = await replyAccess(c, c.req.valid('param').id, 'content.write', trx);
      if (reply.deleted_at) throw NO_REPLY();
      if (reply.author_id !== access.actor.userId) throw new ApiError(403, 'AUTHOR_REQUIRED', 'Only its author may edit a reply.');
      locked(topic, rights);
      await trx.updateTable('reply').set({ body, edited_at: now() }).where('id', '=', reply.id).execute();
      await emit(c, trx, { type: 'reply.updated', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, replyId: reply.id, likeCount: Number(reply.like_count) } });
      return oneReply(trx, rights, topic, reply.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.deleteReply, async (c) => {
    await inTransaction(c, async (trx) => {
      const { reply, topic, access, rights } = await replyAccess(c, c.req.valid('param').id, 'content.read', trx);
      if (reply.deleted_at) return;
      if (!rights.moderator && !(reply.author_id === access.actor.userId && rights.member)) {
        throw new ApiError(403, 'MODERATOR_REQUIRED', 'Only its author or a moderator may delete a reply.');
      }
      await deleteReply(trx, topic, reply);
      await emit(c, trx, { type: 'reply.deleted', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, replyId: reply.id } });
    });
    return c.json({ ok: true as const }, 200);
  });

/** Like and unlike: one like a member, counted on the reply so a page needs no count query. */
for (const [r, on] of [
  [routes.like, true],
  [routes.unlike, false],
] as const) {
  forums.openapi(r, async (c) => {
    const result = await inTransaction(c, async (trx) => {
      const { reply, topic, access } = await replyAccess(c, c.req.valid('param').id, 'content.write', trx);
      if (reply.deleted_at) throw NO_REPLY();
      const me = access.actor.userId;
      const changed = on
        ? await trx.insertInto('reply_like').values({ reply_id: reply.id, user_id: me, created_at: now() }).onConflict((oc) => oc.columns(['reply_id', 'user_id']).doNothing()).executeTakeFirst()
        : await trx.deleteFrom('reply_like').where('reply_id', '=', reply.id).where('user_id', '=', me).executeTakeFirst();
      const n = Number('numInsertedOrUpdatedRows' in changed ? changed.numInsertedOrUpdatedRows : changed.numDeletedRows);
      let likeCount = Number(reply.like_count);
      if (n > 0) {
        const row = await trx
          .updateTable('reply')
          .set((eb) => ({ like_count: eb('like_count', on ? '+' : '-', 1) }))
          .where('id', '=', reply.id)
          .returning(['like_count'])
          .executeTakeFirstOrThrow();
        likeCount = Number(row.like_count);
        await emit(c, trx, { type: 'reply.updated', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, replyId: reply.id, likeCount } });
      }
      return { likeCount, liked: on };
    });
    return c.json(result, 200);
  });
}

forums
  .openapi(routes.flagReply, async (c) => {
    const flag = c.req.valid('json');
    await inTransaction(c, async (trx) => {
      const { reply, topic, access } = await replyAccess(c, c.req.valid('param').id, 'content.read', trx);
      if (reply.deleted_at) throw NO_REPLY();
      await addFlag(c, trx, access, topic, reply.id, flag);
    });
    return c.json({ ok: true as const }, 200);
  })
  .openapi(routes.flags, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.moderate');
    const db = c.get('services').db.kysely;
    const rows = await db
      .selectFrom('forum_flag')
      .innerJoin('topic', 'topic.id', 'forum_flag.topic_id')
      .leftJoin('reply', 'reply.id', 'forum_flag.reply_id')
      .innerJoin('user as reporter', 'reporter.id', 'forum_flag.reporter_id')
      .innerJoin('user as author', (j) => j.on((eb) => eb('author.id', '=', eb.fn.coalesce('reply.author_id', 'topic.author_id'))))
      .leftJoin('profile', 'profile.user_id', 'author.id')
      .leftJoin('agency', 'agency.id', 'profile.agency_id')
      .select([
        'forum_flag.id',
        'forum_flag.reason',
        'forum_flag.note',
        'forum_flag.created_at',
        'forum_flag.topic_id',
        'forum_flag.reply_id',
        'reporter.id as reporter_id',
        'reporter.name as reporter_name',
        'topic.title',
        'topic.body as topic_body',
        'reply.body as reply_body',
        'author.id as author_id',
        'author.name as author_name',
        'agency.name as agency_name',
      ])
      .where('forum_flag.community_id', '=', access.community.id)
      .where('forum_flag.resolved_at', 'is', null)
      .orderBy('forum_flag.created_at', 'desc')
      .limit(200)
      .execute();
    return c.json(
      {
        items: rows.map((r) => ({
          id: r.id,
          reason: r.reason,
          note: r.note,
          reporter: { id: r.reporter_id, name: r.reporter_name },
          createdAt: r.created_at,
          target: {
            kind: r.reply_id ? ('reply' as const) : ('topic' as const),
            topicId: r.topic_id,
            replyId: r.reply_id,
            topicTitle: r.title,
            excerpt: excerpt(r.reply_id ? (r.reply_body ?? '') : r.topic_body, 280),
            author: { id: r.author_id, name: r.author_name, agency: r.agency_name ?? null },
          },
        })),
      },
      200,
    );
  })
  .openapi(routes.resolve, async (c) => {
    const { action } = c.req.valid('json');
    await inTransaction(c, async (trx) => {
      const flag = await trx.selectFrom('forum_flag').selectAll().where('id', '=', c.req.valid('param').id).executeTakeFirst();
      const readable = flag ? await authorize(c, flag.community_id, 'content.read', trx).catch(() => null) : null;
      if (!flag || !readable) throw new ApiError(404, 'NOT_FOUND', 'No such flag.');
      const access = await authorize(c, flag.community_id, 'content.moderate', trx);
      if (flag.resolved_at) return;
      const topic = await trx.selectFrom('topic').selectAll().where('id', '=', flag.topic_id).executeTakeFirstOrThrow();
      const slug = access.community.slug;
      if (action === 'remove') {
        if (flag.reply_id) {
          const reply = await trx.selectFrom('reply').selectAll().where('id', '=', flag.reply_id).executeTakeFirstOrThrow();
          await deleteReply(trx, topic, reply);
          await emit(c, trx, { type: 'reply.deleted', communityId: topic.community_id, content: true, payload: { slug, topicId: topic.id, replyId: reply.id } });
        } else {
          await deleteTopic(trx, topic);
          await emit(c, trx, { type: 'topic.deleted', communityId: topic.community_id, content: true, payload: { slug, topicId: topic.id, forumId: topic.forum_id } });
        }
      }
      await trx
        .updateTable('forum_flag')
        .set({ resolved_at: now(), resolved_by: access.actor.userId, resolution: action === 'remove' ? 'removed' : 'dismissed' })
        .where('id', '=', flag.id)
        .execute();
    });
    return c.json({ ok: true as const }, 200);
  });
