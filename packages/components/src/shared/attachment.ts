import { html, nothing, type TemplateResult } from 'lit';
import { httpError, type ApiTransport } from '../api/transport.js';
import type { Attachment } from '../api/schemas.js';
import { toApiError } from '../api/session.js';
import { errorText } from './account-states.js';
import { fileSize } from './file-size.js';

export { fileSize };

/** An attachment's address on the API's server; only http(s). */
export function fileHref(api: ApiTransport, url: string): string | undefined {
  try {
    const href = api.resolve(url);
    return /^https?:/i.test(href) ? href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Follows an attachment link. On the server's own origin the link itself
 * works (the session cookie goes with it); across origins a plain link
 * carries no credentials, so the file is fetched with the bearer token and
 * saved from memory. Calls `onError` with the reason if that fails.
 */
export async function openAttachment(event: MouseEvent, api: ApiTransport, file: Pick<Attachment, 'url' | 'filename'>, onError: (text: string) => void): Promise<void> {
  if (!api.crossOrigin) return;
  event.preventDefault();
  try {
    const response = await api.stream(file.url);
    if (!response.ok) throw httpError(response.status);
    const blob = await response.blob();
    const href = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = href;
    a.download = file.filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  } catch (err) {
    onError(errorText(toApiError(err)));
  }
}

/** An attachment as a download link with its name and size. */
export function renderAttachment(api: ApiTransport, file: Attachment, locale: string | undefined, onError: (text: string) => void): TemplateResult {
  return html`<p class="attachment" part="attachment">
    <span aria-hidden="true">📎</span>
    <a
      href=${fileHref(api, file.url) ?? nothing}
      download=${file.filename}
      rel="noopener noreferrer"
      @click=${(e: MouseEvent) => void openAttachment(e, api, file, onError)}
      >${file.filename}</a
    >
    <span class="muted">(${fileSize(file.size, locale)})</span>
  </p>`;
}
