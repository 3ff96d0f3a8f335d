/*
 * The per-object rules, beside the community rule (`decide()` in authz.ts):
 * pure functions of the actor's rights in the object's community and the
 * object itself, each answering a Decision. A route asks `decide()` (through
 * `authorizeObject`, http/authorize.ts) whether the actor may act in the
 * community at all, then one of these about the object; the views ask the
 * same functions for their `can…` flags, so what the widgets offer and what
 * the server allows are one rule. No request, no HTTP error, no database.
 * Each resource keeps its rules in its own folder's policy.ts; this module
 * gathers them, with the words they share (authz.ts), in one import.
 */

export { ALLOW, MEMBERSHIP_REQUIRED, authored, conflict, contentRights, forbid, type ContentRights } from './authz.ts';
export { SEVERITIES, dismissAnnouncement, inAudience, shownTo } from './announcements/policy.ts';
export { decideAccessRequest, hasAccess, requestAccess } from './services/policy.ts';
export { changeActivity, editActivity, makeTemplate } from './activities/policy.ts';
export { EDIT_WINDOW_MS, deletePost, editPost } from './posts/policy.ts';
export { changeRole, inviteMember, joinedAs, removeMember, removeOther } from './communities/policy.ts';
export { answerTopic, deleteReply, deleteTopic, editReply, editTopic, replyToTopic } from './forums/policy.ts';
export { administerUsers, changeUser } from './users/policy.ts';
