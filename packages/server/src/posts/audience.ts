import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { compiled } from '../db/compiled.ts';

/**
 * Who may see a post, beyond reading inside its community (authz.ts): a post
 * for the community, everyone who reads there; a followers-only blog entry,
 * its author and the author's followers only (a community's moderators and the
 * site's administrators too only when they follow the author).
 *
 * This is the one rule, asked by everything that shows a post or anything of
 * it: the feed and a single post (queries.ts `postPage`), everything under
 * a post (access.ts `postAccess`: comments, reactions, reports, edit,
 * delete), the moderators' report queue, the post's attachment
 * (`attachmentVisibleTo`), and its live events (events/hub.ts, `mayHearOfPost`).
 */
export function visibleToReader<TB extends keyof Database>(eb: ExpressionBuilder<Database, TB | 'post'>, userId: string) {
  const e = eb as unknown as ExpressionBuilder<Database, 'post'>;
  return e.or([
    e('post.audience', '=', 'community'),
    e('post.author_id', '=', userId),
    e('post.author_id', 'in', e.selectFrom('follow').select('follow.followee_id').where('follow.follower_id', '=', userId)),
  ]);
}

/** Whether the user may see the post `postId` (deleted or not): false for no such post. */
export async function postVisibleTo(db: Kysely<Database>, userId: string, postId: string): Promise<boolean> {
  const rows = await compiled(db, 'post-visible-to', [postId, userId], (id, user) =>
    db.selectFrom('post').select('post.id').where('post.id', '=', id).where((eb) => visibleToReader(eb, user)),
  );
  return rows.length > 0;
}

/**
 * Whether the user may see an uploaded file, past reading inside its
 * community: a file attached to posts only through one of them they may see
 * (a file on a followers-only entry is that entry's); one on no post (an
 * activity update's, or not yet attached) as before.
 */
export async function attachmentVisibleTo(db: Kysely<Database>, userId: string, attachmentId: string): Promise<boolean> {
  const on = await db.selectFrom('post').select('post.id').where('post.attachment_id', '=', attachmentId).limit(1).executeTakeFirst();
  if (!on) return true;
  const seen = await db
    .selectFrom('post')
    .select('post.id')
    .where('post.attachment_id', '=', attachmentId)
    .where((eb) => visibleToReader(eb, userId))
    .limit(1)
    .executeTakeFirst();
  return Boolean(seen);
}

/** What every live event about a post carries: its id and audience, so the hub applies the rule above to it. */
export function postEvent(post: { id: string; audience: 'community' | 'followers' }): { postId: string; audience: 'community' | 'followers' } {
  return { postId: post.id, audience: post.audience };
}

/**
 * For the hub: may this user hear of an event? Events about no post, and
 * events about a post for the community, are judged by the community alone
 * (no query); any other event naming a post (followers-only, or stored before
 * events carried an audience) asks the rule.
 */
export async function mayHearOfPost(db: Kysely<Database>, userId: string, payload: Record<string, unknown>): Promise<boolean> {
  const postId = payload.postId;
  if (typeof postId !== 'string' || payload.audience === 'community') return true;
  return postVisibleTo(db, userId, postId);
}
