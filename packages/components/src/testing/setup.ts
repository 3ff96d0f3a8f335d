import { fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../provider/provider.js';
import type { JcProvider } from '../provider/provider.js';
import { waitUntil } from './wait.js';

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
export const announcement = (el: HTMLElement): string => text(shadow(el).querySelector('.announce'));

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
