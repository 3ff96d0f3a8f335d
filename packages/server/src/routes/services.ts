import { now } from '../db/database.ts';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { readableCommunityIds, type Actor } from '../authz.ts';
import { requireActiveUser, requireSiteAdmin } from '../http/authorize.ts';
import { newId } from '../db/ids.ts';
import { adminView, SERVICE_ICONS, SERVICE_ROLES, SERVICE_STATUSES, serviceViews } from '../data/services.ts';
import type { Database } from '../db/schema.ts';
import { emit, inTransaction, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { lockUser } from '../db/locks.ts';
import { communityErrors, jsonBody, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { OriSchema } from './me.ts';

/*
 * The portal's service directory: services with their status and
 * maintenance windows, who has access (and how to ask), and each user's
 * favourites. Every active account reads it (JusticeConnect's opt-in is not
 * needed: this is the portal's own page); site administrators change it.
 */

const WindowSchema = z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string(), message: z.string() }).openapi('MaintenanceWindow');
const Status = z.enum(SERVICE_STATUSES);
const Role = z.enum(SERVICE_ROLES);
const ServiceFields = {
  id: z.string(),
  name: z.string(),
  icon: z.enum(SERVICE_ICONS),
  description: z.string(),
  url: z.string().nullable().openapi({ description: 'Null for a user without access: the address is never shown to them' }),
  hasAccess: z.boolean(),
  accessInstructions: z.string(),
  accessRequest: z.object({ id: z.string(), state: z.enum(['pending', 'granted', 'denied']), createdAt: z.string() }).nullable(),
  community: z.object({ slug: z.string(), name: z.string() }).nullable(),
  status: Status.openapi({ description: 'maintenance while a window is open, whatever else is set' }),
  statusMessage: z.string().nullable(),
  statusUpdatedAt: z.string(),
  maintenance: z.object({ current: WindowSchema.nullable(), planned: z.array(WindowSchema) }),
  favorite: z.object({ position: z.number() }).nullable(),
};
const ServiceSchema = z.object(ServiceFields).openapi('Service');
const ServiceAdminSchema = z
  .object({
    ...ServiceFields,
    access: z.object({ rule: z.enum(['everyone', 'restricted']), agencies: z.array(z.object({ ori: z.string(), name: z.string() })), roles: z.array(Role) }),
    healthUrl: z.string().nullable(),
    statusSource: z.enum(['admin', 'health-check']),
    realUrl: z.string(),
  })
  .openapi('ServiceAdmin');
const AccessRequestSchema = z
  .object({
    id: z.string(),
    service: z.object({ id: z.string(), name: z.string() }),
    user: z.object({ id: z.string(), name: z.string(), email: z.string(), agency: z.string().nullable() }),
    note: z.string().nullable(),
    state: z.enum(['pending', 'granted', 'denied']),
    decisionNote: z.string().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .openapi('AccessRequest');

const HttpUrl = z.url({ protocol: /^https?$/, error: 'An http(s) address' }).max(2000);
const AccessInput = z.union([
  z.strictObject({ rule: z.literal('everyone') }),
  z.strictObject({ rule: z.literal('restricted'), agencies: z.array(OriSchema).max(500).default([]), roles: z.array(Role).max(10).default([]) }),
]);
const ServiceInput = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,49}$/, 'Lower-case letters, digits and dashes')
      .optional(),
    name: z.string().trim().min(1).max(100),
    icon: z.enum(SERVICE_ICONS),
    description: z.string().trim().max(2000).default(''),
    url: HttpUrl,
    community: z.string().min(1).max(100).nullable().optional().openapi({ description: 'The slug of the service’s JusticeConnect community' }),
    access: AccessInput.default({ rule: 'everyone' }),
    accessInstructions: z.string().trim().max(2000).default(''),
    healthUrl: HttpUrl.nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .openapi('ServiceInput');
const ServicePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    icon: z.enum(SERVICE_ICONS).optional(),
    description: z.string().trim().max(2000).optional(),
    url: HttpUrl.optional(),
    community: z.string().min(1).max(100).nullable().optional(),
    access: AccessInput.optional(),
    accessInstructions: z.string().trim().max(2000).optional(),
    healthUrl: HttpUrl.nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .openapi('ServicePatch');
const StatusInput = z.strictObject({ status: Status.exclude(['maintenance']).openapi({ description: 'Maintenance comes from maintenance windows' }), message: z.string().trim().max(1000).nullable().optional() });
const WindowInput = z
  .strictObject({ startsAt: z.iso.datetime({ offset: true }), endsAt: z.iso.datetime({ offset: true }), message: z.string().trim().max(1000).default('') })
  .refine((w) => Date.parse(w.endsAt) > Date.parse(w.startsAt), { message: 'The window must end after it starts', path: ['endsAt'] })
  .openapi('MaintenanceWindowInput');

const Id = z.object({ id: z.string().min(1).max(100) });
const tags = ['services'];
const errors = communityErrors;

const routes = {
  list: createRoute({ method: 'get', path: '/services', tags, summary: 'The service directory as you see it: your favourites first, in your order', responses: { 200: jsonContent(z.object({ items: z.array(ServiceSchema) }), 'Services'), ...errors } }),
  get: createRoute({ method: 'get', path: '/services/{id}', tags, summary: 'One service', request: { params: Id }, responses: { 200: jsonContent(ServiceSchema, 'The service'), ...errors } }),
  create: createRoute({ method: 'post', path: '/services', tags, summary: 'Add a service (site administrators)', request: jsonBody(ServiceInput), responses: { 201: jsonContent(ServiceAdminSchema, 'Added'), ...errors } }),
  admin: createRoute({ method: 'get', path: '/services/{id}/admin', tags, summary: 'A service with its access rule and health check (site administrators)', request: { params: Id }, responses: { 200: jsonContent(ServiceAdminSchema, 'The service'), ...errors } }),
  patch: createRoute({ method: 'patch', path: '/services/{id}', tags, summary: 'Change a service (site administrators)', request: { params: Id, ...jsonBody(ServicePatch) }, responses: { 200: jsonContent(ServiceAdminSchema, 'Changed'), ...errors } }),
  status: createRoute({ method: 'put', path: '/services/{id}/status', tags, summary: 'Set a service’s status (site administrators)', request: { params: Id, ...jsonBody(StatusInput) }, responses: { 200: jsonContent(ServiceAdminSchema, 'Set'), ...errors } }),
  addWindow: createRoute({ method: 'post', path: '/services/{id}/maintenance', tags, summary: 'Plan a maintenance window (site administrators)', request: { params: Id, ...jsonBody(WindowInput) }, responses: { 201: jsonContent(ServiceAdminSchema, 'Planned'), ...errors } }),
  removeWindow: createRoute({ method: 'delete', path: '/maintenance/{id}', tags, summary: 'Cancel a maintenance window (site administrators)', request: { params: Id }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Cancelled'), ...errors } }),
  favorite: createRoute({ method: 'put', path: '/services/{id}/favorite', tags, summary: 'Mark as a favourite (added last in My Services)', request: { params: Id }, responses: { 200: jsonContent(z.object({ items: z.array(ServiceSchema) }), 'The directory'), ...errors } }),
  unfavorite: createRoute({ method: 'delete', path: '/services/{id}/favorite', tags, summary: 'Unmark a favourite', request: { params: Id }, responses: { 200: jsonContent(z.object({ items: z.array(ServiceSchema) }), 'The directory'), ...errors } }),
  order: createRoute({
    method: 'put',
    path: '/me/favorites',
    tags,
    summary: 'My Services: exactly these favourites, in this order',
    request: jsonBody(z.strictObject({ serviceIds: z.array(z.string().min(1).max(100)).max(200) })),
    responses: { 200: jsonContent(z.object({ items: z.array(ServiceSchema) }), 'The directory'), ...errors },
  }),
  request: createRoute({
    method: 'post',
    path: '/services/{id}/access-requests',
    tags,
    summary: 'Ask for access to a service',
    request: { params: Id, ...jsonBody(z.strictObject({ note: z.string().trim().max(1000).optional() })) },
    responses: { 201: jsonContent(AccessRequestSchema, 'Asked'), ...errors },
  }),
  mine: createRoute({ method: 'get', path: '/me/access-requests', tags, summary: 'My access requests', responses: { 200: jsonContent(z.object({ items: z.array(AccessRequestSchema) }), 'Requests'), ...errors } }),
  queue: createRoute({
    method: 'get',
    path: '/access-requests',
    tags,
    summary: 'Access requests (site administrators)',
    request: { query: z.strictObject({ state: z.enum(['pending', 'granted', 'denied']).default('pending') }) },
    responses: { 200: jsonContent(z.object({ items: z.array(AccessRequestSchema) }), 'Requests'), ...errors },
  }),
  grant: createRoute({
    method: 'post',
    path: '/access-requests/{id}/grant',
    tags,
    summary: 'Grant access (site administrators); the user is told',
    request: { params: Id, ...jsonBody(z.strictObject({ note: z.string().trim().max(1000).optional() })) },
    responses: { 200: jsonContent(AccessRequestSchema, 'Granted'), ...errors },
  }),
  deny: createRoute({
    method: 'post',
    path: '/access-requests/{id}/deny',
    tags,
    summary: 'Deny access (site administrators); the user is told',
    request: { params: Id, ...jsonBody(z.strictObject({ note: z.string().trim().max(1000).optional() })) },
    responses: { 200: jsonContent(AccessRequestSchema, 'Denied'), ...errors },
  }),
};

type Db = Kysely<Database>;

async function directory(c: Context<AppEnv>, actor: Actor, db: Db = c.get('services').db.kysely, onlyId?: string) {
  const readable = await readableCommunityIds(db, actor);
  return serviceViews(db, actor, c.get('services').clock.now(), readable, onlyId);
}

async function admin(c: Context<AppEnv>, actor: Actor, db: Db, id: string) {
  return adminView(db, actor, c.get('services').clock.now(), await readableCommunityIds(db, actor), id);
}

async function findService(db: Db, id: string) {
  const s = await db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s) throw new ApiError(404, 'NOT_FOUND', 'No such service.');
  return s;
}

async function communityIdOf(db: Db, slug: string | null | undefined): Promise<string | null | undefined> {
  if (slug === undefined || slug === null) return slug;
  const c = await db.selectFrom('community').select('id').where('slug', '=', slug).executeTakeFirst();
  if (!c) throw new ApiError(422, 'UNKNOWN_COMMUNITY', 'Name an existing community.', { community: 'No such community' });
  return c.id;
}

async function writeAccess(db: Db, serviceId: string, access: z.infer<typeof AccessInput>) {
  await db.deleteFrom('service_access').where('service_id', '=', serviceId).execute();
  if (access.rule === 'everyone') return;
  const agencies = access.agencies.length ? await db.selectFrom('agency').select(['id', 'ori']).where('ori', 'in', access.agencies).execute() : [];
  const unknown = access.agencies.findIndex((ori) => !agencies.some((a) => a.ori === ori));
  if (unknown >= 0) throw new ApiError(422, 'UNKNOWN_AGENCY', 'Name agencies by their ORI.', { [`access.agencies.${unknown}`]: 'No agency has this ORI' });
  const rows = [...agencies.map((a) => ({ service_id: serviceId, kind: 'agency' as const, value: a.id })), ...access.roles.map((r) => ({ service_id: serviceId, kind: 'role' as const, value: r }))];
  if (rows.length) await db.insertInto('service_access').values(rows).execute();
}

const changed = (c: Context<AppEnv>, trx: Db, serviceId: string, reason: string) => emit(c, trx, { type: 'service.changed', payload: { serviceId, reason } });

async function requestView(db: Db, id: string) {
  const r = await db
    .selectFrom('access_request')
    .innerJoin('service', 'service.id', 'access_request.service_id')
    .innerJoin('user', 'user.id', 'access_request.user_id')
    .leftJoin('profile', 'profile.user_id', 'access_request.user_id')
    .leftJoin('agency', 'agency.id', 'profile.agency_id')
    .selectAll('access_request')
    .select(['service.name as service_name', 'user.name as user_name', 'user.email as user_email', 'agency.name as agency_name'])
    .where('access_request.id', '=', id)
    .executeTakeFirstOrThrow();
  return requestShape(r);
}

type RequestRow = {
  id: string;
  service_id: string;
  user_id: string;
  note: string | null;
  state: 'pending' | 'granted' | 'denied';
  decision_note: string | null;
  created_at: string;
  decided_at: string | null;
  service_name: string;
  user_name: string;
  user_email: string;
  agency_name: string | null;
};
const requestShape = (r: RequestRow) => ({
  id: r.id,
  service: { id: r.service_id, name: r.service_name },
  user: { id: r.user_id, name: r.user_name, email: r.user_email, agency: r.agency_name ?? null },
  note: r.note,
  state: r.state,
  decisionNote: r.decision_note,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});

function requestList(db: Db) {
  return db
    .selectFrom('access_request')
    .innerJoin('service', 'service.id', 'access_request.service_id')
    .innerJoin('user', 'user.id', 'access_request.user_id')
    .leftJoin('profile', 'profile.user_id', 'access_request.user_id')
    .leftJoin('agency', 'agency.id', 'profile.agency_id')
    .selectAll('access_request')
    .select(['service.name as service_name', 'user.name as user_name', 'user.email as user_email', 'agency.name as agency_name']);
}

export const services = createRouter()
  .openapi(routes.list, async (c) => {
    const actor = await requireActiveUser(c);
    return c.json({ items: await directory(c, actor) }, 200);
  })
  .openapi(routes.get, async (c) => {
    const actor = await requireActiveUser(c);
    const [view] = await directory(c, actor, undefined, c.req.valid('param').id);
    if (!view) throw new ApiError(404, 'NOT_FOUND', 'No such service.');
    return c.json(view, 200);
  })
  .openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const actor = await requireSiteAdmin(c, trx);
      const id = body.id ?? newId('svc');
      if (await trx.selectFrom('service').select('id').where('id', '=', id).executeTakeFirst()) throw new ApiError(409, 'SERVICE_EXISTS', 'A service already has this id.', { id: 'Already in use' });
      const last = await trx.selectFrom('service').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
      const at = now(trx);
      // The same id sent at once: one row, the others the 409 a later one gets (db/locks.ts).
      const inserted = await trx
        .insertInto('service')
        .values({
          id,
          name: body.name,
          icon: body.icon,
          description: body.description,
          url: body.url,
          community_id: (await communityIdOf(trx, body.community)) ?? null,
          access_rule: body.access.rule,
          access_instructions: body.accessInstructions,
          health_url: body.healthUrl ?? null,
          position: body.position ?? Number(last?.p ?? -1) + 1,
          status_message: null,
          status_updated_at: at,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows) === 0) throw new ApiError(409, 'SERVICE_EXISTS', 'A service already has this id.', { id: 'Already in use' });
      await writeAccess(trx, id, body.access);
      await changed(c, trx, id, 'created');
      return admin(c, actor, trx, id);
    });
    return c.json(view, 201);
  })
  .openapi(routes.admin, async (c) => {
    const actor = await requireSiteAdmin(c);
    const db = c.get('services').db.kysely;
    await findService(db, c.req.valid('param').id);
    return c.json(await admin(c, actor, db, c.req.valid('param').id), 200);
  })
  .openapi(routes.patch, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const actor = await requireSiteAdmin(c, trx);
      const service = await findService(trx, c.req.valid('param').id);
      const communityId = await communityIdOf(trx, body.community);
      await trx
        .updateTable('service')
        .set({
          ...(body.name !== undefined && { name: body.name }),
          ...(body.icon !== undefined && { icon: body.icon }),
          ...(body.description !== undefined && { description: body.description }),
          ...(body.url !== undefined && { url: body.url }),
          ...(communityId !== undefined && { community_id: communityId }),
          ...(body.access !== undefined && { access_rule: body.access.rule }),
          ...(body.accessInstructions !== undefined && { access_instructions: body.accessInstructions }),
          ...(body.healthUrl !== undefined && { health_url: body.healthUrl }),
          ...(body.position !== undefined && { position: body.position }),
          updated_at: now(trx),
        })
        .where('id', '=', service.id)
        .execute();
      if (body.access) await writeAccess(trx, service.id, body.access);
      await changed(c, trx, service.id, 'updated');
      return admin(c, actor, trx, service.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.status, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const actor = await requireSiteAdmin(c, trx);
      const service = await findService(trx, c.req.valid('param').id);
      await trx
        .updateTable('service')
        .set({ status: body.status, status_message: body.message ?? null, status_source: 'admin', status_updated_at: c.get('services').clock.now().toISOString() })
        .where('id', '=', service.id)
        .execute();
      await changed(c, trx, service.id, 'status');
      return admin(c, actor, trx, service.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.addWindow, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const actor = await requireSiteAdmin(c, trx);
      const service = await findService(trx, c.req.valid('param').id);
      const now = c.get('services').clock.now().getTime();
      const startsAt = new Date(body.startsAt);
      const endsAt = new Date(body.endsAt);
      if (endsAt.getTime() <= now) throw new ApiError(422, 'WINDOW_IN_THE_PAST', 'That window has already ended.', { endsAt: 'Already past' });
      // A window that has already begun is announced now, not by the next scheduler tick.
      const started = startsAt.getTime() <= now;
      await trx
        .insertInto('maintenance_window')
        .values({ id: newId('mnt'), service_id: service.id, starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString(), message: body.message, created_by: actor.userId, created_at: new Date(now).toISOString(), start_announced: started ? 1 : 0 })
        .execute();
      await changed(c, trx, service.id, started ? 'maintenance-started' : 'maintenance-planned');
      return admin(c, actor, trx, service.id);
    });
    return c.json(view, 201);
  })
  .openapi(routes.removeWindow, async (c) => {
    await inTransaction(c, async (trx) => {
      await requireSiteAdmin(c, trx);
      const w = await trx.selectFrom('maintenance_window').select(['id', 'service_id']).where('id', '=', c.req.valid('param').id).executeTakeFirst();
      if (!w) throw new ApiError(404, 'NOT_FOUND', 'No such maintenance window.');
      await trx.deleteFrom('maintenance_window').where('id', '=', w.id).execute();
      await changed(c, trx, w.service_id, 'maintenance-cancelled');
    });
    return c.json({ ok: true as const }, 200);
  })
  .openapi(routes.favorite, async (c) => {
    const items = await inTransaction(c, async (trx) => {
      const actor = await requireActiveUser(c, trx);
      const service = await findService(trx, c.req.valid('param').id);
      // "Added last": the last position is read under the lock on the user's favourites (db/locks.ts).
      await lockUser(trx, actor.userId);
      const last = await trx.selectFrom('service_favorite').select((eb) => eb.fn.max('position').as('p')).where('user_id', '=', actor.userId).executeTakeFirst();
      await trx
        .insertInto('service_favorite')
        .values({ user_id: actor.userId, service_id: service.id, position: Number(last?.p ?? -1) + 1 })
        .onConflict((oc) => oc.columns(['user_id', 'service_id']).doNothing())
        .execute();
      return directory(c, actor, trx);
    });
    return c.json({ items }, 200);
  })
  .openapi(routes.unfavorite, async (c) => {
    const items = await inTransaction(c, async (trx) => {
      const actor = await requireActiveUser(c, trx);
      await trx.deleteFrom('service_favorite').where('user_id', '=', actor.userId).where('service_id', '=', c.req.valid('param').id).execute();
      return directory(c, actor, trx);
    });
    return c.json({ items }, 200);
  })
  .openapi(routes.order, async (c) => {
    const { serviceIds } = c.req.valid('json');
    const items = await inTransaction(c, async (trx) => {
      const actor = await requireActiveUser(c, trx);
      const unique = [...new Set(serviceIds)];
      const known = unique.length ? await trx.selectFrom('service').select('id').where('id', 'in', unique).execute() : [];
      const missing = unique.findIndex((id) => !known.some((k) => k.id === id));
      if (missing >= 0) throw new ApiError(422, 'UNKNOWN_SERVICE', 'Name existing services.', { [`serviceIds.${missing}`]: 'No such service' });
      // Under the lock on the user's favourites, upserts and a delete of the rest: never delete-then-insert (db/locks.ts).
      await lockUser(trx, actor.userId);
      if (unique.length) {
        await trx
          .insertInto('service_favorite')
          .values(unique.map((id, i) => ({ user_id: actor.userId, service_id: id, position: i })))
          .onConflict((oc) => oc.columns(['user_id', 'service_id']).doUpdateSet((eb) => ({ position: eb.ref('excluded.position') })))
          .execute();
      }
      await trx
        .deleteFrom('service_favorite')
        .where('user_id', '=', actor.userId)
        .$if(unique.length > 0, (q) => q.where('service_id', 'not in', unique))
        .execute();
      return directory(c, actor, trx);
    });
    return c.json({ items }, 200);
  })
  .openapi(routes.request, async (c) => {
    const { note } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const actor = await requireActiveUser(c, trx);
      // One pending request per service: decided on under the lock on the user's requests (db/locks.ts).
      await lockUser(trx, actor.userId);
      const [service] = await directory(c, actor, trx, c.req.valid('param').id);
      if (!service) throw new ApiError(404, 'NOT_FOUND', 'No such service.');
      if (service.hasAccess) throw new ApiError(409, 'ALREADY_HAS_ACCESS', 'You already have access to this service.');
      if (service.accessRequest?.state === 'pending') throw new ApiError(409, 'ALREADY_REQUESTED', 'Your request is waiting for an administrator.');
      const id = newId('acr');
      await trx.insertInto('access_request').values({ id, service_id: service.id, user_id: actor.userId, note: note ?? null, decided_by: null, decided_at: null, decision_note: null, created_at: now(trx) }).execute();
      const admins = await trx.selectFrom('profile').select('user_id').where('site_admin', '=', 1).where('status', '=', 'active').execute();
      for (const a of admins) await emit(c, trx, { type: 'access.requested', userId: a.user_id, payload: { requestId: id, serviceId: service.id } });
      return requestView(trx, id);
    });
    return c.json(view, 201);
  })
  .openapi(routes.mine, async (c) => {
    const actor = await requireActiveUser(c);
    const rows = await requestList(c.get('services').db.kysely).where('access_request.user_id', '=', actor.userId).orderBy('access_request.created_at', 'desc').limit(200).execute();
    return c.json({ items: rows.map(requestShape) }, 200);
  })
  .openapi(routes.queue, async (c) => {
    await requireSiteAdmin(c);
    const rows = await requestList(c.get('services').db.kysely).where('access_request.state', '=', c.req.valid('query').state).orderBy('access_request.created_at').limit(500).execute();
    return c.json({ items: rows.map(requestShape) }, 200);
  });

/** Grant and deny: the administrator decides once; the user hears of it live. */
for (const [r, state] of [
  [routes.grant, 'granted'],
  [routes.deny, 'denied'],
] as const) {
  services.openapi(r, async (c) => {
    const { note } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const actor = await requireSiteAdmin(c, trx);
      const request = await trx.selectFrom('access_request').selectAll().where('id', '=', c.req.valid('param').id).executeTakeFirst();
      if (!request) throw new ApiError(404, 'NOT_FOUND', 'No such access request.');
      if (request.state !== 'pending') throw new ApiError(409, 'ALREADY_DECIDED', `This request was already ${request.state}.`);
      const at = now(trx);
      // Decided once: the transition happens only from pending, and only the request that made it grants (db/locks.ts).
      const decided = await trx
        .updateTable('access_request')
        .set({ state, decided_by: actor.userId, decided_at: at, decision_note: note ?? null })
        .where('id', '=', request.id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (Number(decided.numUpdatedRows) === 0) {
        const now = await trx.selectFrom('access_request').select('state').where('id', '=', request.id).executeTakeFirstOrThrow();
        throw new ApiError(409, 'ALREADY_DECIDED', `This request was already ${now.state}.`);
      }
      if (state === 'granted') {
        await trx
          .insertInto('service_grant')
          .values({ service_id: request.service_id, user_id: request.user_id, granted_by: actor.userId, created_at: at })
          .onConflict((oc) => oc.columns(['service_id', 'user_id']).doNothing())
          .execute();
      }
      await emit(c, trx, { type: 'access.decided', userId: request.user_id, payload: { requestId: request.id, serviceId: request.service_id, state } });
      return requestView(trx, request.id);
    });
    return c.json(view, 200);
  });
}
