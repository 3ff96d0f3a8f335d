import { ALLOW, forbid, type ContentRights, type Decision } from '../authz.ts';

/*
 * The activities' per-object rules, beside the community rule (`decide()`,
 * authz.ts): pure functions of the caller's rights in the activity's
 * community and the activity, each answering a Decision. The routes ask them
 * before a change (access.ts for every write), the views for `canEdit` and
 * `canChangeSteps`.
 */

/** Change an activity's steps, sections or updates: a template is its community's moderators' alone. */
export function changeActivity(rights: ContentRights, activity: { is_template: number | boolean }): Decision {
  return activity.is_template && !rights.moderator ? forbid('MODERATOR_REQUIRED', 'Only an owner or moderator may change a template.') : ALLOW;
}

/** Make a new activity a template: moderators. */
export function makeTemplate(rights: ContentRights): Decision {
  return rights.moderator ? ALLOW : forbid('MODERATOR_REQUIRED', 'Only an owner or moderator may make a template.');
}

/** Change the activity itself (title, goal, due date, status): its owner (a member) or a moderator. */
export function editActivity(rights: ContentRights, activity: { owner_id: string }): Decision {
  return rights.moderator || (rights.member && activity.owner_id === rights.actor.userId)
    ? ALLOW
    : forbid('OWNER_REQUIRED', 'Only the activity’s owner or a moderator may change it.');
}
