/* Posts, reactions, comments and files (packages/server/src/posts/). */

import { call, type ApiTransport } from './transport.js';
import { community, post, queryString } from './paths.js';
import { AttachmentSchema, OkSchema, type Attachment } from './base-schemas.js';
import {
  CommentListSchema,
  CommentSchema,
  PostPageSchema,
  PostSchema,
  ReactionsResultSchema,
  type Comment,
  type Post,
  type PostCreate,
  type PostListQuery,
  type PostPage,
  type ReactionKind,
  type ReactionsResult,
} from './post-schemas.js';

/** What creating a post answered: a new post (201), or the one an earlier try with the same `clientId` made (200). */
export interface PostCreateResult {
  post: Post;
  created: boolean;
}

const postQuery = (query: PostListQuery) => queryString({ limit: query.limit, cursor: query.cursor, type: query.type });

export const postEndpoints = {
  /** A page of one community's posts, newest first. */
  async listPosts(this: ApiTransport, ref: string, query: PostListQuery = {}): Promise<PostPage> {
    return call(this, `${community(ref)}/posts${postQuery(query)}`, PostPageSchema);
  },

  /** A page of the signed-in user's feed: the posts of all their communities, newest first. */
  async listFeed(this: ApiTransport, query: PostListQuery = {}): Promise<PostPage> {
    return call(this, `/api/v1/feed${postQuery(query)}`, PostPageSchema);
  },

  /** Posts to a community (active members). Re-sending the same `clientId` returns the same post instead of a second one. */
  async createPost(this: ApiTransport, ref: string, body: PostCreate): Promise<PostCreateResult> {
    const { data, response } = await this.request(`${community(ref)}/posts`, { method: 'POST', body, schema: PostSchema });
    return { post: data, created: response.status === 201 };
  },

  /** Edits a post's body (its author, within 15 minutes of posting). */
  async editPost(this: ApiTransport, id: string, body: string): Promise<Post> {
    return call(this, post(id), PostSchema, 'PATCH', { body });
  },

  /** Deletes a post (its author, or the community's owners and moderators). */
  async deletePost(this: ApiTransport, id: string): Promise<void> {
    await call(this, post(id), OkSchema, 'DELETE');
  },

  /** Adds (`on`) or takes back the signed-in user's reaction of one kind. */
  async setReaction(this: ApiTransport, id: string, kind: ReactionKind, on: boolean): Promise<ReactionsResult> {
    return call(this, `${post(id)}/reactions/${encodeURIComponent(kind)}`, ReactionsResultSchema, on ? 'PUT' : 'DELETE');
  },

  /** A post's comments, oldest first. */
  async listComments(this: ApiTransport, id: string): Promise<Comment[]> {
    return (await call(this, `${post(id)}/comments`, CommentListSchema)).items;
  },

  async addComment(this: ApiTransport, id: string, body: string): Promise<Comment> {
    return call(this, `${post(id)}/comments`, CommentSchema, 'POST', { body });
  },

  /** Reports a post to the community's owners and moderators. */
  async reportPost(this: ApiTransport, id: string, reason: string): Promise<void> {
    await call(this, `${post(id)}/report`, OkSchema, 'POST', { reason });
  },

  /** Uploads a file to attach to a post (at most 10 MB; PDF, images, text, CSV, Word and Excel). */
  async uploadFile(this: ApiTransport, ref: string, file: Blob, filename?: string): Promise<Attachment> {
    const form = new FormData();
    if (filename !== undefined) form.append('file', file, filename);
    else form.append('file', file);
    return call(this, `${community(ref)}/files`, AttachmentSchema, 'POST', form);
  },
};
