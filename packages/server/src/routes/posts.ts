import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { communityAccessMap, type Access, type Action, type Actor } from '../authz.ts';
import { allow, authorizeObject, authorizeRef, requireCommunityUser } from '../http/authorize.ts';
import { contentRights, deletePost, editPost } from '../policy.ts';
import type { Database } from '../db/schema.ts';
import { attachmentVisibleTo, postEvent, visibleToReader } from '../data/audience.ts';
import { REACTION_KINDS, mentionedUserIds, postPage, type PostView } from '../data/posts.ts';
import { newId } from '../db/ids.ts';
import { now } from '../db/database.ts';
import { emit, inTransaction, type AppEnv } from '../http/context.ts';
import { ApiError, ErrorBodySchema } from '../http/errors.ts';
import { CommunityRef, communityErrors, jsonBody, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { CursorParam } from '../http/cursor.ts';
import { FRAMING_BYTES, receiveUpload, takeUploadSlot } from '../data/upload-stream.ts';
import { ALLOWED_EXTENSIONS, FILE_LIMIT_BYTES, claimAttachment, discardAttachment, purgeDeletedFiles, quotaExceeded, storedPath, usedBytes } from '../data/files.ts';

export { FILE_LIMIT_BYTES } from '../data/files.ts';

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
const PostRef = z.object({ id: z.string().min(1).max(100) });
const ReactionRef = PostRef.extend({ kind: z.enum(REACTION_KINDS) });
const tags = ['feed'];

const routes = {
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
    // A plain schema, not zod: the body is documented but not parsed up front (it streams: data/upload-stream.ts).
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

/**
 * The post (not deleted) and the caller's access to its community, checked
 * for `action` (authorizeObject). Everything under a post comes through here:
 * a post the caller may not see (its community, or its audience:
 * data/audience.ts) is not found.
 */
async function postAccess(c: Context<AppEnv>, id: string, action: Action, db?: Kysely<Database>) {
  const find = (db: Kysely<Database>, actor: Actor) =>
    db
      .selectFrom('post')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .where((eb) => visibleToReader(eb, actor.userId))
      .executeTakeFirst();
  const { object: post, access } = await authorizeObject(c, find, action, { db, notFound: 'No such post.' });
  return { post, access };
}

async function onePost(c: Context<AppEnv>, access: Access, id: string, db = c.get('services').db.kysely): Promise<PostView> {
  const moderatorOf = new Set(contentRights(access).moderator ? [access.community.id] : []);
  const page = await postPage(db, access.actor, { communityIds: [access.community.id], moderatorOf }, { limit: 1, onlyId: id, now: c.get('services').clock.now() });
  if (!page.items[0]) throw new ApiError(404, 'NOT_FOUND', 'No such post.');
  return page.items[0];
}

async function reactionState(c: Context<AppEnv>, postId: string, userId: string, db = c.get('services').db.kysely) {
  const rows = await db.selectFrom('reaction').select(['kind', 'user_id']).where('post_id', '=', postId).execute();
  const reactions = { like: 0, thanks: 0, important: 0 };
  for (const r of rows) reactions[r.kind] += 1;
  return { reactions, myReactions: rows.filter((r) => r.user_id === userId).map((r) => r.kind) };
}

export const posts = createRouter()
  .openapi(routes.communityPosts, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.read');
    const q = c.req.valid('query');
    const page = await postPage(
      c.get('services').db.kysely,
      access.actor,
      {
        communityIds: [access.community.id],
        moderatorOf: new Set(contentRights(access).moderator ? [access.community.id] : []),
        communities: new Map([[access.community.id, access.community]]),
      },
      { limit: q.limit, cursor: q.cursor, type: q.type, now: c.get('services').clock.now() },
    );
    return c.json(page, 200);
  })
  .openapi(routes.feed, async (c) => {
    const actor = await requireCommunityUser(c);
    const { kysely } = c.get('services').db;
    const q = c.req.valid('query');
    const [access, mine] = await Promise.all([
      communityAccessMap(kysely, actor),
      kysely.selectFrom('membership').select(['community_id', 'role']).where('user_id', '=', actor.userId).where('state', '=', 'active').execute(),
    ]);
    const ids = mine.filter((m) => access.get(m.community_id)?.content).map((m) => m.community_id);
    const moderatorOf = new Set(mine.filter((m) => m.role !== 'member').map((m) => m.community_id));
    return c.json(await postPage(kysely, actor, { communityIds: ids, moderatorOf }, { limit: q.limit, cursor: q.cursor, type: q.type, now: c.get('services').clock.now() }), 200);
  })
  .openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    const result = await inTransaction(c, async (trx) => {
      const access = await authorizeRef(c, c.req.valid('param').ref, 'content.write', trx);
      const me = access.actor.userId;
      // A retry (or the same request sent at once) answers with the first one's post (db/locks.ts).
      const first = async () =>
        body.clientId ? await trx.selectFrom('post').select('id').where('author_id', '=', me).where('client_id', '=', body.clientId).executeTakeFirst() : undefined;
      const sent = await first();
      if (sent) return { view: await onePost(c, access, sent.id, trx), created: false };
      const id = newId('pst');
      const at = now(trx);
      if (body.attachmentId) {
        try {
          await claimAttachment(trx, { id: body.attachmentId, communityId: access.community.id, uploaderId: me, at });
        } catch (err) {
          // Claimed meanwhile by the same request sent at once: its post is committed now (the claim waited for it).
          const same = await first();
          if (!same) throw err;
          return { view: await onePost(c, access, same.id, trx), created: false };
        }
      }
      const inserted = await trx
        .insertInto('post')
        .values({
          id,
          community_id: access.community.id,
          author_id: me,
          type: body.attachmentId && body.type === 'status' ? 'file' : body.type,
          audience: body.audience,
          title: body.title ?? null,
          body: body.body,
          attachment_id: body.attachmentId ?? null,
          client_id: body.clientId ?? null,
          edited_at: null,
          deleted_at: null,
          created_at: at,
        })
        .onConflict((oc) => oc.columns(['author_id', 'client_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows) === 0) {
        const same = await first();
        if (!same) throw new Error('a post conflicted on its clientId, yet none has it');
        return { view: await onePost(c, access, same.id, trx), created: false };
      }
      await trx.updateTable('community').set({ updated_at: at }).where('id', '=', access.community.id).execute();
      await emit(c, trx, { type: 'post.created', communityId: access.community.id, content: true, payload: { ...postEvent({ id, audience: body.audience }), slug: access.community.slug, authorId: me } });
      // @mentions of members notify them.
      const mentioned = mentionedUserIds(body.body).filter((u) => u !== me);
      if (mentioned.length) {
        const members = await trx.selectFrom('membership').select('user_id').where('community_id', '=', access.community.id).where('state', '=', 'active').where('user_id', 'in', mentioned).execute();
        for (const m of members) await emit(c, trx, { type: 'mention.created', userId: m.user_id, payload: { ...postEvent({ id, audience: body.audience }), slug: access.community.slug, by: me } });
      }
      return { view: await onePost(c, access, id, trx), created: true };
    });
    return c.json(result.view, result.created ? 201 : 200);
  })
  .openapi(routes.edit, async (c) => {
    const { body } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { post, access } = await postAccess(c, c.req.valid('param').id, 'content.write', trx);
      allow(editPost(access.actor, post, c.get('services').clock.now()));
      await trx.updateTable('post').set({ body, edited_at: now(trx) }).where('id', '=', post.id).execute();
      await emit(c, trx, { type: 'post.updated', communityId: post.community_id, content: true, payload: { ...postEvent(post), slug: access.community.slug } });
      return onePost(c, access, post.id, trx);
    });
    return c.json(view, 200);
  })
  .openapi(routes.remove, async (c) => {
    const discarded = await inTransaction(c, async (trx) => {
      const { post, access } = await postAccess(c, c.req.valid('param').id, 'content.read', trx);
      allow(deletePost(access.actor, post, contentRights(access).moderator));
      const at = now(trx);
      await trx.updateTable('post').set({ deleted_at: at }).where('id', '=', post.id).execute();
      // Its file is not served from this commit on; its bytes go right after it.
      const file = (await discardAttachment(trx, post.attachment_id, at)) ? post.attachment_id : null;
      await emit(c, trx, { type: 'post.deleted', communityId: post.community_id, content: true, payload: { ...postEvent(post), slug: access.community.slug } });
      return file;
    });
    if (discarded) {
      const { db, config } = c.get('services');
      // Should this fail, the file stays hidden and the next sweep (schedule.ts) removes it.
      await purgeDeletedFiles(db.kysely, config.dataDir, [discarded]).catch((err) => console.error('[files]', err instanceof Error ? err.message : err));
    }
    return c.json({ ok: true as const }, 200);
  })
  .openapi(routes.react, async (c) => {
    const { id, kind } = c.req.valid('param');
    const state = await inTransaction(c, async (trx) => {
      const { post, access } = await postAccess(c, id, 'content.write', trx);
      await trx
        .insertInto('reaction')
        .values({ post_id: post.id, user_id: access.actor.userId, kind, created_at: now(trx) })
        .onConflict((oc) => oc.columns(['post_id', 'user_id', 'kind']).doNothing())
        .execute();
      await emit(c, trx, { type: 'reaction.changed', communityId: post.community_id, content: true, payload: { ...postEvent(post), slug: access.community.slug } });
      return reactionState(c, post.id, access.actor.userId, trx);
    });
    return c.json(state, 200);
  })
  .openapi(routes.unreact, async (c) => {
    const { id, kind } = c.req.valid('param');
    const state = await inTransaction(c, async (trx) => {
      const { post, access } = await postAccess(c, id, 'content.write', trx);
      await trx.deleteFrom('reaction').where('post_id', '=', post.id).where('user_id', '=', access.actor.userId).where('kind', '=', kind).execute();
      await emit(c, trx, { type: 'reaction.changed', communityId: post.community_id, content: true, payload: { ...postEvent(post), slug: access.community.slug } });
      return reactionState(c, post.id, access.actor.userId, trx);
    });
    return c.json(state, 200);
  })
  .openapi(routes.comments, async (c) => {
    const { post } = await postAccess(c, c.req.valid('param').id, 'content.read');
    const rows = await c
      .get('services')
      .db.kysely.selectFrom('comment')
      .innerJoin('user', 'user.id', 'comment.author_id')
      .leftJoin('profile', 'profile.user_id', 'comment.author_id')
      .leftJoin('agency', 'agency.id', 'profile.agency_id')
      .select(['comment.id', 'comment.body', 'comment.created_at', 'comment.author_id', 'user.name as author_name', 'agency.name as agency_name'])
      .where('comment.post_id', '=', post.id)
      .where('comment.deleted_at', 'is', null)
      .orderBy('comment.created_at')
      .orderBy('comment.id')
      .limit(500)
      .execute();
    return c.json(
      { items: rows.map((r) => ({ id: r.id, postId: post.id, body: r.body, author: { id: r.author_id, name: r.author_name, agency: r.agency_name ?? null }, createdAt: r.created_at })) },
      200,
    );
  })
  .openapi(routes.comment, async (c) => {
    const { body } = c.req.valid('json');
    const comment = await inTransaction(c, async (trx) => {
      const { post, access } = await postAccess(c, c.req.valid('param').id, 'content.write', trx);
      const id = newId('cmt');
      const at = now(trx);
      await trx.insertInto('comment').values({ id, post_id: post.id, author_id: access.actor.userId, body, deleted_at: null, created_at: at }).execute();
      await trx.updateTable('post').set((eb) => ({ comment_count: eb('comment_count', '+', 1) })).where('id', '=', post.id).execute();
      await emit(c, trx, { type: 'comment.created', communityId: post.community_id, content: true, payload: { ...postEvent(post), commentId: id, slug: access.community.slug } });
      const author = await trx
        .selectFrom('user')
        .leftJoin('profile', 'profile.user_id', 'user.id')
        .leftJoin('agency', 'agency.id', 'profile.agency_id')
        .select(['user.name', 'agency.name as agency'])
        .where('user.id', '=', access.actor.userId)
        .executeTakeFirstOrThrow();
      return { id, postId: post.id, body, author: { id: access.actor.userId, name: author.name, agency: author.agency ?? null }, createdAt: at };
    });
    return c.json(comment, 201);
  })
  .openapi(routes.one, async (c) => {
    const { post, access } = await postAccess(c, c.req.valid('param').id, 'content.read');
    return c.json(await onePost(c, access, post.id), 200);
  })
  .openapi(routes.reports, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.moderate');
    const rows = await c
      .get('services')
      .db.kysely.selectFrom('report')
      .innerJoin('post', 'post.id', 'report.post_id')
      .innerJoin('user', 'user.id', 'report.reporter_id')
      .select(['report.id', 'report.post_id', 'report.reason', 'user.name as reporter', 'report.created_at'])
      .where('post.community_id', '=', access.community.id)
      .where('post.deleted_at', 'is', null)
      .where((eb) => visibleToReader(eb, access.actor.userId))
      .orderBy('report.created_at', 'desc')
      .limit(200)
      .execute();
    return c.json({ items: rows.map((r) => ({ id: r.id, postId: r.post_id, reason: r.reason, reporter: r.reporter, createdAt: r.created_at })) }, 200);
  })
  .openapi(routes.report, async (c) => {
    const { reason } = c.req.valid('json');
    await inTransaction(c, async (trx) => {
      const { post, access } = await postAccess(c, c.req.valid('param').id, 'content.read', trx);
      const id = newId('rpt');
      await trx.insertInto('report').values({ id, post_id: post.id, reporter_id: access.actor.userId, reason, created_at: now(trx) }).execute();
      // Each moderator and owner hears of it (only them: the reporter stays unnamed to everyone else).
      const moderators = await trx.selectFrom('membership').select('user_id').where('community_id', '=', post.community_id).where('state', '=', 'active').where('role', '!=', 'member').execute();
      for (const m of moderators) await emit(c, trx, { type: 'post.reported', userId: m.user_id, payload: { ...postEvent(post), reportId: id, slug: access.community.slug } });
    });
    return c.json({ ok: true as const }, 200);
  })
  .openapi(routes.upload, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.write');
    const { config, db, clock } = c.get('services');
    const me = access.actor.userId;
    const quota = config.uploads.quotaBytes;
    // Bounded in flight (per user, per process), then streamed to a temporary file with a running
    // size and type check: never the whole body in memory.
    const release = takeUploadSlot(c, me);
    let received: Awaited<ReturnType<typeof receiveUpload>>;
    try {
      // The cheap refusal first: nothing is read for a file that cannot fit (a declared body,
      // less the most multipart framing around one file, is the least the file can be).
      const declared = Number(c.req.header('content-length') ?? 0) || 0;
      if ((await usedBytes(db.kysely, me)) + Math.max(1, declared - FRAMING_BYTES) > quota) throw quotaExceeded(quota);
      received = await receiveUpload(c, config.dataDir);
    } finally {
      release();
    }
    const { filename, contentType, size, tempPath } = received;
    const id = newId('fil');
    const storageKey = `${access.community.id}/${id}`;
    const stored = storedPath(config.dataDir, storageKey);
    try {
      await mkdir(path.dirname(stored), { recursive: true });
      await rename(tempPath, stored);
      await inTransaction(c, async (trx) => {
        // Under the lock: two uploads at once cannot both fit.
        if ((await usedBytes(trx, me, true)) + size > quota) throw quotaExceeded(quota);
        await trx
          .insertInto('attachment')
          .values({
            id,
            community_id: access.community.id,
            uploader_id: me,
            filename,
            content_type: contentType,
            size,
            storage_key: storageKey,
            created_at: clock.now().toISOString(),
            attached_at: null,
            deleted_at: null,
          })
          .execute();
      });
    } catch (err) {
      await rm(tempPath, { force: true });
      await rm(stored, { force: true });
      throw err;
    }
    return c.json({ id, filename, contentType, size, url: `/api/v1/files/${id}` }, 201);
  })
  .openapi(routes.download, async (c) => {
    const { config } = c.get('services');
    const id = c.req.valid('param').id;
    // A file on a followers-only entry is that entry's: its audience only.
    const find = async (kysely: Kysely<Database>, actor: Actor) => {
      const file = await kysely.selectFrom('attachment').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      return file && (await attachmentVisibleTo(kysely, actor.userId, file.id)) ? file : undefined;
    };
    const { object: file } = await authorizeObject(c, find, 'content.read', { notFound: 'No such file.' });
    // Removed between the lookup and the read (its post was just deleted): gone, not an error.
    const bytes = await readFile(storedPath(config.dataDir, file.storage_key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new ApiError(404, 'NOT_FOUND', 'No such file.');
      throw err;
    });
    return new Response(new Uint8Array(bytes), {
      headers: {
        'content-type': file.content_type,
        'content-length': String(bytes.length),
        'content-disposition': `attachment; filename="${file.filename.replace(/"/g, '')}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      },
    }) as never;
  });

