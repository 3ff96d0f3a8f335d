import { css, html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';

export interface TooltipOptions {
  /** Unique within the widget's shadow root: the tooltip's id, which the trigger names in `aria-describedby`. */
  id: string;
  /** What the tooltip says. Text only: a tooltip holds nothing to click or focus. */
  content: unknown;
  /** The trigger (a button or a link), given the tooltip's id for its `aria-describedby`. */
  trigger: (tooltipId: string) => TemplateResult;
  /** Where the bubble sits: under the trigger from its start (default), or from its end (for triggers near the right edge). */
  align?: 'start' | 'end';
}

type Source = 'hover' | 'focus';

/**
 * Tooltips as WCAG 1.4.13 asks: shown while the trigger is hovered (the
 * pointer may move onto the bubble) and while it has keyboard focus, hidden
 * with Escape without moving either, and read by screen readers as the
 * trigger's description (`role="tooltip"`, `aria-describedby`) whether shown
 * or not. One shows at a time: the one last hovered or focused.
 *
 * Use one controller per widget, and put `tooltipStyles` in its styles.
 */
export class TooltipController implements ReactiveController {
  #hover: string | null = null;
  #focus: string | null = null;
  #last: Source = 'focus';
  #dismissed: string | null = null;
  #queued = false;
  #onKeydown = (event: KeyboardEvent) => {
    const open = this.openId;
    if (event.key !== 'Escape' || !open) return;
    this.#dismissed = open;
    this.#changed();
  };

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('keydown', this.#onKeydown);
  }

  hostDisconnected(): void {
    document.removeEventListener('keydown', this.#onKeydown);
    this.#hover = this.#focus = this.#dismissed = null;
  }

  /** The tooltip showing now, if any. */
  get openId(): string | null {
    const first = this.#last === 'hover' ? this.#hover : this.#focus;
    const id = first ?? this.#hover ?? this.#focus;
    return id && id !== this.#dismissed ? id : null;
  }

  #set(source: Source, id: string) {
    if (source === 'hover') this.#hover = id;
    else this.#focus = id;
    this.#last = source;
    if (this.#dismissed === id) this.#dismissed = null;
    this.#changed();
  }

  #unset(source: Source, id: string) {
    if (source === 'hover' && this.#hover === id) this.#hover = null;
    if (source === 'focus' && this.#focus === id) this.#focus = null;
    if (this.#dismissed === id && this.#hover !== id && this.#focus !== id) this.#dismissed = null;
    this.#changed();
  }

  /**
   * Re-renders the host after the current task's work: focus events also fire
   * while the host renders (a focused trigger moved or removed), and an update
   * asked for then would be a second one.
   */
  #changed() {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.host.requestUpdate();
    });
  }

  /** A trigger and its tooltip. */
  render(options: TooltipOptions): TemplateResult {
    const { id } = options;
    const open = this.openId === id;
    return html`<span
      class="tip ${options.align === 'end' ? 'end' : ''}"
      @mouseenter=${() => this.#set('hover', id)}
      @mouseleave=${() => this.#unset('hover', id)}
      @focusin=${() => this.#set('focus', id)}
      @focusout=${(e: FocusEvent) => {
        if (!(e.currentTarget as Element).contains(e.relatedTarget as Node | null)) this.#unset('focus', id);
      }}
      @click=${() => this.#set('focus', id)}
      >${options.trigger(id)}<span class="tip-bubble" role="tooltip" id=${id} part="tooltip" ?hidden=${!open}>${options.content}</span></span
    >`;
  }
}

/** The bubble's look (after `tokens`). Theme it with `--jc-tooltip-bg` and `--jc-tooltip-text` (the theme's by default). */
export const tooltipStyles = css`
  .tip {
    position: relative;
    display: inline-flex;
  }
  .tip-bubble {
    position: absolute;
    z-index: 20;
    top: calc(100% + 0.375rem);
    left: 0;
    width: max-content;
    max-width: min(22rem, 80vw);
    padding: 0.5rem 0.75rem;
    border-radius: var(--_radius);
    background: var(--jc-tooltip-bg, var(--_d-tooltip-bg));
    color: var(--jc-tooltip-text, var(--_d-tooltip-text));
    /* Transparent, except in forced colours, where it outlines the bubble (its background and shadow are gone there). */
    outline: 1px solid transparent;
    font-size: var(--_font-small);
    font-weight: 400;
    line-height: 1.4;
    text-align: start;
    white-space: normal;
    overflow-wrap: anywhere;
    box-shadow: 0 0.25rem 0.75rem rgb(0 0 0 / 0.25);
  }
  /* A bridge over the gap, so the pointer can move from the trigger onto the bubble. */
  .tip-bubble::before {
    content: '';
    position: absolute;
    left: 0;
    right: 0;
    top: -0.5rem;
    height: 0.5rem;
  }
  .tip.end .tip-bubble {
    left: auto;
    right: 0;
  }
  .tip-bubble[hidden] {
    display: none;
  }
  .tip-bubble > * {
    display: block;
  }
  .tip-bubble > * + * {
    margin-top: 0.25rem;
  }
`;
