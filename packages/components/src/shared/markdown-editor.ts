import { msg, str } from '@lit/localize';
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { markdown } from './markdown.js';

type Mode = 'write' | 'preview';

export interface MarkdownFieldOptions {
  label: string;
  /** Under the label; the default says which Markdown works. */
  hint?: string;
  /** A field error, shown under the box and tied to it (aria-invalid, aria-describedby). */
  error?: string | null;
  name?: string;
  maxlength?: number;
  rows?: number;
  /** Called as the user types (e.g. to keep a draft). */
  onInput?: (value: string) => void;
}

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };

/**
 * A Markdown text box with Write and Preview tabs (the ARIA tabs pattern:
 * arrow keys, Home and End move between the tabs). The preview goes through
 * `markdown`, like the published text will. The text box stays in the
 * DOM while the preview shows, so nothing typed is lost. Include
 * `markdownEditorStyles` in the host's styles.
 */
export class MarkdownEditor implements ReactiveController {
  mode: Mode = 'write';
  #preview = '';
  /** What is typed, kept here so it survives the box leaving the DOM (and coming back). */
  #draft = '';

  constructor(
    private readonly host: Host,
    /** The text box's id; the tabs and panels take ids from it. */
    readonly id: string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  get textarea(): HTMLTextAreaElement | null {
    return this.host.renderRoot.querySelector<HTMLTextAreaElement>(`#${this.id}`);
  }

  get value(): string {
    return this.#draft;
  }

  set value(text: string) {
    this.#draft = text;
    this.host.requestUpdate();
  }

  /** Back to the Write tab (and, with `focus`, into the text box once rendered). */
  async write(focus = false): Promise<void> {
    this.#select('write');
    if (!focus) return;
    await this.host.updateComplete;
    this.textarea?.focus();
  }

  /** Empties the box and shows the Write tab. */
  clear(): void {
    this.value = '';
    this.#preview = '';
    this.#select('write');
  }

  #select(mode: Mode) {
    if (mode === 'preview') this.#preview = this.value;
    if (this.mode === mode && mode === 'write') return;
    this.mode = mode;
    this.host.requestUpdate();
  }

  async #activate(mode: Mode) {
    this.#select(mode);
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(`#${this.id}-tab-${mode}`)?.focus();
  }

  #onTabKey = (event: KeyboardEvent) => {
    const order: Mode[] = ['write', 'preview'];
    const at = order.indexOf(this.mode);
    let next: Mode | null = null;
    if (event.key === 'ArrowRight') next = order[(at + 1) % order.length]!;
    else if (event.key === 'ArrowLeft') next = order[(at + order.length - 1) % order.length]!;
    else if (event.key === 'Home') next = 'write';
    else if (event.key === 'End') next = 'preview';
    if (!next) return;
    event.preventDefault();
    void this.#activate(next);
  };

  render(options: MarkdownFieldOptions): TemplateResult {
    const id = this.id;
    const write = this.mode === 'write';
    const described = [`${id}-hint`, options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
    const tab = (mode: Mode, label: string) => html`<button
      type="button"
      role="tab"
      part="tab"
      id=${`${id}-tab-${mode}`}
      aria-selected=${this.mode === mode ? 'true' : 'false'}
      aria-controls=${`${id}-panel-${mode}`}
      tabindex=${this.mode === mode ? 0 : -1}
      @click=${() => void this.#activate(mode)}
    >
      ${label}
    </button>`;
    return html`<div class="md-field">
      <label for=${id}>${options.label}</label>
      <span class="hint" id=${`${id}-hint`}>${options.hint ?? msg('Markdown works: **bold**, _italic_, lists and links.')}</span>
      <div class="md-tabs" role="tablist" aria-label=${msg(str`${options.label}: write or preview`)} @keydown=${this.#onTabKey}>
        ${tab('write', msg('Write'))} ${tab('preview', msg('Preview'))}
      </div>
      <div class="md-panel" role="tabpanel" id=${`${id}-panel-write`} aria-labelledby=${`${id}-tab-write`} ?hidden=${!write}>
        <textarea
          id=${id}
          part="input"
          name=${options.name ?? 'body'}
          maxlength=${options.maxlength ?? 20000}
          rows=${options.rows ?? 4}
          aria-describedby=${described}
          aria-invalid=${options.error ? 'true' : 'false'}
          .value=${live(this.#draft)}
          @input=${(e: Event) => {
            this.#draft = (e.target as HTMLTextAreaElement).value;
            options.onInput?.(this.#draft);
          }}
        ></textarea>
      </div>
      <div
        class="md-panel md-preview body"
        part="preview"
        role="tabpanel"
        id=${`${id}-panel-preview`}
        aria-labelledby=${`${id}-tab-preview`}
        tabindex="0"
        ?hidden=${write}
      >
        ${write ? nothing : this.#preview.trim() ? markdown(this.#preview) : html`<p class="muted">${msg('Nothing to preview yet.')}</p>`}
      </div>
      ${options.error ? html`<p class="error" part="error" id=${`${id}-error`} role="alert">${options.error}</p>` : nothing}
    </div>`;
  }
}

/** The Write / Preview tabs' look (after `tokens`). */
export const markdownEditorStyles = css`
  .md-field {
    display: grid;
    gap: 0.375rem;
  }
  .md-tabs {
    display: flex;
    gap: 0.25rem;
    border-bottom: 1px solid var(--_border);
  }
  .md-tabs [role='tab'] {
    padding: 0.25rem 0.875rem;
    font-size: var(--_font-small);
    background: transparent;
    color: var(--_fg);
    border: 1px solid transparent;
    border-bottom: 0;
    border-radius: var(--_radius) var(--_radius) 0 0;
    font-weight: 400;
    margin-bottom: -1px;
  }
  .md-tabs [role='tab'][aria-selected='true'] {
    border-color: var(--_border);
    background: var(--_bg);
    font-weight: 600;
    box-shadow: inset 0 -2px 0 var(--_bg);
  }
  .md-preview {
    min-height: 4rem;
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
`;
