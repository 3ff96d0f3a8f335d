import { now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { lockUser } from '../db/locks.ts';
import { allow, requireActiveUser, requireSiteAdmin } from '../http/authorize.ts';
import { emit, inTransaction } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { directory } from './access.ts';
import { decideAccessRequest, requestAccess } from './policy.ts';
import { requestList, requestShape, requestView } from './queries.ts';
import { routes } from './schemas.ts';

/*
 * Access requests: a user asks for a service they do not have; a site
 * administrator grants or denies it once, and the user hears of it live (the
 * routes are declared with the directory's in schemas.ts).
 */

export const accessRequests = createRouter()
  .openapi(routes.request, async (c) => {
    const { note } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const actor = await requireActiveUser(c, trx);
      // One pending request per service: decided on under the lock on the user's requests (db/locks.ts).
      await lockUser(trx, actor.userId);
      const [service] = await directory(c, actor, trx, c.req.valid('param').id);
      if (!service) throw new ApiError(404, 'NOT_FOUND', 'No such service.');
      allow(requestAccess(service));
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
  accessRequests.openapi(r, async (c) => {
    const { note } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const actor = await requireSiteAdmin(c, trx);
      const request = await trx.selectFrom('access_request').selectAll().where('id', '=', c.req.valid('param').id).executeTakeFirst();
      if (!request) throw new ApiError(404, 'NOT_FOUND', 'No such access request.');
      allow(decideAccessRequest(request));
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
