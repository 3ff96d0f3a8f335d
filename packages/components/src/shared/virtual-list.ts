import { virtualizerRef } from '@lit-labs/virtualizer/virtualize.js';

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
