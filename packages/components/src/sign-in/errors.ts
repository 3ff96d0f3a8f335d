import { msg } from '@lit/localize';
import type { ApiError } from '../api/client.js';
import { errorText as sharedErrorText } from '../shared/account-states.js';

/** The views of jc-sign-in, one for each step of a sign-in. */
export type Step = 'checking' | 'error' | 'password' | 'code' | 'backup' | 'enrol-password' | 'enrol' | 'notice' | 'signed-in';

/**
 * What went wrong on a step, in the words of that step where they differ (a 401 means a wrong password on one, a
 * wrong code on another); any other refusal (locked, not active, too many attempts, the notice changed, a code already
 * used, a site not allowed) shows what the transport made of it: the server's own words in English, the shared error
 * table's (api/error-text.ts) in another language, as every other widget shows it.
 */
export function errorText(error: ApiError, step: Step): string {
  switch (error.code) {
    case 'INVALID_CODE':
      return msg('That code is not right. Enter the code your authenticator app shows now.');
    case 'INVALID_BACKUP_CODE':
      return msg('That backup code is not right, or it was already used.');
    case 'INVALID_TWO_FACTOR_COOKIE':
    case 'TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE':
      return msg('Your sign-in took too long. Enter your email and password again.');
    case 'INVALID_PASSWORD':
      return msg('That password is not right.');
  }
  if (error.status === 401 && error.code !== 'CODE_ALREADY_USED') {
    if (step === 'password') return msg('That email and password do not match an account.');
    if (step === 'backup') return msg('That backup code is not right, or it was already used.');
    if (step === 'code' || step === 'enrol') return msg('That code is not right. Enter the code your authenticator app shows now.');
  }
  // The server's own words for too many attempts (they say how long to wait); the shared texts for the rest.
  return error.status === 429 ? error.message : sharedErrorText(error);
}
