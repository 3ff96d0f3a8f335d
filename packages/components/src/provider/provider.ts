import { ContextProvider, ContextRoot } from '@lit/context';
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { exchangeIdToken, type IdTokenSource } from '../api/federation.js';
import { toApiError } from '../api/session.js';
import { createJcContext, jcContext, type JcContextValue } from '../context.js';
import { intlLocale, langOf, useLocale } from '../shared/localization.js';
import { providerStyles } from './provider.styles.js';

// Widgets that upgrade before their provider still find it once it arrives.
const ROOT = Symbol.for('justiceconnect.context-root');
const g = globalThis as { [ROOT]?: ContextRoot };
if (typeof document !== 'undefined' && !g[ROOT]) {
  g[ROOT] = new ContextRoot();
  g[ROOT].attach(document.documentElement);
}

/**
 * The context root for JusticeConnect widgets: the API's address, the typed
 * API client, the signed-in session and one live-event connection (open
 * while someone is signed in), shared by every `jc-*` element inside it. It
 * renders only its children (`display: contents`). A widget outside any
 * provider finds the API from its own `api` attribute or the page's origin.
 *
 * @element jc-provider
 * @slot - The widgets (and any other markup) that share this provider.
 * @fires jc-federation-error - The ID token from `idToken` could not be exchanged for a session (`detail.error`, an ApiError: its `code` says why, e.g. `TOKEN_REPLAYED`, `UNREGISTERED_ISSUER`, `ORIGIN_NOT_ALLOWED`); the widgets stay signed out and offer their own sign-in.
 * @fires jc-session-change - The session's state changed: a step of a sign-in, signed in, the signed-in user's profile, signed out, or an error. `detail.state` is the new `SessionState`; `detail.state.status` is `idle`, `loading`, `signed-out` (with `ended`: `idle` or `lifetime` when the session timed out), `code-required`, `enrol-required` (its `enrolment`, the new authenticator's secret and backup codes, always `null` here), `notice-required`, `signed-in` (with `me`, the user) or `error`.
 */
@customElement('jc-provider')
export class JcProvider extends LitElement {
  static override styles = providerStyles;

  /** The JusticeConnect server's origin. Defaults to the page's own origin. */
  @property() api = '';

  /**
   * The widgets' language, as a BCP 47 tag (`en`, `es`, `es-MX`, `en-GB`).
   * The widgets speak English and Spanish; dates, times and numbers follow
   * the whole tag (`es-MX` writes dates as Mexico does). Without it the
   * widgets follow the nearest `lang` attribute above the provider, then the
   * browser's language. The language is the page's: every widget on the page
   * speaks the last one a provider asked for.
   */
  @property({ reflect: true }) locale = '';

  /**
   * The colour theme of every widget inside: `light`, `dark` or
   * `high-contrast`. Without it the widgets follow the reader's system
   * (`prefers-color-scheme`, and `prefers-contrast: more`). A widget's own
   * `theme` attribute wins over its provider's; `--jc-*` custom properties
   * set on the provider or a widget win over both.
   */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'high-contrast' | undefined;

  /**
   * On the identity provider's own portal: an ID token its IdP issued for JusticeConnect, or a function
   * that answers a fresh one (or null when nobody is signed in there). The provider exchanges it for a
   * session before the widgets first ask who is signed in, so they show the officer signed in with no
   * sign-in step of JusticeConnect's (the system-use notice, and the code step when the IdP's sign-in
   * was not multi-factor, still follow). Used when set and again whenever it changes; the portal's
   * origin must be one the server allows (`JC_TRUSTED_ORIGINS`) and the IdP one it trusts.
   */
  @property({ attribute: false }) idToken: IdTokenSource | undefined;

  /** Replaces `fetch` for every request (used by Storybook's recorded fixtures). */
  @property({ attribute: false }) fetcher: typeof fetch | undefined;

  #provider = new ContextProvider(this, { context: jcContext });
  #onChange = () => {
    const current = this.#provider.value?.session.state;
    // The authenticator's secret and backup codes stay inside the widgets: a page's listeners
    // (analytics, logging) see that enrolment is under way, never what it holds.
    const state = current?.status === 'enrol-required' ? { ...current, enrolment: null } : current;
    this.dispatchEvent(new CustomEvent('jc-session-change', { detail: { state }, bubbles: true, composed: true }));
  };

  /** The shared API client and session (read-only). */
  get context(): JcContextValue | undefined {
    return this.#provider.value;
  }

  #made: { api: string; fetcher: typeof fetch | undefined } | undefined;

  override connectedCallback(): void {
    // Create the context before children ask for it (they ask as they connect).
    this.#ensureContext();
    // Choose the language before the widgets inside render.
    this.#applyLocale();
    super.connectedCallback();
    const value = this.#provider.value;
    if (value?.session.me?.status === 'active') value.live.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A provider taken off the page closes its live connection.
    this.#provider.value?.live.stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#ensureContext();
    if (changed.has('locale')) this.#applyLocale();
    const value = this.#provider.value!;
    if (this.#hold) {
      // The first update: properties a page set before the element was defined are in place now.
      const release = this.#hold;
      this.#hold = null;
      release(this.idToken);
    } else if (this.idToken && this.idToken !== this.#exchanged) {
      // A new ID token: signed in again with it.
      void value.session.refresh(() => this.#exchange(value, this.idToken));
    }
  }

  /**
   * A new context's session waits for the provider's first update before it asks the server, so an
   * `idToken` the page set before the element was defined (Lit applies such properties then) is
   * exchanged first, and the widgets never show the signed-out state in between.
   */
  #hold: ((source: IdTokenSource | undefined) => void) | null = null;

  /** The ID token (or function) last exchanged. */
  #exchanged: IdTokenSource | undefined;

  /** Exchanges the host page's ID token for this context's session (a failure leaves it signed out and says why). */
  async #exchange(value: JcContextValue, source: IdTokenSource | undefined): Promise<void> {
    this.#exchanged = source;
    if (!source) return;
    try {
      const token = typeof source === 'function' ? await source() : source;
      if (token) await exchangeIdToken(value.api, token);
    } catch (err) {
      this.dispatchEvent(new CustomEvent('jc-federation-error', { detail: { error: toApiError(err) }, bubbles: true, composed: true }));
    }
  }

  /** Whether the provider put its `lang` attribute there (from `locale`). */
  #setLang = false;

  #applyLocale() {
    const tag = this.locale || langOf(this);
    void useLocale(tag).then(() => {
      // Screen readers read the widgets in the language they speak, whatever the page's language.
      if (this.locale) {
        this.setAttribute('lang', intlLocale());
        this.#setLang = true;
      } else if (this.#setLang) {
        this.removeAttribute('lang');
        this.#setLang = false;
      }
    });
  }

  #ensureContext() {
    if (this.#made && this.#made.api === this.api && this.#made.fetcher === this.fetcher) return;
    this.#made = { api: this.api, fetcher: this.fetcher };
    this.#provider.value?.session.removeEventListener('change', this.#onChange);
    this.#provider.value?.live.stop();
    const value = createJcContext(this.api || location.origin, this.fetcher);
    value.session.addEventListener('change', this.#onChange);
    this.#provider.setValue(value);
    this.#hold?.(undefined);
    const held = new Promise<IdTokenSource | undefined>((resolve) => (this.#hold = resolve));
    void value.session.refresh(() => held.then((source) => this.#exchange(value, source)));
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-provider': JcProvider;
  }
}
