import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { ApiError } from '../api/client.js';
import type { SessionEnd, SessionState } from '../api/session.js';
import { formatNumber } from './localization.js';

/** What a widget tells its user about a failed request. */
export function errorText(error: ApiError): string {
  if (error.code === 'NETWORK') return msg('Could not reach JusticeConnect. Check your connection and try again.');
  if (error.status === 429) return msg('Too many requests. Wait a moment and try again.');
  if (error.status >= 500) return msg('JusticeConnect could not answer just now. Try again in a moment.');
  return error.message;
}

/** Why the user was signed out without asking (the idle timeout, or the session's absolute lifetime). */
export function sessionEndText(ended: SessionEnd, idleMinutes: number): string {
  return ended === 'idle'
    ? msg(str`You were signed out after ${formatNumber(idleMinutes)} minutes without activity.`)
    : msg('You were signed out because your session reached its time limit.');
}

/**
 * The view for a session that is not (yet) signed in: checking, failed (with
 * Try again), signed out (and why, when it timed out), or a sign-in half done
 * (finished in `jc-sign-in`). Null once signed in, when the widget renders its own content.
 */
export function renderSessionState(session: SessionState, retry: () => void, signedOutText: string, idleMinutes = 30): TemplateResult | null {
  switch (session.status) {
    case 'idle':
    case 'loading':
      return html`<p class="muted" part="status" role="status">${msg('Checking your sign-in…')}</p>`;
    case 'error':
      return html`<p class="error" part="error" role="alert">${errorText(session.error)}</p>
        <button part="button" type="button" @click=${retry}>${msg('Try again')}</button>`;
    case 'signed-out':
      return html`${session.ended ? html`<p part="status">${sessionEndText(session.ended, idleMinutes)}</p>` : nothing}<p>${signedOutText}</p>`;
    case 'code-required':
    case 'enrol-required':
    case 'notice-required':
      return html`<p part="status">${msg('Finish signing in to JusticeConnect to use this.')}</p>`;
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

/**
 * The view for an account gate, the codes that mean "your account cannot use communities yet", not
 * "something broke" (pending approval, disabled, or not opted in), or null for any other code.
 */
export function renderAccountGate(code: string | undefined, options: GateOptions): TemplateResult | null {
  if (code === 'ACCOUNT_PENDING')
    return html`<p>${msg('Your account is waiting for your agency administrator’s approval. You can use communities once they approve it.')}</p>`;
  if (code === 'ACCOUNT_DISABLED') return html`<p>${msg('Your account is not active. Contact your agency administrator.')}</p>`;
  if (code !== 'OPT_IN_REQUIRED') return null;
  return html`<p>${options.optInText}</p>
    ${options.actionError ? html`<p class="error" part="error" role="alert">${options.actionError}</p>` : nothing}
    <button part="button" type="button" ?disabled=${options.optingIn} @click=${options.onOptIn}>
      ${options.optingIn ? msg('Opting in…') : msg('Yes, opt in to JusticeConnect')}
    </button>`;
}
