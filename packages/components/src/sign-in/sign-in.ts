import { msg, str } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type Enrolment } from '../api/transport.js';
import { toApiError, type SessionState, type SessionStore } from '../api/session.js';
import { JcController } from '../context.js';
import { acceptNotice, confirmEnrolment, signIn, startEnrolment, verifyCode } from '../api/sign-in-steps.js';
import { sessionEndText } from '../shared/account-states.js';
import { signInStyles } from './sign-in.styles.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import type { IdentityProvider } from './federation.js';
import { errorText, type Step } from './errors.js';
import { renderCode, renderEnrolPassword, renderNotice, renderPassword, renderSignedIn } from './steps.js';

/** A one-time code as typed (spaces and dashes allowed), or null when it is not 6 digits. */
function sixDigits(value: string): string | null {
  const digits = value.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}


/**
 * Signs a user in to JusticeConnect — password, then the one-time code from
 * their authenticator app (or a backup code), then the system-use notice —
 * and sets up an authenticator for an account that has none. Shows who is
 * signed in, signs out, asks for the JusticeConnect opt-in, warns before the
 * idle timeout ("Stay signed in") and says when it signed the user out.
 *
 * @element jc-sign-in
 * @attr theme - The widget's colour theme: `light`, `dark` or `high-contrast`. Without it the widget takes its `jc-provider`'s `theme`, or else follows the reader's system (`prefers-color-scheme`, and `prefers-contrast: more`). `--jc-*` custom properties set by the page win over any theme.
 * @fires jc-signed-in - A user finished signing in (after the notice). `detail.user` is the user.
 * @fires jc-signed-out - The user signed out, or was signed out (`detail.reason`: `user`, `idle` or `lifetime`).
 * @fires jc-opted-in - The user opted in to JusticeConnect. `detail.user` is the user.
 * @csspart heading - The widget's heading.
 * @csspart panel - The box around the widget.
 * @csspart form - Each step's form.
 * @csspart input - The text fields: email, password, one-time and backup codes.
 * @csspart button - Every button.
 * @csspart error - An error message.
 * @csspart status - Status text: loading, who is signed in (title and agency), the idle-timeout warning with "Stay signed in", why the user was signed out, a pending account's notice, and "Copied" after copying the key.
 * @csspart qr - The QR code of a new authenticator's secret.
 * @csspart notice - The system-use notice's text.
 * @cssprop --jc-sign-in-max-width - The widget's largest width (28rem).
 * @cssprop --jc-color-surface - The background of the panel and its fields (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-text - Text (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-color-text-muted - Secondary text: hints, loading text, the signed-in user's title and agency (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-color-border - Borders of the panel, fields and dividers (light #8d9297, dark #8d9297, high contrast #000000).
 * @cssprop --jc-color-primary - Buttons, links and selected items (light #005ea2, dark #73b3e7, high contrast #0b4778).
 * @cssprop --jc-color-on-primary - Text on primary buttons (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-focus - The focus outline's colour (light #0076d6, dark #58b4ff, high contrast #0050d8).
 * @cssprop --jc-color-danger - Error messages and fields in error (light #b50909, dark #f8a9a9, high contrast #8b0a03).
 * @cssprop --jc-color-danger-surface - Error messages' background (light #f4e3db, dark #3b1414, high contrast #fff3f2).
 * @cssprop --jc-color-scheme - The colour scheme of native controls (checkboxes, selects, scrollbars) (`light`; `dark` in the dark theme).
 * @cssprop --jc-font-family - The font (system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif).
 * @cssprop --jc-font-family-heading - Headings' font (the body font).
 * @cssprop --jc-font-size - The base font size (1rem).
 * @cssprop --jc-font-size-small - Small text: author and date lines, hints, small buttons (0.875rem).
 * @cssprop --jc-font-size-heading - The widget's heading (1.25rem).
 * @cssprop --jc-line-height - Line height (1.5).
 * @cssprop --jc-space - The panel's padding, and the space between a step's parts (1rem).
 * @cssprop --jc-radius - Corner radius of the panel, buttons and fields (0.25rem).
 * @cssprop --jc-focus-width - The focus outline's width, at least 2px (0.25rem).
 * @cssprop --jc-focus-ring - The whole focus outline, instead of `--jc-focus-width` and `--jc-color-focus` (`--jc-focus-width solid --jc-color-focus`).
 */
@customElement('jc-sign-in')
export class JcSignIn extends LitElement {
  static override styles = signInStyles;

  /** The JusticeConnect server, when the widget is used without a `jc-provider`. */
  @property() api: string | undefined;

  @state() private busy = false;
  /** The last action's error, and the step it belongs to (shown there, next to its field). */
  @state() private error: { step: Step; error: ApiError } | null = null;
  /** Asking for a backup code instead of the authenticator's code. */
  @state() private useBackup = false;
  /** What the idle warning says, fixed when its phase changes (so it is not re-announced). */
  @state() private idleText = '';
  @state() private copied = '';

  #jc = new JcController(this);
  #lastStep: Step | null = null;
  /** This widget's own action changed the step: move focus to the new one. */
  #focusNext = false;
  /** Focus was inside this widget before the render (an element that may be gone now). */
  #hadFocus = false;
  /** After an error on the same step: the field to put focus back on. */
  #focusField: string | null = null;
  #idleSource: SessionStore | null = null;
  #onIdle = () => {
    this.#idleChanged();
    this.requestUpdate();
  };
  /** The state seen at the last render, to tell a sign-out this widget did not ask for. */
  #lastStatus: SessionState['status'] | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#idleSource?.removeEventListener('idle-change', this.#onIdle);
    this.#idleSource = null;
  }

  #emit(name: string, detail?: unknown) {
    /** @ignore Each event is documented on the class (`@fires`), not here. */
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  get #session(): SessionStore {
    return this.#jc.session;
  }

  #step(): Step {
    const s = this.#session.state;
    switch (s.status) {
      case 'idle':
      case 'loading':
        return 'checking';
      case 'error':
        return 'error';
      case 'signed-out':
        return 'password';
      case 'code-required':
        return this.useBackup ? 'backup' : 'code';
      case 'enrol-required':
        // Until its view has loaded the enrolment is "checking", so focus waits for it.
        return s.enrolment ? (typeof this.#enrol === 'object' && this.#enrol ? 'enrol' : 'checking') : 'enrol-password';
      case 'notice-required':
        return 'notice';
      case 'signed-in':
        return 'signed-in';
    }
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.#hadFocus = this.matches(':focus-within');
    // Follow the store's idle warning (the store changes when the provider does).
    const store = this.#jc.value?.session ?? null;
    if (store !== this.#idleSource) {
      this.#idleSource?.removeEventListener('idle-change', this.#onIdle);
      this.#idleSource = store;
      store?.addEventListener('idle-change', this.#onIdle);
      if (store) this.#idleChanged();
    }
    const status = this.#session.state.status;
    if (status !== 'code-required') this.useBackup = false;
    if (status !== this.#lastStatus) {
      const state = this.#session.state;
      // Signed out by the idle timeout or the session's end, not by a click here.
      if (this.#lastStatus === 'signed-in' && state.status === 'signed-out' && state.ended) {
        this.error = null;
        this.#emit('jc-signed-out', { reason: state.ended });
      }
      if (state.status !== 'signed-in') this.idleText = '';
      this.#lastStatus = status;
    }
  }

  /** Moves focus to each new step's heading or field: at once after this widget's own action, or when focus was here or got lost. */
  protected override updated(_changed: PropertyValues<this>): void {
    const step = this.#step();
    // "Checking" is no step of its own: focus waits for the one after it.
    if (step === 'checking' && this.#lastStep !== null) return;
    if (step !== this.#lastStep) {
      const from = this.#lastStep;
      this.#lastStep = step;
      const settled = from !== null && from !== 'checking';
      if (this.#focusNext || (settled && this.#hadFocus)) this.#focusStep(step);
      else if (settled) {
        // Another widget's content may have gone with the session: bring a lost focus here.
        requestAnimationFrame(() => {
          const active = document.activeElement;
          if ((!active || active === document.body) && this.#step() === step) this.#focusStep(step);
        });
      }
      this.#focusNext = false;
      this.#focusField = null;
    } else if (this.#focusField) {
      const field = this.renderRoot.querySelector<HTMLInputElement>(`#${this.#focusField}`);
      this.#focusField = null;
      field?.focus();
      field?.select();
    }
  }

  #focusStep(step: Step) {
    const state = this.#session.state;
    const selector =
      step === 'code'
        ? '#jc-code'
        : step === 'backup'
          ? '#jc-backup-code'
          : step === 'password'
            ? state.status === 'signed-out' && state.ended
              ? '#jc-ended'
              : this.error
                ? '#jc-step-title'
                : '#jc-email'
            : '#jc-step-title';
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Runs a step's action: busy meanwhile; its error is shown on `step` (or on the password form when the sign-in had to start again). */
  async #run<T>(step: Step, work: () => Promise<T>, field: string | null = null): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.error = null;
    this.copied = '';
    this.#focusNext = true;
    try {
      return await work();
    } catch (err) {
      const error = toApiError(err);
      const now = this.#step();
      // An expired session says so on the password form already.
      if (!(error.code === 'SESSION_EXPIRED' && now === 'password')) this.error = { step: now === step ? step : now, error };
      if (now === step) {
        this.#focusNext = false;
        this.#focusField = field;
      }
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  #afterStep(state: SessionState | undefined) {
    if (state?.status === 'signed-in') this.#emit('jc-signed-in', { user: state.me });
  }

  async #onPassword(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const state = await this.#run('password', () => signIn(this.#session, email, password), 'jc-password');
    if (state) form.reset();
    this.#afterStep(state);
  }

  async #onCode(event: SubmitEvent, kind: 'code' | 'backup' | 'enrol') {
    event.preventDefault();
    if (this.busy) return;
    const form = event.target as HTMLFormElement;
    const input = form.querySelector<HTMLInputElement>('input')!;
    const step: Step = kind;
    const field = input.id;
    const value = input.value.trim();
    if (kind === 'backup') {
      if (value.length < 6) return this.#invalid(step, field, msg('Enter one of your backup codes.'));
    } else if (!sixDigits(value)) {
      return this.#invalid(step, field, msg('Enter the 6 digits your authenticator app shows.'));
    }
    const session = this.#session;
    const state = await this.#run(
      step,
      () => (kind === 'enrol' ? confirmEnrolment(session, sixDigits(value)!) : verifyCode(session, kind === 'backup' ? value : sixDigits(value)!, kind === 'backup')),
      field,
    );
    if (state) form.reset();
    this.#afterStep(state);
  }

  #invalid(step: Step, field: string, text: string) {
    this.error = { step, error: new ApiError(400, 'INVALID_INPUT', text) };
    this.#focusField = field;
    this.requestUpdate();
  }

  async #onEnrolPassword(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    // No field: the account has no password of ours to give.
    const password = new FormData(form).get('password');
    await this.#run('enrol-password', () => startEnrolment(this.#session, password === null ? undefined : String(password)), 'jc-enrol-password');
  }

  #toggleBackup(on: boolean) {
    if (this.busy) return;
    this.error = null;
    this.useBackup = on;
    this.#focusNext = true;
  }

  async #onAcceptNotice() {
    this.#afterStep(await this.#run('notice', () => acceptNotice(this.#session)));
  }

  async #onCancel() {
    await this.#run(this.#step(), () => this.#session.signOut());
  }

  async #onSignOut() {
    await this.#run('signed-in', () => this.#session.signOut());
    this.#emit('jc-signed-out', { reason: 'user' });
  }

  async #onOptIn() {
    if (this.busy) return;
    this.#focusNext = false;
    this.busy = true;
    this.error = null;
    try {
      const me = await this.#session.update({ optedIn: true });
      this.#emit('jc-opted-in', { user: me });
      this.renderRoot.querySelector<HTMLElement>('#jc-step-title')?.focus();
    } catch (err) {
      this.error = { step: 'signed-in', error: toApiError(err) };
    } finally {
      this.busy = false;
    }
  }

  async #onStaySignedIn() {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.#session.keepAlive();
      this.idleText = msg('You are still signed in.');
      this.renderRoot.querySelector<HTMLElement>('#jc-step-title')?.focus();
    } catch (err) {
      // A session that already ended moves the store to signed-out; anything else is shown here.
      if (this.#session.state.status === 'signed-in') this.error = { step: 'signed-in', error: toApiError(err) };
    } finally {
      this.busy = false;
    }
  }

  async #copySecret(secret: string) {
    try {
      await navigator.clipboard.writeText(secret);
      this.copied = msg('Key copied.');
    } catch {
      this.copied = msg('Could not copy the key. Select it and copy it, or type it in.');
    }
  }

  /** Fixes the idle warning's words when its phase changes (a polite warning, then an assertive one). */
  #idleChanged() {
    const { phase, deadline, ends } = this.#session.idle;
    if (phase === 'none' || deadline === null) {
      if (this.idleText !== msg('You are still signed in.')) this.idleText = '';
      return;
    }
    const left = Math.max(0, deadline - this.#session.clock.now());
    const at = new Intl.DateTimeFormat(intlLocale(), { hour: 'numeric', minute: '2-digit' }).format(new Date(Date.now() + left));
    const minutes = Math.max(1, Math.round(left / 60_000));
    if (ends === 'lifetime') {
      this.idleText = msg(str`Your session reaches its time limit at ${at}. Save your work: you will need to sign in again.`);
    } else if (phase === 'warning') {
      this.idleText =
        minutes === 1
          ? msg(str`For your security, you will be signed out in about 1 minute (at ${at}) because there has been no activity.`)
          : msg(str`For your security, you will be signed out in about ${formatNumber(minutes)} minutes (at ${at}) because there has been no activity.`);
    } else {
      const seconds = Math.max(1, Math.round(left / 1000));
      this.idleText =
        seconds >= 60
          ? msg(str`You will be signed out in ${minutes === 1 ? msg('1 minute') : msg(str`${minutes} minutes`)}. Choose Stay signed in to keep working.`)
          : msg(str`You will be signed out in ${formatNumber(seconds)} seconds. Choose Stay signed in to keep working.`);
    }
  }

  /* ---------- rendering ---------- */

  /** The error of the last action on `step`, if any, as text. */
  #errorOn(step: Step): string | null {
    return this.error && this.error.step === step ? errorText(this.error.error, step) : null;
  }

  #cancelButton(label = msg('Cancel and start again')) {
    return html`<button part="button" class="secondary" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.#onCancel}>${label}</button>`;
  }

  /**
   * On a page of another origin: the identity providers to sign in through (a popup) and their code,
   * loaded with the password step in a chunk of their own; `failed` leaves the password form alone.
   */
  #federation: { module: typeof import('./federation.js'); providers: IdentityProvider[] } | 'loading' | 'failed' | null = null;

  #providers() {
    const api = this.#session.api;
    if (!api.crossOrigin) return nothing;
    if (!this.#federation) {
      this.#federation = 'loading';
      import('./federation.js')
        .then(async (module) => (this.#federation = { module, providers: await module.listProviders(api) }))
        .catch(() => (this.#federation = 'failed'))
        .finally(() => this.requestUpdate());
    }
    const f = this.#federation;
    if (typeof f !== 'object' || !f.providers.length) return nothing;
    return f.module.renderProviders(f.providers, this.busy, async (id) => {
      // The popup opens in this click's task (#run calls the work at once), or the browser blocks it.
      this.#afterStep(await this.#run('password', () => f.module.popupSignIn(api, id).then(() => this.#session.settle())));
    });
  }

  /** The enrolment's view (a chunk of its own, loaded when the step is near): loading, loaded, or failed. */
  #enrol: typeof import('./enrol.js') | 'loading' | 'failed' | null = null;

  #loadEnrol() {
    this.#enrol = 'loading';
    import('./enrol.js').then(
      (module) => (this.#enrol = module),
      () => (this.#enrol = 'failed'),
    ).finally(() => this.requestUpdate());
  }

  #renderEnrol(email: string, enrolment: Enrolment) {
    const view = this.#enrol;
    if (typeof view !== 'object' || !view) {
      if (!view) this.#loadEnrol();
      return view === 'failed'
        ? html`<div class="panel" part="panel">
            <p class="error" part="error" role="alert">${errorText(new ApiError(0, 'NETWORK', ''), 'enrol')}</p>
            <div class="actions">
              <button part="button" type="button" @click=${() => {
                  this.#loadEnrol();
                  this.requestUpdate();
                }}>${msg('Try again')}</button>
            </div>
          </div>`
        : this.#renderChecking();
    }
    return view.renderEnrol(
      this.busy,
      email,
      enrolment,
      this.copied,
      this.#errorOn('enrol'),
      (e: SubmitEvent) => this.#onCode(e, 'enrol'),
      (secret) => this.#copySecret(secret),
      this.#cancelButton(msg('Cancel and sign out')),
    );
  }

  #renderChecking() {
    return html`<div class="panel" part="panel">
      <p class="muted" part="status" role="status">${msg('Checking your sign-in…')}</p>
    </div>`;
  }

  #renderIdle() {
    const { phase, ends } = this.#session.idle;
    // Both live regions are always there, so what appears in them is announced: politely first, then assertively.
    // While it warns, it is fixed to the foot of the window: a reader anywhere on the page (in a thread far below this panel) sees it.
    return html`<div class="idle ${phase === 'none' ? '' : 'warn'}" part="status">
      <p role="status" id="jc-idle-status">${phase === 'final' ? '' : this.idleText}</p>
      <p role="alert" id="jc-idle-alert">${phase === 'final' ? this.idleText : ''}</p>
      ${phase !== 'none' && ends === 'idle'
        ? html`<div class="actions">
            <button part="button" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.#onStaySignedIn}>${msg('Stay signed in')}</button>
          </div>`
        : nothing}
    </div>`;
  }

  protected override render() {
    const state = this.#session.state;
    switch (state.status) {
      case 'idle':
      case 'loading':
        return this.#renderChecking();
      case 'error':
        return html`<div class="panel" part="panel">
          <p class="error" part="error" role="alert">${errorText(state.error, 'error')}</p>
          <div class="actions">
            <button part="button" type="button" @click=${() => this.#session.refresh()}>${msg('Try again')}</button>
          </div>
        </div>`;
      case 'signed-out': {
        const fields = this.error?.step === 'password' ? this.error.error.fields : {};
        const general = fields.email || fields.password ? null : this.#errorOn('password');
        const ended = state.ended ? sessionEndText(state.ended, this.#session.idleTimeoutMinutes) : null;
        return renderPassword(this.busy, ended, fields.email, fields.password ?? general, this.#onPassword, this.#providers());
      }
      case 'code-required': {
        const backup = this.useBackup;
        return renderCode(
          this.busy,
          state.email,
          backup,
          this.#errorOn(backup ? 'backup' : 'code'),
          (e) => this.#onCode(e, backup ? 'backup' : 'code'),
          () => this.#toggleBackup(!backup),
          this.#cancelButton(),
        );
      }
      case 'enrol-required':
        if (state.enrolment) return this.#renderEnrol(state.email, state.enrolment);
        if (!this.#enrol) this.#loadEnrol();
        return renderEnrolPassword(this.busy, state.password, this.#errorOn('enrol-password'), this.#onEnrolPassword, this.#cancelButton(msg('Cancel and sign out')));
      case 'notice-required':
        return renderNotice(this.busy, state.notice, this.#errorOn('notice'), this.#onAcceptNotice, this.#cancelButton(msg('Decline and sign out')));
      case 'signed-in':
        return renderSignedIn(this.busy, state.me, this.#errorOn('signed-in'), this.#renderIdle(), this.#onSignOut, this.#onOptIn);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-sign-in': JcSignIn;
  }
}
