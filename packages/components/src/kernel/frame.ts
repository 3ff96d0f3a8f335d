import { msg } from '@lit/localize';
import { html } from 'lit';
import type { ApiError } from '../api/client.js';
import type { SessionStore } from '../api/session.js';
import { errorText, renderAccountGate, renderSessionState } from '../shared/account-states.js';
import type { LoadStatus } from './resource.js';

/** A widget's words for the states of its frame. */
export interface FrameOptions<T = unknown> {
  /** Shown to a signed-out reader. Without it the widget serves signed-out readers too: no session states are shown. */
  signedOut?: string;
  /** Why to opt in. Without it, an OPT_IN_REQUIRED answer is an error like any other (the widget does not need the opt-in). */
  optIn?: string;
  /** An account waiting for approval, in this widget's words (else the shared text). */
  pending?: string;
  /** The opt-in's own failure, shown under its button. */
  actionError?: string | null;
  /** What the Opt in button does (default: JcElement's `optIn`, whose failure replaces the load's error). */
  onOptIn?: () => void;
  /** Shown while loading. */
  loading?: string;
  /** A 404: the thing shown is not available (e.g. "This topic is not available."). Without it, a 404 is an error like any other. */
  notAvailable?: string;
  /** The view of an empty answer, or null when the answer is not empty. */
  empty?: (value: T) => unknown;
}

/** What the frame shows, read from the element and its resource. */
export interface FrameView {
  session: SessionStore;
  status: LoadStatus;
  error: ApiError | null;
  optingIn: boolean;
  onOptIn: () => void;
  retry: () => void;
}

/**
 * The session's states (checking, failed with Try again, signed out and
 * why, finish signing in) and the account's (waiting for approval,
 * disabled, opt in): the view, or null when the widget may show its data.
 */
export function renderGate(view: FrameView, options: FrameOptions<never>): unknown {
  const { session } = view;
  if (options.signedOut !== undefined) {
    const state = renderSessionState(session.state, () => void session.refresh(), options.signedOut, session.idleTimeoutMinutes);
    if (state) return state;
  }
  const code = view.status === 'error' ? view.error?.code : undefined;
  if (code === 'ACCOUNT_PENDING' && options.pending) return html`<p>${options.pending}</p>`;
  if (code === 'OPT_IN_REQUIRED' && options.optIn === undefined) return null;
  return renderAccountGate(code, { optInText: options.optIn ?? '', optingIn: view.optingIn, onOptIn: view.onOptIn, actionError: options.actionError });
}

/** The load's states: not available, loading, failed (with Try again), empty; null once there is data to show. */
export function renderLoad<T>(view: FrameView, value: T | undefined, options: FrameOptions<T>): unknown {
  const { error, status } = view;
  if (status === 'error' && error) {
    if (options.notAvailable && error.status === 404) return html`<p>${options.notAvailable}</p>`;
    return html`<p class="error" part="error" role="alert">${errorText(error)}</p>
      <button part="button" type="button" @click=${view.retry}>${msg('Try again')}</button>`;
  }
  if (status !== 'ready') return html`<p class="muted" part="status" role="status">${options.loading}</p>`;
  return options.empty?.(value as T) ?? null;
}
