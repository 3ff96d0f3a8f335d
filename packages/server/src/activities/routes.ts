import { communityAccessMap, contentRights } from '../authz.ts';
import { authorOf } from '../data/profiles.ts';
import { claimAttachment } from '../data/files.ts';
import { now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { allow, authorize, authorizeRef, requireCommunityUser } from '../http/authorize.ts';
import { emit, inTransaction } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { activityAccess, checkAssignee, checkSection, notifyAssignee, stepChanged } from './access.ts';
import { editActivity, makeTemplate } from './policy.ts';
import { activityView, copyTemplate, findActivity, insertActivity, insertStep, listActivities, lockActivity, myTodos, updatePage } from './queries.ts';
import { routes } from './schemas.ts';
import { steps } from './steps.ts';
import { sentColumns } from '../http/patch.ts';

/*
 * Activities: a goal with ordered steps, assigned to a member or the whole
 * group, checked off, reordered, and discussed in updates (each resource's
 * routes, schemas, queries and policy in this folder; the steps' routes in
 * steps.ts). Every read and write asks the authorization function about the
 * activity's community; members change steps; the activity's owner or a
 * moderator changes the activity itself. Each change to an activity's steps
 * first takes the activity's lock (lockActivity), so concurrent changes
 * apply one after the other against the current order: none is lost.
 */

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
          ...sentColumns(patch, { title: 'title', goal: 'goal', dueDate: 'due_date', status: 'status' }),
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
  .route('/', steps)
  .openapi(routes.updates, async (c) => {
    const { activity } = await activityAccess(c, c.req.valid('param').id, 'content.read');
    const q = c.req.valid('query');
    return c.json(await updatePage(c.get('services').db.kysely, activity.id, q), 200);
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
      return { id, activityId: activity.id, stepId: body.stepId ?? null, body: body.body, author: await authorOf(trx, me), attachment, createdAt: at };
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
