import { expect, fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../provider/provider.js';
import type { JcProvider } from '../provider/provider.js';
import type { Community } from '../api/schemas.js';
import { apiCall, createActiveUser, signInPage, signInSession, type TestUser } from './server.js';
import { waitUntil } from './wait.js';
import { useLocale } from '../shared/localization.js';

/*
 * What every widget's element tests start from: the widget mounted inside a
 * `jc-provider` (on the real server, or on fixtures with `fetcher`), and the
 * small readers of its shadow root they check it with. A test file keeps only
 * what is its widget's own (rows, items, banners).
 */

/** The widget's shadow root. */
export const shadow = (el: HTMLElement): ShadowRoot => el.shadowRoot!;

/** An element's text, whitespace collapsed and trimmed. */
export const text = (node: Element | ShadowRoot | null | undefined): string => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** A short unique suffix for names a test creates (communities, services, topics). */
export const stamp = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Waits until the widget's text matches `pattern` (saying what it shows instead when it does not). */
export async function settled(el: HTMLElement, pattern: RegExp, timeout = 5000): Promise<void> {
  await waitUntil(() => pattern.test(text(shadow(el))), `waiting for ${pattern} in: ${text(shadow(el)).slice(0, 400)}`, { timeout });
}

/** The button under `root` whose text matches `pattern` (throws, saying what is there, when there is none). */
export function button(root: ParentNode, pattern: RegExp): HTMLButtonElement {
  const found = [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => pattern.test(text(b)));
  if (!found) throw new Error(`no button ${pattern} in: ${text(root as Element)}`);
  return found;
}

/** What the widget's live region says now. */
export const announcement = (el: HTMLElement): string => text(announcer(el));
/** A widget's live region (`.announce`; `.visually-hidden` while it says something to a screen reader only). */
export const announcer = (el: HTMLElement): HTMLElement => shadow(el).querySelector<HTMLElement>('.announce, p.visually-hidden[aria-live]')!;

/** The element focused inside the widget. */
export const focused = (el: HTMLElement): HTMLElement | null => shadow(el).activeElement as HTMLElement | null;

export interface MountOptions {
  /** Answers the widget's requests instead of the server (fixtures, or a failure injected into the real `fetch`). */
  fetcher?: typeof fetch;
  /** The provider's `api` (another origin's server). */
  api?: string;
}

/**
 * Mounts `widget` (one element's template) inside a `jc-provider`, itself
 * inside a page `div`, and returns both, the widget typed as `T`.
 */
export async function mountInProvider<T extends HTMLElement>(widget: TemplateResult, options: MountOptions = {}): Promise<{ provider: JcProvider; el: T }> {
  const page = await fixture<HTMLDivElement>(html`<div><jc-provider .fetcher=${options.fetcher} api=${options.api ?? ''}>${widget}</jc-provider></div>`);
  const provider = page.querySelector<JcProvider>('jc-provider')!;
  await provider.updateComplete;
  return { provider, el: provider.firstElementChild as T };
}

/** Waits until `read()` (the titles of the widget's rows, in order) is `expected`, saying what it is instead when it is not. */
export async function waitForTexts(read: () => string[], expected: string[], timeout = 5000): Promise<void> {
  await waitUntil(() => JSON.stringify(read()) === JSON.stringify(expected), `waiting for ${JSON.stringify(expected)}, have ${JSON.stringify(read())}`, { timeout });
}

/**
 * A state with nothing in it (signed out, pending, nothing to do): the widget
 * says `pattern`, lists none of `items` (its rows, articles, to-dos), and axe
 * finds nothing.
 */
export async function expectEmptyState<T extends HTMLElement>(el: T, pattern: RegExp, items: (el: T) => readonly unknown[]): Promise<void> {
  await settled(el, pattern);
  expect(items(el).length, `nothing listed while it says ${pattern}`).to.equal(0);
  await expect(el).to.be.accessible();
}

/** A fresh, active user who owns a new community (public unless said), signed in on this page. */
export async function ownerWithCommunity(label: string, visibility?: 'public' | 'restricted'): Promise<{ user: TestUser & { id: string }; community: Community }> {
  const user = await createActiveUser(`${label} Owner ${stamp()}`);
  await signInPage(user);
  const community = await apiCall<Community>('POST', '/api/v1/communities', { name: `${label} ${stamp()}`, ...(visibility ? { visibility } : {}) });
  return { user, community };
}

/**
 * The live tests' page: `widget` in the reader's provider (this origin, the
 * page's session), beside a second provider on `crossOriginApi` (another
 * origin: no shared cookies) for another user to act from.
 */
export async function mountBesideOtherOrigin<T extends HTMLElement>(widget: TemplateResult, crossOriginApi: string): Promise<{ reader: JcProvider; other: JcProvider; el: T }> {
  const page = await fixture<HTMLDivElement>(html`<div>
    <jc-provider id="a">${widget}</jc-provider>
    <jc-provider id="b" api=${crossOriginApi}></jc-provider>
  </div>`);
  const reader = page.querySelector<JcProvider>('#a')!;
  return { reader, other: page.querySelector<JcProvider>('#b')!, el: reader.firstElementChild as T };
}

/** Signs `user` in on the other origin's provider (once it knows it is signed out), then waits for the reader's live stream to open. */
export async function signInBeside(reader: JcProvider, other: JcProvider, user: TestUser): Promise<void> {
  await waitUntil(() => other.context!.session.state.status === 'signed-out', `${user.name} not yet signed in`);
  await signInSession(other.context!.session, user);
  await waitUntil(() => reader.context!.live.status === 'open', 'the reader’s stream is open', { timeout: 5000 });
}

/**
 * The readers of a widget's list: its rows (`rowSelector` in its shadow
 * root), their titles (`titleSelector` in a row), one row by its title
 * (throwing, with the titles there are, when there is none; `what` names a
 * row in that message), and a wait for the titles.
 */
export function listReaders<T extends HTMLElement>(rowSelector: string, titleSelector: string, what: string) {
  const rows = (el: T): HTMLElement[] => [...shadow(el).querySelectorAll<HTMLElement>(rowSelector)];
  const titles = (el: T): string[] => rows(el).map((r) => text(r.querySelector(titleSelector)));
  const row = (el: T, title: string): HTMLElement => {
    const found = rows(el).find((r) => text(r.querySelector(titleSelector)) === title);
    if (!found) throw new Error(`no ${what} “${title}” in ${JSON.stringify(titles(el))}`);
    return found;
  };
  const waitForTitles = (el: T, expected: string[], timeout?: number): Promise<void> => waitForTexts(() => titles(el), expected, timeout);
  return { rows, titles, row, waitForTitles };
}

/** What happens to the widget's posts (see `unreliablePosting`). */
export type Connection = 'online' | 'offline' | 'lost';

/**
 * A `fetcher` on the real server whose POSTs to a URL matching `path` fail as
 * `connection.mode` says when they are made: `offline`, before the server
 * gets them; `lost`, after it has taken them (the page never hears back);
 * `online`, never. A test changes `mode` as it goes.
 */
export function unreliablePosting(path: RegExp, mode: Connection): { mode: Connection; fetcher: typeof fetch } {
  const connection = {
    mode,
    fetcher: async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const posting = (init?.method ?? 'GET') === 'POST' && path.test(String(input));
      if (posting && connection.mode === 'offline') throw new TypeError('Failed to fetch');
      const response = await fetch(input, init);
      if (posting && connection.mode === 'lost') throw new TypeError('Failed to fetch');
      return response;
    },
  };
  return connection;
}

/**
 * The readers of a widget's articles (posts, replies): all of them
 * (`selector` in its shadow root), one's body text, and a wait for the one
 * whose body matches (`what` names an article in its message), which it
 * returns.
 */
export function articleReaders<T extends HTMLElement>(selector: string, what: string) {
  const articles = (el: T): HTMLElement[] => [...shadow(el).querySelectorAll<HTMLElement>(selector)];
  const bodyText = (article: Element): string => text(article.querySelector('.body'));
  const waitForArticle = async (el: T, pattern: RegExp, timeout = 5000): Promise<HTMLElement> => {
    let found: HTMLElement | undefined;
    await waitUntil(() => (found = articles(el).find((a) => pattern.test(bodyText(a)))), `waiting for ${what} ${pattern} in: ${text(shadow(el)).slice(0, 500)}`, { timeout });
    return found!;
  };
  return { articles, bodyText, waitForArticle };
}

/** The next animation frame. */
export const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

/**
 * A fresh container in the page for each test's story (call inside a `describe`), and the page put back
 * after each: the container gone, this tab's storage emptied, the URL's hash dropped, English again (a
 * story may choose the page's language, as the provider's locale story does).
 */
export function storyStage(): () => HTMLDivElement {
  let container: HTMLDivElement;
  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(async () => {
    container.remove();
    sessionStorage.clear();
    history.replaceState(null, '', location.pathname + location.search);
    await useLocale('en');
  });
  return () => container;
}
