import { ALLOW, conflict, forbid, type Actor, type Decision } from '../authz.ts';

/*
 * The feed's per-object rules (posts), beside the community rule
 * (`decide()`, authz.ts): pure functions of the caller and the post, each
 * answering a Decision. The routes ask them before a change, the feed's
 * views for their `canEdit` and `canDelete`.
 */

/** How long a post's author may edit it. */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

/** Edit a post: its author, within 15 minutes of posting it. */
export function editPost(actor: Pick<Actor, 'userId'>, post: { author_id: string; created_at: string }, now: Date): Decision {
  if (post.author_id !== actor.userId) return forbid('AUTHOR_REQUIRED', 'Only its author may edit a post.');
  if (now.getTime() - Date.parse(post.created_at) > EDIT_WINDOW_MS) return conflict('EDIT_WINDOW_CLOSED', 'Posts can be edited for 15 minutes.');
  return ALLOW;
}

/** Delete a post: its author, or a moderator of its community. */
export function deletePost(actor: Pick<Actor, 'userId'>, post: { author_id: string }, moderator: boolean): Decision {
  return post.author_id === actor.userId || moderator ? ALLOW : forbid('MODERATOR_REQUIRED', 'Only its author or a moderator may delete a post.');
}
