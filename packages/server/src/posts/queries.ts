import type { Kysely } from 'kysely';
import type { Actor } from '../authz.ts';
import type { Database, PostType } from '../db/schema.ts';
import { encodeCursor, type Keyset } from '../http/cursor.ts';
import { compiled } from '../db/compiled.ts';
import { visibleToReader } from './audience.ts';
import { deletePost, editPost } from './policy.ts';

export const REACTION_KINDS = ['like', 'thanks', 'important'] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];

export interface PostView {
  id: string;
  communityId: string;
  communitySlug: string;
  communityName: string;
  type: PostType;
  title: string | null;
  body: string;
  audience: 'community' | 'followers';
  author: { id: string; name: string; agency: string | null };
  createdAt: string;
  editedAt: string | null;
  attachment: { id: string; filename: string; contentType: string; size: number; url: string } | null;
  reactions: Record<ReactionKind, number>;
  myReactions: ReactionKind[];
  commentCount: number;
  canEdit: boolean;
  canDelete: boolean;
  /** The author's own idempotency key (null for everyone else), so a client can match a post it retried. */
  clientId: string | null;
}


/**
 * One page of posts, newest first, by keyset (created_at, id): a post written
 * between two page requests can never shift a later page. A few queries a
 * page, whatever its size: the posts, their reactions (counts, and the
 * reader's own), their authors (with agency), the communities' names unless
 * the caller knows them, and attachments if any. Separate small queries cost
 * less than joining every row to four tables.
 */
export async function postPage(
  db: Kysely<Database>,
  actor: Actor,
  scope: { communityIds: string[]; moderatorOf: Set<string>; communities?: Map<string, { slug: string; name: string }> },
  options: { limit: number; cursor?: Keyset; type?: PostType; onlyId?: string; now: Date },
): Promise<{ items: PostView[]; nextCursor: string | null }> {
  if (scope.communityIds.length === 0) return { items: [], nextCursor: null };
  // Built once per shape (db/compiled.ts): which filters are present, and how many communities.
  const { communityIds } = scope;
  const { cursor, type, onlyId } = options;
  const shape = `post-page:${communityIds.length}:${type ? 'type' : ''}:${onlyId ? 'one' : ''}:${cursor ? 'after' : ''}`;
  const args = [actor.userId, options.limit + 1, ...communityIds, ...(type ? [type] : []), ...(onlyId ? [onlyId] : []), ...(cursor ? [cursor.c, cursor.i] : [])];
  const rows = await compiled(db, shape, args, (userId, limit, ...rest) => {
    const values: string[] = rest;
    const communities = values.splice(0, communityIds.length);
    let q = db
      .selectFrom('post')
      .select(POST_COLUMNS)
      .where('post.deleted_at', 'is', null)
      // Followers-only entries: the one audience rule (audience.ts).
      .where((eb) => visibleToReader(eb, userId));
    q = communities.length === 1 ? q.where('post.community_id', '=', communities[0]!) : q.where('post.community_id', 'in', communities);
    if (type) q = q.where('post.type', '=', values.shift() as PostType);
    if (onlyId) q = q.where('post.id', '=', values.shift()!);
    if (cursor) {
      const [c, i] = values;
      // A row-value comparison, so both databases walk the (community_id, created_at, id) index.
      q = q.where((eb) => eb(eb.refTuple('post.created_at', 'post.id'), '<', eb.tuple(c!, i!)));
    }
    return q.orderBy('post.created_at', 'desc').orderBy('post.id', 'desc').limit(limit);
  });
  const page = rows.slice(0, options.limit);
  const ids = page.map((r) => r.id);
  // Independent of each other: on PostgreSQL they go out together.
  const [counts, authors, communities, attachments] = await Promise.all([
    postReactions(db, actor.userId, ids),
    postAuthors(db, page.map((r) => r.author_id)),
    scope.communities ?? communityNames(db, page.map((r) => r.community_id)),
    postAttachments(db, page.flatMap((r) => (r.attachment_id ? [r.attachment_id] : []))),
  ]);
  const items = page.map((r) => {
    const reactions = { like: 0, thanks: 0, important: 0 };
    for (const c of counts) if (c.post_id === r.id) reactions[c.kind] = Number(c.n);
    // In the order the kinds are listed, whatever order the database grouped them in.
    const mine = REACTION_KINDS.filter((k) => counts.some((m) => m.post_id === r.id && m.kind === k && Number(m.mine) > 0));
    return postView(r, { reactions, author: authors.get(r.author_id), community: communities.get(r.community_id), attachment: r.attachment_id ? attachments.get(r.attachment_id) : undefined }, mine, actor, scope.moderatorOf, options.now);
  });
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last.created_at, last.id) : null };
}

/** The columns of a post's row (`PostRow`) that the page queries read. */
export const POST_COLUMNS = ['post.id', 'post.community_id', 'post.type', 'post.audience', 'post.title', 'post.body', 'post.author_id', 'post.client_id', 'post.comment_count', 'post.attachment_id', 'post.edited_at', 'post.created_at'] as const;

/** One post's reaction counts by kind, from the rows of a counts query (post, kind, n). */
export function reactionCounts(counts: readonly { post_id: string; kind: ReactionKind; n: string | number }[], postId: string): Record<ReactionKind, number> {
  const reactions = { like: 0, thanks: 0, important: 0 };
  for (const c of counts) if (c.post_id === postId) reactions[c.kind] = Number(c.n);
  return reactions;
}

/** A post's row as the page queries read it. */
export interface PostRow {
  id: string;
  community_id: string;
  type: PostType;
  audience: 'community' | 'followers';
  title: string | null;
  body: string;
  author_id: string;
  client_id: string | null;
  comment_count: number | string;
  attachment_id: string | null;
  edited_at: string | null;
  created_at: string;
}

/** What every reader of a post sees alike: its counts, its author, its community and its file. */
export interface SharedParts {
  reactions: Record<ReactionKind, number>;
  author: { name: string; agency: string | null } | undefined;
  community: { slug: string; name: string } | undefined;
  attachment: { id: string; filename: string; content_type: string; size: number | string } | undefined;
}

/** What a post's view holds for one reader alone. */
export type ReaderParts = Pick<PostView, 'myReactions' | 'canEdit' | 'canDelete' | 'clientId'>;

/** A post as every reader sees it alike. */
export function sharedView(r: PostRow, shared: SharedParts): Omit<PostView, keyof ReaderParts> {
  const { author, community, attachment: file } = shared;
  return {
    id: r.id,
    communityId: r.community_id,
    communitySlug: community?.slug ?? '',
    communityName: community?.name ?? '',
    type: r.type,
    title: r.title,
    body: r.body,
    audience: r.audience,
    author: { id: r.author_id, name: author?.name ?? '', agency: author?.agency ?? null },
    createdAt: r.created_at,
    editedAt: r.edited_at,
    attachment: file ? { id: file.id, filename: file.filename, contentType: file.content_type, size: Number(file.size), url: `/api/v1/files/${file.id}` } : null,
    reactions: { ...shared.reactions },
    commentCount: Number(r.comment_count),
  };
}

/** A post's parts for one reader: their own reactions, their rights, and their own idempotency key. */
export function readerParts(r: PostRow, myReactions: ReactionKind[], actor: Actor, moderatorOf: Set<string>, now: Date): ReaderParts {
  return {
    myReactions,
    canEdit: editPost(actor, r, now).allow,
    canDelete: deletePost(actor, r, actor.siteAdmin || moderatorOf.has(r.community_id)).allow,
    // The author's own idempotency key (null for everyone else).
    clientId: r.author_id === actor.userId ? r.client_id : null,
  };
}

/** A post as one reader sees it: the shared parts, with the reader's own reactions and rights. */
export function postView(r: PostRow, shared: SharedParts, myReactions: ReactionKind[], actor: Actor, moderatorOf: Set<string>, now: Date): PostView {
  return { ...sharedView(r, shared), ...readerParts(r, myReactions, actor, moderatorOf, now) };
}

const distinct = (ids: string[]) => [...new Set(ids)];

/** Each post's reaction counts by kind, and how many of them are the reader's (0 or 1), in one query. */
async function postReactions(db: Kysely<Database>, readerId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return compiled(db, `post-reactions:${ids.length}`, [readerId, ...ids], (userId, ...postIds) =>
    db
      .selectFrom('reaction')
      .select((eb) => [
        'post_id',
        'kind',
        eb.fn.countAll<string | number>().as('n'),
        eb.fn.sum<string | number>(eb.case().when('user_id', '=', userId).then(1).else(0).end()).as('mine'),
      ])
      .where('post_id', 'in', postIds as string[])
      .groupBy(['post_id', 'kind']),
  );
}

/** The authors of a page: name and agency, one query for however many posts. */
export async function postAuthors(db: Kysely<Database>, ids: string[]): Promise<Map<string, { name: string; agency: string | null }>> {
  const unique = distinct(ids);
  if (unique.length === 0) return new Map();
  const rows = await compiled(db, `post-authors:${unique.length}`, unique, (...userIds) =>
    db
      .selectFrom('user')
      .leftJoin('profile', 'profile.user_id', 'user.id')
      .leftJoin('agency', 'agency.id', 'profile.agency_id')
      .select(['user.id', 'user.name', 'agency.name as agency'])
      .where('user.id', 'in', userIds as string[]),
  );
  return new Map(rows.map((r) => [r.id, { name: r.name, agency: r.agency ?? null }]));
}

/** Slug and name of the communities a page's posts are in. */
export async function communityNames(db: Kysely<Database>, ids: string[]): Promise<Map<string, { slug: string; name: string }>> {
  const unique = distinct(ids);
  if (unique.length === 0) return new Map();
  const rows = await compiled(db, `community-names:${unique.length}`, unique, (...communityIds) =>
    db
      .selectFrom('community')
      .select(['id', 'slug', 'name'])
      .where('id', 'in', communityIds as string[]),
  );
  return new Map(rows.map((r) => [r.id, { slug: r.slug, name: r.name }]));
}

export async function postAttachments(db: Kysely<Database>, ids: string[]) {
  if (ids.length === 0) return new Map<string, never>();
  const rows = await db.selectFrom('attachment').select(['id', 'filename', 'content_type', 'size']).where('id', 'in', distinct(ids)).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** User ids mentioned as `@[Name](user:ID)` in a body. */
export function mentionedUserIds(body: string): string[] {
  return [...new Set([...body.matchAll(/@\[[^\]]{1,100}\]\(user:([A-Za-z0-9_-]{1,100})\)/g)].map((m) => m[1]!))];
}

/** A post's reaction counts by kind, and the reader's own. */
export async function reactionState(db: Kysely<Database>, postId: string, userId: string) {
  const rows = await db.selectFrom('reaction').select(['kind', 'user_id']).where('post_id', '=', postId).execute();
  const reactions = { like: 0, thanks: 0, important: 0 };
  for (const r of rows) reactions[r.kind] += 1;
  return { reactions, myReactions: rows.filter((r) => r.user_id === userId).map((r) => r.kind) };
}

/** A post's comments (not deleted), oldest first, each with its author's name and agency. */
export async function commentsOf(db: Kysely<Database>, postId: string) {
  const rows = await db
    .selectFrom('comment')
    .innerJoin('user', 'user.id', 'comment.author_id')
    .leftJoin('profile', 'profile.user_id', 'comment.author_id')
    .leftJoin('agency', 'agency.id', 'profile.agency_id')
    .select(['comment.id', 'comment.body', 'comment.created_at', 'comment.author_id', 'user.name as author_name', 'agency.name as agency_name'])
    .where('comment.post_id', '=', postId)
    .where('comment.deleted_at', 'is', null)
    .orderBy('comment.created_at')
    .orderBy('comment.id')
    .limit(500)
    .execute();
  return rows.map((r) => ({ id: r.id, postId, body: r.body, author: { id: r.author_id, name: r.author_name, agency: r.agency_name ?? null }, createdAt: r.created_at }));
}

/** The reports on a community's posts (not deleted, and only those the moderator may see: audience.ts), newest first. */
export async function reportQueue(db: Kysely<Database>, communityId: string, readerId: string) {
  const rows = await db
    .selectFrom('report')
    .innerJoin('post', 'post.id', 'report.post_id')
    .innerJoin('user', 'user.id', 'report.reporter_id')
    .select(['report.id', 'report.post_id', 'report.reason', 'user.name as reporter', 'report.created_at'])
    .where('post.community_id', '=', communityId)
    .where('post.deleted_at', 'is', null)
    .where((eb) => visibleToReader(eb, readerId))
    .orderBy('report.created_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({ id: r.id, postId: r.post_id, reason: r.reason, reporter: r.reporter, createdAt: r.created_at }));
}
