import { authorizeObject, authorizeRef } from '../http/authorize.ts';
import { deleteReply, deleteTopic, excerpt } from './queries.ts';
import { now } from '../db/database.ts';
import { dialectOf } from '../db/dialect.ts';
import { emit, inTransaction } from '../http/context.ts';
import { createRouter } from '../http/router.ts';
import { routes } from './schemas.ts';

/* Flags on topics and replies: the moderators' queue and its resolution (the routes are declared in forums.ts). */

export const forumFlags = createRouter()
  .openapi(routes.flags, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.moderate');
    const db = c.get('services').db.kysely;
    const rows = await db
      .selectFrom('forum_flag')
      .innerJoin('topic', 'topic.id', 'forum_flag.topic_id')
      .leftJoin('reply', 'reply.id', 'forum_flag.reply_id')
      .innerJoin('user as reporter', 'reporter.id', 'forum_flag.reporter_id')
      .innerJoin('user as author', (j) => j.on((eb) => eb('author.id', '=', eb.fn.coalesce('reply.author_id', 'topic.author_id'))))
      .leftJoin('profile', 'profile.user_id', 'author.id')
      .leftJoin('agency', 'agency.id', 'profile.agency_id')
      .select(['forum_flag.id', 'forum_flag.reason', 'forum_flag.note', 'forum_flag.created_at', 'forum_flag.topic_id', 'forum_flag.reply_id'])
      .select(['reporter.id as reporter_id', 'reporter.name as reporter_name'])
      .select(['topic.title', 'topic.body as topic_body'])
      .select(['reply.body as reply_body'])
      .select(['author.id as author_id', 'author.name as author_name'])
      .select(['agency.name as agency_name'])
      .where('forum_flag.community_id', '=', access.community.id)
      .where('forum_flag.resolved_at', 'is', null)
      .orderBy('forum_flag.created_at', 'desc')
      .limit(200)
      .execute();
    return c.json(
      {
        items: rows.map((r) => ({
          id: r.id,
          reason: r.reason,
          note: r.note,
          reporter: { id: r.reporter_id, name: r.reporter_name },
          createdAt: r.created_at,
          target: {
            kind: r.reply_id ? ('reply' as const) : ('topic' as const),
            topicId: r.topic_id,
            replyId: r.reply_id,
            topicTitle: r.title,
            excerpt: excerpt(r.reply_id ? (r.reply_body ?? '') : r.topic_body, 280),
            author: { id: r.author_id, name: r.author_name, agency: r.agency_name ?? null },
          },
        })),
      },
      200,
    );
  })
  .openapi(routes.resolve, async (c) => {
    const { action } = c.req.valid('json');
    await inTransaction(c, async (trx) => {
      const id = c.req.valid('param').id;
      const find = (db: typeof trx) => db.selectFrom('forum_flag').selectAll().where('id', '=', id).executeTakeFirst();
      const { object: flag, access } = await authorizeObject(c, find, 'content.moderate', { db: trx, notFound: 'No such flag.' });
      if (flag.resolved_at) return;
      // The topic first, as every write to it does (db/locks.ts): no two transactions wait on each other.
      const topic = await trx.selectFrom('topic').selectAll().where('id', '=', flag.topic_id).$call(dialectOf(trx).forUpdate).executeTakeFirstOrThrow();
      const slug = access.community.slug;
      if (action === 'remove') {
        if (flag.reply_id) {
          if (await deleteReply(trx, { id: flag.reply_id, topic_id: topic.id })) {
            await emit(c, trx, { type: 'reply.deleted', communityId: topic.community_id, content: true, payload: { slug, topicId: topic.id, replyId: flag.reply_id } });
          }
        } else if (await deleteTopic(trx, topic)) {
          await emit(c, trx, { type: 'topic.deleted', communityId: topic.community_id, content: true, payload: { slug, topicId: topic.id, forumId: topic.forum_id } });
        }
      }
      await trx
        .updateTable('forum_flag')
        .set({ resolved_at: now(trx), resolved_by: access.actor.userId, resolution: action === 'remove' ? 'removed' : 'dismissed' })
        .where('id', '=', flag.id)
        .execute();
    });
    return c.json({ ok: true as const }, 200);
  });
