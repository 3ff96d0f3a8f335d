import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { contentRights, type Access, type Action, type Actor } from '../authz.ts';
import type { Database } from '../db/schema.ts';
import { authorizeObject } from '../http/authorize.ts';
import type { AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { visibleToReader } from './audience.ts';
import { postPage, type PostView } from './queries.ts';

/*
 * The feed's request-facing helpers: a post as the caller may act on it (one
 * object authorization, http/authorize.ts), and one post as the caller sees it.
 */

/**
 * The post (not deleted) and the caller's access to its community, checked
 * for `action` (authorizeObject). Everything under a post comes through here:
 * a post the caller may not see (its community, or its audience:
 * audience.ts) is not found.
 */
export async function postAccess(c: Context<AppEnv>, id: string, action: Action, db?: Kysely<Database>) {
  const find = (db: Kysely<Database>, actor: Actor) =>
    db
      .selectFrom('post')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .where((eb) => visibleToReader(eb, actor.userId))
      .executeTakeFirst();
  const { object: post, access } = await authorizeObject(c, find, action, { db, notFound: 'No such post.' });
  return { post, access };
}

/** One post as the caller sees it (its `can…` flags on the request's clock). */
export async function onePost(c: Context<AppEnv>, access: Access, id: string, db = c.get('services').db.kysely): Promise<PostView> {
  const moderatorOf = new Set(contentRights(access).moderator ? [access.community.id] : []);
  const page = await postPage(db, access.actor, { communityIds: [access.community.id], moderatorOf }, { limit: 1, onlyId: id, now: c.get('services').clock.now() });
  if (!page.items[0]) throw new ApiError(404, 'NOT_FOUND', 'No such post.');
  return page.items[0];
}
