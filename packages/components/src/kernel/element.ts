import { msg } from '@lit/localize';
import { LitElement, html } from 'lit';
import { customElement as litCustomElement, property, state } from 'lit/decorators.js';
import type { ApiError } from '../api/client.js';
import { toApiError } from '../api/session.js';
import { JcController } from '../context.js';
import { Announcer } from '../shared/announcer.js';
import { fire } from '../shared/events.js';
import { errorText, renderAccountGate, renderSessionState } from '../shared/account-states.js';
import type { FrameOptions } from './frame.js';
import { Resource, type ResourceOptions } from './resource.js';

/**
 * Each `jc-*` event's `detail`, by event name. A widget adds its own:
 *
 * ```ts
 * declare module '../kernel/element.js' {
 *   interface JcEventMap { 'jc-thing-done': { thingId: string } }
 * }
 * ```
 */
export interface JcEventMap {}

type AnyResource = Resource<any, any>;

/**
 * Defines a custom element unless the tag is taken already (another bundle
 * on the page, say a portal's and a plug-in's copy of the library, defined
 * it first): the first definition wins, and the second bundle does not throw.
 */
export function define(tag: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}

/**
 * Lit's `customElement` class decorator (the manifest's analyzer reads it as
 * Lit's), guarded as `define()` is. Lit's own does the defining: every entry
 * shares that one copy.
 */
export const customElement =
  (tag: string) =>
  (ctor: CustomElementConstructor): void => {
    if (!customElements.get(tag)) litCustomElement(tag)(ctor);
  };

/**
 * What every JusticeConnect widget has: its server and session (`jc`, from
 * the nearest `jc-provider` or its own `api`), its polite live region
 * (`announcer`), typed `jc-*` events (`emit`), one way to take a failed
 * request (`failed`: a lapsed session is checked again, once), the opt-in,
 * its loads (`resource()`) and the frame around its content (`frame()`):
 * signed out, finish signing in, waiting for approval, opt in, loading,
 * failed with Try again, not available, empty.
 */
export abstract class JcElement<R extends readonly object[] = readonly []> extends LitElement {
  /**
   * The API resources the widget calls (e.g. `[postEndpoints, communityEndpoints]`):
   * their endpoints are added to the client and `this.jc.api` is typed with
   * them alone, so a page bundles only the endpoints its widgets name. Give the
   * same list as the class's type argument: `extends JcElement<[typeof postEndpoints]>`.
   */
  static resources: readonly object[] = [];

  /** The JusticeConnect server, when the widget is used without a `jc-provider`. */
  @property() api: string | undefined;

  /** An opt-in is on its way. */
  @state() protected optingIn = false;

  protected readonly jc = new JcController(this, ...((this.constructor as typeof JcElement).resources as R));
  protected readonly announcer = new Announcer(this);

  /** Fires a `jc-*` event (bubbles, composed) with its typed detail; answers false if a listener cancelled a cancelable one. */
  protected emit<K extends keyof JcEventMap & string>(type: K, detail: JcEventMap[K], cancelable = false): boolean {
    return fire(this, type, detail, cancelable);
  }

  /**
   * A failed request, as an ApiError. A 401 means the session lapsed: the
   * session store hears the server's 401 itself (and signs every widget
   * out); a 401 it did not act on has the session checked again, once however
   * many requests failed at the same time.
   */
  protected failed(err: unknown): ApiError {
    const error = toApiError(err);
    const session = this.jc.session;
    if (error.status === 401 && session.state.status === 'signed-in') void session.refresh();
    return error;
  }

  /** A load for this widget (see Resource): keyed by who is signed in plus `args`, staleness and 401s handled. */
  protected resource<T, A extends readonly unknown[] = []>(options: ResourceOptions<T, A>): Resource<T, A> {
    return new Resource(
      this,
      () => this.jc.session.state,
      (err) => this.failed(err),
      options,
    );
  }

  /** Opts the user in to JusticeConnect and loads `resource` again; answers the failure, or null. */
  protected async optIn(resource: AnyResource): Promise<ApiError | null> {
    this.optingIn = true;
    try {
      await this.jc.session.update({ optedIn: true });
      // The session's change loads again; if the session already said "opted in", load here.
      if (resource.status !== 'loading') resource.reload();
      return null;
    } catch (err) {
      return this.failed(err);
    } finally {
      this.optingIn = false;
    }
  }

  /**
   * The session's states (checking, failed with Try again, signed out and
   * why, finish signing in) and the account's (waiting for approval,
   * disabled, opt in): the view, or null when the widget may show its data.
   */
  protected gate<T>(resource: Resource<T, any>, options: FrameOptions<T>): unknown {
    const session = this.jc.session;
    if (options.signedOut !== undefined) {
      const state = renderSessionState(session.state, () => void session.refresh(), options.signedOut, session.idleTimeoutMinutes);
      if (state) return state;
    }
    const code = resource.status === 'error' ? resource.error?.code : undefined;
    if (code === 'ACCOUNT_PENDING' && options.pending) return html`<p>${options.pending}</p>`;
    if (code === 'OPT_IN_REQUIRED' && options.optIn === undefined) return null;
    return renderAccountGate(code, {
      optInText: options.optIn ?? '',
      optingIn: this.optingIn,
      onOptIn: options.onOptIn ?? (() => void this.optIn(resource).then((error) => error && resource.fail(error))),
      actionError: options.actionError,
    });
  }

  /** The load's states: not available, loading, failed (with Try again), empty; null once there is data to show. */
  protected loadState<T>(resource: Resource<T, any>, options: FrameOptions<T>): unknown {
    const { error, status } = resource;
    if (status === 'error' && error) {
      if (options.notAvailable && error.status === 404) return html`<p>${options.notAvailable}</p>`;
      return html`<p class="error" part="error" role="alert">${errorText(error)}</p>
        <button part="button" type="button" @click=${() => resource.reload()}>${msg('Try again')}</button>`;
    }
    if (status !== 'ready') return html`<p class="muted" part="status" role="status">${options.loading}</p>`;
    return options.empty?.(resource.value as T) ?? null;
  }

  /**
   * The widget's body: the session's states (signed out, finish signing in),
   * the account's (waiting for approval, disabled, opt in), the load's (not
   * available, loading, failed with Try again, empty), else `content` with the data.
   */
  protected frame<T>(resource: Resource<T, any>, options: FrameOptions<T>, content: (value: T) => unknown): unknown {
    return this.gate(resource, options) ?? this.loadState(resource, options) ?? content(resource.value as T);
  }
}
