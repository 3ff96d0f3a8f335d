import * as z from 'zod/mini';
import { PersonSchema, type Person } from './base-schemas.js';

/* Forums, topics and replies (the forum API: /communities/{ref}/forums|topics, /topics/{id}…, /replies/{id}…). */

/** A topic's or reply's author: the same shape as a post's. */
export const AuthorSchema = PersonSchema;
export type Author = Person;

export const ForumSchema = z.object({
  id: z.string(),
  communityId: z.string(),
  name: z.string(),
  description: z.string(),
  topicCount: z.number(),
  lastActivityAt: z.nullable(z.string()),
});
export type Forum = z.infer<typeof ForumSchema>;
export const ForumListSchema = z.object({ items: z.array(ForumSchema) });

const topicFields = {
  id: z.string(),
  forumId: z.string(),
  forumName: z.string(),
  communityId: z.string(),
  communitySlug: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  /** Asked as a question (it may then get an answer). */
  question: z.boolean(),
  /** A question with an accepted answer. */
  answered: z.boolean(),
  pinned: z.boolean(),
  locked: z.boolean(),
  replyCount: z.number(),
  author: AuthorSchema,
  createdAt: z.string(),
  lastActivityAt: z.string(),
};

export const TopicSummarySchema = z.object({
  ...topicFields,
  /** The first ~200 characters of the body, as plain text. */
  excerpt: z.string(),
});
export type TopicSummary = z.infer<typeof TopicSummarySchema>;

export const TopicPageSchema = z.object({ items: z.array(TopicSummarySchema), nextCursor: z.nullable(z.string()) });
export type TopicPage = z.infer<typeof TopicPageSchema>;

export const TopicSchema = z.object({
  ...topicFields,
  /** Markdown, as the author wrote it: render it only through the sanitizer. */
  body: z.string(),
  editedAt: z.nullable(z.string()),
  answerReplyId: z.nullable(z.string()),
  /** The signed-in user follows it (and hears of new replies). */
  following: z.boolean(),
  /** False when locked (unless a moderator) or not a member. */
  canReply: z.boolean(),
  /** Pin, lock, move, delete and the flag queue. */
  canModerate: z.boolean(),
  canEdit: z.boolean(),
  canDelete: z.boolean(),
  /** A question topic, and the asker or a moderator. */
  canAnswer: z.boolean(),
});
export type Topic = z.infer<typeof TopicSchema>;

export const ReplyQuoteSchema = z.object({ id: z.string(), authorName: z.string(), excerpt: z.string() });
export type ReplyQuote = z.infer<typeof ReplyQuoteSchema>;

export const ReplySchema = z.object({
  id: z.string(),
  topicId: z.string(),
  /** The top-level reply this one is nested under (one level of nesting only). */
  parentId: z.nullable(z.string()),
  quote: z.nullable(ReplyQuoteSchema),
  /** Markdown ('' when deleted): render it only through the sanitizer. */
  body: z.string(),
  /** Null when deleted. */
  author: z.nullable(AuthorSchema),
  createdAt: z.string(),
  editedAt: z.nullable(z.string()),
  /** A tombstone: kept so positions and deep links stay stable. */
  deleted: z.boolean(),
  likeCount: z.number(),
  liked: z.boolean(),
  isAnswer: z.boolean(),
  canEdit: z.boolean(),
  canDelete: z.boolean(),
  clientId: z.nullable(z.string()),
});
export type Reply = z.infer<typeof ReplySchema>;

export const ReplyPageSchema = z.object({
  items: z.array(ReplySchema),
  /** The page after this one. */
  nextCursor: z.nullable(z.string()),
  /** The page before this one (pass it as `before`). */
  prevCursor: z.nullable(z.string()),
  /** Every reply in the topic, tombstones included. */
  total: z.number(),
});
export type ReplyPage = z.infer<typeof ReplyPageSchema>;

/** Why a topic or reply is flagged, in the order a flag form offers them ('other' needs a note). */
export const FLAG_REASONS = ['sensitive-information', 'off-topic', 'abusive', 'spam', 'other'] as const;
export const FlagReasonSchema = z.enum(FLAG_REASONS);
export type FlagReason = z.infer<typeof FlagReasonSchema>;

export const ForumFlagSchema = z.object({
  id: z.string(),
  reason: FlagReasonSchema,
  note: z.nullable(z.string()),
  reporter: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
  target: z.object({
    kind: z.enum(['topic', 'reply']),
    topicId: z.string(),
    replyId: z.nullable(z.string()),
    topicTitle: z.string(),
    excerpt: z.string(),
    author: AuthorSchema,
  }),
});
export type ForumFlag = z.infer<typeof ForumFlagSchema>;
export const ForumFlagListSchema = z.object({ items: z.array(ForumFlagSchema) });

export const LikeResultSchema = z.object({ likeCount: z.number(), liked: z.boolean() });
export type LikeResult = z.infer<typeof LikeResultSchema>;

export interface ForumCreate {
  name: string;
  description?: string;
}

export type TopicFilter = 'all' | 'unanswered' | 'answered' | 'questions';

export interface TopicListQuery {
  /** Only this forum's topics (its id). */
  forum?: string;
  /** `unanswered`: questions without an answer; `answered`: questions with one; `questions`: every question. */
  filter?: TopicFilter;
  /** Only topics with this tag. */
  tag?: string;
  /** 1–100 (the server's default is 20). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface TopicCreate {
  forumId: string;
  /** 1–200 characters. */
  title: string;
  /** Markdown, 1–20,000 characters. */
  body: string;
  /** At most 5, each 1–30 lower-case letters, digits and '-'. */
  tags?: string[];
  question?: boolean;
  /** An idempotency key (a UUID): sending the same one again returns the same topic. */
  clientId?: string;
}

export interface TopicPatch {
  title?: string;
  body?: string;
  tags?: string[];
}

export interface ReplyListQuery {
  /** 1–100 (the server's default is 50). */
  limit?: number;
  /** The page after: a `nextCursor`. */
  cursor?: string;
  /** The page before: a `prevCursor`. */
  before?: string;
  /** The page starting at the thread (top-level reply) that holds this reply. */
  anchor?: string;
}

export interface ReplyCreate {
  /** Markdown, 1–20,000 characters. */
  body: string;
  /** Nest under this reply (a nested one is flattened to its top-level parent, and quoted). */
  parentId?: string;
  /** Quote this reply. */
  quoteId?: string;
  /** An idempotency key (a UUID): sending the same one again returns the same reply. */
  clientId?: string;
}
