import type { Kysely } from 'kysely';
import type { Actor } from '../authz.ts';
import type { Database, PostType } from '../db/schema.ts';
import { encodeCursor, type Keyset } from '../http/cursor.ts';

export const REACTION_KINDS = ['like', 'thanks', 'important'] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

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
 * between two page requests can never shift a later page. Three queries a
 * page, whatever its size: the posts (with author, agency, community and
 * attachment joined), the reaction counts, and the reader's own reactions.
 */
export async function postPage(
  db: Kysely<Database>,
  actor: Actor,
  scope: { communityIds: string[]; moderatorOf: Set<string> },
  options: { limit: number; cursor?: Keyset; type?: PostType; onlyId?: string },
): Promise<{ items: PostView[]; nextCursor: string | null }> {
  if (scope.communityIds.length === 0) return { items: [], nextCursor: null };
  let q = db
    .selectFrom('post')
    .innerJoin('user', 'user.id', 'post.author_id')
    .innerJoin('community', 'community.id', 'post.community_id')
    .leftJoin('profile', 'profile.user_id', 'post.author_id')
    .leftJoin('agency', 'agency.id', 'profile.agency_id')
    .leftJoin('attachment', 'attachment.id', 'post.attachment_id')
    .select([
      'post.id',
      'post.community_id',
      'post.type',
      'post.audience',
      'post.title',
      'post.body',
      'post.author_id',
      'post.client_id',
      'post.comment_count',
      'post.edited_at',
      'post.created_at',
      'user.name as author_name',
      'agency.name as agency_name',
      'community.slug as community_slug',
      'community.name as community_name',
      'attachment.id as attachment_id',
      'attachment.filename as attachment_filename',
      'attachment.content_type as attachment_type',
      'attachment.size as attachment_size',
    ])
    .where('post.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('post.audience', '=', 'community'),
        eb('post.author_id', '=', actor.userId),
        eb('post.author_id', 'in', eb.selectFrom('follow').select('followee_id').where('follower_id', '=', actor.userId)),
      ]),
    );
  q = scope.communityIds.length === 1 ? q.where('post.community_id', '=', scope.communityIds[0]!) : q.where('post.community_id', 'in', scope.communityIds);
  if (options.type) q = q.where('post.type', '=', options.type);
  if (options.onlyId) q = q.where('post.id', '=', options.onlyId);
  if (options.cursor) {
    const { c, i } = options.cursor;
    // A row-value comparison, so both databases walk the (community_id, created_at, id) index.
    q = q.where((eb) => eb(eb.refTuple('post.created_at', 'post.id'), '<', eb.tuple(c, i)));
  }
  const rows = await q.orderBy('post.created_at', 'desc').orderBy('post.id', 'desc').limit(options.limit + 1).execute();
  const page = rows.slice(0, options.limit);
  const ids = page.map((r) => r.id);
  const [counts, mine] = ids.length
    ? await Promise.all([
        db
          .selectFrom('reaction')
          .select(['post_id', 'kind', (eb) => eb.fn.countAll<string | number>().as('n')])
          .where('post_id', 'in', ids)
          .groupBy(['post_id', 'kind'])
          .execute(),
        db.selectFrom('reaction').select(['post_id', 'kind']).where('post_id', 'in', ids).where('user_id', '=', actor.userId).execute(),
      ])
    : [[], []];
  const now = Date.now();
  const items = page.map((r): PostView => {
    const reactions = { like: 0, thanks: 0, important: 0 };
    for (const c of counts) if (c.post_id === r.id) reactions[c.kind] = Number(c.n);
    const own = r.author_id === actor.userId;
    return {
      id: r.id,
      communityId: r.community_id,
      communitySlug: r.community_slug,
      communityName: r.community_name,
      type: r.type,
      title: r.title,
      body: r.body,
      audience: r.audience,
      author: { id: r.author_id, name: r.author_name, agency: r.agency_name ?? null },
      createdAt: r.created_at,
      editedAt: r.edited_at,
      attachment:
        r.attachment_id && r.attachment_filename && r.attachment_type
          ? { id: r.attachment_id, filename: r.attachment_filename, contentType: r.attachment_type, size: Number(r.attachment_size), url: `/api/v1/files/${r.attachment_id}` }
          : null,
      reactions,
      myReactions: mine.filter((m) => m.post_id === r.id).map((m) => m.kind),
      commentCount: Number(r.comment_count),
      canEdit: own && now - Date.parse(r.created_at) < EDIT_WINDOW_MS,
      canDelete: own || actor.siteAdmin || scope.moderatorOf.has(r.community_id),
      clientId: own ? r.client_id : null,
    };
  });
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last.created_at, last.id) : null };
}

/** User ids mentioned as `@[Name](user:ID)` in a body. */
export function mentionedUserIds(body: string): string[] {
  return [...new Set([...body.matchAll(/@\[[^\]]{1,100}\]\(user:([A-Za-z0-9_-]{1,100})\)/g)].map((m) => m[1]!))];
}

/** A sortable unique id: time first, so ids of one millisecond still differ. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
