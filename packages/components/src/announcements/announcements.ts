import { msg, str } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ApiError } from '../api/client.js';
import type { LiveEvent } from '../api/events.js';
import { SEVERITIES, type Announcement, type Severity } from '../api/service-schemas.js';
import { toApiError } from '../api/session.js';
import { JcController } from '../context.js';
import { LiveController } from '../live.js';
import { errorText } from '../shared/account-states.js';
import { Announcer } from '../shared/announcer.js';
import { icon, type IconName } from '../shared/icons.js';
import { announcementsStyles } from './announcements.styles.js';

const ICON: Record<Severity, IconName> = { emergency: 'emergency', error: 'error', warning: 'warning', information: 'info', success: 'check' };
/** Only these interrupt a screen reader; the rest are polite. */
const URGENT: ReadonlySet<Severity> = new Set(['emergency', 'error']);
const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Most severe first (emergency, error, warning, information, success); the server's order within one severity is kept. */
export function bySeverity(items: Announcement[]): Announcement[] {
  return items.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a.severity) - rank(y.a.severity) || x.i - y.i).map(({ a }) => a);
}

/**
 * The portal's announcements, as banners below its navigation: most severe
 * first, each with its severity as an icon and as text. Emergencies and
 * errors are alerts (read out at once); warnings, information and successes
 * are polite status messages. A signed-in user may dismiss any but an
 * emergency. Signed out, those meant for everyone show. New, changed and
 * withdrawn announcements show live. The banners keep their light,
 * high-contrast colours in dark mode too.
 *
 * @element jc-announcements
 * @attr theme - `light` keeps the widget light when the reader's system prefers a dark colour scheme; without it the widget follows `prefers-color-scheme`.
 * @fires jc-announcement-dismissed - The user dismissed an announcement. `detail.announcementId` is its id.
 * @csspart list - The box of banners.
 * @csspart banner - One announcement (also `banner-emergency`, `banner-error`, `banner-warning`, `banner-information`, `banner-success`).
 * @csspart banner-emergency - An announcement of severity emergency.
 * @csspart banner-error - An announcement of severity error.
 * @csspart banner-warning - An announcement of severity warning.
 * @csspart banner-information - An announcement of severity information.
 * @csspart banner-success - An announcement of severity success.
 * @csspart severity - The severity's name ("Emergency").
 * @csspart title - The announcement's title.
 * @csspart body - The announcement's text.
 * @csspart dismiss - A banner's Dismiss button.
 * @csspart error - An error message.
 * @csspart button - The Try again button.
 * @csspart status - Loading text and the announcement of a dismissal.
 * @cssprop --jc-announcement-emergency-bg - The emergency banner's background (#9c3d10).
 * @cssprop --jc-announcement-emergency-text - The emergency banner's text (#ffffff; the other banners' text is #1b1b1b).
 * @cssprop --jc-announcement-error-bg - The error banner's background (#f4e3db).
 * @cssprop --jc-announcement-warning-bg - The warning banner's background (#faf3d1).
 * @cssprop --jc-announcement-information-bg - The information banner's background (#e7f6f8).
 * @cssprop --jc-announcement-success-bg - The success banner's background (#ecf3ec).
 * @cssprop --jc-color-primary - The Try again button (#005ea2; #73b3e7 in dark mode).
 * @cssprop --jc-color-on-primary - The Try again button's text (#ffffff; #1b1b1b in dark mode).
 * @cssprop --jc-color-surface - Not used by this widget, which draws no panel (the banners have their own backgrounds): the shared panel's background.
 * @cssprop --jc-color-text - Text outside the banners (#1b1b1b; #f0f0f0 in dark mode).
 * @cssprop --jc-color-text-muted - Loading text and the announcement of a dismissal (#565c65; #c6cace in dark mode).
 * @cssprop --jc-color-border - Not used by this widget, which draws no panel: the shared panel's border.
 * @cssprop --jc-color-danger - Error messages (#b50909; #f8a9a9 in dark mode).
 * @cssprop --jc-color-danger-surface - Error messages' background (#f4e3db; #3b1414 in dark mode).
 * @cssprop --jc-focus-ring - The focus outline, on buttons and on the banner that receives focus after a dismissal (`0.25rem solid #2491ff`).
 * @cssprop --jc-radius - Corner radius of the banners and buttons (0.25rem).
 * @cssprop --jc-space - Not used by this widget, which draws no panel: the shared panel's padding.
 * @cssprop --jc-font-family - The font (system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif).
 * @cssprop --jc-font-size - The base font size (1rem).
 */
@customElement('jc-announcements')
export class JcAnnouncements extends LitElement {
  static override styles = announcementsStyles;

  /** The JusticeConnect server, when the widget is used without a `jc-provider`. */
  @property() api: string | undefined;

  @state() private status: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private loadError: ApiError | null = null;
  @state() private items: Announcement[] = [];
  @state() private busy = new Set<string>();
  @state() private dismissError: { id: string; text: string } | null = null;

  #jc = new JcController(this);
  #announcer = new Announcer(this);
  #live = new LiveController(this, this.#jc, {
    topics: () => (this.status === 'idle' ? [] : ['*']),
    onEvent: (e) => this.#onLive(e),
    onResync: () => this.#scheduleRefresh(),
  });
  /** Who the banners were loaded for ('' when signed out); a change loads them again. */
  #loadedFor: string | null = null;
  #generation = 0;
  #liveTimer: ReturnType<typeof setTimeout> | undefined;
  #focusAfterRender: string | null = null;

  /** Loads the announcements again. */
  reload(): void {
    this.#loadedFor = this.#loadKey();
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#liveTimer);
  }

  /** Null while the session is being checked or half signed in; '' signed out (announcements for everyone); otherwise who is signed in. */
  #loadKey(): string | null {
    const s = this.#jc.session.state;
    // A session half signed in (no authenticator yet, or the notice not yet accepted) is answered nothing: keep what is shown.
    if (s.status === 'idle' || s.status === 'loading' || s.status === 'enrol-required' || s.status === 'notice-required') return null;
    if (s.status === 'signed-in') return [s.me.id, s.me.status ?? ''].join('|');
    return '';
  }

  get #canDismiss(): boolean {
    const me = this.#jc.session.me;
    return me !== null && (me.status ?? 'active') === 'active';
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const key = this.#loadKey();
    if (key === null || key === this.#loadedFor) return;
    // Signing in or out changes which announcements are meant for the reader.
    this.#loadedFor = key;
    void this.#load();
  }

  protected override updated(): void {
    if (!this.#focusAfterRender) return;
    const target = this.renderRoot.querySelector<HTMLElement>(this.#focusAfterRender);
    this.#focusAfterRender = null;
    target?.focus();
  }

  async #load() {
    const generation = ++this.#generation;
    if (this.status !== 'ready') this.status = 'loading';
    this.loadError = null;
    try {
      const items = await this.#jc.api.listAnnouncements();
      if (generation !== this.#generation) return;
      this.items = bySeverity(items);
      this.status = 'ready';
    } catch (err) {
      if (generation !== this.#generation) return;
      this.loadError = toApiError(err);
      this.status = 'error';
    }
  }

  #onLive(event: LiveEvent) {
    if (event.type === 'announcement.changed') this.#scheduleRefresh();
  }

  #scheduleRefresh() {
    if (this.#loadedFor === null) return;
    clearTimeout(this.#liveTimer);
    this.#liveTimer = setTimeout(() => void this.#refresh(), 250);
  }

  /** Reads the banners again in place; focus on a banner that went away moves to its neighbour. */
  async #refresh() {
    const generation = this.#generation;
    try {
      const items = bySeverity(await this.#jc.api.listAnnouncements());
      if (generation !== this.#generation) return;
      const active = (this.renderRoot as ShadowRoot).activeElement?.closest<HTMLElement>('[data-announcement]')?.dataset.announcement;
      if (active && !items.some((a) => a.id === active)) this.#focusAfterRender = this.#neighbourSelector(active, items);
      this.items = items;
      this.status = 'ready';
      this.loadError = null;
    } catch {
      // The banners shown stay; the next change or reload tries again.
    }
  }

  /** Where focus goes when the banner `id` leaves: the next banner's Dismiss (or the banner), else the one before, else the status line. */
  #neighbourSelector(id: string, remaining: Announcement[]): string {
    const index = this.items.findIndex((a) => a.id === id);
    const after = this.items.slice(index + 1).find((a) => remaining.some((r) => r.id === a.id));
    const before = this.items
      .slice(0, Math.max(0, index))
      .reverse()
      .find((a) => remaining.some((r) => r.id === a.id));
    const next = after ?? before;
    if (!next) return '.announce';
    return next.dismissible && this.#canDismiss ? `[data-dismiss="${CSS.escape(next.id)}"]` : `[data-announcement="${CSS.escape(next.id)}"]`;
  }

  async #dismiss(a: Announcement) {
    if (this.busy.has(a.id)) return;
    this.busy = new Set(this.busy).add(a.id);
    this.dismissError = null;
    try {
      await this.#jc.api.dismissAnnouncement(a.id);
      const remaining = this.items.filter((x) => x.id !== a.id);
      this.#focusAfterRender = this.#neighbourSelector(a.id, remaining);
      this.items = remaining;
      void this.#announcer.say(msg(str`Announcement dismissed: ${a.title}`));
      this.dispatchEvent(new CustomEvent('jc-announcement-dismissed', { detail: { announcementId: a.id }, bubbles: true, composed: true }));
    } catch (err) {
      const error = toApiError(err);
      if (error.status === 401) void this.#jc.session.refresh();
      // Already gone (withdrawn, or ended): take it away as a dismissal would.
      if (error.status === 404) void this.#refresh();
      else this.dismissError = { id: a.id, text: errorText(error) };
    } finally {
      const next = new Set(this.busy);
      next.delete(a.id);
      this.busy = next;
    }
  }

  #severityLabel(severity: Severity): string {
    switch (severity) {
      case 'emergency':
        return msg('Emergency');
      case 'error':
        return msg('Error');
      case 'warning':
        return msg('Warning');
      case 'information':
        return msg('Information');
      case 'success':
        return msg('Success');
    }
  }

  /** The title, without a leading "Warning:" that repeats the severity shown before it. */
  #title(a: Announcement, label: string): string {
    const prefix = `${label}:`;
    const title = a.title.trim();
    return title.toLocaleLowerCase().startsWith(prefix.toLocaleLowerCase()) && title.length > prefix.length ? title.slice(prefix.length).trim() : title;
  }

  #banner(a: Announcement) {
    const label = this.#severityLabel(a.severity);
    const titleId = `jc-announcement-${a.id}`;
    const busy = this.busy.has(a.id);
    const error = this.dismissError?.id === a.id ? this.dismissError.text : null;
    return html`<div
      class="banner ${a.severity}"
      part="banner banner-${a.severity}"
      role=${URGENT.has(a.severity) ? 'alert' : 'status'}
      aria-labelledby=${titleId}
      data-announcement=${a.id}
      data-severity=${a.severity}
      tabindex="-1"
    >
      ${icon(ICON[a.severity], 'severity-icon')}
      <div class="text">
        <p class="headline" id=${titleId}>
          <span class="severity" part="severity">${label}:</span>
          <strong class="title" part="title">${this.#title(a, label)}</strong>
        </p>
        ${a.body ? html`<p class="body" part="body">${a.body}</p>` : nothing}
        ${error ? html`<p class="error" part="error">${error}</p>` : nothing}
      </div>
      ${a.dismissible && this.#canDismiss
        ? html`<button
            type="button"
            class="dismiss"
            part="dismiss"
            data-dismiss=${a.id}
            aria-disabled=${busy ? 'true' : 'false'}
            aria-describedby=${titleId}
            @click=${() => this.#dismiss(a)}
          >
            ${icon('close')}<span>${msg('Dismiss')}</span>
          </button>`
        : nothing}
    </div>`;
  }

  protected override render() {
    // Its own region (the shared Announcer's words), focusable: focus lands here when the last dismissible banner goes.
    const announce = html`<p class="announce" part="status" role="status" aria-live="polite" tabindex="-1">${this.#announcer.text}</p>`;
    if (this.status === 'error' && this.loadError)
      return html`<div class="problem">
          <p class="error" part="error">${msg('Announcements could not be loaded.')} ${errorText(this.loadError)}</p>
          <button part="button" type="button" class="secondary" @click=${() => this.reload()}>${msg('Try again')}</button>
        </div>
        ${announce}`;
    if (this.status !== 'ready')
      return html`<p class="loading" part="status" role="status">${this.status === 'idle' ? nothing : msg('Loading announcements…')}</p>
        ${announce}`;
    return html`${this.items.length
        ? html`<section class="list" part="list" aria-label=${msg('Announcements')}>${repeat(this.items, (a) => a.id, (a) => this.#banner(a))}</section>`
        : nothing}
      ${announce}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-announcements': JcAnnouncements;
  }
}
