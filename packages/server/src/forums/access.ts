import type { Context } from 'hono';
import type { Access, Action } from '../authz.ts';
import { authorizeObject } from '../http/authorize.ts';
import { contentRights } from '../authz.ts';
import { mentionedUserIds } from '../posts/queries.ts';
import { newId } from '../db/ids.ts';
import { now } from '../db/database.ts';
import type { FlagReason } from '../db/schema.ts';
import { emit, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { findTopic, type Db, type TopicTable } from './queries.ts';

/*
 * The forums' request-facing helpers: a topic or reply as the caller may act
 * on it (one object authorization, http/authorize.ts), and what a change
 * tells live subscribers.
 */

export const NO_REPLY = () => new ApiError(404, 'NOT_FOUND', 'No such reply.');

/**
 * The topic (not deleted) and the caller's rights in its community
 * (authorizeObject: a topic in a community the caller may not read inside is
 * "not found"). In a write's transaction the topic stays locked: its
 * counters, answer and forum are decided on under that lock (db/locks.ts).
 */
export async function topicAccess(c: Context<AppEnv>, id: string, action: Action, trx?: Db) {
  const lock = trx !== undefined;
  const { object: topic, access } = await authorizeObject(c, (db) => findTopic(db, id, lock), action, { db: trx, notFound: 'No such topic.' });
  return { topic, access, rights: contentRights(access) };
}

/** The reply (deleted ones too: tombstones), its topic (locked in a write, as topicAccess) and the caller's rights. */
export async function replyAccess(c: Context<AppEnv>, id: string, action: Action, trx?: Db) {
  const lock = trx !== undefined;
  const find = async (db: Db) => {
    const first = await db.selectFrom('reply').select('topic_id').where('id', '=', id).executeTakeFirst();
    const topic = first && (await findTopic(db, first.topic_id, lock));
    // Read after the topic's lock: what a concurrent request did to the reply has committed.
    const reply = topic && (await db.selectFrom('reply').selectAll().where('id', '=', id).executeTakeFirst());
    return topic && reply ? { community_id: topic.community_id, topic, reply } : undefined;
  };
  const { object, access } = await authorizeObject(c, find, action, { db: trx, notFound: 'No such reply.' });
  return { reply: object.reply, topic: object.topic, access, rights: contentRights(access) };
}

export type TopicChange = 'edit' | 'pin' | 'lock' | 'move' | 'answer';
export async function topicChanged(c: Context<AppEnv>, trx: Db, access: Access, topic: TopicTable, change: TopicChange, forumId = topic.forum_id) {
  await emit(c, trx, { type: 'topic.updated', communityId: topic.community_id, content: true, payload: { slug: access.community.slug, topicId: topic.id, forumId, change } });
}

/** @mentioned members of the community hear of it (mentions of anyone else are only text). */
export async function notifyMentions(c: Context<AppEnv>, trx: Db, access: Access, body: string, payload: Record<string, unknown>) {
  const mentioned = mentionedUserIds(body).filter((u) => u !== access.actor.userId);
  if (!mentioned.length) return;
  const members = await trx.selectFrom('membership').select('user_id').where('community_id', '=', access.community.id).where('state', '=', 'active').where('user_id', 'in', mentioned).execute();
  for (const m of members) {
    await emit(c, trx, { type: 'mention.created', userId: m.user_id, communityId: access.community.id, content: true, payload: { ...payload, slug: access.community.slug, by: access.actor.userId } });
  }
}

export async function addFlag(c: Context<AppEnv>, trx: Db, access: Access, topic: TopicTable, replyId: string | null, flag: { reason: FlagReason; note?: string }) {
  const me = access.actor.userId;
  // Flagging the same thing twice adds nothing to the queue.
  let dup = trx.selectFrom('forum_flag').select('id').where('topic_id', '=', topic.id).where('reporter_id', '=', me).where('resolved_at', 'is', null);
  dup = replyId ? dup.where('reply_id', '=', replyId) : dup.where('reply_id', 'is', null);
  if (await dup.executeTakeFirst()) return;
  const id = newId('flg');
  await trx
    .insertInto('forum_flag')
    .values({ id, community_id: topic.community_id, topic_id: topic.id, reply_id: replyId, reporter_id: me, reason: flag.reason, note: flag.note ?? null, resolved_at: null, resolved_by: null, resolution: null, created_at: now(trx) })
    .execute();
  // The moderators hear of it; no one else learns who flagged what.
  const moderators = await trx.selectFrom('membership').select('user_id').where('community_id', '=', topic.community_id).where('state', '=', 'active').where('role', '!=', 'member').execute();
  for (const m of moderators) await emit(c, trx, { type: 'forum.flagged', userId: m.user_id, payload: { slug: access.community.slug, flagId: id, topicId: topic.id } });
}
