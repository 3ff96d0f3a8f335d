import { communityAccessMap, contentRights } from '../authz.ts';
import { authorOf } from '../data/profiles.ts';
import { claimAttachment, discardAttachment, purgeDeletedFiles } from '../data/files.ts';
import { now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { allow, authorizeRef, requireCommunityUser } from '../http/authorize.ts';
import { emit, inTransaction } from '../http/context.ts';
import { createRouter } from '../http/router.ts';
import { onePost, postAccess } from './access.ts';
import { postEvent } from './audience.ts';
import { deletePost, editPost } from './policy.ts';
import { commentsOf, mentionedUserIds, postPage, reactionState, reportQueue } from './queries.ts';
import { routes } from './schemas.ts';
import { insertOncePerClientId } from '../db/locks.ts';
import { errField } from '../logger.ts';

/*
 * The feed: a community's posts and everyone's combined feed, with their
 * reactions, comments and reports (each resource's routes, schemas, queries
 * and policy in this folder; files in files.ts). Every read and write asks
 * the authorization function about the post's community, and the audience
 * rule (audience.ts) about the post: a post the caller may not see is not
 * found.
 */

export const posts = createRouter()
  .openapi(routes.communityPosts, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.read');
    const q = c.req.valid('query');
    const { pageCache, clock, db } = c.get('services');
    // The first page, from the one its readers share (page-cache.ts), now that this reader may read here.
    const cached = pageCache && !q.cursor ? await pageCache.firstPage(db.kysely, access.actor, access.community, contentRights(access).moderator, { limit: q.limit, type: q.type, now: clock.now() }) : null;
    // (Its text is the PostPage the schema names, built from the same views, with its tag: page-cache.ts.)
    if (cached) {
      c.set('etag', cached.tag);
      return c.body(cached.text, 200, { 'Content-Type': 'application/json' }) as never;
    }
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
      // The same clientId sent at once: one row; the others answer with it (db/locks.ts).
      const inserted = await insertOncePerClientId(trx, 'post', {
      id,
      community_id: access.community.id,
      author_id: me,
      type: body.attachmentId && body.type === 'status' ? 'file' : body.type,
      audience: body.audience,
      title: body.title ?? null,
      body: body.body,
      attachment_id: body.attachmentId ?? null,
      }, body.clientId, at);
      if (!inserted) {
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
      const { db, files } = c.get('services');
      // Should this fail, the file stays hidden and the next sweep (schedule.ts) removes it.
      await purgeDeletedFiles(db.kysely, files, [discarded]).catch((err) => c.get('log').error({ err: errField(err) }, '[files] could not remove a discarded file'));
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
      return reactionState(trx, post.id, access.actor.userId);
    });
    return c.json(state, 200);
  })
  .openapi(routes.unreact, async (c) => {
    const { id, kind } = c.req.valid('param');
    const state = await inTransaction(c, async (trx) => {
      const { post, access } = await postAccess(c, id, 'content.write', trx);
      await trx.deleteFrom('reaction').where('post_id', '=', post.id).where('user_id', '=', access.actor.userId).where('kind', '=', kind).execute();
      await emit(c, trx, { type: 'reaction.changed', communityId: post.community_id, content: true, payload: { ...postEvent(post), slug: access.community.slug } });
      return reactionState(trx, post.id, access.actor.userId);
    });
    return c.json(state, 200);
  })
  .openapi(routes.comments, async (c) => {
    const { post } = await postAccess(c, c.req.valid('param').id, 'content.read');
    return c.json({ items: await commentsOf(c.get('services').db.kysely, post.id) }, 200);
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
      return { id, postId: post.id, body, author: await authorOf(trx, access.actor.userId), createdAt: at };
    });
    return c.json(comment, 201);
  })
  .openapi(routes.one, async (c) => {
    const { post, access } = await postAccess(c, c.req.valid('param').id, 'content.read');
    return c.json(await onePost(c, access, post.id), 200);
  })
  .openapi(routes.reports, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.moderate');
    return c.json({ items: await reportQueue(c.get('services').db.kysely, access.community.id, access.actor.userId) }, 200);
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
  });
