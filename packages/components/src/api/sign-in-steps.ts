import * as z from 'zod/mini';
import type { SessionState, SessionStore } from './session.js';
import { ApiError, notAllowed, unreadable, type ApiTransport, type Enrolment } from './transport.js';

/*
 * The steps of a sign-in between the password and the signed-in user:
 * `signed-out` → (password) → `code-required` (the account has an
 * authenticator) or `enrol-required` (it has none yet) → (code, backup code,
 * or a new authenticator confirmed) → `notice-required` → `signed-in`.
 * Only `jc-sign-in` takes them, so only its bundle carries them: every other
 * widget reads where the sign-in stands from the `SessionStore` and says
 * "Finish signing in" (`isFinishingSignIn`). Plain functions, not methods, so
 * the minifier shortens their names.
 */

/* ---------- the requests (packages/server/src/routes/auth.ts, notice.ts) ---------- */

/** What `POST /api/auth/sign-in/email` answers: a session at once (no authenticator yet), or a second step. */
const SignInAnswerSchema = z.object({
  twoFactorRedirect: z.optional(z.boolean()),
  /** Pages on another origin: the second step's challenge (they cannot keep its cookie). */
  challenge: z.optional(z.string()),
});

/** `POST /api/auth/two-factor/enable`: the authenticator's `otpauth://` URI, the backup codes, and the URI's QR code as rows of `0` and `1`. */
const EnableTwoFactorSchema = z.object({ totpURI: z.string(), backupCodes: z.array(z.string()), qr: z.array(z.string()) });

/**
 * The password. `secondFactor: true`: the account has an authenticator, and
 * the code comes next (`postCode`); there is no session yet. `false`: a
 * session that can only set up an authenticator (`postEnrolment`), since
 * every /api/v1 call answers TWO_FACTOR_REQUIRED.
 */
export async function postPassword(api: ApiTransport, email: string, password: string): Promise<{ secondFactor: boolean }> {
  api.challenge = null;
  const { data, response } = await api.request('/api/auth/sign-in/email', { method: 'POST', body: { email, password }, schema: SignInAnswerSchema });
  if (data.twoFactorRedirect) {
    if (api.crossOrigin) {
      if (!data.challenge) throw notAllowed();
      api.challenge = data.challenge;
    }
    return { secondFactor: true };
  }
  api.takeToken(response, true);
  return { secondFactor: false };
}

/**
 * The code from the authenticator app (or, with `backup`, a backup code, each
 * good once): completes a sign-in after the password, or confirms a new
 * authenticator. Either way the answer carries a new session: a cookie here,
 * or a bearer token across origins, which replaces the old one.
 */
export async function postCode(api: ApiTransport, code: string, backup = false): Promise<void> {
  const challenge = api.challenge;
  const { response } = await api.request(`/api/auth/two-factor/verify-${backup ? 'backup-code' : 'totp'}`, {
    method: 'POST',
    body: challenge ? { code, challenge } : { code },
  });
  api.challenge = null;
  // Completing a sign-in across origins must hand over a token; confirming an enrolment may keep the old one.
  api.takeToken(response, challenge !== null);
}

/** Starts setting up an authenticator (a session without one; `password` unless the account has none): its secret, as a URI and in Base32, and 10 backup codes. */
export async function postEnrolment(api: ApiTransport, password?: string): Promise<Enrolment> {
  const { data } = await api.request('/api/auth/two-factor/enable', { method: 'POST', body: { password }, schema: EnableTwoFactorSchema });
  let secret = '';
  try {
    secret = new URL(data.totpURI).searchParams.get('secret') ?? '';
  } catch {
    // An unreadable URI: no secret to show.
  }
  if (!/^[A-Z2-7]+=*$/i.test(secret)) throw unreadable(200);
  return { totpURI: data.totpURI, secret: secret.toUpperCase(), backupCodes: data.backupCodes, qr: data.qr };
}

/** Accepts the notice of this `version` for this session (409 NOTICE_CHANGED when it is not the current one). */
export async function postNoticeAcceptance(api: ApiTransport, version: string): Promise<void> {
  await api.request('/api/v1/notice/accept', { method: 'POST', body: { version } });
}

/* ---------- the steps, over the page's session ---------- */

/**
 * The password step. Answers the next state: `code-required` (ask for the
 * code), or, for an account without an authenticator, `enrol-required` with
 * the new authenticator's secret (set up with this same password). Throws an
 * ApiError for the form to show: 401 wrong email or password, 403
 * ACCOUNT_LOCKED or ACCOUNT_DISABLED, 429 RATE_LIMITED, NETWORK.
 */
export async function signIn(session: SessionStore, email: string, password: string): Promise<SessionState> {
  const { secondFactor } = await postPassword(session.api, email, password);
  if (secondFactor) return session.enter({ status: 'code-required', email });
  const next = await session.settle(email);
  if (next.status === 'enrol-required') await startEnrolment(session, password);
  return session.state;
}

/**
 * The authenticator's one-time code (or, with `backup`, a backup code): completes the sign-in (next:
 * `notice-required`). A locked account, or a challenge that timed out, cannot go on: back to the password.
 */
export async function verifyCode(session: SessionStore, code: string, backup = false): Promise<SessionState> {
  try {
    await postCode(session.api, code, backup);
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'ACCOUNT_LOCKED' || err.code === 'INVALID_TWO_FACTOR_COOKIE' || err.code === 'TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE')) {
      session.api.challenge = null;
      session.enter({ status: 'signed-out' });
    }
    throw err;
  }
  return session.settle();
}

/**
 * Sets up an authenticator for an account without one (`enrol-required`;
 * the password again, as the server asks, unless the account has none). Answers its secret (as an
 * `otpauth://` URI for the QR code and in Base32) and backup codes, which
 * stay in the state, in memory only, until `confirmEnrolment`.
 */
export async function startEnrolment(session: SessionStore, password?: string): Promise<Enrolment> {
  const state = session.state;
  if (state.status !== 'enrol-required') throw new ApiError(409, 'NOT_ENROLLING', 'There is no authenticator to set up now.');
  const enrolment = await postEnrolment(session.api, password);
  session.enter({ ...state, enrolment });
  return enrolment;
}

/** The new authenticator's first code confirms it (the session is replaced by a new one; next: `notice-required`). */
export async function confirmEnrolment(session: SessionStore, code: string): Promise<SessionState> {
  await postCode(session.api, code);
  return session.settle();
}

/** Accepts the system-use notice shown (`notice-required`; next: `signed-in`). A changed notice is shown again (409 NOTICE_CHANGED). */
export async function acceptNotice(session: SessionStore): Promise<SessionState> {
  const state = session.state;
  if (state.status !== 'notice-required') throw new ApiError(409, 'NO_NOTICE', 'There is no notice to accept now.');
  try {
    await postNoticeAcceptance(session.api, state.notice.version);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'NOTICE_CHANGED') session.enter({ status: 'notice-required', notice: await session.api.getNotice() });
    throw err;
  }
  return session.settle();
}
