import * as z from 'zod/mini';
import { AttachmentSchema, PersonSchema } from './base-schemas.js';

/* Posts, reactions, comments and files (packages/server/src/posts/). */

export const PostTypeSchema = z.enum(['status', 'blog', 'file', 'forum', 'activity']);
export type PostType = z.infer<typeof PostTypeSchema>;
export const REACTION_KINDS = ['like', 'thanks', 'important'] as const;
export const ReactionKindSchema = z.enum(REACTION_KINDS);
export type ReactionKind = z.infer<typeof ReactionKindSchema>;

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
