import { msg } from '@lit/localize';

/*
 * The server explains each refusal in English, and names it with a stable
 * code. In English the widgets show the server's own words (they are the most
 * precise: "Posts can be edited for 15 minutes."); in another language they
 * show this translation of the code instead, and a field the server refused
 * says only that it needs a change (the widgets check their forms themselves
 * first, so that is rare).
 *
 * This module is the table's source, not what the widgets load: `npm run
 * localize` extracts its texts with every other `msg()` for translators, and
 * localize/error-ids.ts writes src/generated/error-ids.ts, each code with the
 * id its text has in the catalogues. A reader in another language loads that
 * with the catalogue (api/error-lookup.ts); the English texts here, which such
 * a reader never sees, stay out of every download.
 */

/** Each error code the server names, with its text in the widgets' language (a function: the language can change). */
export const texts = () => ({
  UNAUTHENTICATED: msg('Sign in to use this.'),
  SESSION_EXPIRED: msg('Your session ended. Sign in again.'),
  CODE_ALREADY_USED: msg('That code was already used. Wait for the next one.'),
  TWO_FACTOR_REQUIRED: msg('Set up an authenticator app: every JusticeConnect sign-in needs a one-time code.'),
  NOTICE_REQUIRED: msg('Read and accept the system use notice to continue.'),
  NOTICE_CHANGED: msg('The notice has changed. Read it again, then accept it.'),
  ACCOUNT_DISABLED: msg('Your account is not active. Contact your agency administrator.'),
  ACCOUNT_LOCKED: msg('This account is locked after too many failed sign-ins. Ask your agency administrator to unlock it.'),
  ACCOUNT_PENDING: msg('Your account is waiting for your agency administrator’s approval.'),
  OPT_IN_REQUIRED: msg('Opt in to JusticeConnect to use communities.'),
  ORIGIN_NOT_ALLOWED: msg('This site may not make changes in JusticeConnect. Ask the site’s administrator.'),
  FORBIDDEN: msg('You may not do that.'),
  ADMIN_REQUIRED: msg('You may not do that.'),
  SITE_ADMIN_REQUIRED: msg('You may not do that.'),
  MEMBERSHIP_REQUIRED: msg('Join the community first.'),
  PARENT_MEMBERSHIP_REQUIRED: msg('Join the community first.'),
  INVITATION_REQUIRED: msg('This community is joined by invitation only.'),
  ASKER_REQUIRED: msg('Only the asker or a moderator may choose the answer.'),
  AUTHOR_REQUIRED: msg('Only its author may change it.'),
  MODERATOR_REQUIRED: msg('Only its author or a moderator may do that.'),
  OWNER_REQUIRED: msg('Only an owner may do that.'),
  TOPIC_LOCKED: msg('This topic is locked: only moderators may reply or edit.'),
  ARCHIVED: msg('This community is archived: nothing can be added or changed.'),
  NOT_FOUND: msg('It is not there any more, or you may not see it.'),
  MEMBER_NOT_FOUND: msg('It is not there any more, or you may not see it.'),
  REQUEST_NOT_FOUND: msg('It is not there any more, or you may not see it.'),
  USER_NOT_FOUND: msg('It is not there any more, or you may not see it.'),
  ALREADY_DECIDED: msg('This request was already decided.'),
  ALREADY_HAS_ACCESS: msg('You already have access to this service.'),
  ALREADY_MEMBER: msg('That user is already a member.'),
  ALREADY_REQUESTED: msg('Your request is waiting for an administrator.'),
  EDIT_WINDOW_CLOSED: msg('Posts can be edited for 15 minutes.'),
  FORUM_EXISTS: msg('This community already has a forum of that name.'),
  LAST_OWNER: msg('A community keeps at least one owner: make another member its owner first (a site administrator can do that for you).'),
  NOT_A_QUESTION: msg('Only a question has an answer.'),
  NOT_DISMISSIBLE: msg('Emergency announcements stay until they end.'),
  NOT_YOURSELF: msg('You cannot do that to yourself.'),
  SLUG_TAKEN: msg('Another community already uses that address.'),
  USE_LEAVE: msg('To remove yourself, leave the community.'),
  CONFLICT: msg('Someone else changed this at the same time. Reload and try again.'),
  FILE_TOO_LARGE: msg('That file is too large.'),
  PAYLOAD_TOO_LARGE: msg('That file is too large.'),
  FILE_TYPE_NOT_ALLOWED: msg('That type of file is not allowed.'),
  UNSUPPORTED_MEDIA_TYPE: msg('That type of file is not allowed.'),
  NOT_A_MEMBER: msg('Assign a step to a member of this community.'),
  UNKNOWN_ATTACHMENT: msg('Attach a file you uploaded to this community.'),
  UNKNOWN_FORUM: msg('Choose one of this community’s forums.'),
  UNKNOWN_SECTION: msg('Choose a section of this activity.'),
  UNKNOWN_STEP: msg('Choose a step of this activity.'),
  UNKNOWN_REPLY: msg('Something this refers to is not there any more. Reload and try again.'),
  UNKNOWN_COMMUNITY: msg('Something this refers to is not there any more. Reload and try again.'),
  UNKNOWN_SERVICE: msg('Something this refers to is not there any more. Reload and try again.'),
  UNKNOWN_TEMPLATE: msg('Something this refers to is not there any more. Reload and try again.'),
  UNKNOWN_AGENCY: msg('Something this refers to is not there any more. Reload and try again.'),
  WINDOW_IN_THE_PAST: msg('That window has already ended.'),
  RATE_LIMITED: msg('Too many requests. Wait a moment and try again.'),
  TOO_MANY_STREAMS: msg('Too many JusticeConnect pages are open. Close another tab and try again.'),
  INVALID_CHARACTERS: msg('The text contains characters that cannot be saved.'),
  VALIDATION_FAILED: msg('Some fields need your attention.'),
  BAD_REQUEST: msg('Some fields need your attention.'),
  BAD_FORM: msg('Some fields need your attention.'),
  INVALID_JSON: msg('Some fields need your attention.'),
  UNPROCESSABLE: msg('Some fields need your attention.'),
  BAD_RESPONSE: msg('The server sent an answer that could not be read.'),
});

/** The codes the server names a refusal with (the keys of the table above). */
export type ErrorCode = keyof ReturnType<typeof texts>;

/**
 * What is shown when the table has no text for a code: for a server error, and
 * for any other refusal; and the words for a field the server refused. (Keys
 * in lower case: never a code's.)
 */
export const fallbacks = () => ({
  'server-error': msg('JusticeConnect could not answer just now. Try again in a moment.'),
  refused: msg('The request could not be completed.'),
  field: msg('Check this field.'),
});
