import { z } from '@hono/zod-openapi';
import type { FlagReason } from '../db/schema.ts';
import { CursorParam } from '../http/cursor.ts';
import { CommunityRef, communityRoutes, jsonBody, jsonContent, IdParam as Id } from '../http/openapi.ts';

/* The forums' API contract: what each route takes and answers (zod, and OpenAPI from it). */

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

const route = communityRoutes(['forums']);
export const routes = {
  forums: route({ method: 'get', path: '/communities/{ref}/forums', summary: 'A community’s forums', request: { params: Ref }, responses: { 200: jsonContent(z.object({ items: z.array(ForumSchema) }), 'Forums') } }),
  createForum: route({ method: 'post', path: '/communities/{ref}/forums', summary: 'Add a forum (owners and moderators)', request: { params: Ref, ...jsonBody(NewForum) }, responses: { 201: jsonContent(ForumSchema, 'Created') } }),
  topics: route({ method: 'get', path: '/communities/{ref}/topics', summary: 'A community’s topics: pinned first, then most recent activity', request: { params: Ref, query: TopicQuery }, responses: { 200: jsonContent(z.object({ items: z.array(TopicSummarySchema), nextCursor: z.string().nullable() }).openapi('TopicPage'), 'A page') } }),
  createTopic: route({ method: 'post', path: '/communities/{ref}/topics', summary: 'Start a topic (members)', request: { params: Ref, ...jsonBody(NewTopic) }, responses: { 201: jsonContent(TopicSchema, 'Created'), 200: jsonContent(TopicSchema, 'Already created (same clientId)') } }),
  topic: route({ method: 'get', path: '/topics/{id}', summary: 'One topic', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'The topic') } }),
  editTopic: route({ method: 'patch', path: '/topics/{id}', summary: 'Edit a topic (its author while unlocked, or a moderator)', request: { params: Id, ...jsonBody(TopicPatch) }, responses: { 200: jsonContent(TopicSchema, 'Edited') } }),
  deleteTopic: route({ method: 'delete', path: '/topics/{id}', summary: 'Delete a topic (a moderator; its author while no one else has replied)', request: { params: Id }, responses: { 200: Ok } }),
  pin: route({ method: 'put', path: '/topics/{id}/pin', summary: 'Pin a topic (moderators)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Pinned') } }),
  unpin: route({ method: 'delete', path: '/topics/{id}/pin', summary: 'Unpin a topic (moderators)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Unpinned') } }),
  lock: route({ method: 'put', path: '/topics/{id}/lock', summary: 'Lock a topic: only moderators may reply (moderators)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Locked') } }),
  unlock: route({ method: 'delete', path: '/topics/{id}/lock', summary: 'Unlock a topic (moderators)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Unlocked') } }),
  move: route({ method: 'post', path: '/topics/{id}/move', summary: 'Move a topic to another forum of the same community (moderators)', request: { params: Id, ...jsonBody(z.strictObject({ forumId: z.string().min(1).max(100) })) }, responses: { 200: jsonContent(TopicSchema, 'Moved') } }),
  follow: route({ method: 'put', path: '/topics/{id}/follow', summary: 'Follow a topic: be told of its replies', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Following') } }),
  unfollow: route({ method: 'delete', path: '/topics/{id}/follow', summary: 'Stop following a topic', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Not following') } }),
  answer: route({ method: 'put', path: '/topics/{id}/answer', summary: 'Mark a reply as the answer to a question (its asker or a moderator)', request: { params: Id, ...jsonBody(z.strictObject({ replyId: z.string().min(1).max(100) })) }, responses: { 200: jsonContent(TopicSchema, 'Answered') } }),
  unanswer: route({ method: 'delete', path: '/topics/{id}/answer', summary: 'Unmark the answer (its asker or a moderator)', request: { params: Id }, responses: { 200: jsonContent(TopicSchema, 'Unanswered') } }),
  flagTopic: route({ method: 'post', path: '/topics/{id}/flag', summary: 'Flag a topic for the moderators', request: { params: Id, ...jsonBody(Flag) }, responses: { 200: Ok } }),
  replies: route({ method: 'get', path: '/topics/{id}/replies', summary: 'A topic’s replies in thread order', request: { params: Id, query: ReplyQuery }, responses: { 200: jsonContent(ReplyPageSchema, 'A page') } }),
  reply: route({ method: 'post', path: '/topics/{id}/replies', summary: 'Reply (members; moderators only once locked)', request: { params: Id, ...jsonBody(NewReply) }, responses: { 201: jsonContent(ReplySchema, 'Replied'), 200: jsonContent(ReplySchema, 'Already replied (same clientId)') } }),
  getReply: route({ method: 'get', path: '/replies/{id}', summary: 'One reply', request: { params: Id }, responses: { 200: jsonContent(ReplySchema, 'The reply') } }),
  editReply: route({ method: 'patch', path: '/replies/{id}', summary: 'Edit your reply (while the topic is unlocked)', request: { params: Id, ...jsonBody(z.strictObject({ body: Body })) }, responses: { 200: jsonContent(ReplySchema, 'Edited') } }),
  deleteReply: route({ method: 'delete', path: '/replies/{id}', summary: 'Delete a reply (its author, or a moderator)', request: { params: Id }, responses: { 200: Ok } }),
  like: route({ method: 'put', path: '/replies/{id}/like', summary: 'Like a reply (members)', request: { params: Id }, responses: { 200: jsonContent(z.object({ likeCount: z.number(), liked: z.boolean() }), 'Liked') } }),
  unlike: route({ method: 'delete', path: '/replies/{id}/like', summary: 'Take a like back', request: { params: Id }, responses: { 200: jsonContent(z.object({ likeCount: z.number(), liked: z.boolean() }), 'Not liked') } }),
  flagReply: route({ method: 'post', path: '/replies/{id}/flag', summary: 'Flag a reply for the moderators', request: { params: Id, ...jsonBody(Flag) }, responses: { 200: Ok } }),
  flags: route({ method: 'get', path: '/communities/{ref}/forum-flags', summary: 'Flagged topics and replies waiting for the moderators (owners and moderators)', request: { params: Ref }, responses: { 200: jsonContent(z.object({ items: z.array(ForumFlagSchema) }), 'Open flags') } }),
  resolve: route({ method: 'post', path: '/forum-flags/{id}/resolve', summary: 'Dismiss a flag, or remove what was flagged (moderators)', request: { params: Id, ...jsonBody(z.strictObject({ action: z.enum(['dismiss', 'remove']) })) }, responses: { 200: Ok } }),
};
