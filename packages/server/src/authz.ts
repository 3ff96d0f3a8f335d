import type { Kysely } from 'kysely';
import type { CommunityTable, Database, MembershipState, Role, UserStatus, Visibility } from './db/schema.ts';
import { compiled } from './db/compiled.ts';
import { hasIdShape } from './db/ids.ts';

export { hasIdShape };

/**
 * JusticeConnect's one authorization rule. Every read and write of a
 * community, or of anything that belongs to one (feed, forum, activity,
 * files), asks `authorize()` (http/authorize.ts: the request's actor and this
 * rule's decision as an HTTP answer); lists ask `readableCommunityIds()`,
 * which applies the same rule. Nothing else decides access. This module knows
 * no request and no HTTP error.
 */

export interface Actor {
  userId: string;
  status: UserStatus;
  optedIn: boolean;
  siteAdmin: boolean;
  agencyId: string | null;
  agencyAdmin: boolean;
}

export type CommunityRow = CommunityTable;

export interface MembershipRow {
  community_id: string;
  role: Role;
  state: MembershipState;
}

/** A community with the path to it (root first, itself last) and the actor's memberships along that path. */
export interface Access {
  actor: Actor;
  community: CommunityRow;
  chain: CommunityRow[];
  memberships: Map<string, MembershipRow>;
  /** The actor's role here, counted only when every ancestor membership is active too. */
  role: Role | null;
  /** The actor's own membership row here (requested or invited rows included). */
  own: MembershipRow | null;
  /** Whether the actor is an effective member of the parent (true for a top-level community). */
  parentMember: boolean;
}

export type Action =
  | 'community.read'
  | 'community.update'
  | 'community.archive'
  | 'community.join'
  | 'community.leave'
  | 'community.create-sub'
  | 'members.read'
  | 'members.manage'
  | 'members.role'
  | 'content.read'
  | 'content.write'
  | 'content.moderate';

export type Decision = { allow: true } | { allow: false; status: 403 | 404 | 409; code: string; message: string };

/*
 * The words every rule answers in, here and in the per-object rules beside
 * `decide()` (each resource's policy.ts): allowed, forbidden (403) or in
 * conflict with the object's state (409), each with a code and a message.
 */
export const ALLOW: Decision = { allow: true };
const deny = (status: 403 | 404 | 409, code: string, message: string): Decision => ({ allow: false, status, code, message });
export const forbid = (code: string, message: string): Decision => deny(403, code, message);
export const conflict = (code: string, message: string): Decision => deny(409, code, message);
export const NOT_FOUND = { allow: false, status: 404, code: 'NOT_FOUND', message: 'No such community.' } as const;

/**
 * The account-level gate of the portal's own pages (the service directory,
 * announcements, the audit log): an active account. JusticeConnect's opt-in
 * is not needed there.
 */
export function portalGate(actor: Actor): Decision {
  if (actor.status === 'pending') return deny(403, 'ACCOUNT_PENDING', 'Your account is waiting for your agency administrator’s approval.');
  if (actor.status !== 'active') return deny(403, 'ACCOUNT_DISABLED', 'Your account is not active.');
  return ALLOW;
}

/** Administer the portal (services, access requests, announcements): an active site administrator. */
export function administerPortal(actor: Actor): Decision {
  const active = portalGate(actor);
  if (active.allow === false) return active;
  return actor.siteAdmin ? ALLOW : deny(403, 'SITE_ADMIN_REQUIRED', 'Only a site administrator may do that.');
}

/** The account-level gate in front of every community feature: an active account that opted in. */
export function gate(actor: Actor): Decision {
  const active = portalGate(actor);
  if (active.allow === false) return active;
  if (!actor.optedIn) return deny(403, 'OPT_IN_REQUIRED', 'Opt in to JusticeConnect to use communities.');
  return ALLOW;
}

/** Effective role at each level of the chain: a membership counts only while the parent's does. */
export function effectiveRoles(chain: Pick<CommunityRow, 'id'>[], memberships: Map<string, MembershipRow>): (Role | null)[] {
  const roles: (Role | null)[] = [];
  let parentOk = true;
  for (const c of chain) {
    const m = memberships.get(c.id);
    const role: Role | null = parentOk && m?.state === 'active' ? m.role : null;
    roles.push(role);
    parentOk = role !== null;
  }
  return roles;
}

/** Can the actor see this community at all? Every ancestor must be readable too. */
export function canReadChain(actor: Actor, chain: Pick<CommunityRow, 'id' | 'visibility'>[], memberships: Map<string, MembershipRow>): boolean {
  if (gate(actor).allow !== true) return false;
  const roles = effectiveRoles(chain, memberships);
  // A restricted community is known to its members and to those invited into it.
  const invited = (i: number) => memberships.get(chain[i]!.id)?.state === 'invited' && (i === 0 || roles[i - 1] !== null);
  return chain.every((c, i) => actor.siteAdmin || c.visibility !== 'restricted' || roles[i] !== null || invited(i));
}

const rank: Record<Role, number> = { member: 1, moderator: 2, owner: 3 };
const atLeast = (role: Role | null, min: Role) => role !== null && rank[role] >= rank[min];

/** The rule itself: pure, so the tests can state it and the server can't drift from it. */
export function decide(access: Access, action: Action): Decision {
  const { actor, community, role, own, parentMember } = access;
  const g = gate(actor);
  if (g.allow === false) return g;
  if (!canReadChain(actor, access.chain, access.memberships)) return NOT_FOUND;
  const archived = community.archived_at !== null;
  const manager = actor.siteAdmin || atLeast(role, 'moderator');
  switch (action) {
    case 'community.read':
      return ALLOW;
    case 'content.read':
    case 'members.read':
      // An invitee knows a restricted community exists, but sees inside only once a member.
      return community.visibility !== 'restricted' || role || actor.siteAdmin
        ? ALLOW
        : deny(403, 'MEMBERSHIP_REQUIRED', 'Join this community to see inside it.');
    case 'community.update':
    case 'community.archive':
    case 'members.role':
      return actor.siteAdmin || role === 'owner' ? ALLOW : deny(403, 'OWNER_REQUIRED', 'Only an owner of this community may do that.');
    case 'community.join':
      if (archived) return deny(409, 'ARCHIVED', 'This community is archived.');
      if (role) return deny(409, 'ALREADY_MEMBER', 'You are already a member.');
      if (!parentMember) return deny(403, 'PARENT_MEMBERSHIP_REQUIRED', 'Join the parent community first.');
      if (own?.state === 'invited') return ALLOW;
      if (own?.state === 'requested') return deny(409, 'ALREADY_REQUESTED', 'Your request to join is waiting for approval.');
      if (community.visibility === 'restricted') return deny(403, 'INVITATION_REQUIRED', 'This community is by invitation only.');
      return ALLOW;
    case 'community.leave':
      return own ? ALLOW : deny(409, 'NOT_A_MEMBER', 'You are not a member.');
    case 'community.create-sub':
      if (archived) return deny(409, 'ARCHIVED', 'This community is archived.');
      return manager ? ALLOW : deny(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
    case 'members.manage':
    case 'content.moderate':
      return manager ? ALLOW : deny(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
    case 'content.write':
      if (archived) return deny(409, 'ARCHIVED', 'This community is archived.');
      return role ? ALLOW : deny(403, 'MEMBERSHIP_REQUIRED', 'Join this community to do that.');
  }
}

/** What the actor may do in a community's content: the community rule's answers, asked once (the per-object rules start from it). */
export interface ContentRights {
  actor: Actor;
  /** May write here (`content.write`: an effective member, the community not archived). */
  member: boolean;
  /** May moderate here (`content.moderate`: an owner or moderator, or a site administrator). */
  moderator: boolean;
}

export function contentRights(access: Access): ContentRights {
  return { actor: access.actor, member: decide(access, 'content.write').allow, moderator: decide(access, 'content.moderate').allow };
}

export const authored = (rights: ContentRights, object: { author_id: string }) => object.author_id === rights.actor.userId;
export const MEMBERSHIP_REQUIRED = forbid('MEMBERSHIP_REQUIRED', 'Join this community to do that.');

export async function loadActor(db: Kysely<Database>, userId: string): Promise<Actor> {
  const p = await db
    .selectFrom('profile')
    .select(['status', 'opted_in', 'site_admin', 'agency_id', 'agency_admin'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return actorFrom(userId, p);
}

/** The account state of a profile row (none yet: pending), as authorization sees it. */
export function actorFrom(
  userId: string,
  p: { status: UserStatus | null; opted_in: number | null; site_admin: number | null; agency_id: string | null; agency_admin: number | null } | undefined,
): Actor {
  return {
    userId,
    status: p?.status ?? 'pending',
    optedIn: Boolean(p?.opted_in),
    siteAdmin: Boolean(p?.site_admin),
    agencyId: p?.agency_id ?? null,
    agencyAdmin: Boolean(p?.agency_admin),
  };
}

function communityWithMembership(db: Kysely<Database>, userId: string) {
  return db
    .selectFrom('community')
    .leftJoin('membership', (join) => join.onRef('membership.community_id', '=', 'community.id').on('membership.user_id', '=', userId))
    .selectAll('community')
    .select(['membership.role as membership_role', 'membership.state as membership_state']);
}

/**
 * The edge, for a route whose path (or query, or body) names a community as
 * the user wrote it: a ref with an id's shape is looked up by id only,
 * anything else by slug only. Everything past the edge passes the id.
 */
export async function resolveCommunityRef(db: Kysely<Database>, ref: string): Promise<string | null> {
  const byId = hasIdShape(ref);
  const rows = await compiled(db, `community-ref-by-${byId ? 'id' : 'slug'}`, [byId ? ref.toLowerCase() : ref], (v) =>
    db.selectFrom('community').select('id').where(byId ? 'id' : 'slug', '=', v),
  );
  return rows[0]?.id ?? null;
}

/** The community with this id (never a slug), with its ancestors and the actor's memberships along the way. */
export async function loadAccess(db: Kysely<Database>, actor: Actor, communityId: string): Promise<Access | null> {
  return accessFrom(db, actor, await accessLevel(db, actor, 'id', communityId));
}

/**
 * `loadAccess` for a community as the request named it (`resolveCommunityRef`'s rule: an id's shape by
 * id only, anything else by slug only), in the same one query a level: for `authorizeRef`, the edge.
 */
export async function loadAccessByRef(db: Kysely<Database>, actor: Actor, ref: string): Promise<Access | null> {
  const byId = hasIdShape(ref);
  return accessFrom(db, actor, await accessLevel(db, actor, byId ? 'id' : 'slug', byId ? ref.toLowerCase() : ref));
}

/** One level: the community with the actor's membership in it. */
async function accessLevel(db: Kysely<Database>, actor: Actor, by: 'id' | 'slug', value: string) {
  return (await compiled(db, `community-access-by-${by}`, [actor.userId, value], (userId, v) => communityWithMembership(db, userId).where(`community.${by}`, '=', v)))[0];
}

async function accessFrom(db: Kysely<Database>, actor: Actor, first: Awaited<ReturnType<typeof accessLevel>>): Promise<Access | null> {
  // One query a level (a top-level community: one query).
  const level = (id: string) => accessLevel(db, actor, 'id', id);
  if (!first) return null;
  const levels = [first];
  for (let parentId = first.parent_id; parentId; ) {
    const id = parentId;
    const parent = await level(id);
    if (!parent) throw new Error(`community ${id} is missing`);
    levels.unshift(parent);
    parentId = parent.parent_id;
  }
  const rows: MembershipRow[] = [];
  const chain = levels.map(({ membership_role, membership_state, ...row }): CommunityRow => {
    if (membership_role && membership_state) rows.push({ community_id: row.id, role: membership_role, state: membership_state });
    return row;
  });
  const community = chain[chain.length - 1]!;
  const memberships = new Map(rows.map((r) => [r.community_id, r]));
  const roles = effectiveRoles(chain, memberships);
  return {
    actor,
    community,
    chain,
    memberships,
    role: roles[roles.length - 1] ?? null,
    own: memberships.get(community.id) ?? null,
    parentMember: chain.length === 1 || roles[roles.length - 2] !== null,
  };
}

/**
 * Every community the actor may read, by the same rule as `decide`: two
 * queries (the community tree's shape and the actor's memberships), then the
 * chain rule in memory.
 */
export async function readableCommunityIds(db: Kysely<Database>, actor: Actor, includeArchived = false): Promise<Set<string>> {
  if (gate(actor).allow !== true) return new Set();
  let q = db.selectFrom('community').select(['id', 'parent_id', 'visibility']);
  if (!includeArchived) q = q.where('archived_at', 'is', null);
  const nodes = await q.execute();
  const rows = await db.selectFrom('membership').select(['community_id', 'role', 'state']).where('user_id', '=', actor.userId).execute();
  const memberships = new Map(rows.map((r) => [r.community_id, r]));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const memo = new Map<string, { readable: boolean; member: boolean }>();
  const visit = (id: string): { readable: boolean; member: boolean } => {
    const known = memo.get(id);
    if (known) return known;
    const node = byId.get(id);
    if (!node) return { readable: false, member: false };
    const parent = node.parent_id ? visit(node.parent_id) : { readable: true, member: true };
    const m = memberships.get(id);
    const member = parent.member && m?.state === 'active';
    const invited = parent.member && m?.state === 'invited';
    const readable = parent.readable && (actor.siteAdmin || node.visibility !== 'restricted' || member || invited);
    const result = { readable, member };
    memo.set(id, result);
    return result;
  };
  const out = new Set<string>();
  for (const n of nodes) if (visit(n.id).readable) out.add(n.id);
  return out;
}

/** Per community: may the actor see it, and may they read inside it (its content)? */
export interface CommunityAccess {
  readable: boolean;
  content: boolean;
}

/** `readableCommunityIds` with, for each readable community, whether its content is readable too (the `content.read` rule). */
export async function communityAccessMap(db: Kysely<Database>, actor: Actor): Promise<Map<string, CommunityAccess>> {
  const readable = await readableCommunityIds(db, actor, true);
  if (readable.size === 0) return new Map();
  const nodes = await db.selectFrom('community').select(['id', 'visibility']).execute();
  const mine = await db.selectFrom('membership').select(['community_id', 'role', 'state']).where('user_id', '=', actor.userId).where('state', '=', 'active').execute();
  const member = new Set(mine.map((m) => m.community_id));
  const map = new Map<string, CommunityAccess>();
  for (const n of nodes) {
    if (!readable.has(n.id)) continue;
    // Readable and active here means every ancestor membership is active too (readableCommunityIds checked the chain).
    map.set(n.id, { readable: true, content: n.visibility !== 'restricted' || member.has(n.id) || actor.siteAdmin });
  }
  return map;
}

export type { Visibility };
