import { deleteReply, oneReply, replyPage } from './queries.ts';
import { newId } from '../db/ids.ts';
import { now } from '../db/database.ts';
import { emit, inTransaction } from '../http/context.ts';
import { createRouter } from '../http/router.ts';
import { allow } from '../http/authorize.ts';
import { deleteReply as mayDeleteReply, editReply, replyToTopic } from './policy.ts';
import { NO_REPLY, addFlag, notifyMentions, replyAccess, topicAccess } from './access.ts';
import { replyIn, sameClientIdReply, touchActivity } from './queries.ts';
import { routes } from './schemas.ts';
import { insertOncePerClientId } from '../db/locks.ts';

/*
 * A topic's replies (the routes are declared with the forums' in forums.ts).
 * Every write runs under the topic's lock (topicAccess in a transaction): the
 * reply counter, thread order and answer are decided on under it (db/locks.ts).
 */
export const replies = createRouter()
  .openapi(routes.replies, async (c) => {
    const { topic, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read');
    const q = c.req.valid('query');
    return c.json(await replyPage(c.get('services').db.kysely, rights, topic, q), 200);
  })
  .openapi(routes.reply, async (c) => {
    const body = c.req.valid('json');
    const result = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.write', trx);
      const me = access.actor.userId;
      if (body.clientId) {
        const existing = await trx.selectFrom('reply').select('id').where('author_id', '=', me).where('client_id', '=', body.clientId).executeTakeFirst();
        if (existing) return { view: await oneReply(trx, rights, topic, existing.id), created: false };
      }
      allow(replyToTopic(rights, topic));
      // One level of nesting: a reply to a nested reply goes under its top-level reply and quotes the one it answers.
      let parent: { id: string; root_seq: number } | null = null;
      let quoteId = body.quoteId ?? null;
      if (body.parentId) {
        const target = await replyIn(trx, topic, body.parentId, 'parentId');
        if (target.parent_id) {
          const root = await trx.selectFrom('reply').select(['id', 'root_seq']).where('id', '=', target.parent_id).executeTakeFirstOrThrow();
          parent = root;
          quoteId ??= target.id;
        } else {
          parent = { id: target.id, root_seq: target.root_seq };
        }
      }
      if (quoteId) await replyIn(trx, topic, quoteId, 'quoteId');
      const at = now(trx);
      // The topic is locked (topicAccess): its last_seq is the current one.
      const seq = Number(topic.last_seq) + 1;
      const id = newId('rpl');
      // The same clientId sent at once (to any topic): one row; the others answer with it (db/locks.ts).
      const inserted = await insertOncePerClientId(trx, 'reply', {
      id,
      topic_id: topic.id,
      author_id: me,
      parent_id: parent?.id ?? null,
      quote_id: quoteId,
      root_seq: parent ? parent.root_seq : seq,
      seq,
      body: body.body,
      }, body.clientId, at);
      if (!inserted) return { view: await sameClientIdReply(trx, rights, me, body.clientId!), created: false };
      // Counted only once the reply exists.
      await trx
        .updateTable('topic')
        .set((eb) => ({ last_seq: seq, reply_count: eb('reply_count', '+', 1) }))
        .where('id', '=', topic.id)
        .execute();
      await touchActivity(trx, topic, at);
      // Replying follows the topic; every other follower hears of the reply.
      await trx
        .insertInto('topic_follow')
        .values({ topic_id: topic.id, user_id: me, created_at: at })
        .onConflict((oc) => oc.columns(['topic_id', 'user_id']).doNothing())
        .execute();
      const slug = access.community.slug;
      await emit(c, trx, { type: 'reply.created', communityId: topic.community_id, content: true, payload: { slug, topicId: topic.id, replyId: id, authorId: me } });
      const followers = await trx.selectFrom('topic_follow').select('user_id').where('topic_id', '=', topic.id).where('user_id', '!=', me).execute();
      for (const f of followers) {
        await emit(c, trx, { type: 'topic.replied', userId: f.user_id, communityId: topic.community_id, content: true, payload: { slug, topicId: topic.id, replyId: id, title: topic.title } });
      }
      await notifyMentions(c, trx, access, body.body, { topicId: topic.id, replyId: id });
      return { view: await oneReply(trx, rights, topic, id), created: true };
    });
    return c.json(result.view, result.created ? 201 : 200);
  })
  .openapi(routes.getReply, async (c) => {
    const { reply, topic, rights } = await replyAccess(c, c.req.valid('param').id, 'content.read');
    return c.json(await oneReply(c.get('services').db.kysely, rights, topic, reply.id), 200);
  })
  .openapi(routes.editReply, async (c) => {
    const { body } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { reply, topic, access, rights } = await replyAccess(c, c.req.valid('param').id, 'content.write', trx);
      if (reply.deleted_at) throw NO_REPLY();
      allow(editReply(rights, reply, topic));
      await trx.updateTable('reply').set({ body, edited_at: now(trx) }).where('id', '=', reply.id).execute();
      await emit(c, trx, { type: 'reply.updated', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, replyId: reply.id, likeCount: Number(reply.like_count) } });
      return oneReply(trx, rights, topic, reply.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.deleteReply, async (c) => {
    await inTransaction(c, async (trx) => {
      const { reply, topic, access, rights } = await replyAccess(c, c.req.valid('param').id, 'content.read', trx);
      if (reply.deleted_at) return;
      allow(mayDeleteReply(rights, reply));
      if (await deleteReply(trx, reply)) {
        await emit(c, trx, { type: 'reply.deleted', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, replyId: reply.id } });
      }
    });
    return c.json({ ok: true as const }, 200);
  })
  .openapi(routes.flagReply, async (c) => {
    const flag = c.req.valid('json');
    await inTransaction(c, async (trx) => {
      const { reply, topic, access } = await replyAccess(c, c.req.valid('param').id, 'content.read', trx);
      if (reply.deleted_at) throw NO_REPLY();
      await addFlag(c, trx, access, topic, reply.id, flag);
    });
    return c.json({ ok: true as const }, 200);
  });

/** Like and unlike: one like a member, counted on the reply so a page needs no count query. */
for (const [r, on] of [[routes.like, true], [routes.unlike, false]] as const) {
  replies.openapi(r, async (c) => {
    const result = await inTransaction(c, async (trx) => {
      const { reply, topic, access } = await replyAccess(c, c.req.valid('param').id, 'content.write', trx);
      if (reply.deleted_at) throw NO_REPLY();
      const me = access.actor.userId;
      const changed = on
        ? await trx.insertInto('reply_like').values({ reply_id: reply.id, user_id: me, created_at: now(trx) }).onConflict((oc) => oc.columns(['reply_id', 'user_id']).doNothing()).executeTakeFirst()
        : await trx.deleteFrom('reply_like').where('reply_id', '=', reply.id).where('user_id', '=', me).executeTakeFirst();
      const n = Number('numInsertedOrUpdatedRows' in changed ? changed.numInsertedOrUpdatedRows : changed.numDeletedRows);
      let likeCount = Number(reply.like_count);
      if (n > 0) {
        const row = await trx
          .updateTable('reply')
          .set((eb) => ({ like_count: eb('like_count', on ? '+' : '-', 1) }))
          .where('id', '=', reply.id)
          .returning(['like_count'])
          .executeTakeFirstOrThrow();
        likeCount = Number(row.like_count);
        await emit(c, trx, { type: 'reply.updated', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, replyId: reply.id, likeCount } });
      }
      return { likeCount, liked: on };
    });
    return c.json(result, 200);
  });
}

