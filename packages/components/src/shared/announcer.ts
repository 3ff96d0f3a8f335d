import { css, html, type ReactiveControllerHost, type TemplateResult } from 'lit';

/**
 * A widget's polite live region: `say()` puts a message in it (cleared first,
 * so the same message twice is read twice). Render `render()` from the first
 * render on: a live region must exist before it speaks.
 */
export class Announcer {
  #text = '';
  /** For a screen reader only: the same words already show where the action was (a count beside its list). */
  #quiet?: boolean;

  /** (Not a controller: it has nothing to do on the host's connect or update; it only asks the host to render.) */
  constructor(private readonly host: ReactiveControllerHost) {}

  get text(): string {
    return this.#text;
  }

  /** Says `text`; `quiet`: to a screen reader only, when the same words already show beside what caused them (shown twice, they read as two messages). */
  async say(text: string, quiet?: boolean): Promise<void> {
    this.#text = '';
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.#text = text;
    this.#quiet = quiet;
    this.host.requestUpdate();
  }

  /** Empties the region at once (a sign-out: the next person at the screen does not read the last one's messages). */
  clear(): void {
    this.#text = '';
    this.host.requestUpdate();
  }

  render(): TemplateResult {
    return html`<p class=${this.#quiet ? 'visually-hidden' : 'announce'} part="status" role="status" aria-live="polite">${this.#text}</p>`;
  }
}

/** The announcement's look (after `tokens`): a bar while it speaks, nothing when empty. */
export const announcerStyles = css`
  .announce {
    margin: 0.75rem 0 0;
    padding: 0.5rem 0.75rem;
    border-left: 0.25rem solid var(--_success);
  }
  /* Empty, it stays in place (live regions must exist before they speak) but takes no room. */
  .announce:empty {
    margin: 0;
    padding: 0;
    border: 0;
  }
`;
