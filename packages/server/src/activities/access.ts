import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { contentRights, type Access } from '../authz.ts';
import type { Database } from '../db/schema.ts';
import { allow, authorizeObject } from '../http/authorize.ts';
import { emit, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { changeActivity } from './policy.ts';
import { findActivity, type ActivityRow } from './queries.ts';

/*
 * The activities' request-facing helpers: an activity or step as the caller
 * may act on it (one object authorization, http/authorize.ts, then the
 * template rule), what a step may name (an assignee, a section), and what a
 * change tells live subscribers.
 */

type Db = Kysely<Database>;

/**
 * The activity and the caller's rights in its community (authorizeObject: an
 * activity in a community you cannot read is not found); a write to a
 * template is its moderators' alone (policy.ts).
 */
export async function activityAccess(c: Context<AppEnv>, id: string, action: 'content.read' | 'content.write', db?: Db) {
  const { object: activity, access } = await authorizeObject(c, (db) => findActivity(db, id), action, { db, notFound: 'No such activity.' });
  const rights = contentRights(access);
  if (action === 'content.write') allow(changeActivity(rights, activity));
  return { activity, access, rights };
}

/** A step, its activity and the caller's rights: changing a step is for members (a template's: moderators). */
export async function stepAccess(c: Context<AppEnv>, id: string, db: Db) {
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
export async function checkAssignee(db: Db, communityId: string, assignee: { kind: 'user'; id: string } | { kind: 'group' } | null | undefined) {
  if (assignee?.kind !== 'user') return;
  const m = await db.selectFrom('membership').select('user_id').where('community_id', '=', communityId).where('user_id', '=', assignee.id).where('state', '=', 'active').executeTakeFirst();
  if (!m) throw new ApiError(422, 'NOT_A_MEMBER', 'Assign a step to a member of this community.', { 'assignee.id': 'Not a member of this community' });
}

export async function checkSection(db: Db, activityId: string, sectionId: string | null | undefined) {
  if (!sectionId) return;
  const s = await db.selectFrom('activity_section').select('id').where('id', '=', sectionId).where('activity_id', '=', activityId).executeTakeFirst();
  if (!s) throw new ApiError(422, 'UNKNOWN_SECTION', 'Choose a section of this activity.', { sectionId: 'Not a section of this activity' });
}

export type StepChange = 'added' | 'edited' | 'done' | 'undone' | 'moved' | 'deleted' | 'section';
export async function stepChanged(c: Context<AppEnv>, trx: Db, access: Access, activity: ActivityRow, change: StepChange, version: number, stepId: string | null) {
  await emit(c, trx, { type: 'step.changed', communityId: activity.community_id, content: true, payload: { slug: access.community.slug, activityId: activity.id, stepId, change, version } });
}

/** Tells a member a step was assigned to them (not when they assigned it themselves). */
export async function notifyAssignee(c: Context<AppEnv>, trx: Db, access: Access, activity: ActivityRow, stepId: string, assignee: { kind: 'user'; id: string } | { kind: 'group' } | null | undefined) {
  if (assignee?.kind !== 'user' || assignee.id === access.actor.userId) return;
  await emit(c, trx, { type: 'step.assigned', userId: assignee.id, communityId: activity.community_id, content: true, payload: { slug: access.community.slug, activityId: activity.id, stepId, title: activity.title } });
}

