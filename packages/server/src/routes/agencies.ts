import { createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { loadActor } from '../authz.ts';
import { now } from '../db/database.ts';
import { appendAudit, origin } from '../audit.ts';
import { inTransaction, requireUser, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { OriSchema, communityRoutes, jsonBody, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';

const AgencySchema = z.object({ id: z.string(), name: z.string(), ori: z.string() }).openapi('AgencySummary');
const AgencyCreate = z.strictObject({ name: z.string().trim().min(1).max(200), ori: OriSchema }).openapi('AgencyCreate');
const AdminParams = z.object({ ori: OriSchema, userId: z.string().min(1).max(100) });

export async function requireSiteAdmin(c: Context<AppEnv>) {
  const user = await requireUser(c);
  const actor = await loadActor(c.get('services').db.kysely, user.id);
  if (actor.status !== 'active' || !actor.siteAdmin) throw new ApiError(403, 'SITE_ADMIN_REQUIRED', 'Only a site administrator may do that.');
  return actor;
}

const tags = ['agencies'];
const route = communityRoutes(tags);
const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Agencies and their ORIs (public, like the state’s agency-administrator lookup)',
  responses: { 200: jsonContent(z.object({ items: z.array(AgencySchema) }), 'Agencies') },
});
const create = route({
  method: 'post',
  path: '/',
  summary: 'Add an agency (site administrators)',
  request: jsonBody(AgencyCreate),
  responses: { 201: jsonContent(AgencySchema, 'Created') },
});
/** Making a user the agency's administrator (PUT) or not (DELETE). */
const adminRoute = (method: 'put' | 'delete', summary: string) =>
  route({ method, path: '/{ori}/admins/{userId}', summary, request: { params: AdminParams }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Done') } });
const setAdmin = adminRoute('put', 'Make a user of the agency its administrator (site administrators)');
const unsetAdmin = adminRoute('delete', 'Stop a user administering the agency (site administrators)');

/** Makes a user their agency's administrator or not; the audit log records the role before and after, in the same transaction. */
async function setAgencyAdmin(c: Context<AppEnv>, ori: string, userId: string, value: 0 | 1) {
  const admin = await requireSiteAdmin(c);
  await inTransaction(c, async (trx) => {
    const agency = await trx.selectFrom('agency').select('id').where('ori', '=', ori).executeTakeFirst();
    if (!agency) throw new ApiError(404, 'NOT_FOUND', 'No agency has that ORI.');
    const before = await trx.selectFrom('profile').select('agency_admin').where('user_id', '=', userId).where('agency_id', '=', agency.id).executeTakeFirst();
    if (!before) throw new ApiError(404, 'USER_NOT_FOUND', 'No user of that agency has that id.');
    await trx.updateTable('profile').set({ agency_admin: value, updated_at: now(trx) }).where('user_id', '=', userId).where('agency_id', '=', agency.id).execute();
    const role = (v: number) => (v ? 'agency-admin' : 'officer');
    await appendAudit(trx, {
      actorId: admin.userId,
      action: 'agency.role-changed',
      target: userId,
      outcome: 'success',
      ...origin(c),
      details: { agencyId: agency.id, userId, oldRole: role(Number(before.agency_admin)), newRole: role(value) },
    });
  });
  return c.json({ ok: true as const }, 200);
}

export const agencies = createRouter()
  .openapi(list, async (c) => {
    const rows = await c.get('services').db.kysely.selectFrom('agency').select(['id', 'name', 'ori']).orderBy('name').execute();
    return c.json({ items: rows }, 200);
  })
  .openapi(create, async (c) => {
    await requireSiteAdmin(c);
    const body = c.req.valid('json');
    const agency = await inTransaction(c, async (trx) => {
      const taken = await trx.selectFrom('agency').select('id').where('ori', '=', body.ori).executeTakeFirst();
      if (taken) throw new ApiError(409, 'ORI_TAKEN', 'An agency with that ORI exists.', { ori: 'Already registered' });
      const made = { id: randomUUID(), name: body.name, ori: body.ori };
      // The same ORI sent at once: one agency; the others answer as a later request would (db/locks.ts).
      const inserted = await trx.insertInto('agency').values({ ...made, created_at: now(trx) }).onConflict((oc) => oc.column('ori').doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows) === 0) throw new ApiError(409, 'ORI_TAKEN', 'An agency with that ORI exists.', { ori: 'Already registered' });
      return made;
    });
    return c.json(agency, 201);
  })
  .openapi(setAdmin, (c) => setAgencyAdmin(c, c.req.valid('param').ori, c.req.valid('param').userId, 1) as never)
  .openapi(unsetAdmin, (c) => setAgencyAdmin(c, c.req.valid('param').ori, c.req.valid('param').userId, 0) as never);
