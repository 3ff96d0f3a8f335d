import type { Kysely, SelectQueryBuilder, StringReference } from 'kysely';
import { now } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { sentColumns } from '../http/patch.ts';

export interface Me {
  id: string;
  name: string;
  email: string;
  status: 'pending' | 'active' | 'suspended' | 'removed';
  siteAdmin: boolean;
  agencyAdmin: boolean;
  title: string | null;
  mobile: string | null;
  agency: { id: string; name: string; ori: string } | null;
  optedIn: boolean;
  optedInAt: string | null;
}

/**
 * The user a row names (`userId`: its column, as `reply.author_id`) joined
 * with their profile and agency, for `user.name` and `agency.name` (null
 * without a profile or an agency) beside the row: how a topic, reply, comment,
 * activity update or access request shows who wrote or sent it.
 */
export function joinUserAgency<TB extends keyof Database, O>(qb: SelectQueryBuilder<Database, TB, O>, userId: NoInfer<StringReference<Database, TB>>) {
  // Kysely checks a join's references against the query's tables, which it does not know here (the caller's are checked above).
  const ref = (column: string) => column as never;
  return qb
    .innerJoin('user', ref('user.id'), ref(userId))
    .leftJoin('profile', ref('profile.user_id'), ref(userId))
    .leftJoin('agency', ref('agency.id'), ref('profile.agency_id'));
}

/** The name and agency a post, comment or activity update shows for its author. */
export async function authorOf(db: Kysely<Database>, userId: string): Promise<{ id: string; name: string; agency: string | null }> {
  const author = await db
    .selectFrom('user')
    .leftJoin('profile', 'profile.user_id', 'user.id')
    .leftJoin('agency', 'agency.id', 'profile.agency_id')
    .select(['user.name', 'agency.name as agency'])
    .where('user.id', '=', userId)
    .executeTakeFirstOrThrow();
  return { id: userId, name: author.name, agency: author.agency ?? null };
}

/** One query: the user, their profile (which may not exist yet) and their agency. */
export async function loadMe(db: Kysely<Database>, userId: string): Promise<Me | null> {
  const row = await db
    .selectFrom('user')
    .leftJoin('profile', 'profile.user_id', 'user.id')
    .leftJoin('agency', 'agency.id', 'profile.agency_id')
    .select(['user.id as id', 'user.name as name', 'user.email as email'])
    .select(['profile.title as title', 'profile.mobile as mobile', 'profile.opted_in as opted_in', 'profile.opted_in_at as opted_in_at', 'profile.status as status', 'profile.site_admin as site_admin', 'profile.agency_admin as agency_admin'])
    .select(['agency.id as agency_id', 'agency.name as agency_name', 'agency.ori as agency_ori'])
    .where('user.id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    status: row.status ?? 'pending',
    siteAdmin: Boolean(row.site_admin),
    agencyAdmin: Boolean(row.agency_admin),
    title: row.title ?? null,
    mobile: row.mobile ?? null,
    agency: row.agency_id && row.agency_name && row.agency_ori ? { id: row.agency_id, name: row.agency_name, ori: row.agency_ori } : null,
    optedIn: Boolean(row.opted_in),
    optedInAt: row.opted_in_at ?? null,
  };
}

export interface ProfilePatch {
  name?: string;
  title?: string | null;
  mobile?: string | null;
  agencyId?: string;
  optedIn?: boolean;
}

/** Applies a profile change (creating the profile row on first use). Call inside a transaction. */
export async function updateProfile(db: Kysely<Database>, userId: string, patch: ProfilePatch): Promise<void> {
  const at = now(db);
  if (patch.name !== undefined) {
    await db.updateTable('user').set({ name: patch.name, updatedAt: at }).where('id', '=', userId).execute();
  }
  const existing = await db.selectFrom('profile').select(['opted_in', 'agency_id']).where('user_id', '=', userId).executeTakeFirst();
  // Moving to another agency is a transfer: the new agency's administrator vets the account again.
  const transfer = patch.agencyId !== undefined && existing?.agency_id !== patch.agencyId;
  const changes = {
    ...sentColumns(patch, { title: 'title', mobile: 'mobile', agencyId: 'agency_id' }),
    ...(transfer && { status: 'pending' as const, agency_admin: 0 }),
    ...(patch.optedIn !== undefined && {
      opted_in: patch.optedIn ? 1 : 0,
      // Keep the first opt-in time while the user stays opted in.
      opted_in_at: patch.optedIn ? (existing?.opted_in ? undefined : at) : null,
    }),
    updated_at: at,
  };
  const values = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  if (existing) {
    await db.updateTable('profile').set(values).where('user_id', '=', userId).execute();
  } else {
    await db
      .insertInto('profile')
      .values({ user_id: userId, opted_in: 0, title: null, mobile: null, agency_id: null, opted_in_at: null, created_at: at, updated_at: at, ...values })
      .execute();
  }
}

export async function findAgencyByOri(db: Kysely<Database>, ori: string) {
  return db.selectFrom('agency').select(['id', 'name', 'ori']).where('ori', '=', ori).executeTakeFirst();
}

/** The profile a new account starts with: pending in its agency, not opted in. Does nothing if one exists. */
export async function createPendingProfile(db: Kysely<Database>, userId: string, agencyId: string): Promise<void> {
  const at = now(db);
  await db
    .insertInto('profile')
    .values({ user_id: userId, agency_id: agencyId, status: 'pending', title: null, mobile: null, opted_in: 0, opted_in_at: null, created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}
