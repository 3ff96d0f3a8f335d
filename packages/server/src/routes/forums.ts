import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Access, Action } from '../authz.ts';
import { allow, authorizeObject, authorizeRef } from '../http/authorize.ts';
import { answerTopic, contentRights, deleteTopic as mayDeleteTopic, editTopic, type ContentRights } from '../policy.ts';
import {
  createForum,
  deleteTopic,
  findTopic,
  othersReplied,
  listForums,
  oneReply,
  topicPage,
  topicView,
  type TopicTable,
} from '../data/forums.ts';
import { mentionedUserIds, newId } from '../data/posts.ts';
import { now } from '../db/database.ts';
import { lockCommunities } from '../db/locks.ts';
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
export const routes = {
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

export type Db = Kysely<Database>;
export const NO_REPLY = () => new ApiError(404, 'NOT_FOUND', 'No such reply.');

/**
 * The topic (not deleted) and the caller's rights in its community
 * (authorizeObject: a topic in a community the caller may not read inside is
 * "not found"). In a write's transaction the topic stays locked: its
 * counters, answer and forum are decided on under that lock (db/locks.ts).
 */
export async function topicAccess(c: Context<AppEnv>, id: string, action: Action, trx?: Db) {
  const lock = trx !== undefined;
  const { object: topic, access } = await authorizeObject(c, (db) => findTopic(db, id, lock), action, { db: trx, notFound: 'No such topic.' });
  return { topic, access, rights: contentRights(access) };
}

/** The reply (deleted ones too: tombstones), its topic (locked in a write, as topicAccess) and the caller's rights. */
export async function replyAccess(c: Context<AppEnv>, id: string, action: Action, trx?: Db) {
  const lock = trx !== undefined;
  const find = async (db: Db) => {
    const first = await db.selectFrom('reply').select('topic_id').where('id', '=', id).executeTakeFirst();
    const topic = first && (await findTopic(db, first.topic_id, lock));
    // Read after the topic's lock: what a concurrent request did to the reply has committed.
    const reply = topic && (await db.selectFrom('reply').selectAll().where('id', '=', id).executeTakeFirst());
    return topic && reply ? { community_id: topic.community_id, topic, reply } : undefined;
  };
  const { object, access } = await authorizeObject(c, find, action, { db: trx, notFound: 'No such reply.' });
  return { reply: object.reply, topic: object.topic, access, rights: contentRights(access) };
}

type TopicChange = 'edit' | 'pin' | 'lock' | 'move' | 'answer';
async function topicChanged(c: Context<AppEnv>, trx: Db, access: Access, topic: TopicTable, change: TopicChange, forumId = topic.forum_id) {
  await emit(c, trx, { type: 'topic.updated', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, forumId, change } });
}

/** A reply of this topic that is not deleted, or a 422 naming the field. */
export async function replyIn(trx: Db, topic: TopicTable, id: string, field: string) {
  const r = await trx.selectFrom('reply').selectAll().where('id', '=', id).where('topic_id', '=', topic.id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!r) throw new ApiError(422, 'UNKNOWN_REPLY', 'Name a reply of this topic.', { [field]: 'Not a reply of this topic' });
  return r;
}

/**
 * What a create with an idempotency key answers when the key's row already
 * exists (a retry, or the same request sent at once): that row, as the first
 * answer showed it.
 */
async function sameClientIdRow(trx: Db, table: 'topic' | 'reply', authorId: string, clientId: string) {
  const row = await trx.selectFrom(table).select(['id', 'deleted_at']).where('author_id', '=', authorId).where('client_id', '=', clientId).executeTakeFirstOrThrow();
  if (row.deleted_at) throw new ApiError(409, 'CLIENT_ID_USED', 'What you sent with this clientId was deleted since: send it with a new clientId.', { clientId: 'Already used' });
  return row.id;
}

async function sameClientIdTopic(trx: Db, rights: ContentRights, authorId: string, clientId: string) {
  return topicView(trx, rights, await sameClientIdRow(trx, 'topic', authorId, clientId));
}

export async function sameClientIdReply(trx: Db, rights: ContentRights, authorId: string, clientId: string) {
  const id = await sameClientIdRow(trx, 'reply', authorId, clientId);
  const reply = await trx.selectFrom('reply').select('topic_id').where('id', '=', id).executeTakeFirstOrThrow();
  const topic = await trx.selectFrom('topic').selectAll().where('id', '=', reply.topic_id).executeTakeFirstOrThrow();
  return oneReply(trx, rights, topic, id);
}

async function forumIn(trx: Db, communityId: string, forumId: string) {
  const f = await trx.selectFrom('forum').select(['id']).where('id', '=', forumId).where('community_id', '=', communityId).executeTakeFirst();
  if (!f) throw new ApiError(422, 'UNKNOWN_FORUM', 'Choose one of this community’s forums.', { forumId: 'Not a forum of this community' });
  return f;
}

export async function touchActivity(trx: Db, topic: Pick<TopicTable, 'id' | 'forum_id' | 'community_id'>, at: string) {
  await trx.updateTable('topic').set({ last_activity_at: at }).where('id', '=', topic.id).execute();
  await trx.updateTable('forum').set({ last_activity_at: at }).where('id', '=', topic.forum_id).execute();
  await trx.updateTable('community').set({ updated_at: at }).where('id', '=', topic.community_id).execute();
}

/** @mentioned members of the community hear of it (mentions of anyone else are only text). */
export async function notifyMentions(c: Context<AppEnv>, trx: Db, access: Access, body: string, payload: Record<string, unknown>) {
  const mentioned = mentionedUserIds(body).filter((u) => u !== access.actor.userId);
  if (!mentioned.length) return;
  const members = await trx.selectFrom('membership').select('user_id').where('community_id', '=', access.community.id).where('state', '=', 'active').where('user_id', 'in', mentioned).execute();
  for (const m of members) {
    await emit(c, trx, { type: 'mention.created', userId: m.user_id, communityId: access.community.id, content: true, payload: { ...payload, slug: access.community.slug, by: access.actor.userId } });
  }
}

export async function addFlag(c: Context<AppEnv>, trx: Db, access: Access, topic: TopicTable, replyId: string | null, flag: { reason: FlagReason; note?: string }) {
  const me = access.actor.userId;
  // Flagging the same thing twice adds nothing to the queue.
  let dup = trx.selectFrom('forum_flag').select('id').where('topic_id', '=', topic.id).where('reporter_id', '=', me).where('resolved_at', 'is', null);
  dup = replyId ? dup.where('reply_id', '=', replyId) : dup.where('reply_id', 'is', null);
  if (await dup.executeTakeFirst()) return;
  const id = newId('flg');
  await trx
    .insertInto('forum_flag')
    .values({ id, community_id: topic.community_id, topic_id: topic.id, reply_id: replyId, reporter_id: me, reason: flag.reason, note: flag.note ?? null, resolved_at: null, resolved_by: null, resolution: null, created_at: now(trx) })
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
      // A forum's name is unique in its community: checked under the community's lock (db/locks.ts).
      await lockCommunities(trx, [access.community.id]);
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
      const rights = contentRights(access);
      const me = access.actor.userId;
      if (body.clientId) {
        const existing = await trx.selectFrom('topic').select('id').where('author_id', '=', me).where('client_id', '=', body.clientId).where('deleted_at', 'is', null).executeTakeFirst();
        if (existing) return { view: await topicView(trx, rights, existing.id), created: false };
      }
      await forumIn(trx, access.community.id, body.forumId);
      const id = newId('top');
      const at = now(trx);
      const topicTags = body.tags ?? [];
      const inserted = await trx
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
        // The same clientId sent at once: one row; the others answer with it (db/locks.ts).
        .onConflict((oc) => oc.columns(['author_id', 'client_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows) === 0) return { view: await sameClientIdTopic(trx, rights, me, body.clientId!), created: false };
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
      allow(editTopic(rights, topic));
      await trx
        .updateTable('topic')
        .set({
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.body !== undefined && { body: patch.body }),
          ...(patch.tags !== undefined && { tags: JSON.stringify(patch.tags) }),
          edited_at: now(trx),
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
      allow(mayDeleteTopic(rights, topic, await othersReplied(trx, rights, topic)));
      if (await deleteTopic(trx, topic)) {
        await emit(c, trx, { type: 'topic.deleted', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, forumId: topic.forum_id } });
      }
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
      // `topic` was read under its lock: its forum is the current one.
      if (forumId !== topic.forum_id) {
        await trx.updateTable('topic').set({ forum_id: forumId }).where('id', '=', topic.id).execute();
        // The two forums in id order: two moves in opposite directions never wait on each other.
        const counts: [string, '-' | '+'][] = [
          [topic.forum_id, '-'],
          [forumId, '+'],
        ];
        for (const [id, op] of counts.sort(([x], [y]) => (x < y ? -1 : 1))) {
          await trx.updateTable('forum').set((eb) => ({ topic_count: eb('topic_count', op, 1) })).where('id', '=', id).execute();
        }
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
        .values({ topic_id: topic.id, user_id: access.actor.userId, created_at: now(trx) })
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
      allow(answerTopic(rights, topic));
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
      allow(answerTopic(rights, topic));
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
  });
