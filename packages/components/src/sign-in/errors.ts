import { msg } from '@lit/localize';
import type { ApiError } from '../api/client.js';

/** The views of jc-sign-in, one for each step of a sign-in. */
export type Step = 'checking' | 'error' | 'password' | 'code' | 'backup' | 'enrol-password' | 'enrol' | 'notice' | 'signed-in';

/** What went wrong on a step, in the words of that step (a 401 means a wrong password on one, a wrong code on another). */
export function errorText(error: ApiError, step: Step): string {
  switch (error.code) {
    case 'NETWORK':
      return msg('Could not reach JusticeConnect. Check your connection and try again.');
    case 'ACCOUNT_LOCKED':
      return msg('This account is locked after too many failed sign-in attempts. Ask your agency administrator to unlock it.');
    case 'ACCOUNT_DISABLED':
      return msg('This account is not active. Contact your agency administrator.');
    case 'RATE_LIMITED':
      return msg('Too many attempts. Wait a minute, then try again.');
    case 'CODE_ALREADY_USED':
      return msg('That code was already used. Wait for the next code in your authenticator app, then enter it.');
    case 'INVALID_CODE':
      return msg('That code is not right. Enter the code your authenticator app shows now.');
    case 'INVALID_BACKUP_CODE':
      return msg('That backup code is not right, or it was already used.');
    case 'INVALID_TWO_FACTOR_COOKIE':
    case 'TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE':
      return msg('Your sign-in took too long. Enter your email and password again.');
    case 'INVALID_PASSWORD':
      return msg('That password is not right.');
    case 'NOTICE_CHANGED':
      return msg('The notice has changed. Read it again, then accept it.');
    case 'ORIGIN_NOT_ALLOWED':
      return msg('This site is not allowed to sign in to JusticeConnect. Ask the site’s administrator.');
  }
  if (error.status === 401) {
    if (step === 'password') return msg('That email and password do not match an account.');
    if (step === 'backup') return msg('That backup code is not right, or it was already used.');
    if (step === 'code' || step === 'enrol') return msg('That code is not right. Enter the code your authenticator app shows now.');
  }
  if (error.status === 429) return msg('Too many attempts. Wait a minute, then try again.');
  if (error.status >= 500) return msg('JusticeConnect could not answer just now. Try again in a moment.');
  return error.message;
}
