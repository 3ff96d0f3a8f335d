import { msg, str } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError } from '../api/client.js';
import { toApiError } from '../api/session.js';
import type { Me } from '../api/schemas.js';
import { JcController } from '../context.js';
import { signInStyles } from './sign-in.styles.js';

/**
 * Sign in to JusticeConnect, see who is signed in, sign out, and opt in to
 * JusticeConnect when the user has not yet.
 *
 * @element jc-sign-in
 * @fires jc-signed-in - A user signed in. `detail.user` is the user.
 * @fires jc-signed-out - The user signed out.
 * @fires jc-opted-in - The user opted in to JusticeConnect. `detail.user` is the user.
 * @csspart panel - The box around the widget.
 * @csspart form - The sign-in form.
 * @csspart input - The email and password inputs.
 * @csspart button - Every button.
 * @csspart error - An error message.
 * @csspart status - The loading and signed-in text.
 * @cssprop --jc-sign-in-max-width - The widget's largest width (28rem).
 */
@customElement('jc-sign-in')
export class JcSignIn extends LitElement {
  static override styles = signInStyles;

  /** The JusticeConnect server, when the widget is used without a `jc-provider`. */
  @property() api: string | undefined;

  @state() private busy = false;
  @state() private error: ApiError | null = null;

  @query('#jc-email') private emailInput!: HTMLInputElement;
  @query('h2[tabindex]') private heading!: HTMLElement | null;

  #jc = new JcController(this);
  #focusAfterRender: 'heading' | 'email' | null = null;

  /** Moves focus once the view it belongs to has rendered (sign-in and sign-out swap views). */
  protected override updated(_changed: PropertyValues<this>): void {
    const target = this.#focusAfterRender === 'heading' ? this.heading : this.#focusAfterRender === 'email' ? this.emailInput : null;
    if (target) {
      target.focus();
      this.#focusAfterRender = null;
    }
  }

  #emit(name: string, detail?: unknown) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  async #run<T>(work: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.error = null;
    try {
      return await work();
    } catch (err) {
      this.error = toApiError(err);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  async #onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    this.#focusAfterRender = 'heading';
    const me = await this.#run(() => this.#jc.session.signIn(email, password));
    if (me) {
      form.reset();
      this.#emit('jc-signed-in', { user: me });
    } else {
      this.#focusAfterRender = null;
      const field = this.renderRoot.querySelector<HTMLInputElement>('#jc-password');
      field?.select();
      field?.focus();
    }
  }

  async #onSignOut() {
    this.#focusAfterRender = 'email';
    await this.#run(() => this.#jc.session.signOut());
    this.#emit('jc-signed-out');
  }

  async #onOptIn() {
    this.#focusAfterRender = 'heading';
    const me = await this.#run(() => this.#jc.session.update({ optedIn: true }));
    if (me) {
      this.#emit('jc-opted-in', { user: me });
    }
  }

  #renderError() {
    if (!this.error) return nothing;
    return html`<p class="error" part="error" role="alert">${this.#errorText(this.error)}</p>`;
  }

  #errorText(error: ApiError): string {
    if (error.status === 401) return msg('That email and password do not match an account.');
    if (error.code === 'NETWORK') return msg('Could not reach JusticeConnect. Check your connection and try again.');
    if (error.status === 429) return msg('Too many attempts. Wait a moment and try again.');
    return error.message;
  }

  #renderField(name: string, label: string, type: string, autocomplete: string, error: string | undefined) {
    return html`<label>
      ${label}
      <input
        id=${`jc-${name}`}
        part="input"
        name=${name}
        type=${type}
        autocomplete=${autocomplete}
        required
        aria-invalid=${error ? 'true' : 'false'}
        ?disabled=${this.busy}
      />
      ${error ? html`<span class="field-error">${error}</span>` : nothing}
    </label>`;
  }

  #renderForm() {
    const fieldErrors = this.error?.fields ?? {};
    return html`
      <div class="panel" part="panel">
        <h2 id="jc-sign-in-title">${msg('Sign in to JusticeConnect')}</h2>
        <form part="form" aria-labelledby="jc-sign-in-title" @submit=${this.#onSubmit}>
          ${this.#renderField('email', msg('Email'), 'email', 'username', fieldErrors.email)}
          ${this.#renderField('password', msg('Password'), 'password', 'current-password', fieldErrors.password)}
          ${this.#renderError()}
          <div class="actions">
            <button part="button" type="submit" ?disabled=${this.busy}>
              ${this.busy ? msg('Signing in…') : msg('Sign in')}
            </button>
          </div>
        </form>
      </div>
    `;
  }

  #renderSignedIn(me: Me) {
    return html`
      <div class="panel" part="panel">
        <div class="who">
          <div>
            <h2 tabindex="-1">${msg(str`Signed in as ${me.name}`)}</h2>
            <p class="muted" part="status">
              ${[me.title, me.agency ? `${me.agency.name} (${me.agency.ori})` : null].filter(Boolean).join(' · ')}
            </p>
          </div>
          <button part="button" class="secondary" type="button" ?disabled=${this.busy} @click=${this.#onSignOut}>
            ${msg('Sign out')}
          </button>
        </div>
        ${me.status === 'pending'
          ? html`<p class="notice" part="status">
              ${msg('Your account is waiting for approval by your agency administrator. Community features open once it is approved.')}
            </p>`
          : nothing}
        ${me.optedIn ? nothing : this.#renderOptIn()} ${me.optedIn ? this.#renderError() : nothing}
      </div>
    `;
  }

  #renderOptIn() {
    return html`
      <section class="opt-in" aria-labelledby="jc-opt-in-title">
        <h3 id="jc-opt-in-title">${msg('Participate in JusticeConnect')}</h3>
        <p>
          ${msg(
            'JusticeConnect lets users across agencies communicate, collaborate and work together in communities of interest, forums and activities. You must opt in before you can use it.',
          )}
        </p>
        ${this.#renderError()}
        <div class="actions">
          <button part="button" type="button" ?disabled=${this.busy} @click=${this.#onOptIn}>
            ${msg('Yes, opt in to JusticeConnect')}
          </button>
        </div>
      </section>
    `;
  }

  protected override render() {
    const state = this.#jc.session.state;
    switch (state.status) {
      case 'idle':
      case 'loading':
        return html`<div class="panel" part="panel">
          <p class="muted" part="status" role="status">${msg('Checking your sign-in…')}</p>
        </div>`;
      case 'error':
        return html`<div class="panel" part="panel">
          <p class="error" part="error" role="alert">${this.#errorText(state.error)}</p>
          <div class="actions">
            <button part="button" type="button" @click=${() => this.#jc.session.refresh()}>${msg('Try again')}</button>
          </div>
        </div>`;
      case 'signed-out':
        return this.#renderForm();
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
