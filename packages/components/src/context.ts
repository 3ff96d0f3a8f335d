import { ContextConsumer, createContext } from '@lit/context';
import { updateWhenLocaleChanges } from '@lit/localize';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { addEndpoints, ApiTransport, type ClientWith } from './api/transport.js';
import { SessionStore } from './api/session.js';
import { EventStream } from './api/events.js';
import { langOf, localeChosen, useLocale } from './shared/localization.js';

/** What `jc-provider` shares with every widget inside it. */
export interface JcContextValue {
  /** The transport, with the endpoints of every resource the page's widgets name. */
  api: ApiTransport;
  session: SessionStore;
  /** The one live-event connection, open while someone is signed in. */
  live: EventStream;
}

export const jcContext = createContext<JcContextValue>(Symbol.for('justiceconnect.context'));

export function createJcContext(baseUrl: string, fetchImpl?: typeof fetch): JcContextValue {
  const api = new ApiTransport({ baseUrl, fetch: fetchImpl });
  const session = new SessionStore(api);
  const live = new EventStream(api, () => session.me?.id ?? null);
  // The stream follows the session: open while signed in, closed otherwise; a
  // stream the server ended (signed out elsewhere, suspended) re-checks the session.
  let signedInAs: string | null = null;
  session.addEventListener('change', () => {
    const id = session.me?.status === 'active' ? session.me.id : null;
    if (id === signedInAs) return;
    signedInAs = id;
    live.stop();
    if (id) live.start();
  });
  live.addEventListener('ended', (e) => {
    signedInAs = null;
    session.streamEnded((e as CustomEvent<{ reason: string }>).detail.reason);
  });
  return { api, session, live };
}

/** Widgets outside any provider share one context per API origin, so they share a session. */
const standalone = new Map<string, JcContextValue>();

export function standaloneContext(api: string | null): JcContextValue {
  const baseUrl = new URL(api || location.origin, location.href).origin;
  let value = standalone.get(baseUrl);
  if (!value) {
    value = createJcContext(baseUrl);
    standalone.set(baseUrl, value);
  }
  return value;
}

type Host = ReactiveControllerHost & HTMLElement;

/**
 * How a widget reaches the API and the session: from the nearest
 * `jc-provider`, or, standing alone, from its own `api` (property or
 * attribute) or the page's origin. The host re-renders whenever the session
 * or the language changes; a widget standing alone, with no language chosen
 * yet, speaks its page's (the nearest `lang`).
 *
 * `resources` (e.g. `postEndpoints, communityEndpoints` from api/posts.ts and
 * api/communities.ts) name the endpoints the widget calls: `api` is then typed
 * with only those, and they are added to the client, so a build that makes
 * no `ApiClient` bundles only what its widgets name. Without them, `api` is
 * the whole `ApiClient`.
 */
export class JcController<R extends readonly object[] = readonly object[]> implements ReactiveController {
  value: JcContextValue | undefined;
  #fromProvider = false;
  #onChange = () => this.host.requestUpdate();

  constructor(
    private readonly host: Host,
    ...resources: R
  ) {
    addEndpoints(...resources);
    new ContextConsumer(host, {
      context: jcContext,
      subscribe: true,
      callback: (value) => {
        if (!value) return;
        this.#fromProvider = true;
        this.#attach(value);
      },
    });
    host.addController(this);
    updateWhenLocaleChanges(host);
  }

  get session(): SessionStore {
    return this.#require().session;
  }

  get api(): ClientWith<R> {
    return this.#require().api as ClientWith<R>;
  }

  /** A standalone widget's server: its `api` property (frameworks such as React 19 and Vue set properties) or attribute. */
  #apiOf(): string | null {
    const property = (this.host as { api?: unknown }).api;
    return typeof property === 'string' && property ? property : this.host.getAttribute('api');
  }

  #require(): JcContextValue {
    if (!this.value) this.#attach(standaloneContext(this.#apiOf()));
    return this.value!;
  }

  hostConnected(): void {
    // The consumer (added first) has asked any provider above by now.
    if (!this.#fromProvider) {
      if (!localeChosen()) void useLocale(langOf(this.host));
      this.#attach(standaloneContext(this.#apiOf()));
    } else this.value?.session.addEventListener('change', this.#onChange);
    void this.value?.session.ensureLoaded();
  }

  hostDisconnected(): void {
    this.value?.session.removeEventListener('change', this.#onChange);
  }

  #attach(value: JcContextValue) {
    if (this.value === value) return;
    this.value?.session.removeEventListener('change', this.#onChange);
    this.value = value;
    value.session.addEventListener('change', this.#onChange);
    void value.session.ensureLoaded();
    this.host.requestUpdate();
  }
}
