import { sql, type Kysely } from 'kysely';
import { decide, hasIdShape, type Access, type Actor, type CommunityRow } from '../authz.ts';
import { now } from '../db/database.ts';
import { lockCommunities } from '../db/locks.ts';
import type { Database, MembershipState, Role } from '../db/schema.ts';
import { joinUserAgency } from '../data/profiles.ts';
import { ApiError } from '../http/errors.ts';
import { encodeCursor, type Keyset } from '../http/cursor.ts';

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
 * `communityId` (access.ts lockedAccess); the owned ones below are locked here.
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
      throw new ApiError(409, 'LAST_OWNER', `${c.name} would be left without an owner: make another member its owner first (a site administrator can do that for you).`);
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

/** Memberships of a community with each member's name and agency, as the member views show them. */
function memberRows(db: Kysely<Database>, communityId: string) {
  return db
    .selectFrom('membership')
    .$call((q) => joinUserAgency(q, 'membership.user_id'))
    .select(['membership.user_id as userId', 'user.name as name', 'agency.name as agency', 'membership.role as role', 'membership.state as state', 'membership.updated_at as since'])
    .where('membership.community_id', '=', communityId);
}

export async function memberView(db: Kysely<Database>, communityId: string, userId: string) {
  const row = await memberRows(db, communityId).where('membership.user_id', '=', userId).executeTakeFirst();
  if (!row) throw new ApiError(404, 'MEMBER_NOT_FOUND', 'That user has no membership here.');
  return { ...row, agency: row.agency ?? null };
}

/** A community's members (or requests, or invitations), by name. */
export async function memberList(db: Kysely<Database>, communityId: string, state: MembershipState) {
  const rows = await memberRows(db, communityId)
    .where('membership.state', '=', state)
    // Whom an email invitation reached stays unknown to the community until they accept (invitations.ts).
    .$if(state === 'invited', (q) => q.where('membership.via_email', '=', 0))
    .orderBy('user.name')
    .limit(1000)
    .execute();
  return rows.map((r) => ({ ...r, agency: r.agency ?? null }));
}

/** An invitation sent to the user's email address that they have not accepted. */
export async function isEmailInvitation(db: Kysely<Database>, communityId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('membership').select(['state', 'via_email']).where('community_id', '=', communityId).where('user_id', '=', userId).executeTakeFirst();
  return row?.state === 'invited' && Boolean(row.via_email);
}

/**
 * Whom an owner or moderator may invite: active, opted-in users who are not
 * members here (name, title, agency: what their posts and member lists show
 * anyway), by part of the name.
 */
export async function invitablePeople(db: Kysely<Database>, communityId: string, q: string | undefined, limit: number) {
  const pattern = q ? `%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
  const rows = await db
    .selectFrom('user')
    .innerJoin('profile', 'profile.user_id', 'user.id')
    .leftJoin('agency', 'agency.id', 'profile.agency_id')
    .select(['user.id as userId', 'user.name as name', 'profile.title as title', 'agency.name as agency'])
    .where('profile.status', '=', 'active')
    .where('profile.opted_in', '=', 1)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('membership')
            .select('membership.user_id')
            .whereRef('membership.user_id', '=', 'user.id')
            .where('membership.community_id', '=', communityId)
            .where('membership.state', '=', 'active'),
        ),
      ),
    )
    .$if(pattern !== null, (qb) => qb.where(sql<boolean>`lower(${sql.ref('user.name')}) like ${pattern} escape '\\'`))
    .orderBy('user.name')
    .orderBy('user.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ userId: r.userId, name: r.name, title: r.title ?? null, agency: r.agency ?? null }));
}

/**
 * A page of the communities the actor may read (`readable`), most recently
 * updated first: theirs (`mine`: any membership, requested or invited too)
 * or all, optionally only one community's subcommunities. A restricted
 * community's settings only for those who may read inside it.
 */
export async function communityPage(
  db: Kysely<Database>,
  actor: Actor,
  readable: Set<string>,
  q: { scope: 'mine' | 'all'; parentId: string | null | undefined; limit: number; cursor?: Keyset },
): Promise<{ items: CommunityView[]; nextCursor: string | null }> {
  const { parentId } = q;
  let ids = [...readable];
  if (q.scope === 'mine') {
    const mine = await db.selectFrom('membership').select('community_id').where('user_id', '=', actor.userId).execute();
    const set = new Set(mine.map((m) => m.community_id));
    ids = ids.filter((id) => set.has(id));
  }
  if (ids.length === 0) return { items: [], nextCursor: null };
  let query = db.selectFrom('community').selectAll().where('id', 'in', ids);
  if (parentId !== undefined) query = query.where('parent_id', '=', parentId);
  if (q.cursor) {
    const { c: u, i } = q.cursor;
    query = query.where((eb) => eb(eb.refTuple('updated_at', 'id'), '<', eb.tuple(u, i)));
  }
  const rows = await query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const pageIds = page.map((r) => r.id);
  const [counts, own, parents] = await Promise.all([
    memberCounts(db, pageIds),
    pageIds.length
      ? db.selectFrom('membership').select(['community_id', 'role', 'state']).where('user_id', '=', actor.userId).where('community_id', 'in', pageIds).execute()
      : [],
    db.selectFrom('community').select(['id', 'slug', 'name', 'parent_id']).where('id', 'in', ids).execute(),
  ]);
  const ownBy = new Map(own.map((m) => [m.community_id, m]));
  const byId = new Map(parents.map((p) => [p.id, p]));
  const pathOf = (parent: string | null) => {
    const path: { id: string; slug: string; name: string }[] = [];
    for (let p = parent ? byId.get(parent) : undefined; p; p = p.parent_id ? byId.get(p.parent_id) : undefined) {
      path.unshift({ id: p.id, slug: p.slug, name: p.name });
    }
    return path;
  };
  const items = page.map((r) => {
    const m = ownBy.get(r.id);
    const inside = r.visibility !== 'restricted' || m?.state === 'active' || actor.siteAdmin;
    return toView(inside ? r : { ...r, settings: '{}' }, { path: pathOf(r.parent_id), memberCount: counts.get(r.id) ?? 0, membership: m ? { role: m.role, state: m.state } : null });
  });
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last ? encodeCursor(last.updated_at, last.id) : null;
  return { items, nextCursor };
}

export type { Actor };
