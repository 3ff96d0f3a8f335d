import { now } from '../db/database.ts';
import { inTransaction } from '../http/context.ts';
import { createRouter } from '../http/router.ts';
import { checkAssignee, checkSection, notifyAssignee, stepAccess, stepChanged } from './access.ts';
import { activityView, lockActivity, moveStep, orderedSteps, renumber, stepUnderLock } from './queries.ts';
import { routes } from './schemas.ts';
import { sentColumns } from '../http/patch.ts';

/*
 * An activity's steps: change, check off, reorder and remove them (the
 * routes are declared with the activities' in schemas.ts, and mounted in
 * their router, routes.ts). Each change first takes the activity's lock
 * (lockActivity) and reads the step again under it, so concurrent changes
 * apply one after the other against the current order: none is lost.
 */

export const steps = createRouter()
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
          ...sentColumns(patch, { title: 'title', notes: 'notes', dueDate: 'due_date' }),
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
for (const [r, done] of [[routes.done, true], [routes.undone, false]] as const) {
  steps.openapi(r, async (c) => {
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

steps
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
  });
