import { virtualizerRef } from '@lit-labs/virtualizer/virtualize.js';
import { provideResizeObserver } from '@lit-labs/virtualizer/polyfillLoaders/ResizeObserver.js';

/* ---------- the virtualizer's ResizeObserver ---------- */

/*
 * Why the virtualizer made the browser report "ResizeObserver loop completed
 * with undelivered notifications": it has two observers, one on its host (the
 * list, its clipping ancestors and the page) and one on the items. The items'
 * callback measures the items just rendered and, in the same callback, lays
 * the list out again: it resizes the host (and so the page) and renders and
 * observes more items. A browser delivers, within one frame, only the resize
 * notifications of elements deeper in the tree than those it just delivered;
 * the host and the page are shallower, and new items as deep, so their
 * notifications wait for the next frame, and the browser says so with that
 * error (an ErrorEvent with no error, which the test runner printed as
 * "null"). Nothing loops, but a page's error reporting sees an error.
 *
 * FrameAlignedResizeObserver, which the virtualizer is given instead, makes
 * those observations start at the next frame itself: while a callback runs,
 * the elements the browser would not notify again this frame are not
 * observed, and elements newly observed at that depth (or taken out of the
 * page, which puts them at depth 1) wait; the next frame observes them all
 * again, and a notification that reports an unchanged size is not passed on. Every notification comes when the browser would have
 * delivered it, and none is skipped, so there is no error. A real error (an
 * exception in a callback) is still reported.
 */

/** An element's depth in the flat tree, as ResizeObserver counts it. */
function depthOf(el: Element): number {
  let depth = 0;
  for (let n: Node | null = el; n; depth++) {
    const parent: Node | null = (n as Element).assignedSlot ?? n.parentNode;
    n = parent instanceof ShadowRoot ? parent.host : parent instanceof Element ? parent : null;
  }
  return depth;
}

/**
 * A `ResizeObserver` (content box only, the virtualizer's use) whose
 * notifications never run into the browser's loop limit: see above. All of
 * them share one native observer, so each step of the browser's delivery
 * loop calls it once, with every entry, and its depth is known.
 */
class FrameAlignedResizeObserver implements ResizeObserver {
  static #native: ResizeObserver | undefined;
  /** Who observes each element (natively observed, unless waiting). */
  static #observers = new Map<Element, Set<FrameAlignedResizeObserver>>();
  /** Elements to observe natively at the next frame. */
  static #waiting = new Set<Element>();
  /** Until the next frame, the depth the browser notifies no more (elements as shallow wait). */
  static #depth: number | null = null;
  static #frame = 0;
  /** Watches the observed elements' parents: an element taken out or put back while a callback runs waits too. */
  static #moves: MutationObserver | undefined;

  static #observe(el: Element) {
    const S = FrameAlignedResizeObserver;
    if (S.#depth !== null && depthOf(el) <= S.#depth) {
      S.#waiting.add(el);
      S.#frame ||= requestAnimationFrame(() => {
        S.#frame = 0;
        S.#depth = null;
        for (const w of S.#waiting) if (S.#observers.has(w)) S.#native!.observe(w);
        S.#waiting.clear();
      });
    } else {
      S.#native ??= new ResizeObserver((entries) => S.#deliver(entries));
      S.#native.observe(el);
      // An element taken out of the page (an item scrolled away) reports its new size, 0, at depth 1; one put back, its size at its depth.
      S.#moves ??= new MutationObserver((records) => {
        if (S.#depth === null) return;
        for (const r of records)
          for (const n of [...r.removedNodes, ...r.addedNodes])
            if (n instanceof Element && S.#observers.has(n) && !S.#waiting.has(n)) {
              S.#native!.unobserve(n);
              S.#observe(n);
            }
      });
      if (el.parentNode) S.#moves.observe(el.parentNode, { childList: true });
    }
  }

  static #deliver(entries: ResizeObserverEntry[]) {
    const S = FrameAlignedResizeObserver;
    const calls = new Map<FrameAlignedResizeObserver, ResizeObserverEntry[]>();
    let shallowest = Infinity;
    for (const entry of entries) {
      shallowest = Math.min(shallowest, depthOf(entry.target));
      const size = `${entry.contentRect.width}x${entry.contentRect.height}`;
      for (const o of S.#observers.get(entry.target) ?? []) {
        if (o.#sizes.get(entry.target) === size) continue;
        o.#sizes.set(entry.target, size);
        calls.set(o, [...(calls.get(o) ?? []), entry]);
      }
    }
    if (!calls.size) return;
    // What the callbacks change at this depth or shallower, the browser would notify only at the next frame: observe it again then.
    S.#depth = shallowest;
    // (Elements out of the page keep their size, 0, until put back, which #moves sees.)
    for (const el of S.#observers.keys()) {
      if (el.isConnected && !S.#waiting.has(el) && depthOf(el) <= shallowest) {
        S.#native!.unobserve(el);
        S.#observe(el);
      }
    }
    for (const [o, list] of calls) {
      try {
        o.#callback.call(o, list, o);
      } catch (error) {
        reportError(error);
      }
    }
  }

  readonly #callback: ResizeObserverCallback;
  /** The size last reported for each observed element. */
  readonly #sizes = new Map<Element, string>();

  constructor(callback: ResizeObserverCallback) {
    this.#callback = callback;
  }

  observe(el: Element): void {
    const S = FrameAlignedResizeObserver;
    if (this.#sizes.has(el)) return;
    this.#sizes.set(el, '');
    const others = S.#observers.get(el);
    if (others) {
      others.add(this);
      // A new observer hears the element's size once, as with a native observer.
      if (!S.#waiting.has(el)) {
        S.#native!.unobserve(el);
        S.#observe(el);
      }
    } else {
      S.#observers.set(el, new Set([this]));
      S.#observe(el);
    }
  }

  unobserve(el: Element): void {
    const S = FrameAlignedResizeObserver;
    if (!this.#sizes.delete(el)) return;
    const set = S.#observers.get(el)!;
    set.delete(this);
    if (set.size) return;
    S.#observers.delete(el);
    if (!S.#waiting.delete(el)) S.#native!.unobserve(el);
  }

  disconnect(): void {
    for (const el of [...this.#sizes.keys()]) this.unobserve(el);
  }
}

// Every virtualizer created from now on uses it (this module loads before any widget renders a list).
if (typeof ResizeObserver !== 'undefined' && typeof requestAnimationFrame !== 'undefined') provideResizeObserver(FrameAlignedResizeObserver);

/** What the widgets use of a `virtualize()` container's virtualizer. */
export interface VirtualizerHandle {
  /** A stand-in for item `index`, rendered or not: its `scrollIntoView` brings it into the DOM. */
  element(index: number): { scrollIntoView(options?: ScrollIntoViewOptions): void } | undefined;
  /** Settles once the visible items are rendered and measured. */
  layoutComplete: Promise<void> | undefined;
}

/** The virtualizer of a container rendered with `virtualize()` (undefined before its first render). */
export function virtualizerOf(container: Element | null | undefined): VirtualizerHandle | undefined {
  return (container as (Element & { [virtualizerRef]?: VirtualizerHandle }) | null | undefined)?.[virtualizerRef];
}

/**
 * Waits until the container's virtualizer has rendered and measured what is
 * in view (never throws). The virtualizer's promise settles at its *next*
 * layout, which never comes when nothing changed: wait `timeoutMs` at most.
 */
export async function layoutComplete(container: Element | null | undefined, timeoutMs = 500): Promise<void> {
  const pending = virtualizerOf(container)?.layoutComplete;
  if (!pending) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([pending, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  } catch {
    /* disconnected */
  } finally {
    clearTimeout(timer);
  }
}

const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/**
 * Brings item `index` of a virtualized list into view (it may not be in the
 * DOM at all) and focuses it once rendered. `find` looks the item's element
 * up. Resolves with the element focused, or null if it never rendered.
 */
export async function revealVirtualItem(
  container: Element | null | undefined,
  index: number,
  find: () => HTMLElement | null,
  options: { block?: ScrollLogicalPosition; always?: boolean } = {},
): Promise<HTMLElement | null> {
  if (options.always || !find()) virtualizerOf(container)?.element(index)?.scrollIntoView({ block: options.block ?? 'start' });
  for (let i = 0; i < 60 && !find(); i++) await frame();
  const target = find();
  target?.focus();
  return target;
}

/**
 * The ARIA feed pattern's keys: Page Down / Page Up move from the article that
 * has focus to the next or previous one. Returns the index to move to (the
 * caller focuses it), or null when the key is not for the feed.
 */
export function feedKeyTarget(event: KeyboardEvent, indexOf: (id: string) => number, count: number): number | null {
  if (event.key !== 'PageDown' && event.key !== 'PageUp') return null;
  const article = event.composedPath().find((n) => n instanceof HTMLElement && n.tagName === 'ARTICLE') as HTMLElement | undefined;
  const id = article?.dataset.id;
  if (!id) return null;
  const index = indexOf(id);
  if (index < 0) return null;
  const next = index + (event.key === 'PageDown' ? 1 : -1);
  if (next < 0 || next >= count) return null;
  event.preventDefault();
  return next;
}

/**
 * A feed is busy while it loads more, and while its virtualizer has not
 * rendered any article yet (a feed must contain articles once it is not busy).
 */
export function syncFeedBusy(feed: Element | null, loading: boolean): void {
  if (!feed) return;
  const busy = loading || !feed.querySelector(':scope > article');
  feed.setAttribute('aria-busy', busy ? 'true' : 'false');
}

/**
 * Keeps keyboard focus in a virtualized list when the virtualizer replaces
 * the DOM of the item that has it (a re-render can briefly drop an item from
 * the rendered range and create it again): focus moves to the same control
 * (`data-action`) of the new copy of the same item (`article[data-id]`), or to
 * the item itself. Wire `onFocusIn` and `onFocusOut` to the list, and call
 * `restore()` after each render of the list.
 */
export class FocusKeeper {
  #memo: { id: string; action: string | null; article: boolean; el: HTMLElement } | null = null;

  constructor(
    private readonly root: ShadowRoot,
    private readonly list: () => Element | null,
  ) {}

  onFocusIn = (event: FocusEvent): void => {
    const el = event.composedPath()[0] as HTMLElement;
    const article = el instanceof HTMLElement ? (el.closest('article[data-id]') as HTMLElement | null) : null;
    this.#memo = article ? { id: article.dataset.id!, action: el.dataset.action ?? null, article: el === article, el } : null;
  };

  onFocusOut = (): void => {
    const memo = this.#memo;
    if (!memo) return;
    requestAnimationFrame(() => {
      if (this.#memo !== memo) return;
      // Still in the page: the user moved focus elsewhere, not the virtualizer.
      if (memo.el.isConnected) this.#memo = null;
      else this.restore();
    });
  };

  restore(): void {
    const memo = this.#memo;
    if (!memo || memo.el.isConnected || this.root.activeElement) return;
    const active = document.activeElement;
    if (active && active !== document.body && active !== this.root.host) return;
    const article = this.list()?.querySelector<HTMLElement>(`:scope > article[data-id="${CSS.escape(memo.id)}"]`);
    if (!article) return;
    const target = memo.article ? article : memo.action ? article.querySelector<HTMLElement>(`[data-action="${memo.action}"]`) : null;
    if (!target) return;
    memo.el = target;
    target.focus({ preventScroll: true });
  }
}
