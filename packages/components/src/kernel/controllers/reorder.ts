import type { LitElement } from 'lit';
import type { Announcer } from '../../shared/announcer.js';

/*
 * Not in the kernel chunk (vite.config.ts puts src/kernel/*.ts there, which
 * every widget on the kernel loads): a widget that reorders bundles this file,
 * the others do not.
 */

export interface ReorderOptions {
  /** The data attribute that names an item's row by its id (`step` for `<li data-step=${id}>`). */
  item: string;
  /** Whether the items may be moved now (the user may change them, the list is not filtered). */
  enabled: () => boolean;
  /**
   * Moves item `id` one place up (-1) or down (+1), as far as `delta` goes for
   * a drop, and saves it: answers what to announce (its new place, or why it
   * did not move), or null for nothing. Moves run one after another, each from
   * the order the one before left.
   */
  move: (id: string, delta: number) => Promise<string | null>;
}

/** Where focus was among the items: the item's id and its control's `data-control`. */
export interface ItemFocus {
  item: string;
  control: string;
}

/**
 * Reordering a list by keyboard (Alt+ArrowUp and Alt+ArrowDown on an item, or
 * its Move buttons) and by dragging: each move waits for the one before it
 * (one write queue), focus stays on the control that moved the item (moving
 * its row's DOM drops it), and the item's new place is announced.
 *
 * The rows carry `data-<item>=${id}` and their focusable controls
 * `data-control=${name}`; a row's keydown goes to `key`. `DragReorder` adds dragging.
 */
export class Reorder {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    protected readonly host: LitElement,
    private readonly announcer: Announcer,
    private readonly options: ReorderOptions,
  ) {}

  /** Runs `write` once the writes queued before it are done (whether or not they succeeded). */
  queue<T>(write: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(write);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Moves an item by `delta` places (after the moves before it), keeping focus on its `control`, and announces where it went. */
  move(id: string, delta: number, control: string): Promise<void> {
    return this.queue(async () => {
      if (!this.options.enabled()) return;
      const said = await this.options.move(id, delta);
      await this.restore({ item: id, control });
      // The item moved under the user's eyes (and focus): where it went is said to a screen reader only.
      if (said) void this.announcer.say(said, true);
    });
  }

  /**
   * An item row's keydown: Alt+ArrowUp and Alt+ArrowDown move it, except from
   * a control whose own Alt+Arrow it would take (a select's list, a date
   * picker, a text field).
   */
  key(event: KeyboardEvent): void {
    if (!event.altKey || event.ctrlKey || event.metaKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    const origin = event.composedPath()[0] as HTMLElement;
    const id = (event.currentTarget as HTMLElement).dataset[this.options.item];
    if (!id || origin.closest('select, textarea, input:not([type="checkbox"])') || !this.options.enabled()) return;
    event.preventDefault();
    void this.move(id, event.key === 'ArrowUp' ? -1 : 1, origin.dataset.control ?? '');
  }

  /** Which item control has focus (to put it back once the list is drawn again). */
  focused(): ItemFocus | null {
    const active = (this.host.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    const item = active?.closest<HTMLElement>(`[data-${this.options.item}]`)?.dataset[this.options.item];
    const control = active?.dataset.control;
    return item && control ? { item, control } : null;
  }

  /** Once drawn, focus goes back to the item's control (or its first one), unless it is somewhere already. */
  async restore(at: ItemFocus): Promise<void> {
    await this.host.updateComplete;
    const root = this.host.renderRoot as ShadowRoot;
    if (root.activeElement) return;
    const row = root.querySelector(`[data-${this.options.item}="${CSS.escape(at.item)}"]`);
    (row?.querySelector<HTMLElement>(`[data-control="${at.control}"]`) ?? row?.querySelector<HTMLElement>('[data-control]'))?.focus();
  }
}

/** Reorder, and by dragging too: an item's handle starts a drag, and a drop on another item moves it to that item's place. */
export class DragReorder extends Reorder {
  /** The item being dragged, and the one it is over (its row shows where it will land). */
  dragging: string | null = null;
  over: string | null = null;

  /** An item's drag handle: `dragstart` (`label` is what the drag carries as text). */
  drag(event: DragEvent, id: string, label: string): void {
    this.dragging = id;
    event.dataTransfer?.setData('text/plain', label);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  }

  /** An item row's `dragover`: it may take the drop. */
  dragOver(event: DragEvent, id: string): void {
    if (!this.dragging) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    this.over = id;
    this.host.requestUpdate();
  }

  /** An item row's `drop`: the dragged item moves to its place (`ids` is the order shown). */
  drop(event: DragEvent, id: string, ids: string[]): void {
    const dragged = this.dragging;
    this.dragEnd();
    if (!dragged || !ids.includes(dragged)) return;
    event.preventDefault();
    void this.move(dragged, ids.indexOf(id) - ids.indexOf(dragged), '');
  }

  /** The drag ended (dropped or not). */
  dragEnd(): void {
    this.dragging = this.over = null;
    this.host.requestUpdate();
  }
}
