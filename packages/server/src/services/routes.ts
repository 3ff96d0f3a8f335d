import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Actor } from '../authz.ts';
import { now } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { newId } from '../db/ids.ts';
import { lockUser } from '../db/locks.ts';
import { requireActiveUser, requireSiteAdmin } from '../http/authorize.ts';
import { inTransaction, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { admin, changed, directory } from './access.ts';
import { communityIdOf, findService, writeAccess } from './queries.ts';
import { routes } from './schemas.ts';
import { sentColumns } from '../http/patch.ts';

/*
 * The portal's service directory: services with their status and
 * maintenance windows, who has access (and how to ask: access-requests.ts),
 * and each user's favourites (each resource's routes, schemas, queries and
 * policy in this folder). Every active account reads it (JusticeConnect's
 * opt-in is not needed: this is the portal's own page); site administrators
 * change it.
 */

/**
 * A site administrator's change to one existing service, in one transaction:
 * `work` makes it and says why the service changed (what live subscribers are
 * told); the answer is the service as its administrators now see it.
 */
function changeService(c: Context<AppEnv>, id: string, work: (trx: Kysely<Database>, service: Awaited<ReturnType<typeof findService>>, actor: Actor) => Promise<string>) {
  return inTransaction(c, async (trx) => {
    const actor = await requireSiteAdmin(c, trx);
    const service = await findService(trx, id);
    await changed(c, trx, service.id, await work(trx, service, actor));
    return admin(c, actor, trx, service.id);
  });
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
    const view = await changeService(c, c.req.valid('param').id, async (trx, service) => {
      const communityId = await communityIdOf(trx, body.community);
      await trx
        .updateTable('service')
        .set({
          ...sentColumns(body, { name: 'name', icon: 'icon', description: 'description', url: 'url', accessInstructions: 'access_instructions', healthUrl: 'health_url', position: 'position' }),
          ...(communityId !== undefined && { community_id: communityId }),
          ...(body.access !== undefined && { access_rule: body.access.rule }),
          updated_at: now(trx),
        })
        .where('id', '=', service.id)
        .execute();
      if (body.access) await writeAccess(trx, service.id, body.access);
      return 'updated';
    });
    return c.json(view, 200);
  })
  .openapi(routes.status, async (c) => {
    const body = c.req.valid('json');
    const view = await changeService(c, c.req.valid('param').id, async (trx, service) => {
      await trx
        .updateTable('service')
        .set({ status: body.status, status_message: body.message ?? null, status_source: 'admin', status_updated_at: c.get('services').clock.now().toISOString() })
        .where('id', '=', service.id)
        .execute();
      return 'status';
    });
    return c.json(view, 200);
  })
  .openapi(routes.addWindow, async (c) => {
    const body = c.req.valid('json');
    const view = await changeService(c, c.req.valid('param').id, async (trx, service, actor) => {
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
      return started ? 'maintenance-started' : 'maintenance-planned';
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
  });
