import { now } from '../db/database.ts';
import { dialectOf } from '../db/dialect.ts';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Kysely, Selectable } from 'kysely';
import { loadActor, type Actor } from '../authz.ts';
import { newId } from '../db/ids.ts';
import { SERVICE_ROLES } from '../services/queries.ts';
import type { AnnouncementTable, Database, Severity } from '../db/schema.ts';
import { currentUser, emit, inTransaction, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { communityErrors, jsonBody, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { OriSchema } from './me.ts';
import { requireActiveUser, requireSiteAdmin } from '../http/authorize.ts';

/*
 * Announcements: banners by severity for a time window and an audience.
 * Anyone may read those meant for everyone (the portal's home page shows
 * them before sign-in); signed-in users also see those for their agency or
 * role, and may dismiss any but an emergency. Site administrators write them.
 */

export const SEVERITIES = ['emergency', 'error', 'warning', 'information', 'success'] as const satisfies readonly Severity[];
const rank = new Map<string, number>(SEVERITIES.map((s, i) => [s, i]));

const Audience = z.union([
  z.strictObject({ kind: z.literal('everyone') }),
  z.strictObject({ kind: z.literal('agencies'), agencies: z.array(OriSchema).min(1).max(500) }),
  z.strictObject({ kind: z.literal('roles'), roles: z.array(z.enum(SERVICE_ROLES)).min(1) }),
]);
const AnnouncementSchema = z
  .object({
    id: z.string(),
    severity: z.enum(SEVERITIES),
    title: z.string(),
    body: z.string(),
    startsAt: z.string(),
    endsAt: z.string().nullable(),
    dismissible: z.boolean().openapi({ description: 'false for emergencies' }),
    audience: z.union([z.object({ kind: z.literal('everyone') }), z.object({ kind: z.literal('agencies'), agencies: z.array(z.string()) }), z.object({ kind: z.literal('roles'), roles: z.array(z.string()) })]),
  })
  .openapi('Announcement');
const Input = z
  .strictObject({
    severity: z.enum(SEVERITIES),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().max(5000).default(''),
    startsAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Now when left out' }),
    endsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    audience: Audience.default({ kind: 'everyone' }),
  })
  .refine((a) => !a.endsAt || !a.startsAt || Date.parse(a.endsAt) > Date.parse(a.startsAt), { message: 'It must end after it starts', path: ['endsAt'] })
  .openapi('AnnouncementInput');
const Patch = z
  .strictObject({
    severity: z.enum(SEVERITIES).optional(),
    title: z.string().trim().min(1).max(200).optional(),
    body: z.string().trim().max(5000).optional(),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    audience: Audience.optional(),
  })
  .openapi('AnnouncementPatch');
const Id = z.object({ id: z.string().min(1).max(100) });
const tags = ['announcements'];

const routes = {
  list: createRoute({
    method: 'get',
    path: '/announcements',
    tags,
    summary: 'The announcements showing now for you (without signing in: those for everyone), most severe first',
    responses: { 200: jsonContent(z.object({ items: z.array(AnnouncementSchema) }), 'Announcements'), ...communityErrors },
  }),
  all: createRoute({
    method: 'get',
    path: '/announcements/all',
    tags,
    summary: 'Every announcement, past, present and planned (site administrators)',
    responses: { 200: jsonContent(z.object({ items: z.array(AnnouncementSchema) }), 'Announcements'), ...communityErrors },
  }),
  create: createRoute({ method: 'post', path: '/announcements', tags, summary: 'Announce (site administrators)', request: jsonBody(Input), responses: { 201: jsonContent(AnnouncementSchema, 'Announced'), ...communityErrors } }),
  patch: createRoute({ method: 'patch', path: '/announcements/{id}', tags, summary: 'Change an announcement (site administrators)', request: { params: Id, ...jsonBody(Patch) }, responses: { 200: jsonContent(AnnouncementSchema, 'Changed'), ...communityErrors } }),
  remove: createRoute({ method: 'delete', path: '/announcements/{id}', tags, summary: 'Withdraw an announcement (site administrators)', request: { params: Id }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Withdrawn'), ...communityErrors } }),
  dismiss: createRoute({ method: 'post', path: '/announcements/{id}/dismiss', tags, summary: 'Hide an announcement for me (not an emergency)', request: { params: Id }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Dismissed'), ...communityErrors } }),
};

type Db = Kysely<Database>;
type Row = Selectable<AnnouncementTable>;

async function shape(db: Db, rows: Row[]) {
  const agencyIds = [...new Set(rows.filter((r) => r.audience_kind === 'agencies').flatMap((r) => JSON.parse(r.audience) as string[]))];
  const agencies = agencyIds.length ? await db.selectFrom('agency').select(['id', 'ori']).where('id', 'in', agencyIds).execute() : [];
  const ori = new Map(agencies.map((a) => [a.id, a.ori]));
  return rows.map((r) => {
    const list = JSON.parse(r.audience) as string[];
    const audience =
      r.audience_kind === 'agencies'
        ? { kind: 'agencies' as const, agencies: list.map((id) => ori.get(id) ?? id) }
        : r.audience_kind === 'roles'
          ? { kind: 'roles' as const, roles: list }
          : { kind: 'everyone' as const };
    return { id: r.id, severity: r.severity, title: r.title, body: r.body, startsAt: r.starts_at, endsAt: r.ends_at, dismissible: r.severity !== 'emergency', audience };
  });
}

function inAudience(r: Row, actor: Actor | null): boolean {
  if (r.audience_kind === 'everyone') return true;
  if (!actor) return false;
  const list = JSON.parse(r.audience) as string[];
  if (r.audience_kind === 'agencies') return actor.agencyId !== null && list.includes(actor.agencyId);
  return (list.includes('site-admin') && actor.siteAdmin) || (list.includes('agency-admin') && actor.agencyAdmin);
}

async function audienceColumns(db: Db, audience: z.infer<typeof Audience>) {
  if (audience.kind === 'everyone') return { audience_kind: 'everyone' as const, audience: '[]' };
  if (audience.kind === 'roles') return { audience_kind: 'roles' as const, audience: JSON.stringify(audience.roles) };
  const found = await db.selectFrom('agency').select(['id', 'ori']).where('ori', 'in', audience.agencies).execute();
  const unknown = audience.agencies.findIndex((o) => !found.some((a) => a.ori === o));
  if (unknown >= 0) throw new ApiError(422, 'UNKNOWN_AGENCY', 'Name agencies by their ORI.', { [`audience.agencies.${unknown}`]: 'No agency has this ORI' });
  return { audience_kind: 'agencies' as const, audience: JSON.stringify(found.map((a) => a.id)) };
}

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
    const visible = rows
      .filter((r) => inAudience(r, active) && (r.severity === 'emergency' || !dismissed.has(r.id)))
      .sort((a, b) => rank.get(a.severity)! - rank.get(b.severity)!);
    return c.json({ items: await shape(db.kysely, visible) }, 200);
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
          ...(body.severity !== undefined && { severity: body.severity }),
          ...(body.title !== undefined && { title: body.title }),
          ...(body.body !== undefined && { body: body.body }),
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
      if (row.severity === 'emergency') throw new ApiError(409, 'NOT_DISMISSIBLE', 'Emergency announcements stay until they end.');
      await trx
        .insertInto('announcement_dismissal')
        .values({ announcement_id: row.id, user_id: actor.userId, created_at: now(trx) })
        .onConflict((oc) => oc.columns(['announcement_id', 'user_id']).doNothing())
        .execute();
    });
    return c.json({ ok: true as const }, 200);
  });
