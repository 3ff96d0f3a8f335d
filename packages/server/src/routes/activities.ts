import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { communityAccessMap, type Access } from '../authz.ts';
import { allow, authorize, authorizeObject, authorizeRef, requireCommunityUser } from '../http/authorize.ts';
import { changeActivity, contentRights, editActivity, makeTemplate } from '../policy.ts';
import {
  activityView,
  copyTemplate,
  findActivity,
  insertActivity,
  insertStep,
  listActivities,
  lockActivity,
  moveStep,
  myTodos,
  orderedSteps,
  renumber,
  type ActivityRow,
  type StepRow,
} from '../data/activities.ts';
import { newId } from '../db/ids.ts';
import { now } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { emit, inTransaction, type AppEnv } from '../http/context.ts';
import { CursorParam, encodeCursor } from '../http/cursor.ts';
import { claimAttachment } from '../data/files.ts';
import { ApiError } from '../http/errors.ts';
import { CommunityRef, communityErrors, jsonBody, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';

/*
 * Activities: a goal with ordered steps, assigned to a member or the whole
 * group, checked off, reordered, and discussed in updates. Every read and
 * write asks the authorization function about the activity's community;
 * members change steps; the activity's owner or a moderator changes the
 * activity itself. Each change to an activity's steps first takes the
 * activity's lock (lockActivity), so concurrent changes apply one after the
 * other against the current order: none is lost.
 */

const Person = z.object({ id: z.string(), name: z.string() });
const Assignee = z.union([z.object({ kind: z.literal('user'), id: z.string(), name: z.string() }), z.object({ kind: z.literal('group') })]).nullable();
const StepFields = {
  id: z.string(),
  activityId: z.string(),
  sectionId: z.string().nullable(),
  title: z.string(),
  notes: z.string(),
  assignee: Assignee,
  dueDate: z.string().nullable().openapi({ description: 'A calendar date, YYYY-MM-DD' }),
  done: z.boolean(),
  doneBy: Person.nullable(),
  doneAt: z.string().nullable(),
  position: z.number(),
  assignedToMe: z.boolean(),
};
const StepSchema = z.object(StepFields).openapi('ActivityStep');
const SummaryFields = {
  id: z.string(),
  communityId: z.string(),
  communitySlug: z.string(),
  communityName: z.string(),
  title: z.string(),
  goal: z.string(),
  owner: Person,
  dueDate: z.string().nullable(),
  status: z.enum(['active', 'completed', 'cancelled']),
  template: z.boolean(),
  progress: z.object({ done: z.number(), total: z.number() }),
  updatedAt: z.string(),
  version: z.number().openapi({ description: 'Counts every change to the activity and its steps' }),
};
const SummarySchema = z.object(SummaryFields).openapi('ActivitySummary');
const ActivitySchema = z
  .object({
    ...SummaryFields,
    sections: z.array(z.object({ id: z.string(), title: z.string(), position: z.number() })),
    steps: z.array(StepSchema),
    canEdit: z.boolean(),
    canChangeSteps: z.boolean(),
  })
  .openapi('Activity');
const UpdateSchema = z
  .object({
    id: z.string(),
    activityId: z.string(),
    stepId: z.string().nullable(),
    body: z.string(),
    author: z.object({ id: z.string(), name: z.string(), agency: z.string().nullable() }),
    attachment: z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), url: z.string() }).nullable(),
    createdAt: z.string(),
  })
  .openapi('ActivityUpdate');
const TodoSchema = z.object({ ...StepFields, activityTitle: z.string(), communityId: z.string(), communitySlug: z.string(), communityName: z.string() }).openapi('Todo');

const DateOnly = z.iso.date('A date as YYYY-MM-DD');
const Title = z.string().trim().min(1, 'Give it a title').max(200);
const AssigneeInput = z
  .union([z.strictObject({ kind: z.literal('user'), id: z.string().min(1).max(100) }), z.strictObject({ kind: z.literal('group') })])
  .nullable()
  .openapi({ description: 'A member ({kind:"user", id}), the whole group ({kind:"group"}), or no one (null)' });
const NewStepSchema = z.strictObject({
  title: Title,
  notes: z.string().trim().max(5000).optional(),
  sectionId: z.string().min(1).max(100).nullable().optional(),
  assignee: AssigneeInput.optional(),
  dueDate: DateOnly.nullable().optional(),
});
const NewActivity = z
  .strictObject({
    title: Title,
    goal: z.string().trim().max(5000).optional(),
    dueDate: DateOnly.nullable().optional(),
    templateId: z.string().min(1).max(100).optional().openapi({ description: 'Start from this template activity (its sections and steps)' }),
    template: z.boolean().default(false).openapi({ description: 'Make a template (moderators)' }),
    steps: z.array(NewStepSchema.omit({ sectionId: true })).max(200).optional(),
  })
  .refine((a) => !(a.templateId && a.steps), { message: 'Give steps or a template, not both', path: ['steps'] })
  .openapi('NewActivity');
const ActivityPatch = z
  .strictObject({ title: Title.optional(), goal: z.string().trim().max(5000).optional(), dueDate: DateOnly.nullable().optional(), status: z.enum(['active', 'completed', 'cancelled']).optional() })
  .openapi('ActivityPatch');
const StepPatch = NewStepSchema.partial().omit({ sectionId: true }).openapi('StepPatch');
const Move = z
  .strictObject({
    index: z.number().int().min(0).max(10_000).openapi({ description: 'The step’s new place among its section’s steps, from 0' }),
    sectionId: z.string().min(1).max(100).nullable().optional().openapi({ description: 'Move into this section (null: outside any section); unchanged if left out' }),
  })
  .openapi('StepMove');
const NewUpdate = z
  .strictObject({ body: z.string().trim().min(1, 'Write something').max(20000), stepId: z.string().min(1).max(100).optional(), attachmentId: z.string().min(1).max(100).optional() })
  .openapi('NewActivityUpdate');

const Ref = CommunityRef;
const Id = z.object({ id: z.string().min(1).max(100) });
const tags = ['activities'];

const routes = {
  list: createRoute({
    method: 'get',
    path: '/communities/{ref}/activities',
    tags,
    summary: 'A community’s activities (or its templates), most recently changed first',
    request: { params: Ref, query: z.strictObject({ templates: z.enum(['true', 'false']).default('false'), status: z.enum(['active', 'completed', 'cancelled']).optional() }) },
    responses: { 200: jsonContent(z.object({ items: z.array(SummarySchema) }), 'Activities'), ...communityErrors },
  }),
  create: createRoute({ method: 'post', path: '/communities/{ref}/activities', tags, summary: 'Start an activity, from scratch or from a template (members)', request: { params: Ref, ...jsonBody(NewActivity) }, responses: { 201: jsonContent(ActivitySchema, 'Created'), ...communityErrors } }),
  get: createRoute({ method: 'get', path: '/activities/{id}', tags, summary: 'An activity with its sections and steps in order', request: { params: Id }, responses: { 200: jsonContent(ActivitySchema, 'The activity'), ...communityErrors } }),
  patch: createRoute({ method: 'patch', path: '/activities/{id}', tags, summary: 'Change the activity (its owner or a moderator)', request: { params: Id, ...jsonBody(ActivityPatch) }, responses: { 200: jsonContent(ActivitySchema, 'Changed'), ...communityErrors } }),
  section: createRoute({
    method: 'post',
    path: '/activities/{id}/sections',
    tags,
    summary: 'Add a section (members)',
    request: { params: Id, ...jsonBody(z.strictObject({ title: Title })) },
    responses: { 201: jsonContent(ActivitySchema, 'Added'), ...communityErrors },
  }),
  addStep: createRoute({ method: 'post', path: '/activities/{id}/steps', tags, summary: 'Add a step at the end of its section (members)', request: { params: Id, ...jsonBody(NewStepSchema) }, responses: { 201: jsonContent(ActivitySchema, 'Added'), ...communityErrors } }),
  editStep: createRoute({ method: 'patch', path: '/steps/{id}', tags, summary: 'Change a step: title, notes, assignee, due date (members)', request: { params: Id, ...jsonBody(StepPatch) }, responses: { 200: jsonContent(ActivitySchema, 'Changed'), ...communityErrors } }),
  done: createRoute({ method: 'put', path: '/steps/{id}/done', tags, summary: 'Check a step off (members)', request: { params: Id }, responses: { 200: jsonContent(ActivitySchema, 'Done'), ...communityErrors } }),
  undone: createRoute({ method: 'delete', path: '/steps/{id}/done', tags, summary: 'Uncheck a step (members)', request: { params: Id }, responses: { 200: jsonContent(ActivitySchema, 'Not done'), ...communityErrors } }),
  move: createRoute({ method: 'post', path: '/steps/{id}/move', tags, summary: 'Move a step within the order (members)', request: { params: Id, ...jsonBody(Move) }, responses: { 200: jsonContent(ActivitySchema, 'Moved'), ...communityErrors } }),
  deleteStep: createRoute({ method: 'delete', path: '/steps/{id}', tags, summary: 'Remove a step (members)', request: { params: Id }, responses: { 200: jsonContent(ActivitySchema, 'Removed'), ...communityErrors } }),
  updates: createRoute({
    method: 'get',
    path: '/activities/{id}/updates',
    tags,
    summary: 'Updates posted on the activity and its steps, oldest first',
    request: { params: Id, query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: CursorParam.optional() }) },
    responses: { 200: jsonContent(z.object({ items: z.array(UpdateSchema), nextCursor: z.string().nullable() }), 'A page'), ...communityErrors },
  }),
  postUpdate: createRoute({ method: 'post', path: '/activities/{id}/updates', tags, summary: 'Post an update on the activity or one of its steps (members)', request: { params: Id, ...jsonBody(NewUpdate) }, responses: { 201: jsonContent(UpdateSchema, 'Posted'), ...communityErrors } }),
  todos: createRoute({
    method: 'get',
    path: '/me/todos',
    tags,
    summary: 'My open steps across my communities: assigned to me or to a whole group I am in, soonest due first',
    responses: { 200: jsonContent(z.object({ items: z.array(TodoSchema) }), 'To-dos'), ...communityErrors },
  }),
};

type Db = Kysely<Database>;

/**
 * The activity and the caller's rights in its community (authorizeObject: an
 * activity in a community you cannot read is not found); a write to a
 * template is its moderators' alone (policy.ts).
 */
async function activityAccess(c: Context<AppEnv>, id: string, action: 'content.read' | 'content.write', db?: Db) {
  const { object: activity, access } = await authorizeObject(c, (db) => findActivity(db, id), action, { db, notFound: 'No such activity.' });
  const rights = contentRights(access);
  if (action === 'content.write') allow(changeActivity(rights, activity));
  return { activity, access, rights };
}

/** A step, its activity and the caller's rights: changing a step is for members (a template's: moderators). */
async function stepAccess(c: Context<AppEnv>, id: string, db: Db) {
  const find = async (db: Db) => {
    const step = await db.selectFrom('activity_step').selectAll().where('id', '=', id).executeTakeFirst();
    const activity = step && (await findActivity(db, step.activity_id));
    return step && activity ? { community_id: activity.community_id, step, activity } : undefined;
  };
  const { object, access } = await authorizeObject(c, find, 'content.write', { db, notFound: 'No such step.' });
  const rights = contentRights(access);
  allow(changeActivity(rights, object.activity));
  return { step: object.step, activity: object.activity, access, rights };
}

/** A member of this community (an assignee must be one), or a 422 naming the field. */
async function checkAssignee(db: Db, communityId: string, assignee: { kind: 'user'; id: string } | { kind: 'group' } | null | undefined) {
  if (assignee?.kind !== 'user') return;
  const m = await db.selectFrom('membership').select('user_id').where('community_id', '=', communityId).where('user_id', '=', assignee.id).where('state', '=', 'active').executeTakeFirst();
  if (!m) throw new ApiError(422, 'NOT_A_MEMBER', 'Assign a step to a member of this community.', { 'assignee.id': 'Not a member of this community' });
}

async function checkSection(db: Db, activityId: string, sectionId: string | null | undefined) {
  if (!sectionId) return;
  const s = await db.selectFrom('activity_section').select('id').where('id', '=', sectionId).where('activity_id', '=', activityId).executeTakeFirst();
  if (!s) throw new ApiError(422, 'UNKNOWN_SECTION', 'Choose a section of this activity.', { sectionId: 'Not a section of this activity' });
}

type StepChange = 'added' | 'edited' | 'done' | 'undone' | 'moved' | 'deleted' | 'section';
async function stepChanged(c: Context<AppEnv>, trx: Db, access: Access, activity: ActivityRow, change: StepChange, version: number, stepId: string | null) {
  await emit(c, trx, { type: 'step.changed', communityId: activity.community_id, content: true, payload: { slug: access.community.slug, activityId: activity.id, stepId, change, version } });
}

/** Tells a member a step was assigned to them (not when they assigned it themselves). */
async function notifyAssignee(c: Context<AppEnv>, trx: Db, access: Access, activity: ActivityRow, stepId: string, assignee: { kind: 'user'; id: string } | { kind: 'group' } | null | undefined) {
  if (assignee?.kind !== 'user' || assignee.id === access.actor.userId) return;
  await emit(c, trx, { type: 'step.assigned', userId: assignee.id, communityId: activity.community_id, content: true, payload: { slug: access.community.slug, activityId: activity.id, stepId, title: activity.title } });
}

export const activities = createRouter()
  .openapi(routes.list, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.read');
    const q = c.req.valid('query');
    return c.json({ items: await listActivities(c.get('services').db.kysely, access.community.id, { templates: q.templates === 'true', status: q.status }) }, 200);
  })
  .openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const access = await authorizeRef(c, c.req.valid('param').ref, 'content.write', trx);
      const rights = contentRights(access);
      if (body.template) allow(makeTemplate(rights));
      for (const s of body.steps ?? []) await checkAssignee(trx, access.community.id, s.assignee);
      const base = { communityId: access.community.id, ownerId: access.actor.userId, title: body.title, goal: body.goal, dueDate: body.dueDate ?? null };
      let id: string;
      if (body.templateId) {
        // A template from this community, or from another whose inside the caller may read.
        const template = await findActivity(trx, body.templateId);
        const readable = template?.is_template ? await authorize(c, template.community_id, 'content.read', trx).catch(() => null) : null;
        if (!template || !readable) throw new ApiError(422, 'UNKNOWN_TEMPLATE', 'Choose a template.', { templateId: 'No such template' });
        id = await copyTemplate(trx, template.id, base);
        if (body.template) await trx.updateTable('activity').set({ is_template: 1 }).where('id', '=', id).execute();
      } else {
        id = await insertActivity(trx, { ...base, template: body.template, steps: body.steps });
      }
      await trx.updateTable('community').set({ updated_at: now(trx) }).where('id', '=', access.community.id).execute();
      await emit(c, trx, { type: 'activity.created', communityId: access.community.id, content: true, payload: { slug: access.community.slug, activityId: id } });
      return activityView(trx, rights, id);
    });
    return c.json(view, 201);
  })
  .openapi(routes.get, async (c) => {
    const { activity, rights } = await activityAccess(c, c.req.valid('param').id, 'content.read');
    return c.json(await activityView(c.get('services').db.kysely, rights, activity.id), 200);
  })
  .openapi(routes.patch, async (c) => {
    const patch = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { activity, access, rights } = await activityAccess(c, c.req.valid('param').id, 'content.write', trx);
      allow(editActivity(rights, activity));
      const version = await lockActivity(trx, activity.id);
      await trx
        .updateTable('activity')
        .set({
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.goal !== undefined && { goal: patch.goal }),
          ...(patch.dueDate !== undefined && { due_date: patch.dueDate }),
          ...(patch.status !== undefined && { status: patch.status }),
        })
        .where('id', '=', activity.id)
        .execute();
      await emit(c, trx, { type: 'activity.updated', communityId: activity.community_id, content: true, payload: { slug: access.community.slug, activityId: activity.id, version } });
      return activityView(trx, rights, activity.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.section, async (c) => {
    const { title } = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { activity, access, rights } = await activityAccess(c, c.req.valid('param').id, 'content.write', trx);
      const version = await lockActivity(trx, activity.id);
      const last = await trx.selectFrom('activity_section').select((eb) => eb.fn.max('position').as('p')).where('activity_id', '=', activity.id).executeTakeFirst();
      await trx.insertInto('activity_section').values({ id: newId('sec'), activity_id: activity.id, title, position: Number(last?.p ?? -1) + 1 }).execute();
      await stepChanged(c, trx, access, activity, 'section', version, null);
      return activityView(trx, rights, activity.id);
    });
    return c.json(view, 201);
  })
  .openapi(routes.addStep, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { activity, access, rights } = await activityAccess(c, c.req.valid('param').id, 'content.write', trx);
      const version = await lockActivity(trx, activity.id);
      await checkSection(trx, activity.id, body.sectionId);
      await checkAssignee(trx, activity.community_id, body.assignee);
      const stepId = await insertStep(trx, activity, body);
      await stepChanged(c, trx, access, activity, 'added', version, stepId);
      await notifyAssignee(c, trx, access, activity, stepId, body.assignee);
      return activityView(trx, rights, activity.id);
    });
    return c.json(view, 201);
  })
  .openapi(routes.editStep, async (c) => {
    const patch = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { step, activity, access, rights } = await stepAccess(c, c.req.valid('param').id, trx);
      const version = await lockActivity(trx, activity.id);
      await stepUnderLock(trx, step.id);
      await checkAssignee(trx, activity.community_id, patch.assignee);
      // Only the fields sent change, so a concurrent check-off or move of the same step is kept.
      await trx
        .updateTable('activity_step')
        .set({
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.notes !== undefined && { notes: patch.notes }),
          ...(patch.dueDate !== undefined && { due_date: patch.dueDate }),
          ...(patch.assignee !== undefined && { assignee_kind: patch.assignee?.kind ?? null, assignee_id: patch.assignee?.kind === 'user' ? patch.assignee.id : null }),
          updated_at: now(trx),
        })
        .where('id', '=', step.id)
        .execute();
      await stepChanged(c, trx, access, activity, 'edited', version, step.id);
      const sameAssignee = patch.assignee?.kind === 'user' && step.assignee_kind === 'user' && step.assignee_id === patch.assignee.id;
      if (!sameAssignee) await notifyAssignee(c, trx, access, activity, step.id, patch.assignee);
      return activityView(trx, rights, activity.id);
    });
    return c.json(view, 200);
  });

/** Check off and uncheck: who did it and when are the server's, never the client's. */
for (const [r, done] of [
  [routes.done, true],
  [routes.undone, false],
] as const) {
  activities.openapi(r, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { step, activity, access, rights } = await stepAccess(c, c.req.valid('param').id, trx);
      const version = await lockActivity(trx, activity.id);
      await stepUnderLock(trx, step.id);
      // Conditional: of two checking it off at once, the first keeps its name and the one "done" event (db/locks.ts).
      const at = now(trx);
      const changed = await trx
        .updateTable('activity_step')
        .set(done ? { done: 1, done_by: access.actor.userId, done_at: at, updated_at: at } : { done: 0, done_by: null, done_at: null, updated_at: at })
        .where('id', '=', step.id)
        .where('done', '=', done ? 0 : 1)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) > 0) await stepChanged(c, trx, access, activity, done ? 'done' : 'undone', version, step.id);
      return activityView(trx, rights, activity.id);
    });
    return c.json(view, 200);
  });
}

/**
 * The step read again under its activity's lock (lockActivity): one deleted
 * by a writer that held the lock first is gone (404), not moved, edited or
 * deleted a second time.
 */
async function stepUnderLock(trx: Kysely<Database>, id: string): Promise<StepRow> {
  const row = await trx.selectFrom('activity_step').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ApiError(404, 'NOT_FOUND', 'No such step.');
  return row as StepRow;
}

activities
  .openapi(routes.move, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const { step, activity, access, rights } = await stepAccess(c, c.req.valid('param').id, trx);
      const version = await lockActivity(trx, activity.id);
      const sectionId = body.sectionId === undefined ? step.section_id : body.sectionId;
      await checkSection(trx, activity.id, sectionId);
      // Read again under the lock: the order another writer just committed is the one this move applies to.
      const current = await stepUnderLock(trx, step.id);
      await moveStep(trx, current, sectionId, body.index);
      await stepChanged(c, trx, access, activity, 'moved', version, step.id);
      return activityView(trx, rights, activity.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.deleteStep, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const { step, activity, access, rights } = await stepAccess(c, c.req.valid('param').id, trx);
      const version = await lockActivity(trx, activity.id);
      await stepUnderLock(trx, step.id);
      await trx.deleteFrom('activity_step').where('id', '=', step.id).execute();
      await renumber(trx, await orderedSteps(trx, activity.id));
      await stepChanged(c, trx, access, activity, 'deleted', version, step.id);
      return activityView(trx, rights, activity.id);
    });
    return c.json(view, 200);
  })
  .openapi(routes.updates, async (c) => {
    const { activity } = await activityAccess(c, c.req.valid('param').id, 'content.read');
    const q = c.req.valid('query');
    let query = c
      .get('services')
      .db.kysely.selectFrom('activity_update')
      .innerJoin('user', 'user.id', 'activity_update.author_id')
      .leftJoin('profile', 'profile.user_id', 'activity_update.author_id')
      .leftJoin('agency', 'agency.id', 'profile.agency_id')
      .leftJoin('attachment', 'attachment.id', 'activity_update.attachment_id')
      .selectAll('activity_update')
      .select(['user.name as author_name', 'agency.name as agency_name', 'attachment.filename', 'attachment.content_type', 'attachment.size'])
      .where('activity_update.activity_id', '=', activity.id);
    if (q.cursor) {
      const { c: at, i } = q.cursor;
      query = query.where((eb) => eb(eb.refTuple('activity_update.created_at', 'activity_update.id'), '>', eb.tuple(at, i)));
    }
    const rows = await query.orderBy('activity_update.created_at').orderBy('activity_update.id').limit(q.limit + 1).execute();
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return c.json(
      {
        items: page.map((r) => ({
          id: r.id,
          activityId: r.activity_id,
          stepId: r.step_id,
          body: r.body,
          author: { id: r.author_id, name: r.author_name, agency: r.agency_name ?? null },
          attachment:
            r.attachment_id && r.filename && r.content_type ? { id: r.attachment_id, filename: r.filename, contentType: r.content_type, size: Number(r.size), url: `/api/v1/files/${r.attachment_id}` } : null,
          createdAt: r.created_at,
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
      },
      200,
    );
  })
  .openapi(routes.postUpdate, async (c) => {
    const body = c.req.valid('json');
    const update = await inTransaction(c, async (trx) => {
      const { activity, access } = await activityAccess(c, c.req.valid('param').id, 'content.write', trx);
      const me = access.actor.userId;
      if (body.stepId) {
        const s = await trx.selectFrom('activity_step').select('id').where('id', '=', body.stepId).where('activity_id', '=', activity.id).executeTakeFirst();
        if (!s) throw new ApiError(422, 'UNKNOWN_STEP', 'Choose a step of this activity.', { stepId: 'Not a step of this activity' });
      }
      const id = newId('aup');
      const at = now(trx);
      let attachment = null;
      if (body.attachmentId) {
        // The uploader's own unattached file here, claimed for this update alone.
        await claimAttachment(trx, { id: body.attachmentId, communityId: activity.community_id, uploaderId: me, at });
        const file = await trx.selectFrom('attachment').selectAll().where('id', '=', body.attachmentId).executeTakeFirstOrThrow();
        attachment = { id: file.id, filename: file.filename, contentType: file.content_type, size: Number(file.size), url: `/api/v1/files/${file.id}` };
      }
      await trx.insertInto('activity_update').values({ id, activity_id: activity.id, step_id: body.stepId ?? null, author_id: me, body: body.body, attachment_id: body.attachmentId ?? null, created_at: at }).execute();
      await trx.updateTable('activity').set({ updated_at: at }).where('id', '=', activity.id).execute();
      await emit(c, trx, { type: 'activity.posted', communityId: activity.community_id, content: true, payload: { slug: access.community.slug, activityId: activity.id, updateId: id } });
      const author = await trx
        .selectFrom('user')
        .leftJoin('profile', 'profile.user_id', 'user.id')
        .leftJoin('agency', 'agency.id', 'profile.agency_id')
        .select(['user.name', 'agency.name as agency'])
        .where('user.id', '=', me)
        .executeTakeFirstOrThrow();
      return { id, activityId: activity.id, stepId: body.stepId ?? null, body: body.body, author: { id: me, name: author.name, agency: author.agency ?? null }, attachment, createdAt: at };
    });
    return c.json(update, 201);
  })
  .openapi(routes.todos, async (c) => {
    const actor = await requireCommunityUser(c);
    const { kysely } = c.get('services').db;
    const [access, mine] = await Promise.all([
      communityAccessMap(kysely, actor),
      kysely.selectFrom('membership').select('community_id').where('user_id', '=', actor.userId).where('state', '=', 'active').execute(),
    ]);
    const readable = new Set([...access].filter(([, a]) => a.content).map(([id]) => id));
    const memberOf = mine.map((m) => m.community_id).filter((id) => readable.has(id));
    return c.json({ items: await myTodos(kysely, actor, memberOf, readable) }, 200);
  });
