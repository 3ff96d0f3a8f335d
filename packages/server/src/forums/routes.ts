import { allow, authorizeRef } from '../http/authorize.ts';
import { contentRights } from '../authz.ts';
import { newId } from '../db/ids.ts';
import { now } from '../db/database.ts';
import { insertOncePerClientId, lockCommunities } from '../db/locks.ts';
import { emit, inTransaction } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { addFlag, notifyMentions, topicAccess, topicChanged } from './access.ts';
import { answerTopic, deleteTopic as mayDeleteTopic, editTopic } from './policy.ts';
import { createForum, deleteTopic, forumIn, listForums, othersReplied, replyIn, sameClientIdTopic, topicPage, topicView, touchActivity } from './queries.ts';
import { routes } from './schemas.ts';
import { sentColumns } from '../http/patch.ts';

/*
 * Forums: a community's forums, their topics, and the topics' replies (each
 * resource's routes, schemas, queries and policy in this folder). Every
 * read and write asks the authorization function about the community the
 * topic belongs to; a topic or reply in a community you cannot read answers
 * 404, exactly as an id that does not exist.
 */

export const forums = createRouter()
  .openapi(routes.forums, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.read');
    return c.json({ items: await listForums(c.get('services').db.kysely, access.community.id) }, 200);
  })
  .openapi(routes.createForum, async (c) => {
    const body = c.req.valid('json');
    const forum = await inTransaction(c, async (trx) => {
      const access = await authorizeRef(c, c.req.valid('param').ref, 'content.moderate', trx);
      // A forum's name is unique in its community: checked under the community's lock (db/locks.ts).
      await lockCommunities(trx, [access.community.id]);
      const taken = await trx.selectFrom('forum').select('id').where('community_id', '=', access.community.id).where('name', '=', body.name).executeTakeFirst();
      if (taken) throw new ApiError(409, 'FORUM_EXISTS', 'This community already has a forum of that name.', { name: 'Already in use' });
      const f = await createForum(trx, access.community.id, body);
      await emit(c, trx, { type: 'forum.created', communityId: access.community.id, content: true, payload: { slug: access.community.slug, forumId: f.id } });
      return f;
    });
    return c.json(forum, 201);
  })
  .openapi(routes.topics, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.read');
    const q = c.req.valid('query');
    const page = await topicPage(c.get('services').db.kysely, { communityId: access.community.id, forumId: q.forum, filter: q.filter, tag: q.tag }, { limit: q.limit, cursor: q.cursor });
    return c.json(page, 200);
  })
  .openapi(routes.createTopic, async (c) => {
    const body = c.req.valid('json');
    const result = await inTransaction(c, async (trx) => {
      const access = await authorizeRef(c, c.req.valid('param').ref, 'content.write', trx);
      const rights = contentRights(access);
      const me = access.actor.userId;
      if (body.clientId) {
        const existing = await trx.selectFrom('topic').select('id').where('author_id', '=', me).where('client_id', '=', body.clientId).where('deleted_at', 'is', null).executeTakeFirst();
        if (existing) return { view: await topicView(trx, rights, existing.id), created: false };
      }
      await forumIn(trx, access.community.id, body.forumId);
      const id = newId('top');
      const at = now(trx);
      const topicTags = body.tags ?? [];
      // The same clientId sent at once: one row; the others answer with it (db/locks.ts).
      const inserted = await insertOncePerClientId(trx, 'topic', {
      id,
      forum_id: body.forumId,
      community_id: access.community.id,
      author_id: me,
      title: body.title,
      body: body.body,
      tags: JSON.stringify(topicTags),
      question: body.question ? 1 : 0,
      answer_reply_id: null,
      last_activity_at: at,
      }, body.clientId, at);
      if (!inserted) return { view: await sameClientIdTopic(trx, rights, me, body.clientId!), created: false };
      if (topicTags.length) await trx.insertInto('topic_tag').values(topicTags.map((tag) => ({ topic_id: id, tag }))).execute();
      await trx.insertInto('topic_follow').values({ topic_id: id, user_id: me, created_at: at }).execute();
      await trx.updateTable('forum').set((eb) => ({ topic_count: eb('topic_count', '+', 1) })).where('id', '=', body.forumId).execute();
      await touchActivity(trx, { id, forum_id: body.forumId, community_id: access.community.id }, at);
      await emit(c, trx, { type: 'topic.created', communityId: access.community.id, content: true, payload: { slug: access.community.slug, topicId: id, forumId: body.forumId } });
      await notifyMentions(c, trx, access, body.body, { topicId: id });
      return { view: await topicView(trx, rights, id), created: true };
    });
    return c.json(result.view, result.created ? 201 : 200);
  })
  .openapi(routes.topic, async (c) => {
    const { topic, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read');
    return c.json(await topicView(c.get('services').db.kysely, rights, topic.id), 200);
  })
  .openapi(routes.editTopic, async (c) => {
    const patch = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.write', trx);
      allow(editTopic(rights, topic));
      await trx
        .updateTable('topic')
        .set({
          ...sentColumns(patch, { title: 'title', body: 'body' }),
          ...(patch.tags !== undefined && { tags: JSON.stringify(patch.tags) }),
          edited_at: now(trx),
        })
        .where('id', '=', topic.id)
        .execute();
      if (patch.tags !== undefined) {
        await trx.deleteFrom('topic_tag').where('topic_id', '=', topic.id).execute();
        if (patch.tags.length) await trx.insertInto('topic_tag').values(patch.tags.map((tag) => ({ topic_id: topic.id, tag }))).execute();
      }
      await topicChanged(c, trx, access, topic, 'edit');
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.deleteTopic, async (c) => {
    await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read', trx);
      allow(mayDeleteTopic(rights, topic, await othersReplied(trx, rights, topic)));
      if (await deleteTopic(trx, topic)) {
        await emit(c, trx, { type: 'topic.deleted', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, forumId: topic.forum_id } });
      }
    });
    return c.json({ ok: true as const }, 200);
  });

/** Pin, unpin, lock and unlock: moderators set one flag of the topic. */
for (const [r, column, value] of [
  [routes.pin, 'pinned', 1],
  [routes.unpin, 'pinned', 0],
  [routes.lock, 'locked', 1],
  [routes.unlock, 'locked', 0],
] as const) {
  forums.openapi(r, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.moderate', trx);
      if (topic[column] !== value) {
        await trx.updateTable('topic').set({ [column]: value }).where('id', '=', topic.id).execute();
        await topicChanged(c, trx, access, topic, column === 'pinned' ? 'pin' : 'lock');
      }
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  });
}

forums
  .openapi(routes.move, async (c) => {
    const { forumId } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.moderate', trx);
      // Within the community only: moving content elsewhere would change who may read it.
      await forumIn(trx, topic.community_id, forumId);
      // `topic` was read under its lock: its forum is the current one.
      if (forumId !== topic.forum_id) {
        await trx.updateTable('topic').set({ forum_id: forumId }).where('id', '=', topic.id).execute();
        // The two forums in id order: two moves in opposite directions never wait on each other.
        const counts: [string, '-' | '+'][] = [
          [topic.forum_id, '-'],
          [forumId, '+'],
        ];
        for (const [id, op] of counts.sort(([x], [y]) => (x < y ? -1 : 1))) {
          await trx.updateTable('forum').set((eb) => ({ topic_count: eb('topic_count', op, 1) })).where('id', '=', id).execute();
        }
        await topicChanged(c, trx, access, topic, 'move', forumId);
      }
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.follow, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read', trx);
      await trx
        .insertInto('topic_follow')
        .values({ topic_id: topic.id, user_id: access.actor.userId, created_at: now(trx) })
        .onConflict((oc) => oc.columns(['topic_id', 'user_id']).doNothing())
        .execute();
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.unfollow, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.read', trx);
      await trx.deleteFrom('topic_follow').where('topic_id', '=', topic.id).where('user_id', '=', access.actor.userId).execute();
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.answer, async (c) => {
    const { replyId } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.write', trx);
      allow(answerTopic(rights, topic));
      await replyIn(trx, topic, replyId, 'replyId');
      await trx.updateTable('topic').set({ answer_reply_id: replyId }).where('id', '=', topic.id).execute();
      await topicChanged(c, trx, access, topic, 'answer');
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.unanswer, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { topic, access, rights } = await topicAccess(c, c.req.valid('param').id, 'content.write', trx);
      allow(answerTopic(rights, topic));
      await trx.updateTable('topic').set({ answer_reply_id: null }).where('id', '=', topic.id).execute();
      await topicChanged(c, trx, access, topic, 'answer');
      return topicView(trx, rights, topic.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.flagTopic, async (c) => {
    const flag = c.req.valid('json');
    await inTransaction(c, async (trx) => {
      const { topic, access } = await topicAccess(c, c.req.valid('param').id, 'content.read', trx);
      await addFlag(c, trx, access, topic, null, flag);
    });
    return c.json({ ok: true as const }, 200);
  });
