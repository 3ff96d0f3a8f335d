import { z } from '@hono/zod-openapi';
import { unlockAccount } from '../security.ts';
import type { Context } from 'hono';
import { loadActor, type Actor } from '../authz.ts';
import { allow, requireCommunityUser } from '../http/authorize.ts';
import { administerUsers, changeUser } from '../users/policy.ts';
import { now } from '../db/database.ts';
import type { Kysely } from 'kysely';
import type { Database, UserStatus } from '../db/schema.ts';
import { emit, inTransaction, requireUser, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { communityRoutes, jsonContent, IdParam as Params } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';

/**
 * Vetting: an agency administrator approves, suspends and removes the users
 * of their own agency (and sees no one else); a site administrator, anyone.
 */
const Status = z.enum(['pending', 'active', 'suspended', 'removed']);
const UserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    title: z.string().nullable(),
    agency: z.object({ name: z.string(), ori: z.string() }).nullable(),
    status: Status,
    agencyAdmin: z.boolean(),
    siteAdmin: z.boolean(),
    locked: z.boolean().openapi({ description: 'Locked after too many failed sign-ins, until unlocked' }),
    createdAt: z.string(),
  })
  .openapi('ManagedUser');

const ListQuery = z.strictObject({ status: Status.optional(), limit: z.coerce.number().int().min(1).max(200).default(100) });

async function requireUserAdmin(c: Context<AppEnv>): Promise<Actor> {
  const user = await requireUser(c);
  const actor = await loadActor(c.get('services').db.kysely, user.id);
  allow(administerUsers(actor));
  return actor;
}

function baseQuery(db: Kysely<Database>, admin: Actor) {
  let q = db
    .selectFrom('user')
    .innerJoin('profile', 'profile.user_id', 'user.id')
    .leftJoin('agency', 'agency.id', 'profile.agency_id')
    .select(['user.id as id', 'user.name as name', 'user.email as email'])
    .select(['profile.title as title'])
    .select(['agency.name as agency_name', 'agency.ori as agency_ori'])
    .select(['profile.status as status', 'profile.agency_admin as agency_admin', 'profile.site_admin as site_admin', 'profile.locked_at as locked_at', 'profile.created_at as created_at']);
  if (!admin.siteAdmin) q = q.where('profile.agency_id', '=', admin.agencyId!);
  return q;
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;
const toUser = (r: Row) => ({
  id: r.id,
  name: r.name,
  email: r.email,
  title: r.title,
  agency: r.agency_name && r.agency_ori ? { name: r.agency_name, ori: r.agency_ori } : null,
  status: r.status,
  agencyAdmin: Boolean(r.agency_admin),
  siteAdmin: Boolean(r.site_admin),
  locked: r.locked_at !== null,
  createdAt: r.created_at,
});

const route = communityRoutes(['users']);
const list = route({ method: 'get', path: '/', summary: 'Users you administer (your agency’s, or everyone for a site administrator)', request: { query: ListQuery }, responses: { 200: jsonContent(z.object({ items: z.array(UserSchema) }), 'Users') } });

const action = (verb: 'approve' | 'suspend' | 'remove', summary: string) =>
  route({ method: 'post', path: `/{id}/${verb}`, summary, request: { params: Params }, responses: { 200: jsonContent(UserSchema, 'The user') } });

const TARGET: Record<'approve' | 'suspend' | 'remove', UserStatus> = { approve: 'active', suspend: 'suspended', remove: 'removed' };

async function changeStatus(c: Context<AppEnv>, id: string, verb: 'approve' | 'suspend' | 'remove') {
  const admin = await requireUserAdmin(c);
  if (id === admin.userId) throw new ApiError(409, 'NOT_YOURSELF', 'Another administrator must change your own account.');
  const user = await inTransaction(c, async (trx) => {
    // Outside the administrator's agency, a user simply is not found.
    const row = await baseQuery(trx, admin).where('user.id', '=', id).executeTakeFirst();
    if (!row) throw new ApiError(404, 'USER_NOT_FOUND', 'No such user in your agency.');
    allow(changeUser(admin, row, 'change'));
    await trx.updateTable('profile').set({ status: TARGET[verb], updated_at: now(trx) }).where('user_id', '=', id).execute();
    // Suspension and removal end every session of that user at once.
    if (verb !== 'approve') await trx.deleteFrom('session').where('userId', '=', id).execute();
    // Their open live streams end at once too.
    await emit(c, trx, { type: 'user.status', userId: id, payload: { status: TARGET[verb] } });
    return { ...row, status: TARGET[verb] };
  });
  return c.json(toUser(user), 200);
}

const follow = (method: 'put' | 'delete', summary: string) =>
  route({ method, path: '/{id}/follow', summary, request: { params: Params }, responses: { 200: jsonContent(z.object({ following: z.boolean() }), 'Done') } });

/** Follow or unfollow a user (their followers-only blog entries then show in shared communities). */
async function setFollow(c: Context<AppEnv>, id: string, on: boolean) {
  const actor = await requireCommunityUser(c);
  if (id === actor.userId) throw new ApiError(409, 'NOT_YOURSELF', 'You cannot follow yourself.');
  await inTransaction(c, async (trx) => {
    const target = await trx.selectFrom('profile').select('status').where('user_id', '=', id).executeTakeFirst();
    if (!target || target.status !== 'active') throw new ApiError(404, 'USER_NOT_FOUND', 'No such user.');
    if (on) {
      await trx
        .insertInto('follow')
        .values({ follower_id: actor.userId, followee_id: id, created_at: now(trx) })
        .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
        .execute();
    } else {
      await trx.deleteFrom('follow').where('follower_id', '=', actor.userId).where('followee_id', '=', id).execute();
    }
  });
  return c.json({ following: on }, 200);
}

export const users = createRouter()
  .openapi(follow('put', 'Follow a user'), (c) => setFollow(c, c.req.valid('param').id, true) as never)
  .openapi(follow('delete', 'Unfollow a user'), (c) => setFollow(c, c.req.valid('param').id, false) as never)
  .openapi(list, async (c) => {
    const admin = await requireUserAdmin(c);
    const q = c.req.valid('query');
    let query = baseQuery(c.get('services').db.kysely, admin);
    if (q.status) query = query.where('profile.status', '=', q.status);
    const rows = await query.orderBy('profile.created_at', 'desc').limit(q.limit).execute();
    return c.json({ items: rows.map(toUser) }, 200);
  })
  .openapi(action('approve', 'Approve (or reinstate) a user'), (c) => changeStatus(c, c.req.valid('param').id, 'approve') as never)
  .openapi(action('suspend', 'Suspend a user: every session ends at once'), (c) => changeStatus(c, c.req.valid('param').id, 'suspend') as never)
  .openapi(action('remove', 'Remove a user on separation: every session ends at once'), (c) => changeStatus(c, c.req.valid('param').id, 'remove') as never)
  .openapi(
    route({ method: 'post', path: '/{id}/unlock', summary: 'Unlock an account locked after failed sign-ins', request: { params: Params }, responses: { 200: jsonContent(UserSchema, 'The user') } }),
    async (c) => {
      const admin = await requireUserAdmin(c);
      const id = c.req.valid('param').id;
      const user = await inTransaction(c, async (trx) => {
        const row = await baseQuery(trx, admin).where('user.id', '=', id).executeTakeFirst();
        if (!row) throw new ApiError(404, 'USER_NOT_FOUND', 'No such user in your agency.');
        allow(changeUser(admin, row, 'unlock'));
        await unlockAccount(trx, id);
        return { ...row, locked_at: null };
      });
      return c.json(toUser(user), 200);
    },
  );
