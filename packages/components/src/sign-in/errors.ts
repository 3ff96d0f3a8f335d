import { msg } from '@lit/localize';
import type { ApiError } from '../api/client.js';

/** The views of jc-sign-in, one for each step of a sign-in. */
export type Step = 'checking' | 'error' | 'password' | 'code' | 'backup' | 'enrol-password' | 'enrol' | 'notice' | 'signed-in';

const wrongCode = () => msg('That code is not right. Enter the code your authenticator app shows now.');
const wrongBackupCode = () => msg('That backup code is not right, or it was already used.');
const tooMany = () => msg('Too many attempts. Wait a minute, then try again.');
const tookTooLong = () => msg('Your sign-in took too long. Enter your email and password again.');

/** The codes a sign-in step explains in its own words (the rest go by status, or the server's message). */
const byCode: Record<string, () => string> = {
  NETWORK: () => msg('Could not reach JusticeConnect. Check your connection and try again.'),
  ACCOUNT_LOCKED: () => msg('This account is locked after too many failed sign-in attempts. Ask your agency administrator to unlock it.'),
  ACCOUNT_DISABLED: () => msg('This account is not active. Contact your agency administrator.'),
  RATE_LIMITED: tooMany,
  CODE_ALREADY_USED: () => msg('That code was already used. Wait for the next code in your authenticator app, then enter it.'),
  INVALID_CODE: wrongCode,
  INVALID_BACKUP_CODE: wrongBackupCode,
  INVALID_TWO_FACTOR_COOKIE: tookTooLong,
  TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE: tookTooLong,
  INVALID_PASSWORD: () => msg('That password is not right.'),
  NOTICE_CHANGED: () => msg('The notice has changed. Read it again, then accept it.'),
  ORIGIN_NOT_ALLOWED: () => msg('This site is not allowed to sign in to JusticeConnect. Ask the site’s administrator.'),
};

/** A 401 on these steps: what was wrong is what the step asked for. */
const unauthorizedOn: Partial<Record<Step, () => string>> = {
  password: () => msg('That email and password do not match an account.'),
  backup: wrongBackupCode,
  code: wrongCode,
  enrol: wrongCode,
};

/** What went wrong on a step, in the words of that step (a 401 means a wrong password on one, a wrong code on another). */
export function errorText(error: ApiError, step: Step): string {
  const text = (Object.hasOwn(byCode, error.code) ? byCode[error.code] : undefined) ?? (error.status === 401 ? unauthorizedOn[step] : undefined);
  if (text) return text();
  if (error.status === 429) return tooMany();
  if (error.status >= 500) return msg('JusticeConnect could not answer just now. Try again in a moment.');
  return error.message;
}
