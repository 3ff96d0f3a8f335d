import * as z from 'zod/mini';

/** What the server answers, checked at the boundary before any widget uses it. */
export const AgencySchema = z.object({ id: z.string(), name: z.string(), ori: z.string() });

export const MeSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  /** Vetting: `pending` until the agency administrator approves the account. */
  status: z.optional(z.enum(['pending', 'active', 'suspended', 'removed'])),
  title: z.nullable(z.string()),
  mobile: z.nullable(z.string()),
  agency: z.nullable(AgencySchema),
  optedIn: z.boolean(),
  optedInAt: z.nullable(z.string()),
});
export type Me = z.infer<typeof MeSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.optional(z.record(z.string(), z.string())),
  }),
});

export interface MePatch {
  name?: string;
  title?: string | null;
  mobile?: string | null;
  agencyOri?: string;
  optedIn?: boolean;
}

/* Communities (GET/POST /api/v1/communities…, packages/server/src/routes/communities.ts). */

export const VisibilitySchema = z.enum(['public', 'moderated', 'restricted']);
export type Visibility = z.infer<typeof VisibilitySchema>;
export const RoleSchema = z.enum(['owner', 'moderator', 'member']);
export type Role = z.infer<typeof RoleSchema>;
export const MembershipStateSchema = z.enum(['active', 'requested', 'invited']);
export type MembershipState = z.infer<typeof MembershipStateSchema>;

export const MembershipSchema = z.object({ role: RoleSchema, state: MembershipStateSchema });
export type Membership = z.infer<typeof MembershipSchema>;

export const CommunitySettingsSchema = z.object({
  descriptionTemplate: z.optional(z.string()),
  forums: z.optional(z.array(z.object({ name: z.string(), description: z.optional(z.string()) }))),
  activityTemplates: z.optional(z.array(z.object({ title: z.string(), steps: z.array(z.string()) }))),
});
export type CommunitySettings = z.infer<typeof CommunitySettingsSchema>;

export const CommunitySchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  bannerUrl: z.nullable(z.string()),
  tags: z.array(z.string()),
  visibility: VisibilitySchema,
  parentId: z.nullable(z.string()),
  /** The ancestors, root first (empty for a top-level community). */
  path: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string() })),
  settings: CommunitySettingsSchema,
  archived: z.boolean(),
  /** Active members only. */
  memberCount: z.number(),
  /** The signed-in user's own membership here, if any (requested and invited included). */
  membership: z.nullable(MembershipSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Community = z.infer<typeof CommunitySchema>;

export const CommunityPageSchema = z.object({ items: z.array(CommunitySchema), nextCursor: z.nullable(z.string()) });
export type CommunityPage = z.infer<typeof CommunityPageSchema>;

export const MembershipResultSchema = z.object({ community: CommunitySchema, membership: z.nullable(MembershipSchema) });
export type MembershipResult = z.infer<typeof MembershipResultSchema>;

export const MemberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  agency: z.nullable(z.string()),
  role: RoleSchema,
  state: MembershipStateSchema,
  since: z.string(),
});
export type Member = z.infer<typeof MemberSchema>;

export const MemberListSchema = z.object({ items: z.array(MemberSchema) });

export const OkSchema = z.object({ ok: z.literal(true) });

export interface CommunityListQuery {
  /** `mine` (default): communities you belong to, asked to join or are invited to; `all`: every one you may see. */
  scope?: 'mine' | 'all';
  /** Only the subcommunities of this community (slug or id). */
  parent?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1–100 (the server's default is 25). */
  limit?: number;
  archived?: boolean;
}

export interface CommunityCreate {
  name: string;
  slug?: string;
  description?: string;
  bannerUrl?: string | null;
  tags?: string[];
  visibility?: Visibility;
  /** Create as a subcommunity of this community (slug or id); you must own or moderate it. */
  parent?: string;
  /** Copy this community's visibility and settings (never its members or content). */
  copyFrom?: string;
  settings?: CommunitySettings;
}

/* Posts, reactions, comments and files (packages/server/src/routes/posts.ts). */

export const PostTypeSchema = z.enum(['status', 'blog', 'file', 'forum', 'activity']);
export type PostType = z.infer<typeof PostTypeSchema>;
export const REACTION_KINDS = ['like', 'thanks', 'important'] as const;
export const ReactionKindSchema = z.enum(REACTION_KINDS);
export type ReactionKind = z.infer<typeof ReactionKindSchema>;

export const PersonSchema = z.object({ id: z.string(), name: z.string(), agency: z.nullable(z.string()) });
export type Person = z.infer<typeof PersonSchema>;

export const AttachmentSchema = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  /** Relative to the API's origin (e.g. `/api/v1/files/…`), or absolute. */
  url: z.string(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const ReactionCountsSchema = z.object({ like: z.number(), thanks: z.number(), important: z.number() });
export type ReactionCounts = z.infer<typeof ReactionCountsSchema>;

export const PostSchema = z.object({
  id: z.string(),
  communityId: z.string(),
  communitySlug: z.string(),
  communityName: z.string(),
  type: PostTypeSchema,
  title: z.nullable(z.string()),
  /** Markdown, as the author wrote it: render it only through the sanitizer. */
  body: z.string(),
  author: PersonSchema,
  createdAt: z.string(),
  editedAt: z.nullable(z.string()),
  attachment: z.nullable(AttachmentSchema),
  reactions: ReactionCountsSchema,
  /** The signed-in user's own reactions. */
  myReactions: z.array(z.string()),
  commentCount: z.number(),
  canEdit: z.boolean(),
  canDelete: z.boolean(),
});
export type Post = z.infer<typeof PostSchema>;

export const PostPageSchema = z.object({ items: z.array(PostSchema), nextCursor: z.nullable(z.string()) });
export type PostPage = z.infer<typeof PostPageSchema>;

export const ReactionsResultSchema = z.object({ reactions: ReactionCountsSchema, myReactions: z.array(z.string()) });
export type ReactionsResult = z.infer<typeof ReactionsResultSchema>;

export const CommentSchema = z.object({
  id: z.string(),
  postId: z.string(),
  body: z.string(),
  author: PersonSchema,
  createdAt: z.string(),
});
export type Comment = z.infer<typeof CommentSchema>;
export const CommentListSchema = z.object({ items: z.array(CommentSchema) });

export interface PostListQuery {
  /** 1–100 (the server's default is 20). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Only posts of this type. */
  type?: 'status' | 'blog' | 'file';
}

export interface PostCreate {
  type: 'status' | 'blog';
  /** Markdown, 1–20,000 characters. */
  body: string;
  /** A blog entry's title. */
  title?: string;
  /** An idempotency key (a UUID): sending the same one again returns the same post. */
  clientId?: string;
  /** A file uploaded first with `uploadFile`. */
  attachmentId?: string;
}

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

/* Activities, steps, updates and my to-dos. */
export * from './activity-schemas.js';

/* The portal's service directory and announcements. */
export * from './service-schemas.js';

/* Sign-in beyond the password (packages/server/src/routes/auth.ts, notice.ts, session.ts). */

/** What `POST /api/auth/sign-in/email` answers: a session at once (no authenticator yet), or a second step. */
export const SignInAnswerSchema = z.object({
  twoFactorRedirect: z.optional(z.boolean()),
  /** Pages on another origin: the second step's challenge (they cannot keep its cookie). */
  challenge: z.optional(z.string()),
});

/** `POST /api/auth/two-factor/enable`: the authenticator's `otpauth://` URI and the backup codes. */
export const EnableTwoFactorSchema = z.object({ totpURI: z.string(), backupCodes: z.array(z.string()) });

/** The system-use notice (`GET /api/v1/notice`), accepted at every sign-in. */
export const SystemUseNoticeSchema = z.object({ version: z.string(), title: z.string(), paragraphs: z.array(z.string()) });
export type SystemUseNotice = z.infer<typeof SystemUseNoticeSchema>;

/** The session's limits (`GET /api/v1/session`; asking counts as activity). */
export const SessionInfoSchema = z.object({ idleTimeoutSeconds: z.number(), idleExpiresAt: z.string(), expiresAt: z.string() });
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** better-auth's own view of the session (`GET /api/auth/get-session`): answers at every step, or null. */
export const AuthSessionSchema = z.nullable(
  z.object({
    user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  }),
);
export type AuthSession = z.infer<typeof AuthSessionSchema>;
