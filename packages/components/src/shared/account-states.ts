import { msg } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { ApiError } from '../api/client.js';
import type { SessionState } from '../api/session.js';

/** Error codes that mean "your account cannot use communities yet", not "something broke". */
export const ACCOUNT_GATES = new Set(['ACCOUNT_PENDING', 'OPT_IN_REQUIRED', 'ACCOUNT_DISABLED']);

/** What a widget tells its user about a failed request. */
export function errorText(error: ApiError): string {
  if (error.code === 'NETWORK') return msg('Could not reach JusticeConnect. Check your connection and try again.');
  if (error.status === 429) return msg('Too many requests. Wait a moment and try again.');
  if (error.status >= 500) return msg('JusticeConnect could not answer just now. Try again in a moment.');
  return error.message;
}

/**
 * The view for a session that is not (yet) signed in: checking, failed (with
 * Try again), or signed out. Null once signed in, when the widget renders its own content.
 */
export function renderSessionState(session: SessionState, retry: () => void, signedOutText: string): TemplateResult | null {
  switch (session.status) {
    case 'idle':
    case 'loading':
      return html`<p class="muted" part="status" role="status">${msg('Checking your sign-in…')}</p>`;
    case 'error':
      return html`<p class="error" part="error" role="alert">${errorText(session.error)}</p>
        <button part="button" type="button" @click=${retry}>${msg('Try again')}</button>`;
    case 'signed-out':
      return html`<p>${signedOutText}</p>`;
    case 'signed-in':
      return null;
  }
}

export interface GateOptions {
  /** Why to opt in, in this widget's words. */
  optInText: string;
  optingIn: boolean;
  onOptIn: () => void;
  /** An error from the last opt-in attempt, if the widget shows it here. */
  actionError?: string | null;
}

/** The view for an account gate (pending approval, disabled, or not opted in), or null for any other code. */
export function renderAccountGate(code: string | undefined, options: GateOptions): TemplateResult | null {
  if (!code || !ACCOUNT_GATES.has(code)) return null;
  if (code === 'ACCOUNT_PENDING')
    return html`<p>${msg('Your account is waiting for your agency administrator’s approval. You can use communities once they approve it.')}</p>`;
  if (code === 'ACCOUNT_DISABLED') return html`<p>${msg('Your account is not active. Contact your agency administrator.')}</p>`;
  return html`<p>${options.optInText}</p>
    ${options.actionError ? html`<p class="error" part="error" role="alert">${options.actionError}</p>` : nothing}
    <button part="button" type="button" ?disabled=${options.optingIn} @click=${options.onOptIn}>
      ${options.optingIn ? msg('Opting in…') : msg('Yes, opt in to JusticeConnect')}
    </button>`;
}
