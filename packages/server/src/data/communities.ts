import type { Kysely } from 'kysely';
import { decide, hasIdShape, type Access, type Actor, type CommunityRow } from '../authz.ts';
import { now } from '../db/database.ts';
import { lockCommunities } from '../db/locks.ts';
import type { Database, MembershipState, Role } from '../db/schema.ts';
import { ApiError } from '../http/errors.ts';

export interface CommunitySettings {
  descriptionTemplate?: string;
  forums?: { name: string; description?: string }[];
  activityTemplates?: { title: string; steps: string[] }[];
}

export interface CommunityView {
  id: string;
  slug: string;
  name: string;
  description: string;
  bannerUrl: string | null;
  tags: string[];
  visibility: 'public' | 'moderated' | 'restricted';
  parentId: string | null;
  path: { id: string; slug: string; name: string }[];
  settings: CommunitySettings;
  archived: boolean;
  memberCount: number;
  membership: { role: Role; state: MembershipState } | null;
  createdAt: string;
  updatedAt: string;
}

const parseJson = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export function toView(row: CommunityRow, extra: { path: CommunityView['path']; memberCount: number; membership: CommunityView['membership'] }): CommunityView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    bannerUrl: row.banner_url,
    tags: parseJson<string[]>(row.tags, []),
    visibility: row.visibility,
    parentId: row.parent_id,
    settings: parseJson<CommunitySettings>(row.settings, {}),
    archived: row.archived_at !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...extra,
  };
}

export async function memberCounts(db: Kysely<Database>, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('membership')
    .select(['community_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('community_id', 'in', ids)
    .where('state', '=', 'active')
    .groupBy('community_id')
    .execute();
  return new Map(rows.map((r) => [r.community_id, Number(r.n)]));
}

export async function viewOf(db: Kysely<Database>, access: Access): Promise<CommunityView> {
  const counts = await memberCounts(db, [access.community.id]);
  const own = access.own;
  const inside = decide(access, 'content.read').allow;
  return toView(inside ? access.community : { ...access.community, settings: '{}' }, {
    path: access.chain.slice(0, -1).map((c) => ({ id: c.id, slug: c.slug, name: c.name })),
    memberCount: counts.get(access.community.id) ?? 0,
    membership: own ? { role: own.role, state: own.state } : null,
  });
}

/**
 * Removes a user's membership here and in every community below (one level or
 * more). Refuses (409 LAST_OWNER) when that would leave any of those
 * communities without an owner. Call in a transaction that holds the lock on
 * `communityId` (routes/communities.ts lockedAccess); the owned ones below are locked here.
 */
export async function removeMembershipTree(db: Kysely<Database>, communityId: string, userId: string): Promise<void> {
  const ids = [communityId];
  for (let frontier = [communityId]; frontier.length; ) {
    const children = await db.selectFrom('community').select('id').where('parent_id', 'in', frontier).execute();
    frontier = children.map((c) => c.id);
    ids.push(...frontier);
  }
  const owned = await db
    .selectFrom('membership')
    .innerJoin('community', 'community.id', 'membership.community_id')
    .select(['membership.community_id as id', 'community.name as name'])
    .where('membership.user_id', '=', userId)
    .where('membership.role', '=', 'owner')
    .where('membership.state', '=', 'active')
    .where('membership.community_id', 'in', ids)
    .execute();
  // The owner counts are decided on under the communities' locks (db/locks.ts), read after them.
  await lockCommunities(db, owned.map((c) => c.id).sort());
  for (const c of owned) {
    if ((await countOwners(db, c.id)) <= 1) {
      throw new ApiError(409, 'LAST_OWNER', `${c.name} would be left without an owner: make another member its owner first.`);
    }
  }
  await db.deleteFrom('membership').where('user_id', '=', userId).where('community_id', 'in', ids).execute();
}

export async function setMembership(db: Kysely<Database>, communityId: string, userId: string, role: Role, state: MembershipState) {
  const at = now(db);
  await db
    .insertInto('membership')
    .values({ community_id: communityId, user_id: userId, role, state, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['community_id', 'user_id']).doUpdateSet({ role, state, updated_at: at }))
    .execute();
}

export async function countOwners(db: Kysely<Database>, communityId: string): Promise<number> {
  const r = await db
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('community_id', '=', communityId)
    .where('role', '=', 'owner')
    .where('state', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function slugify(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 60)
      .replace(/^-+|-+$/g, '') || 'community'
  );
}

/** Whether a slug is in use: as another community's slug, or as any community's id (a slug never names an id). */
export async function slugTaken(db: Kysely<Database>, slug: string): Promise<boolean> {
  const bySlug = await db.selectFrom('community').select('id').where('slug', '=', slug).executeTakeFirst();
  return Boolean(bySlug ?? (await db.selectFrom('community').select('id').where('id', '=', slug).executeTakeFirst()));
}

/**
 * A free slug for a name: the name's own, else with -2, -3, … (kept within 60
 * characters). Never one with an id's shape (a name that is a UUID gets a suffix).
 */
export async function freeSlug(db: Kysely<Database>, name: string): Promise<string> {
  const base = slugify(name);
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : `-${n}`;
    const slug = base.slice(0, 60 - suffix.length).replace(/-+$/, '') + suffix;
    if (!hasIdShape(slug) && !(await slugTaken(db, slug))) return slug;
  }
}

export type { Actor };
