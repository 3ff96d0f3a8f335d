import { loadActor } from '../authz.ts';
import { now } from '../db/database.ts';
import { dialectOf } from '../db/dialect.ts';
import { newId } from '../db/ids.ts';
import type { Database } from '../db/schema.ts';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { allow, requireActiveUser, requireSiteAdmin } from '../http/authorize.ts';
import { currentUser, emit, inTransaction, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { dismissAnnouncement, inAudience, shownTo } from './policy.ts';
import { audienceColumns, shape } from './queries.ts';
import { routes } from './schemas.ts';
import { sentColumns } from '../http/patch.ts';

/*
 * Announcements: banners by severity for a time window and an audience
 * (each resource's routes, schemas, queries and policy in this folder).
 * Anyone may read those meant for everyone (the portal's home page shows
 * them before sign-in); signed-in users also see those for their agency or
 * role, and may dismiss any but an emergency. Site administrators write them.
 */

type Db = Kysely<Database>;

const changed = (c: Context<AppEnv>, trx: Db, id: string) => emit(c, trx, { type: 'announcement.changed', payload: { announcementId: id } });

export const announcements = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, clock } = c.get('services');
    const user = await currentUser(c);
    const actor = user ? await loadActor(db.kysely, user.id) : null;
    const active = actor?.status === 'active' ? actor : null;
    const now = clock.now().toISOString();
    const rows = await db.kysely
      .selectFrom('announcement')
      .selectAll()
      .where('starts_at', '<=', now)
      .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
      .orderBy('starts_at', 'desc')
      .limit(100)
      .execute();
    const dismissed = active
      ? new Set((await db.kysely.selectFrom('announcement_dismissal').select('announcement_id').where('user_id', '=', active.userId).execute()).map((d) => d.announcement_id))
      : new Set<string>();
    return c.json({ items: await shape(db.kysely, shownTo(rows, active, dismissed)) }, 200);
  })
  .openapi(routes.all, async (c) => {
    await requireSiteAdmin(c);
    const db = c.get('services').db.kysely;
    const rows = await db.selectFrom('announcement').selectAll().orderBy('starts_at', 'desc').limit(500).execute();
    return c.json({ items: await shape(db, rows) }, 200);
  })
  .openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const actor = await requireSiteAdmin(c, trx);
      const now = c.get('services').clock.now();
      const startsAt = body.startsAt ? new Date(body.startsAt) : now;
      const id = newId('ann');
      const at = now.toISOString();
      await trx
        .insertInto('announcement')
        .values({
          id,
          severity: body.severity,
          title: body.title,
          body: body.body,
          starts_at: startsAt.toISOString(),
          ends_at: body.endsAt ? new Date(body.endsAt).toISOString() : null,
          ...(await audienceColumns(trx, body.audience)),
          created_by: actor.userId,
          created_at: at,
          updated_at: at,
          // One showing at once is announced now; a later one by the scheduler when it starts.
          start_announced: startsAt <= now ? 1 : 0,
        })
        .execute();
      await changed(c, trx, id);
      const row = await trx.selectFrom('announcement').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return (await shape(trx, [row]))[0]!;
    });
    return c.json(view, 201);
  })
  .openapi(routes.patch, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      await requireSiteAdmin(c, trx);
      // Locked: the change is decided on this row, and a withdrawal at the same moment comes before or after it, not between.
      const row = await dialectOf(trx).forUpdate(trx.selectFrom('announcement').selectAll().where('id', '=', c.req.valid('param').id)).executeTakeFirst();
      if (!row) throw new ApiError(404, 'NOT_FOUND', 'No such announcement.');
      const startsAt = body.startsAt ? new Date(body.startsAt).toISOString() : row.starts_at;
      const endsAt = body.endsAt === undefined ? row.ends_at : body.endsAt && new Date(body.endsAt).toISOString();
      if (endsAt && endsAt <= startsAt) throw new ApiError(400, 'VALIDATION_FAILED', 'It must end after it starts.', { endsAt: 'It must end after it starts' });
      const now = c.get('services').clock.now().toISOString();
      await trx
        .updateTable('announcement')
        .set({
          ...sentColumns(body, { severity: 'severity', title: 'title', body: 'body' }),
          ...(body.audience !== undefined && (await audienceColumns(trx, body.audience))),
          starts_at: startsAt,
          ends_at: endsAt,
          // A moved window is announced again when it starts or ends.
          start_announced: startsAt <= now ? 1 : 0,
          end_announced: endsAt !== null && endsAt <= now ? 1 : 0,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .execute();
      await changed(c, trx, row.id);
      const updated = await trx.selectFrom('announcement').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      return (await shape(trx, [updated]))[0]!;
    });
    return c.json(view, 200);
  })
  .openapi(routes.remove, async (c) => {
    await inTransaction(c, async (trx) => {
      await requireSiteAdmin(c, trx);
      const res = await trx.deleteFrom('announcement').where('id', '=', c.req.valid('param').id).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw new ApiError(404, 'NOT_FOUND', 'No such announcement.');
      await changed(c, trx, c.req.valid('param').id);
    });
    return c.json({ ok: true as const }, 200);
  })
  .openapi(routes.dismiss, async (c) => {
    await inTransaction(c, async (trx) => {
      const actor = await requireActiveUser(c, trx);
      // Key-shared: a withdrawal at the same moment waits for the dismissal, or comes first and the answer is 404.
      const row = await dialectOf(trx).forKeyShare(trx.selectFrom('announcement').selectAll().where('id', '=', c.req.valid('param').id)).executeTakeFirst();
      if (!row || !inAudience(row, actor)) throw new ApiError(404, 'NOT_FOUND', 'No such announcement.');
      allow(dismissAnnouncement(row));
      await trx
        .insertInto('announcement_dismissal')
        .values({ announcement_id: row.id, user_id: actor.userId, created_at: now(trx) })
        .onConflict((oc) => oc.columns(['announcement_id', 'user_id']).doNothing())
        .execute();
    });
    return c.json({ ok: true as const }, 200);
  });
