import { msg, str } from '@lit/localize';
import { LitElement, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type Enrolment } from '../api/client.js';
import { toApiError, type SessionEnd, type SessionState, type SessionStore } from '../api/session.js';
import type { Me, SystemUseNotice } from '../api/schemas.js';
import { JcController } from '../context.js';
import { sessionEndText } from '../shared/account-states.js';
import { signInStyles } from './sign-in.styles.js';
import { formatNumber, intlLocale } from '../shared/localization.js';

/** The views of the widget, one for each step of a sign-in. */
type Step = 'checking' | 'error' | 'password' | 'code' | 'backup' | 'enrol-password' | 'enrol' | 'notice' | 'signed-in';

/** A one-time code as typed (spaces and dashes allowed), or null when it is not 6 digits. */
function sixDigits(value: string): string | null {
  const digits = value.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** A Base32 secret in groups of four, easier to read and type. */
function grouped(secret: string): string {
  return secret.replace(/=+$/, '').replace(/(.{4})(?=.)/g, '$1 ');
}

type QrEncoder = typeof import('uqr').encode;

/** The QR encoder (uqr) matters only while enrolling an authenticator, so it loads then, in a chunk of its own (tried again after a failure). */
let qrEncoder: Promise<QrEncoder> | undefined;
const loadQrEncoder = () =>
  (qrEncoder ??= import('uqr').then(
    (m) => m.encode,
    (error: unknown) => {
      qrEncoder = undefined;
      throw error;
    },
  ));

/** The QR code of an `otpauth://` URI as one SVG path (dark modules on white, whatever the theme). */
function qrCode(encode: QrEncoder, uri: string, label: string): TemplateResult {
  const { size, data } = encode(uri, { ecc: 'M', border: 2 });
  let d = '';
  data.forEach((row, y) => row.forEach((dark, x) => (d += dark ? `M${x} ${y}h1v1h-1z` : '')));
  return html`<svg class="qr" part="qr" role="img" aria-label=${label} viewBox=${`0 0 ${size} ${size}`} width="200" height="200" shape-rendering="crispEdges">
    ${svg`<rect width=${size} height=${size} fill="#ffffff"></rect><path d=${d} fill="#000000"></path>`}
  </svg>`;
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
        return s.enrolment ? 'enrol' : 'enrol-password';
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
    const state = await this.#run('password', () => this.#session.signIn(email, password), 'jc-password');
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
      () => (kind === 'backup' ? session.verifyBackupCode(value) : kind === 'enrol' ? session.confirmEnrolment(sixDigits(value)!) : session.verifyCode(sixDigits(value)!)),
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
    const password = String(new FormData(form).get('password') ?? '');
    await this.#run('enrol-password', () => this.#session.startEnrolment(password), 'jc-enrol-password');
  }

  #toggleBackup(on: boolean) {
    if (this.busy) return;
    this.error = null;
    this.useBackup = on;
    this.#focusNext = true;
  }

  async #onAcceptNotice() {
    this.#afterStep(await this.#run('notice', () => this.#session.acceptNotice()));
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

  #errorText(error: ApiError, step: Step): string {
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

  /** The error of the last action on `step`, if any, as text. */
  #errorOn(step: Step): string | null {
    return this.error && this.error.step === step ? this.#errorText(this.error.error, step) : null;
  }

  #renderField(options: {
    id: string;
    name: string;
    label: string;
    type?: string;
    autocomplete: string;
    hint?: string;
    error?: string | null;
    inputmode?: string;
  }) {
    const { id, name, label, type = 'text', autocomplete, hint, error, inputmode } = options;
    const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${hint ? html`<span class="hint" id=${`${id}-hint`}>${hint}</span>` : nothing}
      <input
        id=${id}
        part="input"
        name=${name}
        type=${type}
        autocomplete=${autocomplete}
        inputmode=${inputmode ?? nothing}
        spellcheck="false"
        autocapitalize="off"
        required
        aria-describedby=${describedBy || nothing}
        aria-invalid=${error ? 'true' : 'false'}
        ?readonly=${this.busy}
      />
      ${error ? html`<p class="field-error" part="error" id=${`${id}-error`} role="alert">${error}</p>` : nothing}
    </div>`;
  }

  #heading(text: string) {
    return html`<h2 id="jc-step-title" part="heading" tabindex="-1">${text}</h2>`;
  }

  #cancelButton(label = msg('Cancel and start again')) {
    return html`<button part="button" class="secondary" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.#onCancel}>${label}</button>`;
  }

  #renderPassword(ended: SessionEnd | undefined) {
    const fieldErrors = this.error?.step === 'password' ? this.error.error.fields : {};
    const general = fieldErrors.email || fieldErrors.password ? null : this.#errorOn('password');
    return html`
      <div class="panel" part="panel">
        ${ended
          ? html`<p class="ended" part="status" id="jc-ended" role="alert" tabindex="-1">${sessionEndText(ended, this.#session.idleTimeoutMinutes)}</p>`
          : nothing}
        ${this.#heading(msg('Sign in to JusticeConnect'))}
        <form part="form" aria-labelledby="jc-step-title" novalidate @submit=${this.#onPassword}>
          ${this.#renderField({ id: 'jc-email', name: 'email', label: msg('Email'), type: 'email', autocomplete: 'username', error: fieldErrors.email })}
          ${this.#renderField({
            id: 'jc-password',
            name: 'password',
            label: msg('Password'),
            type: 'password',
            autocomplete: 'current-password',
            error: fieldErrors.password ?? general,
          })}
          <p class="muted">${msg('Next, you will enter the one-time code from your authenticator app.')}</p>
          <div class="actions">
            <button part="button" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? msg('Signing in…') : msg('Sign in')}</button>
          </div>
        </form>
      </div>
    `;
  }

  #renderCode(email: string) {
    const backup = this.useBackup;
    return html`
      <div class="panel" part="panel">
        ${this.#heading(backup ? msg('Enter a backup code') : msg('Enter your one-time code'))}
        <form part="form" aria-labelledby="jc-step-title" novalidate @submit=${(e: SubmitEvent) => this.#onCode(e, backup ? 'backup' : 'code')}>
          ${backup
            ? this.#renderField({
                id: 'jc-backup-code',
                name: 'code',
                label: msg('Backup code'),
                autocomplete: 'off',
                hint: msg('One of the backup codes you saved when you set up your authenticator app. Each works once.'),
                error: this.#errorOn('backup'),
              })
            : this.#renderField({
                id: 'jc-code',
                name: 'code',
                label: msg('One-time code'),
                autocomplete: 'one-time-code',
                inputmode: 'numeric',
                hint: msg(str`Open your authenticator app and enter the 6-digit code it shows for JusticeConnect (${email}).`),
                error: this.#errorOn('code'),
              })}
          <div class="actions">
            <button part="button" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? msg('Checking…') : msg('Verify')}</button>
            ${this.#cancelButton()}
          </div>
          <button part="button" class="link" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => this.#toggleBackup(!backup)}>
            ${backup ? msg('Use the code from your authenticator app instead') : msg('Use a backup code instead')}
          </button>
        </form>
      </div>
    `;
  }

  #renderEnrolPassword() {
    void loadQrEncoder().catch(() => undefined);
    return html`
      <div class="panel" part="panel">
        ${this.#heading(msg('Set up your authenticator app'))}
        <p>${msg('Every JusticeConnect sign-in needs a one-time code from an authenticator app on your phone or computer. Enter your password to start setting one up.')}</p>
        <form part="form" aria-labelledby="jc-step-title" novalidate @submit=${this.#onEnrolPassword}>
          ${this.#renderField({
            id: 'jc-enrol-password',
            name: 'password',
            label: msg('Password'),
            type: 'password',
            autocomplete: 'current-password',
            error: this.#errorOn('enrol-password'),
          })}
          <div class="actions">
            <button part="button" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${msg('Continue')}</button>
            ${this.#cancelButton(msg('Cancel and sign out'))}
          </div>
        </form>
      </div>
    `;
  }

  /** The QR encoder: loading, loaded, or failed to load (then the key written out below does the same). */
  #qr: QrEncoder | 'loading' | 'failed' | null = null;

  #renderEnrol(email: string, enrolment: Enrolment) {
    if (!this.#qr) {
      this.#qr = 'loading';
      loadQrEncoder().then(
        (encode) => (this.#qr = encode),
        () => (this.#qr = 'failed'),
      ).finally(() => this.requestUpdate());
    }
    return html`
      <div class="panel" part="panel">
        ${this.#heading(msg('Set up your authenticator app'))}
        <p>${msg('Every JusticeConnect sign-in needs a one-time code from an authenticator app on your phone or computer.')}</p>
        <ol class="steps">
          <li>
            <h3>${msg('Add JusticeConnect to the app')}</h3>
            <p>${msg('Scan this QR code with the app, or type the key below into it.')}</p>
            ${typeof this.#qr === 'function'
              ? qrCode(this.#qr, enrolment.totpURI, msg('QR code that adds JusticeConnect to an authenticator app. The key written out below does the same.'))
              : this.#qr === 'loading'
                ? html`<div class="qr"></div>`
                : nothing}
            <dl class="secret">
              <dt>${msg('Key')}</dt>
              <dd><code id="jc-secret">${grouped(enrolment.secret)}</code></dd>
              <dt>${msg('Account')}</dt>
              <dd>${email}</dd>
              <dt>${msg('Type')}</dt>
              <dd>${msg('Time-based, 6 digits')}</dd>
            </dl>
            <button part="button" class="secondary" type="button" @click=${() => this.#copySecret(enrolment.secret)}>${msg('Copy the key')}</button>
            <p class="muted" part="status" role="status">${this.copied}</p>
          </li>
          <li>
            <h3>${msg('Save your backup codes')}</h3>
            <p>${msg('If you lose your authenticator app, each of these codes signs you in once. Keep them somewhere safe, apart from this computer: they are not shown again.')}</p>
            <ul class="codes" aria-label=${msg('Backup codes')}>
              ${enrolment.backupCodes.map((c) => html`<li><code>${c}</code></li>`)}
            </ul>
          </li>
          <li>
            <h3 id="jc-confirm-title">${msg('Enter the code the app shows')}</h3>
            <form part="form" aria-labelledby="jc-confirm-title" novalidate @submit=${(e: SubmitEvent) => this.#onCode(e, 'enrol')}>
              ${this.#renderField({
                id: 'jc-enrol-code',
                name: 'code',
                label: msg('One-time code'),
                autocomplete: 'one-time-code',
                inputmode: 'numeric',
                hint: msg('The 6-digit code the app shows for JusticeConnect now.'),
                error: this.#errorOn('enrol'),
              })}
              <div class="actions">
                <button part="button" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? msg('Checking…') : msg('Confirm')}</button>
                ${this.#cancelButton(msg('Cancel and sign out'))}
              </div>
            </form>
          </li>
        </ol>
      </div>
    `;
  }

  #renderNotice(notice: SystemUseNotice) {
    const error = this.#errorOn('notice');
    return html`
      <div class="panel" part="panel">
        ${this.#heading(notice.title)}
        <div class="notice-text" part="notice">${notice.paragraphs.map((p) => html`<p>${p}</p>`)}</div>
        ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing}
        <div class="actions">
          <button part="button" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.#onAcceptNotice}>${msg('I accept')}</button>
          ${this.#cancelButton(msg('Decline and sign out'))}
        </div>
      </div>
    `;
  }

  #renderIdle() {
    const { phase, ends } = this.#session.idle;
    // Both live regions are always there, so what appears in them is announced: politely first, then assertively.
    return html`<div class="idle" part="status">
      <p role="status" id="jc-idle-status">${phase === 'final' ? '' : this.idleText}</p>
      <p role="alert" id="jc-idle-alert">${phase === 'final' ? this.idleText : ''}</p>
      ${phase !== 'none' && ends === 'idle'
        ? html`<div class="actions">
            <button part="button" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.#onStaySignedIn}>${msg('Stay signed in')}</button>
          </div>`
        : nothing}
    </div>`;
  }

  #renderSignedIn(me: Me) {
    const error = this.#errorOn('signed-in');
    return html`
      <div class="panel" part="panel">
        <div class="who">
          <div>
            <h2 id="jc-step-title" part="heading" tabindex="-1">${msg(str`Signed in as ${me.name}`)}</h2>
            <p class="muted" part="status">${[me.title, me.agency ? `${me.agency.name} (${me.agency.ori})` : null].filter(Boolean).join(' · ')}</p>
          </div>
          <button part="button" class="secondary" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.#onSignOut}>${msg('Sign out')}</button>
        </div>
        ${this.#renderIdle()}
        ${me.status === 'pending'
          ? html`<p class="notice" part="status">
              ${msg('Your account is waiting for approval by your agency administrator. Community features open once it is approved.')}
            </p>`
          : nothing}
        ${me.optedIn ? (error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing) : this.#renderOptIn(error)}
      </div>
    `;
  }

  #renderOptIn(error: string | null) {
    return html`
      <section class="opt-in" aria-labelledby="jc-opt-in-title">
        <h3 id="jc-opt-in-title">${msg('Participate in JusticeConnect')}</h3>
        <p>
          ${msg(
            'JusticeConnect lets users across agencies communicate, collaborate and work together in communities of interest, forums and activities. You must opt in before you can use it.',
          )}
        </p>
        ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing}
        <div class="actions">
          <button part="button" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.#onOptIn}>${msg('Yes, opt in to JusticeConnect')}</button>
        </div>
      </section>
    `;
  }

  protected override render() {
    const state = this.#session.state;
    switch (state.status) {
      case 'idle':
      case 'loading':
        return html`<div class="panel" part="panel">
          <p class="muted" part="status" role="status">${msg('Checking your sign-in…')}</p>
        </div>`;
      case 'error':
        return html`<div class="panel" part="panel">
          <p class="error" part="error" role="alert">${this.#errorText(state.error, 'error')}</p>
          <div class="actions">
            <button part="button" type="button" @click=${() => this.#session.refresh()}>${msg('Try again')}</button>
          </div>
        </div>`;
      case 'signed-out':
        return this.#renderPassword(state.ended);
      case 'code-required':
        return this.#renderCode(state.email);
      case 'enrol-required':
        return state.enrolment ? this.#renderEnrol(state.email, state.enrolment) : this.#renderEnrolPassword();
      case 'notice-required':
        return this.#renderNotice(state.notice);
      case 'signed-in':
        return this.#renderSignedIn(state.me);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-sign-in': JcSignIn;
  }
}
