/* Posts, reactions, comments and files (packages/server/src/routes/posts.ts). */

import { call, type ApiTransport } from './transport.js';
import { community, post, queryString } from './paths.js';
import {
  AttachmentSchema,
  CommentListSchema,
  CommentSchema,
  OkSchema,
  PostPageSchema,
  PostSchema,
  ReactionsResultSchema,
  type Attachment,
  type Comment,
  type Post,
  type PostCreate,
  type PostListQuery,
  type PostPage,
  type ReactionKind,
  type ReactionsResult,
} from './schemas.js';

/** What creating a post answered: a new post (201), or the one an earlier try with the same `clientId` made (200). */
export interface PostCreateResult {
  post: Post;
  created: boolean;
}

const postQuery = (query: PostListQuery) => queryString({ limit: query.limit, cursor: query.cursor, type: query.type });

/** A page of one community's posts, newest first. */
export async function listPosts(api: ApiTransport, ref: string, query: PostListQuery = {}): Promise<PostPage> {
  return call(api, `${community(ref)}/posts${postQuery(query)}`, PostPageSchema);
}

/** A page of the signed-in user's feed: the posts of all their communities, newest first. */
export async function listFeed(api: ApiTransport, query: PostListQuery = {}): Promise<PostPage> {
  return call(api, `/api/v1/feed${postQuery(query)}`, PostPageSchema);
}

/** Posts to a community (active members). Re-sending the same `clientId` returns the same post instead of a second one. */
export async function createPost(api: ApiTransport, ref: string, body: PostCreate): Promise<PostCreateResult> {
  const { data, response } = await api.request(`${community(ref)}/posts`, { method: 'POST', body, schema: PostSchema });
  return { post: data, created: response.status === 201 };
}

/** Edits a post's body (its author, within 15 minutes of posting). */
export async function editPost(api: ApiTransport, id: string, body: string): Promise<Post> {
  return call(api, post(id), PostSchema, 'PATCH', { body });
}

/** Deletes a post (its author, or the community's owners and moderators). */
export async function deletePost(api: ApiTransport, id: string): Promise<void> {
  await call(api, post(id), OkSchema, 'DELETE');
}

/** Adds (`on`) or takes back the signed-in user's reaction of one kind. */
export async function setReaction(api: ApiTransport, id: string, kind: ReactionKind, on: boolean): Promise<ReactionsResult> {
  return call(api, `${post(id)}/reactions/${encodeURIComponent(kind)}`, ReactionsResultSchema, on ? 'PUT' : 'DELETE');
}

/** A post's comments, oldest first. */
export async function listComments(api: ApiTransport, id: string): Promise<Comment[]> {
  return (await call(api, `${post(id)}/comments`, CommentListSchema)).items;
}

export async function addComment(api: ApiTransport, id: string, body: string): Promise<Comment> {
  return call(api, `${post(id)}/comments`, CommentSchema, 'POST', { body });
}

/** Reports a post to the community's owners and moderators. */
export async function reportPost(api: ApiTransport, id: string, reason: string): Promise<void> {
  await call(api, `${post(id)}/report`, OkSchema, 'POST', { reason });
}

/** Uploads a file to attach to a post (at most 10 MB; PDF, images, text, CSV, Word and Excel). */
export async function uploadFile(api: ApiTransport, ref: string, file: Blob, filename?: string): Promise<Attachment> {
  const form = new FormData();
  if (filename !== undefined) form.append('file', file, filename);
  else form.append('file', file);
  return call(api, `${community(ref)}/files`, AttachmentSchema, 'POST', form);
}
