import { msg } from '@lit/localize';

/*
 * The server explains each refusal in English, and names it with a stable
 * code. In English the widgets show the server's own words (they are the most
 * precise: "Posts can be edited for 15 minutes."); in another language they
 * show this translation of the code instead, and a field the server refused
 * says only that it needs a change (the widgets check their forms themselves
 * first, so that is rare). This module loads with a language's translations
 * (see shared/localization.ts): English never needs it.
 */

function textFor(code: string): string | null {
  switch (code) {
    case 'UNAUTHENTICATED':
      return msg('Sign in to use this.');
    case 'SESSION_EXPIRED':
      return msg('Your session ended. Sign in again.');
    case 'CODE_ALREADY_USED':
      return msg('That code was already used. Wait for the next one.');
    case 'TWO_FACTOR_REQUIRED':
      return msg('Set up an authenticator app: every JusticeConnect sign-in needs a one-time code.');
    case 'NOTICE_REQUIRED':
      return msg('Read and accept the system use notice to continue.');
    case 'NOTICE_CHANGED':
      return msg('The notice has changed. Read it again, then accept it.');
    case 'ACCOUNT_DISABLED':
      return msg('Your account is not active. Contact your agency administrator.');
    case 'ACCOUNT_LOCKED':
      return msg('This account is locked after too many failed sign-ins. Ask your agency administrator to unlock it.');
    case 'ACCOUNT_PENDING':
      return msg('Your account is waiting for your agency administrator’s approval.');
    case 'OPT_IN_REQUIRED':
      return msg('Opt in to JusticeConnect to use communities.');
    case 'ORIGIN_NOT_ALLOWED':
      return msg('This site may not make changes in JusticeConnect. Ask the site’s administrator.');
    case 'FORBIDDEN':
    case 'ADMIN_REQUIRED':
    case 'SITE_ADMIN_REQUIRED':
      return msg('You may not do that.');
    case 'MEMBERSHIP_REQUIRED':
    case 'PARENT_MEMBERSHIP_REQUIRED':
      return msg('Join the community first.');
    case 'INVITATION_REQUIRED':
      return msg('This community is joined by invitation only.');
    case 'ASKER_REQUIRED':
      return msg('Only the asker or a moderator may choose the answer.');
    case 'AUTHOR_REQUIRED':
      return msg('Only its author may change it.');
    case 'MODERATOR_REQUIRED':
      return msg('Only its author or a moderator may do that.');
    case 'OWNER_REQUIRED':
      return msg('Only an owner may do that.');
    case 'TOPIC_LOCKED':
      return msg('This topic is locked: only moderators may reply or edit.');
    case 'ARCHIVED':
      return msg('This community is archived: nothing can be added or changed.');
    case 'NOT_FOUND':
    case 'MEMBER_NOT_FOUND':
    case 'REQUEST_NOT_FOUND':
    case 'USER_NOT_FOUND':
      return msg('It is not there any more, or you may not see it.');
    case 'ALREADY_DECIDED':
      return msg('This request was already decided.');
    case 'ALREADY_HAS_ACCESS':
      return msg('You already have access to this service.');
    case 'ALREADY_MEMBER':
      return msg('That user is already a member.');
    case 'ALREADY_REQUESTED':
      return msg('Your request is waiting for an administrator.');
    case 'EDIT_WINDOW_CLOSED':
      return msg('Posts can be edited for 15 minutes.');
    case 'FORUM_EXISTS':
      return msg('This community already has a forum of that name.');
    case 'LAST_OWNER':
      return msg('A community keeps at least one owner: make another member its owner first.');
    case 'NOT_A_QUESTION':
      return msg('Only a question has an answer.');
    case 'NOT_DISMISSIBLE':
      return msg('Emergency announcements stay until they end.');
    case 'NOT_YOURSELF':
      return msg('You cannot do that to yourself.');
    case 'SLUG_TAKEN':
      return msg('Another community already uses that address.');
    case 'USE_LEAVE':
      return msg('To remove yourself, leave the community.');
    case 'CONFLICT':
      return msg('Someone else changed this at the same time. Reload and try again.');
    case 'FILE_TOO_LARGE':
    case 'PAYLOAD_TOO_LARGE':
      return msg('That file is too large.');
    case 'FILE_TYPE_NOT_ALLOWED':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return msg('That type of file is not allowed.');
    case 'NOT_A_MEMBER':
      return msg('Assign a step to a member of this community.');
    case 'UNKNOWN_ATTACHMENT':
      return msg('Attach a file you uploaded to this community.');
    case 'UNKNOWN_FORUM':
      return msg('Choose one of this community’s forums.');
    case 'UNKNOWN_SECTION':
      return msg('Choose a section of this activity.');
    case 'UNKNOWN_STEP':
      return msg('Choose a step of this activity.');
    case 'UNKNOWN_REPLY':
    case 'UNKNOWN_COMMUNITY':
    case 'UNKNOWN_SERVICE':
    case 'UNKNOWN_TEMPLATE':
    case 'UNKNOWN_AGENCY':
      return msg('Something this refers to is not there any more. Reload and try again.');
    case 'WINDOW_IN_THE_PAST':
      return msg('That window has already ended.');
    case 'RATE_LIMITED':
      return msg('Too many requests. Wait a moment and try again.');
    case 'TOO_MANY_STREAMS':
      return msg('Too many JusticeConnect pages are open. Close another tab and try again.');
    case 'INVALID_CHARACTERS':
      return msg('The text contains characters that cannot be saved.');
    case 'VALIDATION_FAILED':
    case 'BAD_REQUEST':
    case 'BAD_FORM':
    case 'INVALID_JSON':
    case 'UNPROCESSABLE':
      return msg('Some fields need your attention.');
    case 'BAD_RESPONSE':
      return msg('The server sent an answer that could not be read.');
    default:
      return null;
  }
}

/** The message to show for a refusal with `code`, in the widgets' language. */
export function errorMessage(status: number, code: string): string {
  return textFor(code) ?? (status >= 500 ? msg('JusticeConnect could not answer just now. Try again in a moment.') : msg('The request could not be completed.'));
}

/** The per-field messages to show, in the widgets' language. */
export function fieldMessages(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(fields).map((k) => [k, msg('Check this field.')]));
}
