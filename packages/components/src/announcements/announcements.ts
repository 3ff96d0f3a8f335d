import { msg, str } from '@lit/localize';
import { announcementEndpoints } from '../api/announcements.js';
import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { SEVERITIES, type Announcement, type Severity } from '../api/service-schemas.js';
import { JcElement, customElement } from '../kernel/element.js';
import { LiveController } from '../live.js';
import { errorText } from '../shared/account-states.js';
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
 * withdrawn announcements show live. The banners follow the theme: each
 * severity has its own surface colour, and the emergency banner a strong one.
 *
 * @element jc-announcements
 * @attr theme - The widget's colour theme: `light`, `dark` or `high-contrast`. Without it the widget takes its `jc-provider`'s `theme`, or else follows the reader's system (`prefers-color-scheme`, and `prefers-contrast: more`). `--jc-*` custom properties set by the page win over any theme.
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
 * @cssprop --jc-announcement-emergency-bg - The emergency banner's background (the emergency colour, `--jc-color-emergency`).
 * @cssprop --jc-announcement-emergency-text - The emergency banner's text (`--jc-color-on-emergency`; the other banners' text is `--jc-color-text`).
 * @cssprop --jc-announcement-error-bg - The error banner's background (the danger surface, `--jc-color-danger-surface`).
 * @cssprop --jc-announcement-warning-bg - The warning banner's background (the warning surface, `--jc-color-warning-surface`).
 * @cssprop --jc-announcement-information-bg - The information banner's background (the information surface, `--jc-color-info-surface`).
 * @cssprop --jc-announcement-success-bg - The success banner's background (the success surface, `--jc-color-success-surface`).
 * @cssprop --jc-color-surface - Not used by this widget, which draws no panel (the banners have their own backgrounds): the shared panel's background.
 * @cssprop --jc-color-text - Text outside the banners (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-color-text-muted - Loading text and the announcement of a dismissal (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-color-border - Not used by this widget, which draws no panel: the shared panel's border.
 * @cssprop --jc-color-primary - The Try again button (light #005ea2, dark #73b3e7, high contrast #0b4778).
 * @cssprop --jc-color-on-primary - The Try again button's text (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-focus - The focus outline's colour (light #0076d6, dark #58b4ff, high contrast #0050d8).
 * @cssprop --jc-color-danger - Error messages (light #b50909, dark #f8a9a9, high contrast #8b0a03).
 * @cssprop --jc-color-danger-surface - Error messages' background (light #f4e3db, dark #3b1414, high contrast #fff3f2).
 * @cssprop --jc-color-success - The edge of the message that announces the result of an action (light #00a91c, dark #70e17b, high contrast #154c21).
 * @cssprop --jc-color-success-surface - The success banner's background (light #ecf3ec, dark #19311e, high contrast #e3f5e1).
 * @cssprop --jc-color-warning - The warning banner's edge (#ffbe2e).
 * @cssprop --jc-color-warning-surface - The warning banner's background (light #faf3d1, dark #3b2b15, high contrast #fef0c8).
 * @cssprop --jc-color-info - The information banner's edge (light #00bde3, dark #52daf2, high contrast #0e4f5c).
 * @cssprop --jc-color-info-surface - The information banner's background (light #e7f6f8, dark #093b44, high contrast #e5faff).
 * @cssprop --jc-color-emergency - The emergency banner's background (light #9c3d10, dark #9c3d10, high contrast #8b0a03).
 * @cssprop --jc-color-on-emergency - The emergency banner's text and icon (#ffffff).
 * @cssprop --jc-color-scheme - The colour scheme of native controls (checkboxes, selects, scrollbars) (`light`; `dark` in the dark theme).
 * @cssprop --jc-font-family - The font (system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif).
 * @cssprop --jc-font-family-heading - Headings' font (the body font).
 * @cssprop --jc-font-size - The base font size (1rem).
 * @cssprop --jc-font-size-small - Small text: author and date lines, hints, small buttons (0.875rem).
 * @cssprop --jc-font-size-heading - The widget's heading (1.25rem).
 * @cssprop --jc-line-height - Line height (1.5).
 * @cssprop --jc-space - Not used by this widget, which draws no panel: the shared panel's padding.
 * @cssprop --jc-radius - Corner radius of the banners and buttons (0.25rem).
 * @cssprop --jc-focus-width - The focus outline's width, at least 2px (0.25rem).
 * @cssprop --jc-focus-ring - The whole focus outline, instead of `--jc-focus-width` and `--jc-color-focus` (`--jc-focus-width solid --jc-color-focus`).
 */
@customElement('jc-announcements')
export class JcAnnouncements extends JcElement<[typeof announcementEndpoints]> {
  static override resources = [announcementEndpoints];
  static override styles = announcementsStyles;

  @state() private busy = new Set<string>();
  @state() private dismissError: { id: string; text: string } | null = null;

  /** Signing in or out changes which announcements are meant for the reader; what is shown stays meanwhile. */
  #items = this.resource({
    load: async () => bySeverity(await this.jc.api.listAnnouncements()),
    key: (s) =>
      // Null while the session is being checked or half signed in (no authenticator yet, or the notice not yet accepted): keep what is shown.
      s.status === 'idle' || s.status === 'loading' || s.status === 'enrol-required' || s.status === 'notice-required'
        ? undefined
        : s.status === 'signed-in'
          ? [s.me.id, s.me.status].join('|')
          : '',
    keep: true,
  });
  #live = new LiveController(this, this.jc, {
    topics: () => (this.#items.status === 'idle' ? [] : ['*']),
    onEvent: (e) => e.type === 'announcement.changed',
    refresh: () => void this.#refresh(),
  });
  #focusAfterRender: string | null = null;

  /** Loads the announcements again. */
  reload(): void {
    this.#items.reload();
  }

  get #list(): Announcement[] {
    return this.#items.value ?? [];
  }

  get #canDismiss(): boolean {
    const me = this.jc.session.me;
    return me !== null && (me.status ?? 'active') === 'active';
  }

  protected override updated(): void {
    if (!this.#focusAfterRender) return;
    const target = this.renderRoot.querySelector<HTMLElement>(this.#focusAfterRender);
    this.#focusAfterRender = null;
    target?.focus();
  }

  /** Reads the banners again in place; focus on a banner that went away moves to its neighbour. */
  #refresh() {
    return this.#items.update(async (shown, signal) => {
      const items = bySeverity(await this.jc.api.listAnnouncements());
      if (signal.aborted) return items;
      const active = (this.renderRoot as ShadowRoot).activeElement?.closest<HTMLElement>('[data-announcement]')?.dataset.announcement;
      if (active && !items.some((a) => a.id === active)) this.#focusAfterRender = this.#neighbourSelector(active, items, shown);
      return items;
    });
  }

  /** Where focus goes when the banner `id` leaves: the next banner's Dismiss (or the banner), else the one before, else the status line. */
  #neighbourSelector(id: string, remaining: Announcement[], shown = this.#list): string {
    const index = shown.findIndex((a) => a.id === id);
    const after = shown.slice(index + 1).find((a) => remaining.some((r) => r.id === a.id));
    const before = shown
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
      await this.jc.api.dismissAnnouncement(a.id);
      const remaining = this.#list.filter((x) => x.id !== a.id);
      this.#focusAfterRender = this.#neighbourSelector(a.id, remaining);
      this.#items.value = remaining;
      void this.announcer.say(msg(str`Announcement dismissed: ${a.title}`));
      this.emit('jc-announcement-dismissed', { announcementId: a.id });
    } catch (err) {
      const error = this.failed(err);
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
    return {
      emergency: msg('Emergency'),
      error: msg('Error'),
      warning: msg('Warning'),
      information: msg('Information'),
      success: msg('Success'),
    }[severity];
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
          <strong class="title" part="title">${a.title}</strong>
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
    const announce = html`<p class="announce" part="status" role="status" aria-live="polite" tabindex="-1">${this.announcer.text}</p>`;
    const { status, error } = this.#items;
    if (status === 'error' && error)
      return html`<div class="problem">
          <p class="error" part="error">${msg('Announcements could not be loaded.')} ${errorText(error)}</p>
          <button part="button" type="button" class="secondary" @click=${() => this.reload()}>${msg('Try again')}</button>
        </div>
        ${announce}`;
    if (status !== 'ready')
      return html`<p class="loading" part="status" role="status">${status === 'idle' ? nothing : msg('Loading announcements…')}</p>
        ${announce}`;
    const items = this.#list;
    return html`${items.length
        ? html`<section class="list" part="list" aria-label=${msg('Announcements')}>${repeat(items, (a) => a.id, (a) => this.#banner(a))}</section>`
        : nothing}
      ${announce}`;
  }
}

declare module '../kernel/element.js' {
  interface JcEventMap {
    'jc-announcement-dismissed': { announcementId: string };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-announcements': JcAnnouncements;
  }
}
