import { createRoute, z } from '@hono/zod-openapi';
import { ALLOWED_EXTENSIONS, FILE_LIMIT_BYTES } from '../data/files.ts';
import { CursorParam } from '../http/cursor.ts';
import { ErrorBodySchema } from '../http/errors.ts';
import { CommunityRef, communityErrors, jsonBody, jsonContent, IdParam as PostRef } from '../http/openapi.ts';
import { REACTION_KINDS } from './queries.ts';

/* The feed's API contract (posts, reactions, comments, reports and files): what each route takes and answers (zod, and OpenAPI from it). */

const PostType = z.enum(['status', 'blog', 'file', 'forum', 'activity']);
const Reactions = z.object({ like: z.number(), thanks: z.number(), important: z.number() });
const Author = z.object({ id: z.string(), name: z.string(), agency: z.string().nullable() });
const PostSchema = z
  .object({
    id: z.string(),
    communityId: z.string(),
    communitySlug: z.string(),
    communityName: z.string(),
    type: PostType,
    title: z.string().nullable(),
    body: z.string(),
    audience: z.enum(['community', 'followers']),
    author: Author,
    createdAt: z.string(),
    editedAt: z.string().nullable(),
    attachment: z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), url: z.string() }).nullable(),
    reactions: Reactions,
    myReactions: z.array(z.enum(REACTION_KINDS)),
    commentCount: z.number(),
    canEdit: z.boolean(),
    canDelete: z.boolean(),
    clientId: z.string().nullable(),
  })
  .openapi('Post');
const PostPage = z.object({ items: z.array(PostSchema), nextCursor: z.string().nullable() }).openapi('PostPage');
const CommentSchema = z.object({ id: z.string(), postId: z.string(), body: z.string(), author: Author, createdAt: z.string() }).openapi('Comment');
const AttachmentSchema = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), url: z.string() }).openapi('Attachment');

const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: CursorParam.optional(),
  type: PostType.optional(),
});
const Body = z.string().trim().min(1, 'Write something').max(20000);
const NewPost = z
  .strictObject({
    type: z.enum(['status', 'blog']).default('status'),
    body: Body,
    title: z.string().trim().min(1).max(200).optional(),
    audience: z.enum(['community', 'followers']).default('community'),
    clientId: z.uuid().optional().openapi({ description: 'Idempotency key: sending the same post again returns the first one' }),
    attachmentId: z.string().max(100).optional(),
  })
  .refine((p) => p.type === 'blog' || p.audience === 'community', { message: 'Only blog entries can be for followers', path: ['audience'] })
  .openapi('NewPost');
const Ref = CommunityRef;
const ReactionRef = PostRef.extend({ kind: z.enum(REACTION_KINDS) });
const tags = ['feed'];

export const routes = {
  communityPosts: createRoute({ method: 'get', path: '/communities/{ref}/posts', tags, summary: 'A community’s feed, newest first', request: { params: Ref, query: PageQuery }, responses: { 200: jsonContent(PostPage, 'A page'), ...communityErrors } }),
  feed: createRoute({ method: 'get', path: '/feed', tags, summary: 'Your combined feed over all your communities', request: { query: PageQuery }, responses: { 200: jsonContent(PostPage, 'A page'), ...communityErrors } }),
  create: createRoute({ method: 'post', path: '/communities/{ref}/posts', tags, summary: 'Post a status update or blog entry (members)', request: { params: Ref, ...jsonBody(NewPost) }, responses: { 201: jsonContent(PostSchema, 'Posted'), 200: jsonContent(PostSchema, 'Already posted (same clientId)'), ...communityErrors } }),
  edit: createRoute({ method: 'patch', path: '/posts/{id}', tags, summary: 'Edit your post within 15 minutes', request: { params: PostRef, ...jsonBody(z.strictObject({ body: Body })) }, responses: { 200: jsonContent(PostSchema, 'Edited'), ...communityErrors } }),
  remove: createRoute({ method: 'delete', path: '/posts/{id}', tags, summary: 'Delete a post (its author, or a moderator)', request: { params: PostRef }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Deleted'), ...communityErrors } }),
  react: createRoute({ method: 'put', path: '/posts/{id}/reactions/{kind}', tags, summary: 'React (once per kind)', request: { params: ReactionRef }, responses: { 200: jsonContent(z.object({ reactions: Reactions, myReactions: z.array(z.enum(REACTION_KINDS)) }), 'Reactions'), ...communityErrors } }),
  unreact: createRoute({ method: 'delete', path: '/posts/{id}/reactions/{kind}', tags, summary: 'Take a reaction back', request: { params: ReactionRef }, responses: { 200: jsonContent(z.object({ reactions: Reactions, myReactions: z.array(z.enum(REACTION_KINDS)) }), 'Reactions'), ...communityErrors } }),
  comments: createRoute({ method: 'get', path: '/posts/{id}/comments', tags, summary: 'A post’s comments, oldest first', request: { params: PostRef }, responses: { 200: jsonContent(z.object({ items: z.array(CommentSchema) }), 'Comments'), ...communityErrors } }),
  comment: createRoute({ method: 'post', path: '/posts/{id}/comments', tags, summary: 'Comment (members)', request: { params: PostRef, ...jsonBody(z.strictObject({ body: Body.max(5000) })) }, responses: { 201: jsonContent(CommentSchema, 'Commented'), ...communityErrors } }),
  one: createRoute({ method: 'get', path: '/posts/{id}', tags, summary: 'One post', request: { params: PostRef }, responses: { 200: jsonContent(PostSchema, 'The post'), ...communityErrors } }),
  reports: createRoute({
    method: 'get',
    path: '/communities/{ref}/reports',
    tags,
    summary: 'Reported posts waiting for the moderators (owners and moderators)',
    request: { params: Ref },
    responses: { 200: jsonContent(z.object({ items: z.array(z.object({ id: z.string(), postId: z.string(), reason: z.string(), reporter: z.string(), createdAt: z.string() })) }), 'Reports'), ...communityErrors },
  }),
  report: createRoute({ method: 'post', path: '/posts/{id}/report', tags, summary: 'Report a post to the moderators', request: { params: PostRef, ...jsonBody(z.strictObject({ reason: z.string().trim().min(1).max(1000) })) }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Reported'), ...communityErrors } }),
  upload: createRoute({
    method: 'post',
    path: '/communities/{ref}/files',
    tags,
    summary: `Upload a file to attach to a post (members; at most ${FILE_LIMIT_BYTES / 1024 / 1024} MB; ${ALLOWED_EXTENSIONS}; the contents must be of the type the name says; each user keeps at most JC_UPLOAD_QUOTA_BYTES of files)`,
    // A plain schema, not zod: the body is documented but not parsed up front (it streams: upload-stream.ts).
    request: { params: Ref, body: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } } } },
    responses: {
      201: jsonContent(AttachmentSchema, 'Stored'),
      ...communityErrors,
      413: jsonContent(ErrorBodySchema, 'Too large (FILE_TOO_LARGE, answered as soon as the limit passes) or over your quota (UPLOAD_QUOTA_EXCEEDED)'),
      415: jsonContent(ErrorBodySchema, 'Not an allowed type, or the contents are not what the name says'),
      429: jsonContent(ErrorBodySchema, 'Too many of your uploads at once (see Retry-After)'),
      503: jsonContent(ErrorBodySchema, 'The server is receiving many files right now (see Retry-After)'),
    },
  }),
  download: createRoute({ method: 'get', path: '/files/{id}', tags, summary: 'Download a file (readers of its community only)', request: { params: PostRef }, responses: { 200: { description: 'The file' }, ...communityErrors } }),
};
