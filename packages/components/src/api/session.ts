import { ApiError, type ApiTransport, type AuthErrorDetail, type Enrolment } from './transport.js';
import { MeSchema, type Me, type MePatch, type SystemUseNotice } from './base-schemas.js';

/** Why a session ended without the user signing out: unused for the idle timeout, or past its absolute lifetime. */
export type SessionEnd = 'idle' | 'lifetime';

/**
 * Where the page's sign-in stands. A sign-in goes
 * `signed-out` → (password) → `code-required` (the account has an
 * authenticator) or `enrol-required` (it has none yet) → (code, backup code,
 * or a new authenticator confirmed) → `notice-required` → `signed-in`.
 * Only `jc-sign-in` shows the steps between; every other widget says
 * "Finish signing in" (`isFinishingSignIn`).
 */
export type SessionState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'signed-out'; ended?: SessionEnd }
  /** `session`: a session that has not passed the code yet (an identity provider's sign-in without multi-factor), not a password's challenge. */
  | { status: 'code-required'; email: string; session?: true }
  /** `password`: setting up an authenticator asks for the account's password (one signed in through an identity provider has none). */
  | { status: 'enrol-required'; email: string; name: string; enrolment: Enrolment | null; password: boolean }
  | { status: 'notice-required'; notice: SystemUseNotice }
  | { status: 'signed-in'; me: Me }
  | { status: 'error'; error: ApiError };

/** The steps of a sign-in between the password and the signed-in user. */
export function isFinishingSignIn(state: SessionState): state is Extract<SessionState, { status: 'code-required' | 'enrol-required' | 'notice-required' }> {
  return state.status === 'code-required' || state.status === 'enrol-required' || state.status === 'notice-required';
}

/**
 * The idle-timeout warning: `none`, then `warning` (polite) about
 * `idleWarningSeconds` before the session ends, then `final` (assertive) in
 * its last `finalWarningSeconds`. `ends` is what ends it: no activity (which
 * `keepAlive` answers) or the absolute lifetime (which nothing extends).
 */
export interface IdleStatus {
  phase: 'none' | 'warning' | 'final';
  /** When the session ends, on `clock` (milliseconds); null while unknown. */
  deadline: number | null;
  ends: SessionEnd;
}

/** The timers the idle warning runs on; tests swap in a manual clock. */
export interface IdleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The server writes a session's last use at most every 30 seconds, so its
 * idle deadline may come up to that much before the one counted from our last
 * request: the warning and the sign-out come that much early, never late.
 */
const SERVER_TOUCH_MARGIN_MS = 30_000;
/** Browsers clamp longer timeouts; a far deadline is re-checked in steps. */
const MAX_TIMER_MS = 2 ** 30;

/**
 * The page's one view of who is signed in, and the sign-in's state machine.
 * Widgets listen for `change` and re-render; every widget under one provider
 * shares one store. `idle-change` fires when the idle warning's phase changes.
 */
export class SessionStore extends EventTarget {
  #state: SessionState = { status: 'idle' };
  #loading: Promise<void> | null = null;
  #idle: IdleStatus = { phase: 'none', deadline: null, ends: 'idle' };
  #idleTimeoutMs: number | null = null;
  /** The absolute end of the session on our clock, or null while unknown. */
  #absoluteEnd: number | null = null;
  #timer: unknown = null;
  #clock: IdleClock = systemClock;
  /** When the last request that counted as activity was sent, on `clock`; null before any. */
  #lastActivity: number | null = null;
  /** Working out the state from the server: its own requests' answers are not news. */
  #settling = 0;

  /** How long before the session ends the polite warning comes (seconds). */
  idleWarningSeconds = 120;
  /** How long before the session ends the assertive warning comes (seconds). */
  finalWarningSeconds = 60;

  constructor(readonly api: ApiTransport) {
    super();
    api.addEventListener('activity', () => {
      this.#lastActivity = this.#clock.now() - Math.max(0, Date.now() - this.api.lastActivity);
      this.#scheduleIdle();
    });
    api.addEventListener('auth-error', (e) => this.#onAuthError((e as CustomEvent<AuthErrorDetail>).detail));
  }

  get state(): SessionState {
    return this.#state;
  }

  get me(): Me | null {
    return this.#state.status === 'signed-in' ? this.#state.me : null;
  }

  /** The idle-timeout warning (see `IdleStatus`). */
  get idle(): IdleStatus {
    return this.#idle;
  }

  /** The server's idle timeout in whole minutes (30 unless configured), once a signed-in session has told it. */
  get idleTimeoutMinutes(): number {
    return Math.round((this.#idleTimeoutMs ?? 30 * 60_000) / 60_000);
  }

  /** The clock the idle warning runs on (tests set a manual one). */
  get clock(): IdleClock {
    return this.#clock;
  }

  set clock(clock: IdleClock) {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    // Times kept on the old clock move onto the new one.
    const shift = clock.now() - this.#clock.now();
    if (this.#lastActivity !== null) this.#lastActivity += shift;
    if (this.#absoluteEnd !== null) this.#absoluteEnd += shift;
    this.#clock = clock;
    this.#scheduleIdle();
  }

  #set(state: SessionState): SessionState {
    this.#state = state;
    if (state.status !== 'signed-in') this.#stopIdle();
    this.dispatchEvent(new Event('change'));
    return state;
  }

  /** Loads the session once; later calls reuse the answer. */
  ensureLoaded(): Promise<void> {
    if (this.#state.status === 'idle') return this.refresh();
    return this.#loading ?? Promise.resolve();
  }

  /**
   * Asks the server where this page's session stands (showing "checking" meanwhile). `first` runs
   * before it is asked (a provider's token exchange), and the widgets loading meanwhile wait for both.
   */
  refresh(first?: () => Promise<unknown>): Promise<void> {
    this.#set({ status: 'loading' });
    this.#loading = Promise.resolve(first?.())
      .then(() => this.#settle())
      .then(() => undefined)
      .catch((error: unknown) => void this.#set({ status: 'error', error: toApiError(error) }))
      .finally(() => (this.#loading = null));
    return this.#loading;
  }

  /**
   * Where the session stands, from the server: signed in, a step missing
   * (TWO_FACTOR_REQUIRED, NOTICE_REQUIRED), or signed out (and whether it
   * timed out). Same-origin pages cannot see a waiting code step's cookie, so
   * a reload in the middle of one starts again at the password.
   */
  async #derive(email = ''): Promise<SessionState> {
    if (this.api.crossOrigin && !this.api.token) return { status: 'signed-out' };
    try {
      const { data: me } = await this.api.request('/api/v1/me', { schema: MeSchema });
      return { status: 'signed-in', me };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 401) return this.#signedOut(err.code);
      if (err.code === 'TWO_FACTOR_REQUIRED') {
        const user = (await this.api.authSession())?.user;
        // An authenticator set up already: its code (this session has not passed it). Else set one up.
        if (user?.twoFactorEnabled) return { status: 'code-required', email: user.email, session: true };
        return { status: 'enrol-required', email: user?.email ?? email, name: user?.name ?? '', enrolment: null, password: user?.passwordSet !== false };
      }
      if (err.code === 'NOTICE_REQUIRED') return { status: 'notice-required', notice: await this.api.getNotice() };
      throw err;
    }
  }

  async #settle(email?: string): Promise<SessionState> {
    this.#settling++;
    let state: SessionState;
    try {
      state = this.#set(await this.#derive(email));
    } finally {
      this.#settling--;
    }
    // The idle warning's timing is read on the side: signing in does not wait for it.
    if (state.status === 'signed-in') void this.#startIdle();
    return state;
  }

  /**
   * Moves the sign-in to `state` (for the sign-in's steps, api/sign-in-steps.ts, which only `jc-sign-in`
   * loads: every other widget only reads where the sign-in stands).
   */
  enter(state: SessionState): SessionState {
    return this.#set(state);
  }

  /** Asks the server where the session stands now, after a sign-in step (`email`: the one the password step was for). */
  settle(email?: string): Promise<SessionState> {
    return this.#settle(email);
  }

  /** "Stay signed in": asks the server, which counts as activity, so the idle timeout starts again. */
  async keepAlive(): Promise<void> {
    this.#learnLimits(await this.api.sessionInfo());
    this.#scheduleIdle();
  }

  /**
   * Signs out, or abandons a sign-in half way. Signed out here at once (the
   * widgets and the live stream stop using the session), then on the server;
   * an error there is thrown for the widget to show.
   */
  async signOut(): Promise<void> {
    const state = this.#state;
    const waitingForCode = state.status === 'code-required' && !state.session;
    this.#set({ status: 'signed-out' });
    // A sign-in waiting for its code has no session to end.
    if (waitingForCode) this.api.challenge = null;
    else await this.api.signOut();
  }

  async update(patch: MePatch): Promise<Me> {
    const me = await this.api.updateMe(patch);
    this.#set({ status: 'signed-in', me });
    return me;
  }

  /* ---------- answers from any widget's request ---------- */

  #onAuthError({ code }: AuthErrorDetail) {
    const status = this.#state.status;
    if (this.#settling || status === 'idle' || status === 'loading' || status === 'signed-out') return;
    if (code === 'SESSION_EXPIRED' || (code === 'UNAUTHENTICATED' && status !== 'code-required')) {
      // The session ended on the server (timed out, signed out elsewhere, suspended).
      this.#set(this.#signedOut(code));
    } else if ((code === 'TWO_FACTOR_REQUIRED' && status !== 'enrol-required') || (code === 'NOTICE_REQUIRED' && status === 'signed-in')) {
      void this.#settle().catch((error: unknown) => this.#set({ status: 'error', error: toApiError(error) }));
    }
  }

  /* ---------- the idle timeout ---------- */

  /** Reads the session's limits (the request itself counts as activity). */
  async #startIdle() {
    try {
      this.#learnLimits(await this.api.sessionInfo());
    } catch {
      // Without the limits there is no warning; the server still ends the session, and the next request says so.
      return;
    }
    this.#scheduleIdle();
  }

  #learnLimits(info: { idleTimeoutSeconds: number; idleExpiresAt: string; expiresAt: string }) {
    this.#idleTimeoutMs = info.idleTimeoutSeconds * 1000;
    // The absolute end, moved onto our clock: the server's "now" is idleExpiresAt less the timeout.
    const serverNow = Date.parse(info.idleExpiresAt) - this.#idleTimeoutMs;
    const left = Date.parse(info.expiresAt) - serverNow;
    this.#absoluteEnd = Number.isFinite(left) ? this.#clock.now() + left : null;
  }

  /** Signed out by the server's 401 `code`: its token is worth nothing now, and SESSION_EXPIRED says it timed out. */
  #signedOut(code: string): SessionState {
    this.api.token = null;
    return code === 'SESSION_EXPIRED' ? { status: 'signed-out', ended: this.#endReason() } : { status: 'signed-out' };
  }

  #endReason(): SessionEnd {
    return this.#absoluteEnd !== null && this.#clock.now() >= this.#absoluteEnd - SERVER_TOUCH_MARGIN_MS ? 'lifetime' : 'idle';
  }

  #setIdle(idle: IdleStatus) {
    const changed = idle.phase !== this.#idle.phase || idle.ends !== this.#idle.ends || (idle.phase !== 'none' && idle.deadline !== this.#idle.deadline);
    this.#idle = idle;
    if (changed) this.dispatchEvent(new Event('idle-change'));
  }

  #stopIdle() {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#setIdle({ phase: 'none', deadline: null, ends: 'idle' });
  }

  /** Works out the warning's phase from the last activity, and wakes up when it next changes. */
  #scheduleIdle() {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#state.status !== 'signed-in' || this.#idleTimeoutMs === null || this.#lastActivity === null) return;
    const now = this.#clock.now();
    const idleEnd = this.#lastActivity + this.#idleTimeoutMs - SERVER_TOUCH_MARGIN_MS;
    const ends: SessionEnd = this.#absoluteEnd !== null && this.#absoluteEnd < idleEnd ? 'lifetime' : 'idle';
    const deadline = ends === 'lifetime' ? this.#absoluteEnd! : idleEnd;
    const left = deadline - now;
    if (left <= 0) {
      void this.#expire(ends);
      return;
    }
    const warnMs = this.idleWarningSeconds * 1000;
    const finalMs = Math.min(this.finalWarningSeconds * 1000, warnMs);
    const phase = left <= finalMs ? 'final' : left <= warnMs ? 'warning' : 'none';
    this.#setIdle({ phase, deadline, ends });
    const next = phase === 'none' ? left - warnMs : phase === 'warning' ? left - finalMs : left;
    this.#timer = this.#clock.setTimeout(() => this.#scheduleIdle(), Math.min(MAX_TIMER_MS, Math.max(0, next)));
  }

  /**
   * The live stream ended for good: for `idle` or `lifetime` the server ended
   * the session, so it is signed out here at once with that reason (as when
   * this page's own idle timer runs out); otherwise the server is asked,
   * unless the store knows already (a timed-out session said so).
   */
  streamEnded(reason: string): void {
    if (this.#state.status == 'signed-in') void (reason == 'idle' || reason == 'lifetime' ? this.#expire(reason) : this.refresh());
  }

  /** The deadline passed: signed out here at once, and the server's session ended too (it may already have). */
  async #expire(ended: SessionEnd) {
    this.#set({ status: 'signed-out', ended });
    try {
      await this.api.signOut();
    } catch {
      // The session is gone either way.
    }
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'UNKNOWN', error instanceof Error ? error.message : String(error));
}
