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
