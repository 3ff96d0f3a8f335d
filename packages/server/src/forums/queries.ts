import type { Kysely, Selectable } from 'kysely';
import { answerTopic, deleteReply as mayDeleteReply, deleteTopic as mayDeleteTopic, editReply, editTopic, replyToTopic } from './policy.ts';
import type { ContentRights } from '../authz.ts';
import { now } from '../db/database.ts';
import { dialectOf } from '../db/dialect.ts';
import type { Database, ForumTable as ForumColumns, ReplyTable as ReplyColumns, TopicTable as TopicColumns } from '../db/schema.ts';

export type ForumTable = Selectable<ForumColumns>;
export type TopicTable = Selectable<TopicColumns>;
export type ReplyTable = Selectable<ReplyColumns>;
import { encodeCursor, type Keyset } from '../http/cursor.ts';
import { ApiError } from '../http/errors.ts';
import { newId } from '../db/ids.ts';
import { joinUserAgency } from '../data/profiles.ts';

/** The forum every community has when its settings name none. */
export const DEFAULT_FORUM = { name: 'General discussion', description: 'Anything the community should discuss' };

export interface Author {
  id: string;
  name: string;
  agency: string | null;
}

export interface ForumView {
  id: string;
  communityId: string;
  name: string;
  description: string;
  topicCount: number;
  lastActivityAt: string | null;
}

export interface TopicSummaryView {
  id: string;
  forumId: string;
  forumName: string;
  communityId: string;
  communitySlug: string;
  title: string;
  excerpt: string;
  tags: string[];
  question: boolean;
  answered: boolean;
  pinned: boolean;
  locked: boolean;
  replyCount: number;
  author: Author;
  createdAt: string;
  lastActivityAt: string;
}

export interface TopicView extends Omit<TopicSummaryView, 'excerpt'> {
  body: string;
  editedAt: string | null;
  answerReplyId: string | null;
  following: boolean;
  canReply: boolean;
  canModerate: boolean;
  canEdit: boolean;
  canDelete: boolean;
  canAnswer: boolean;
}

export interface ReplyView {
  id: string;
  topicId: string;
  parentId: string | null;
  quote: { id: string; authorName: string; excerpt: string } | null;
  body: string;
  author: Author | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  likeCount: number;
  liked: boolean;
  isAnswer: boolean;
  canEdit: boolean;
  canDelete: boolean;
  clientId: string | null;
}

/** Markdown as short plain text, for lists and quotes (the widgets show it as text, never as HTML). */
export function excerpt(markdown: string, max = 200): string {
  const text = markdown
    .replace(/@\[([^\]]{1,100})\]\(user:[^)]*\)/g, '@$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^>.*$/gm, '')
    .replace(/[`*_#>~|]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

const parseTags = (json: string): string[] => {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
};

function forumView(f: ForumTable): ForumView {
  return {
    id: f.id,
    communityId: f.community_id,
    name: f.name,
    description: f.description,
    topicCount: Number(f.topic_count),
    lastActivityAt: f.last_activity_at,
  };
}

export async function listForums(db: Kysely<Database>, communityId: string): Promise<ForumView[]> {
  const rows = await db.selectFrom('forum').selectAll().where('community_id', '=', communityId).orderBy('position').orderBy('id').limit(200).execute();
  return rows.map(forumView);
}

export async function createForum(db: Kysely<Database>, communityId: string, forum: { name: string; description?: string }): Promise<ForumView> {
  const last = await db.selectFrom('forum').select((eb) => eb.fn.max('position').as('p')).where('community_id', '=', communityId).executeTakeFirst();
  const row: ForumTable = {
    id: newId('frm'),
    community_id: communityId,
    name: forum.name,
    description: forum.description ?? '',
    position: Number(last?.p ?? -1) + 1,
    topic_count: 0,
    last_activity_at: null,
    created_at: now(db),
  };
  await db.insertInto('forum').values(row).execute();
  return forumView(row);
}

/** A new community's forums: those its settings name (its own, or copied from another), or one general forum. */
export async function createForumsFromSettings(db: Kysely<Database>, communityId: string, forums: { name: string; description?: string }[] | undefined) {
  for (const f of forums?.length ? forums : [DEFAULT_FORUM]) await createForum(db, communityId, f);
}

function topicBase(db: Kysely<Database>) {
  return db
    .selectFrom('topic')
    .innerJoin('forum', 'forum.id', 'topic.forum_id')
    .innerJoin('community', 'community.id', 'topic.community_id')
    .$call((q) => joinUserAgency(q, 'topic.author_id'))
    .selectAll('topic')
    .select(['forum.name as forum_name', 'community.slug as community_slug', 'user.name as author_name', 'agency.name as agency_name'])
    .where('topic.deleted_at', 'is', null);
}

type TopicRow = TopicTable & { forum_name: string; community_slug: string; author_name: string; agency_name: string | null };

function summary(r: TopicRow): TopicSummaryView {
  return {
    id: r.id,
    forumId: r.forum_id,
    forumName: r.forum_name,
    communityId: r.community_id,
    communitySlug: r.community_slug,
    title: r.title,
    excerpt: excerpt(r.body),
    tags: parseTags(r.tags),
    question: Boolean(r.question),
    answered: r.answer_reply_id !== null,
    pinned: Boolean(r.pinned),
    locked: Boolean(r.locked),
    replyCount: Number(r.reply_count),
    author: { id: r.author_id, name: r.author_name, agency: r.agency_name ?? null },
    createdAt: r.created_at,
    lastActivityAt: r.last_activity_at,
  };
}

export type TopicFilter = 'all' | 'unanswered' | 'answered' | 'questions';

/** The topic-list cursor packs (pinned, last activity) into the keyset's sort key. */
const topicCursor = (r: Pick<TopicTable, 'pinned' | 'last_activity_at' | 'id'>) => encodeCursor(`${Number(r.pinned)}|${r.last_activity_at}`, r.id);

/**
 * One page of a community's topics (or one forum's): pinned first, then most
 * recent activity, by keyset over (pinned, last_activity_at, id), which the
 * list indexes cover.
 */
export async function topicPage(
  db: Kysely<Database>,
  scope: { communityId: string; forumId?: string; filter: TopicFilter; tag?: string },
  page: { limit: number; cursor?: Keyset },
): Promise<{ items: TopicSummaryView[]; nextCursor: string | null }> {
  let q = topicBase(db);
  q = scope.forumId ? q.where('topic.forum_id', '=', scope.forumId).where('topic.community_id', '=', scope.communityId) : q.where('topic.community_id', '=', scope.communityId);
  if (scope.filter === 'questions') q = q.where('topic.question', '=', 1);
  if (scope.filter === 'unanswered') q = q.where('topic.question', '=', 1).where('topic.answer_reply_id', 'is', null);
  if (scope.filter === 'answered') q = q.where('topic.answer_reply_id', 'is not', null);
  if (scope.tag) {
    const tag = scope.tag;
    q = q.where('topic.id', 'in', (eb) => eb.selectFrom('topic_tag').select('topic_id').where('tag', '=', tag));
  }
  if (page.cursor) {
    const [pinned, at] = page.cursor.c.split('|');
    if ((pinned !== '0' && pinned !== '1') || !at) throw new ApiError(400, 'VALIDATION_FAILED', 'Not a cursor this server gave out.', { cursor: 'Not a cursor this server gave out' });
    q = q.where((eb) => eb(eb.refTuple('topic.pinned', 'topic.last_activity_at', 'topic.id'), '<', eb.tuple(Number(pinned), at, page.cursor!.i)));
  }
  const rows = (await q
    .orderBy('topic.pinned', 'desc')
    .orderBy('topic.last_activity_at', 'desc')
    .orderBy('topic.id', 'desc')
    .limit(page.limit + 1)
    .execute()) as TopicRow[];
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items: items.map(summary), nextCursor: rows.length > page.limit && last ? topicCursor(last) : null };
}

/** A topic that exists and is not deleted, with its community id (for the authorization function). */
/** A topic that is not deleted; with `lock` (in a write's transaction) its row stays locked until the transaction ends (db/locks.ts). */
export async function findTopic(db: Kysely<Database>, id: string, lock = false): Promise<TopicTable | undefined> {
  return db
    .selectFrom('topic')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .$if(lock, (q) => dialectOf(db).forUpdate(q))
    .executeTakeFirst();
}

export async function topicView(db: Kysely<Database>, rights: ContentRights, id: string): Promise<TopicView> {
  const r = (await topicBase(db).where('topic.id', '=', id).executeTakeFirst()) as TopicRow | undefined;
  if (!r) throw new ApiError(404, 'NOT_FOUND', 'No such topic.');
  const me = rights.actor.userId;
  const [follow, replied] = await Promise.all([
    db.selectFrom('topic_follow').select('user_id').where('topic_id', '=', id).where('user_id', '=', me).executeTakeFirst(),
    othersReplied(db, rights, r),
  ]);
  const { excerpt: _excerpt, ...rest } = summary(r);
  return {
    ...rest,
    body: r.body,
    editedAt: r.edited_at,
    answerReplyId: r.answer_reply_id,
    following: Boolean(follow),
    canReply: replyToTopic(rights, r).allow,
    canModerate: rights.moderator,
    canEdit: editTopic(rights, r).allow,
    canDelete: mayDeleteTopic(rights, r, replied).allow,
    canAnswer: answerTopic(rights, r).allow,
  };
}

/** Whether anyone but its author has a reply (not deleted) in the topic: asked only when it decides (the author deleting it). */
export async function othersReplied(db: Kysely<Database>, rights: ContentRights, topic: Pick<TopicTable, 'id' | 'author_id'>): Promise<boolean> {
  if (rights.moderator || topic.author_id !== rights.actor.userId) return false;
  const other = await db.selectFrom('reply').select('id').where('topic_id', '=', topic.id).where('author_id', '!=', topic.author_id).where('deleted_at', 'is', null).limit(1).executeTakeFirst();
  return Boolean(other);
}

export const replyCursor = (r: Pick<ReplyTable, 'root_seq' | 'seq'>) => encodeCursor(String(r.root_seq), String(r.seq));

function cursorSeqs(k: Keyset): [number, number] {
  const root = Number(k.c);
  const seq = Number(k.i);
  if (!Number.isSafeInteger(root) || !Number.isSafeInteger(seq)) {
    throw new ApiError(400, 'VALIDATION_FAILED', 'Not a cursor this server gave out.', { cursor: 'Not a cursor this server gave out' });
  }
  return [root, seq];
}

export interface ReplyPageView {
  items: ReplyView[];
  nextCursor: string | null;
  prevCursor: string | null;
  total: number;
}

/**
 * One page of a topic's replies in thread order (root_seq, seq): each
 * top-level reply followed by the replies nested under it. Forward from a
 * cursor, backward from one (`before`), or starting at the thread that holds
 * an `anchor` reply (for deep links). Four queries a page whatever its size:
 * the replies with their authors, the quoted replies, the reader's likes, and
 * one probe for the other direction.
 */
export async function replyPage(
  db: Kysely<Database>,
  rights: ContentRights,
  topic: TopicTable,
  page: { limit: number; cursor?: Keyset; before?: Keyset; anchor?: string },
): Promise<ReplyPageView> {
  const base = () =>
    db
      .selectFrom('reply')
      .$call((q) => joinUserAgency(q, 'reply.author_id'))
      .selectAll('reply')
      .select(['user.name as author_name', 'agency.name as agency_name'])
      .where('reply.topic_id', '=', topic.id);
  const tuple = 'reply.root_seq';
  let rows;
  let backward = false;
  let from: [number, number] | null = null;
  if (page.before) {
    backward = true;
    const [r, s] = cursorSeqs(page.before);
    rows = await base()
      .where((eb) => eb(eb.refTuple(tuple, 'reply.seq'), '<', eb.tuple(r, s)))
      .orderBy('reply.root_seq', 'desc')
      .orderBy('reply.seq', 'desc')
      .limit(page.limit + 1)
      .execute();
  } else {
    if (page.anchor) {
      const anchor = await db.selectFrom('reply').select(['root_seq']).where('id', '=', page.anchor).where('topic_id', '=', topic.id).executeTakeFirst();
      if (!anchor) throw new ApiError(404, 'NOT_FOUND', 'No such reply in this topic.', { anchor: 'Not a reply of this topic' });
      // The thread's top-level reply has seq = root_seq: start just before it.
      from = [anchor.root_seq, anchor.root_seq - 1];
    } else if (page.cursor) {
      from = cursorSeqs(page.cursor);
    }
    let q = base();
    if (from) {
      const [r, s] = from;
      q = q.where((eb) => eb(eb.refTuple(tuple, 'reply.seq'), '>', eb.tuple(r, s)));
    }
    rows = await q.orderBy('reply.root_seq').orderBy('reply.seq').limit(page.limit + 1).execute();
  }
  const more = rows.length > page.limit;
  const slice = rows.slice(0, page.limit);
  if (backward) slice.reverse();
  const first = slice[0];
  const last = slice[slice.length - 1];
  // Is there anything on the other side of this page?
  let otherSide = false;
  if (backward) otherSide = true;
  else if (from && first) {
    const [r, s] = [first.root_seq, first.seq];
    otherSide = Boolean(
      await db
        .selectFrom('reply')
        .select('id')
        .where('topic_id', '=', topic.id)
        .where((eb) => eb(eb.refTuple('root_seq', 'seq'), '<', eb.tuple(r, s)))
        .limit(1)
        .executeTakeFirst(),
    );
  }
  const items = await replyViews(db, rights, topic, slice);
  return {
    items,
    nextCursor: last && (backward ? otherSide : more) ? replyCursor(last) : null,
    prevCursor: first && (backward ? more : otherSide) ? replyCursor(first) : null,
    total: Number(topic.reply_count),
  };
}

type ReplyRow = ReplyTable & { author_name: string; agency_name: string | null };

export async function replyViews(db: Kysely<Database>, rights: ContentRights, topic: TopicTable, rows: ReplyRow[]): Promise<ReplyView[]> {
  if (rows.length === 0) return [];
  const me = rights.actor.userId;
  const quoteIds = [...new Set(rows.map((r) => r.quote_id).filter((q): q is string => q !== null))];
  const [quotes, liked] = await Promise.all([
    quoteIds.length
      ? db
          .selectFrom('reply')
          .innerJoin('user', 'user.id', 'reply.author_id')
          .select(['reply.id', 'reply.body', 'reply.deleted_at', 'user.name'])
          .where('reply.id', 'in', quoteIds)
          .execute()
      : Promise.resolve([]),
    db
      .selectFrom('reply_like')
      .select('reply_id')
      .where('user_id', '=', me)
      .where(
        'reply_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute(),
  ]);
  const quoteById = new Map(quotes.map((q) => [q.id, q]));
  const likedIds = new Set(liked.map((l) => l.reply_id));
  return rows.map((r): ReplyView => {
    const deleted = r.deleted_at !== null;
    const own = r.author_id === me;
    const q = r.quote_id ? quoteById.get(r.quote_id) : undefined;
    return {
      id: r.id,
      topicId: r.topic_id,
      parentId: r.parent_id,
      quote: q && !deleted ? { id: q.id, authorName: q.deleted_at ? '' : q.name, excerpt: q.deleted_at ? '' : excerpt(q.body, 280) } : null,
      body: deleted ? '' : r.body,
      author: deleted ? null : { id: r.author_id, name: r.author_name, agency: r.agency_name ?? null },
      createdAt: r.created_at,
      editedAt: deleted ? null : r.edited_at,
      deleted,
      likeCount: deleted ? 0 : Number(r.like_count),
      liked: likedIds.has(r.id),
      isAnswer: !deleted && topic.answer_reply_id === r.id,
      canEdit: !deleted && editReply(rights, r, topic).allow,
      canDelete: !deleted && mayDeleteReply(rights, r).allow,
      clientId: own ? r.client_id : null,
    };
  });
}

export async function oneReply(db: Kysely<Database>, rights: ContentRights, topic: TopicTable, id: string): Promise<ReplyView> {
  const row = await db
    .selectFrom('reply')
    .$call((q) => joinUserAgency(q, 'reply.author_id'))
    .selectAll('reply')
    .select(['user.name as author_name', 'agency.name as agency_name'])
    .where('reply.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new ApiError(404, 'NOT_FOUND', 'No such reply.');
  return (await replyViews(db, rights, topic, [row]))[0]!;
}

/**
 * Marks a reply deleted (a tombstone keeps the thread's shape), and keeps the
 * topic's counts and answer right. Conditional: only the request that deleted
 * it counts it (two deleting at once take one off). Whether it did.
 */
export async function deleteReply(db: Kysely<Database>, reply: Pick<ReplyTable, 'id' | 'topic_id'>): Promise<boolean> {
  const res = await db.updateTable('reply').set({ deleted_at: now(db) }).where('id', '=', reply.id).where('deleted_at', 'is', null).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) return false;
  await db.updateTable('topic').set((eb) => ({ reply_count: eb('reply_count', '-', 1) })).where('id', '=', reply.topic_id).execute();
  // The answer, as it is now (not as read before): never left pointing at a deleted reply.
  await db.updateTable('topic').set({ answer_reply_id: null }).where('id', '=', reply.topic_id).where('answer_reply_id', '=', reply.id).execute();
  await resolveFlagsOn(db, reply.topic_id, reply.id);
  return true;
}

/** Marks a topic deleted and takes it off its forum's count, as it is now (a move may have changed the forum): once. Whether it did. */
export async function deleteTopic(db: Kysely<Database>, topic: Pick<TopicTable, 'id'>): Promise<boolean> {
  const row = await db.updateTable('topic').set({ deleted_at: now(db) }).where('id', '=', topic.id).where('deleted_at', 'is', null).returning(['forum_id']).executeTakeFirst();
  if (!row) return false;
  await db.updateTable('forum').set((eb) => ({ topic_count: eb('topic_count', '-', 1) })).where('id', '=', row.forum_id).execute();
  await resolveFlagsOn(db, topic.id, null);
  return true;
}

/** Content that is gone needs no moderator any more: its open flags close as removed. */
async function resolveFlagsOn(db: Kysely<Database>, topicId: string, replyId: string | null) {
  let q = db.updateTable('forum_flag').set({ resolved_at: now(db), resolution: 'removed' }).where('topic_id', '=', topicId).where('resolved_at', 'is', null);
  q = replyId ? q.where('reply_id', '=', replyId) : q;
  await q.execute();
}

export type Db = Kysely<Database>;

/** A reply of this topic that is not deleted, or a 422 naming the field. */
export async function replyIn(trx: Db, topic: TopicTable, id: string, field: string) {
  const r = await trx.selectFrom('reply').selectAll().where('id', '=', id).where('topic_id', '=', topic.id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!r) throw new ApiError(422, 'UNKNOWN_REPLY', 'Name a reply of this topic.', { [field]: 'Not a reply of this topic' });
  return r;
}

/**
 * What a create with an idempotency key answers when the key's row already
 * exists (a retry, or the same request sent at once): that row, as the first
 * answer showed it.
 */
async function sameClientIdRow(trx: Db, table: 'topic' | 'reply', authorId: string, clientId: string) {
  const row = await trx.selectFrom(table).select(['id', 'deleted_at']).where('author_id', '=', authorId).where('client_id', '=', clientId).executeTakeFirstOrThrow();
  if (row.deleted_at) throw new ApiError(409, 'CLIENT_ID_USED', 'What you sent with this clientId was deleted since: send it with a new clientId.', { clientId: 'Already used' });
  return row.id;
}

export async function sameClientIdTopic(trx: Db, rights: ContentRights, authorId: string, clientId: string) {
  return topicView(trx, rights, await sameClientIdRow(trx, 'topic', authorId, clientId));
}

export async function sameClientIdReply(trx: Db, rights: ContentRights, authorId: string, clientId: string) {
  const id = await sameClientIdRow(trx, 'reply', authorId, clientId);
  const reply = await trx.selectFrom('reply').select('topic_id').where('id', '=', id).executeTakeFirstOrThrow();
  const topic = await trx.selectFrom('topic').selectAll().where('id', '=', reply.topic_id).executeTakeFirstOrThrow();
  return oneReply(trx, rights, topic, id);
}

export async function forumIn(trx: Db, communityId: string, forumId: string) {
  const f = await trx.selectFrom('forum').select(['id']).where('id', '=', forumId).where('community_id', '=', communityId).executeTakeFirst();
  if (!f) throw new ApiError(422, 'UNKNOWN_FORUM', 'Choose one of this community’s forums.', { forumId: 'Not a forum of this community' });
  return f;
}

export async function touchActivity(trx: Db, topic: Pick<TopicTable, 'id' | 'forum_id' | 'community_id'>, at: string) {
  await trx.updateTable('topic').set({ last_activity_at: at }).where('id', '=', topic.id).execute();
  await trx.updateTable('forum').set({ last_activity_at: at }).where('id', '=', topic.forum_id).execute();
  await trx.updateTable('community').set({ updated_at: at }).where('id', '=', topic.community_id).execute();
}
