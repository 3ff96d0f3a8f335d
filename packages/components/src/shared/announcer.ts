import { css, html, type ReactiveControllerHost, type TemplateResult } from 'lit';

/**
 * A widget's polite live region: `say()` puts a message in it (cleared first,
 * so the same message twice is read twice). Render `render()` from the first
 * render on: a live region must exist before it speaks.
 */
export class Announcer {
  #text = '';

  /** (Not a controller: it has nothing to do on the host's connect or update; it only asks the host to render.) */
  constructor(private readonly host: ReactiveControllerHost) {}

  get text(): string {
    return this.#text;
  }

  async say(text: string): Promise<void> {
    this.#text = '';
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.#text = text;
    this.host.requestUpdate();
  }

  /** Empties the region at once (a sign-out: the next person at the screen does not read the last one's messages). */
  clear(): void {
    this.#text = '';
    this.host.requestUpdate();
  }

  render(): TemplateResult {
    return html`<p class="announce" part="status" role="status" aria-live="polite">${this.#text}</p>`;
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
