import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { resolveCommunityRef, type Access, type Action } from '../authz.ts';
import { lockCommunities } from '../db/locks.ts';
import type { Database } from '../db/schema.ts';
import { authorizeRef } from '../http/authorize.ts';
import { emit, type AppEnv } from '../http/context.ts';

/*
 * The communities' request-facing helpers: the community as a change of who
 * belongs to it must see it (locked first), and what a change tells live
 * subscribers.
 */

/**
 * Tells the community's readers (and the member concerned) that a membership
 * changed; `quiet` tells the member alone (an invitation sent to their email
 * address is theirs to make known, by accepting it).
 */
export async function membershipChanged(c: Context<AppEnv>, trx: Kysely<Database>, access: Access, userId: string, action: string, quiet = false) {
  const row = await trx.selectFrom('membership').select(['role', 'state']).where('community_id', '=', access.community.id).where('user_id', '=', userId).executeTakeFirst();
  await emit(c, trx, {
    type: 'membership.changed',
    communityId: quiet ? null : access.community.id,
    userId,
    payload: { slug: access.community.slug, userId, action, role: row?.role ?? null, state: row?.state ?? null, by: access.actor.userId },
  });
}

export async function communityChanged(
  c: Context<AppEnv>,
  trx: Kysely<Database>,
  type: 'community.created' | 'community.updated',
  communityId: string,
  slug: string,
  by: string,
  accessChanged = false,
) {
  await emit(c, trx, { type, communityId, payload: { slug, by, accessChanged } });
}

/**
 * `authorizeRef` for a change of who belongs to a community: the community is
 * locked first (db/locks.ts), so the caller's role, the target's row and the
 * owner count are all read after any concurrent change committed.
 */
export async function lockedAccess(c: Context<AppEnv>, ref: string, action: Action, trx: Kysely<Database>): Promise<Access> {
  const id = await resolveCommunityRef(trx, ref);
  if (id) await lockCommunities(trx, [id]);
  return authorizeRef(c, ref, action, trx);
}

