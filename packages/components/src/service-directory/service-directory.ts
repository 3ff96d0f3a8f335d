import { msg, str } from '@lit/localize';
import { serviceEndpoints } from '../api/services.js';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { LiveEvent } from '../api/events.js';
import type { AccessRequest, Service } from '../api/service-schemas.js';
import { JcElement, customElement } from '../kernel/element.js';
import { signedInKey } from '../kernel/resource.js';
import { LiveController } from '../live.js';
import { errorText } from '../shared/account-states.js';
import { icon } from '../shared/icons.js';
import { formatNumber } from '../shared/localization.js';
import { TooltipController } from '../shared/tooltip.js';
import { serviceDirectoryStyles } from './service-directory.styles.js';
import { STATUS_FILTERS, hasIssue, matchesQuery, renderAccess, renderFavoriteButton, renderIndicators, renderMoveButtons, safeHref, statusLabel, type ServiceStatusFilter } from './services.js';

export { formatWindow, hasIssue, matchesQuery, type ServiceStatusFilter } from './services.js';

/** Where focus was (a `data-focus` key), to put it back after the list re-renders. */
type FocusKey = string;

/**
 * The portal's service directory: every service with its icon and
 * description, its name linking to the service for those who have access;
 * status icons for maintenance (now or planned, with the window in the
 * reader's time zone), degraded service and outages, the service's
 * JusticeConnect community, and, for a service the reader cannot use, how to
 * get access, with a "Request access" button. My Services (the reader's
 * favourites) come first in their own order, reordered with Move up and Move
 * down, Alt+Up and Alt+Down, or by dragging. Search by name and description,
 * filter by status or to My Services. Status changes show live.
 *
 * @element jc-service-directory
 * @attr theme - The widget's colour theme: `light`, `dark` or `high-contrast`. Without it the widget takes its `jc-provider`'s `theme`, or else follows the reader's system (`prefers-color-scheme`, and `prefers-contrast: more`). `--jc-*` custom properties set by the page win over any theme.
 * @fires jc-favorite-change - A service was added to or taken out of My Services. `detail` is `{ serviceId, favorite }`.
 * @fires jc-favorites-reorder - My Services were reordered (and saved). `detail.serviceIds` is the new order.
 * @fires jc-access-requested - The reader asked for access to a service. `detail` is `{ serviceId, request }`.
 * @csspart heading - The widget's heading.
 * @csspart panel - The box around the widget.
 * @csspart toolbar - The search field and filters.
 * @csspart input - The search field, the status filter and the My Services only checkbox.
 * @csspart count - How many services are shown.
 * @csspart section - The My Services section and the section of the other services.
 * @csspart list - A list of services.
 * @csspart service - One service (`service-locked` too when the reader has no access).
 * @csspart service-locked - A service the reader has no access to (grayed out).
 * @csspart service-icon - A service's icon.
 * @csspart link - A service's name, linking to it.
 * @csspart badge - The “No access” label by a locked service's name.
 * @csspart indicator - A status icon: maintenance, degraded or outage, community link, access information.
 * @csspart tooltip - A status icon's or button's tooltip.
 * @csspart access - A locked service's access line (Request access, or the request's state).
 * @csspart form - The access request form.
 * @csspart favorite - The bookmark toggle (aria-pressed).
 * @csspart move - The Move up and Move down buttons of My Services.
 * @csspart button - Every text button.
 * @csspart error - An error message.
 * @csspart status - Loading text and the announcement of each change.
 * @cssprop --jc-service-directory-max-width - The widget's largest width (52rem).
 * @cssprop --jc-color-surface - The background of the panel and its fields (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-text - Text (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-color-text-muted - Secondary text: the count of services shown, a locked service's text (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-color-border - Borders of the panel, fields and dividers (light #8d9297, dark #8d9297, high contrast #000000).
 * @cssprop --jc-color-primary - Buttons, links and selected items (light #005ea2, dark #73b3e7, high contrast #0b4778).
 * @cssprop --jc-color-on-primary - Text on primary buttons (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-focus - The focus outline's colour (light #0076d6, dark #58b4ff, high contrast #0050d8).
 * @cssprop --jc-color-danger - Error messages, the outage icons and the outage indicators' border (light #b50909, dark #f8a9a9, high contrast #8b0a03).
 * @cssprop --jc-color-danger-surface - Error messages' background (light #f4e3db, dark #3b1414, high contrast #fff3f2).
 * @cssprop --jc-color-success - The edge of the message that announces the result of an action (light #00a91c, dark #70e17b, high contrast #154c21).
 * @cssprop --jc-color-warning - The maintenance icons' background, now and planned (#ffbe2e).
 * @cssprop --jc-color-on-warning - Icons on the warning and caution fills (light #1b1b1b, dark #1b1b1b, high contrast #000000).
 * @cssprop --jc-color-caution - The degraded-service icon's background (#e5a000).
 * @cssprop --jc-color-locked-surface - A locked service's background (light #f0f0f0, dark #2d2e2f, high contrast #f0f0f0).
 * @cssprop --jc-color-icon-muted - The icon-only indicators (community, access), the drag grip and a locked service's icon (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-tooltip-bg - A tooltip's background (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-tooltip-text - A tooltip's text (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-scheme - The colour scheme of native controls (checkboxes, selects, scrollbars) (`light`; `dark` in the dark theme).
 * @cssprop --jc-font-family - The font (system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif).
 * @cssprop --jc-font-family-heading - Headings' font (the body font).
 * @cssprop --jc-font-size - The base font size (1rem).
 * @cssprop --jc-font-size-small - Small text: author and date lines, hints, small buttons (0.875rem).
 * @cssprop --jc-font-size-heading - The widget's heading (1.25rem).
 * @cssprop --jc-line-height - Line height (1.5).
 * @cssprop --jc-space - The panel's padding (1rem).
 * @cssprop --jc-radius - Corner radius of the panel, buttons and fields (0.25rem).
 * @cssprop --jc-focus-width - The focus outline's width, at least 2px (0.25rem).
 * @cssprop --jc-focus-ring - The whole focus outline, instead of `--jc-focus-width` and `--jc-color-focus` (`--jc-focus-width solid --jc-color-focus`).
 */
@customElement('jc-service-directory')
export class JcServiceDirectory extends JcElement<[typeof serviceEndpoints]> {
  static override resources = [serviceEndpoints];
  static override styles = serviceDirectoryStyles;

  /** Where a service's community icon links: `{slug}` is replaced (URL-encoded). */
  @property({ attribute: 'community-href' }) communityHref = '#community={slug}';

  /** The search text (name and description); the search field sets it. */
  @property() query = '';

  /** `all`, `operational`, or `issues` (maintenance now or planned, degraded, outages); the status filter sets it. */
  @property({ attribute: 'status-filter', reflect: true }) statusFilter: ServiceStatusFilter = 'all';

  /** Only My Services; the checkbox sets it. */
  @property({ type: Boolean, attribute: 'favorites-only', reflect: true }) favoritesOnly = false;

  /** The IANA time zone for maintenance windows (e.g. `America/Chicago`); empty: the reader's own. */
  @property({ attribute: 'time-zone' }) timeZone = '';

  /** Services with a request in flight (favourite, access). */
  @state() private busy = new Set<string>();
  /** A failed action's message, by service. */
  @state() private rowErrors = new Map<string, string>();
  /** The service whose access request form is open. */
  @state() private requestOpen: string | null = null;
  @state() private dropTarget: string | null = null;

  /** The directory is the portal's own: it needs an active account, not JusticeConnect's opt-in. */
  #directory = this.resource({
    load: () => this.jc.api.listServices(),
    key: (s) => signedInKey(s, false),
    onReset: () => {
      this.requestOpen = null;
      this.rowErrors = new Map();
      this.announcer.clear();
    },
  });
  #tips = new TooltipController(this);
  #live = new LiveController(this, this.jc, {
    topics: () => (this.#directory.status !== 'idle' ? ['*'] : []),
    onEvent: (e) => this.#onLive(e),
    refresh: () => void this.#refresh(),
  });
  #countTimer: ReturnType<typeof setTimeout> | undefined;
  #focusAfterRender: { key: FocusKey; fallback?: string } | null = null;
  /** Favourite and order changes, one after the other, so their answers arrive in order. */
  #writes: Promise<unknown> = Promise.resolve();
  #pendingWrites = 0;
  #orderSeq = 0;
  /** Access decisions heard live, to announce once the directory shows them. */
  #decided = new Map<string, string>();
  #dragging: string | null = null;

  /** Loads the directory again. */
  reload(): void {
    this.#directory.reload();
  }

  /** Resolves once every favourite and order change sent so far has been answered. */
  get saved(): Promise<void> {
    return this.#writes.then(() => undefined);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#countTimer);
  }

  get #services(): Service[] {
    return this.#directory.value ?? [];
  }

  set #services(items: Service[]) {
    this.#directory.value = items;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.#directory.status === 'ready' && (changed.has('query') || changed.has('statusFilter') || changed.has('favoritesOnly'))) this.#scheduleCount();
  }

  protected override updated(): void {
    const want = this.#focusAfterRender;
    if (!want) return;
    const root = this.renderRoot as ShadowRoot;
    const target = root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(want.key)}"]`) ?? (want.fallback ? root.querySelector<HTMLElement>(want.fallback) : null);
    this.#focusAfterRender = null;
    // After this update: focusing may show a tooltip, which is an update of its own.
    if (target) queueMicrotask(() => target.focus());
  }

  #setRowError(id: string, text: string | null) {
    const next = new Map(this.rowErrors);
    if (text) next.set(id, text);
    else next.delete(id);
    this.rowErrors = next;
  }

  #setBusy(id: string, on: boolean) {
    const next = new Set(this.busy);
    if (on) next.add(id);
    else next.delete(id);
    this.busy = next;
  }

  /** The key of the focused control (its `data-focus`), to focus it again after a re-render that moved or replaced it. */
  #focusedKey(): FocusKey | null {
    const active = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    return active?.closest<HTMLElement>('[data-focus]')?.dataset.focus ?? null;
  }

  /* ---------- live changes ---------- */

  #onLive(event: LiveEvent): boolean {
    if (this.#directory.status !== 'ready') return false;
    if (event.type === 'access.decided') {
      const { serviceId, state } = event.payload;
      if (typeof serviceId === 'string' && typeof state === 'string') this.#decided.set(serviceId, state);
      return true;
    }
    return event.type === 'service.changed';
  }

  /** Reads the directory again in place: no "Loading", focus kept (or put back on the same control). */
  #refresh() {
    // A favourite or order change on its way: its answer is the newer directory.
    if (this.#pendingWrites > 0) return this.#live.schedule();
    return this.#directory.update(async (before, signal) => {
      const items = await this.jc.api.listServices();
      if (signal.aborted || this.#pendingWrites > 0) return before;
      const focused = this.#focusedKey();
      if (focused) {
        const serviceId = focused.includes(':') ? focused.slice(focused.indexOf(':') + 1) : null;
        this.#focusAfterRender = { key: focused, fallback: serviceId ? `#${CSS.escape(`jc-svc-${serviceId}`)}` : undefined };
      }
      this.#announceChanges(new Map(before.map((s) => [s.id, s])), items);
      return items;
    });
  }

  /** Tells screen-reader users what changed live: access decisions and status changes. */
  #announceChanges(before: Map<string, Service>, after: Service[]) {
    const lines: string[] = [];
    for (const s of after) {
      const decided = this.#decided.get(s.id);
      if (decided === 'granted' && s.hasAccess) lines.push(msg(str`Access to ${s.name} was granted. You can open it now.`));
      else if (decided === 'denied') lines.push(msg(str`Your request for access to ${s.name} was denied.`));
      const old = before.get(s.id);
      if (old && old.status !== s.status) lines.push(msg(str`${s.name}: ${statusLabel(s.status)}.`));
    }
    this.#decided.clear();
    if (lines.length) void this.announcer.say(lines.join(' '));
  }

  /* ---------- search and filters ---------- */

  get #filtering(): boolean {
    return Boolean(this.query.trim()) || this.statusFilter !== 'all' || this.favoritesOnly;
  }

  #visible(): Service[] {
    const filter = STATUS_FILTERS.includes(this.statusFilter) ? this.statusFilter : 'all';
    return this.#services.filter(
      (s) =>
        matchesQuery(s, this.query) &&
        (filter === 'all' || (filter === 'issues' ? hasIssue(s) : !hasIssue(s))) &&
        (!this.favoritesOnly || s.favorite !== null),
    );
  }

  #countText(shown: number): string {
    const total = this.#services.length;
    if (!this.#filtering) return total === 1 ? msg('1 service') : msg(str`${formatNumber(total)} services`);
    return total === 1 ? msg(str`Showing ${formatNumber(shown)} of 1 service`) : msg(str`Showing ${formatNumber(shown)} of ${formatNumber(total)} services`);
  }

  /** Says how many services match, once typing pauses. */
  #scheduleCount() {
    clearTimeout(this.#countTimer);
    this.#countTimer = setTimeout(() => {
      const shown = this.#visible().length;
      // The count shows above the list already: said to a screen reader only.
      void this.announcer.say(shown === 0 ? msg('No services match.') : this.#countText(shown), true);
    }, 500);
  }

  #clearFilters() {
    this.query = '';
    this.statusFilter = 'all';
    this.favoritesOnly = false;
    this.#focusAfterRender = { key: 'search' };
  }

  /* ---------- My Services ---------- */

  #favorites(): Service[] {
    return this.#services.filter((s) => s.favorite !== null);
  }

  /** Queues a favourite or order change after the ones before it. */
  #write(run: () => Promise<void>): Promise<void> {
    this.#pendingWrites++;
    const next = this.#writes.then(run).finally(() => this.#pendingWrites--);
    this.#writes = next.catch(() => undefined);
    return next;
  }

  async #toggleFavorite(s: Service) {
    if (this.busy.has(s.id)) return;
    const on = s.favorite === null;
    this.#setBusy(s.id, true);
    this.#setRowError(s.id, null);
    try {
      await this.#write(async () => {
        const items = await this.jc.api.setFavorite(s.id, on);
        this.#orderSeq++;
        this.#services = items;
      });
      this.#focusAfterRender = { key: `fav:${s.id}` };
      const favs = this.#favorites();
      void this.announcer.say(
        on ? msg(str`${s.name} added to My Services, position ${formatNumber(favs.findIndex((f) => f.id === s.id) + 1)} of ${formatNumber(favs.length)}.`) : msg(str`${s.name} removed from My Services.`),
      );
      this.emit('jc-favorite-change', { serviceId: s.id, favorite: on });
    } catch (err) {
      const error = this.failed(err);
      this.#setRowError(s.id, errorText(error));
    } finally {
      this.#setBusy(s.id, false);
    }
  }

  /** Moves a favourite to `index` in My Services (shown at once, then saved). */
  #moveTo(s: Service, index: number, keep: FocusKey | null) {
    const ids = this.#favorites().map((f) => f.id);
    const from = ids.indexOf(s.id);
    const to = Math.max(0, Math.min(ids.length - 1, index));
    if (from < 0 || from === to) return;
    ids.splice(from, 1);
    ids.splice(to, 0, s.id);
    const byId = new Map(this.#services.map((x) => [x.id, x]));
    const favs = ids.map((id, position) => ({ ...byId.get(id)!, favorite: { position } }));
    this.#services = [...favs, ...this.#services.filter((x) => x.favorite === null)];
    if (keep) this.#focusAfterRender = { key: keep };
    void this.announcer.say(msg(str`${s.name} moved to position ${formatNumber(to + 1)} of ${formatNumber(ids.length)} in My Services.`), true);
    const seq = ++this.#orderSeq;
    this.#write(async () => {
      const items = await this.jc.api.setFavoriteOrder(ids);
      // A later move is on its way: its answer is the one to show.
      if (seq !== this.#orderSeq) return;
      this.#services = items;
      this.#setRowError(s.id, null);
      this.emit('jc-favorites-reorder', { serviceIds: ids });
    }).catch((err: unknown) => {
      const error = this.failed(err);
      if (seq !== this.#orderSeq) return;
      this.#setRowError(s.id, msg(str`The new order could not be saved: ${errorText(error)}`));
      void this.#refresh();
    });
  }

  #move(s: Service, delta: number, keep: FocusKey | null) {
    const index = this.#favorites().findIndex((f) => f.id === s.id);
    if (index >= 0) this.#moveTo(s, index + delta, keep);
  }

  /** Alt+Up and Alt+Down move the favourite that holds focus. */
  #onFavoriteKey(event: KeyboardEvent, s: Service) {
    if (!event.altKey || event.ctrlKey || event.metaKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    // Not while typing (Alt+Up moves the caret in some systems' text fields), nor in a filtered list.
    if (this.#filtering || (event.target as HTMLElement).closest('input, textarea, select')) return;
    event.preventDefault();
    this.#move(s, event.key === 'ArrowUp' ? -1 : 1, this.#focusedKey() ?? `fav:${s.id}`);
  }

  #onDragStart(event: DragEvent, s: Service) {
    this.#dragging = s.id;
    event.dataTransfer?.setData('text/plain', s.name);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  }

  #onDragOver(event: DragEvent, s: Service) {
    if (!this.#dragging) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    this.dropTarget = s.id;
  }

  #onDrop(event: DragEvent, target: Service) {
    const dragged = this.#favorites().find((f) => f.id === this.#dragging);
    this.#onDragEnd();
    if (!dragged) return;
    event.preventDefault();
    this.#moveTo(
      dragged,
      this.#favorites().findIndex((f) => f.id === target.id),
      `fav:${dragged.id}`,
    );
  }

  #onDragEnd() {
    this.#dragging = null;
    this.dropTarget = null;
  }

  /* ---------- access ---------- */

  #openRequest(s: Service) {
    this.requestOpen = s.id;
    this.#setRowError(s.id, null);
    this.#focusAfterRender = { key: `note:${s.id}` };
  }

  #closeRequest(s: Service) {
    this.requestOpen = null;
    this.#focusAfterRender = { key: `request:${s.id}` };
  }

  async #sendRequest(event: SubmitEvent, s: Service) {
    event.preventDefault();
    if (this.busy.has(s.id)) return;
    const note = ((event.currentTarget as HTMLFormElement).elements.namedItem('note') as HTMLTextAreaElement | null)?.value.trim() ?? '';
    this.#setBusy(s.id, true);
    this.#setRowError(s.id, null);
    try {
      const request = await this.jc.api.requestAccess(s.id, note || undefined);
      this.#services = this.#services.map((x) => (x.id === s.id ? { ...x, accessRequest: { id: request.id, state: request.state, createdAt: request.createdAt } } : x));
      this.requestOpen = null;
      this.#focusAfterRender = { key: `requested:${s.id}` };
      void this.announcer.say(msg(str`Access to ${s.name} requested. A site administrator will review your request.`));
      this.emit('jc-access-requested', { serviceId: s.id, request });
    } catch (err) {
      const error = this.failed(err);
      if (error.code === 'ALREADY_REQUESTED' || error.code === 'ALREADY_HAS_ACCESS') {
        this.requestOpen = null;
        this.#focusAfterRender = { key: `requested:${s.id}`, fallback: `#${CSS.escape(`jc-svc-${s.id}`)}` };
        void this.#refresh();
      } else {
        this.#setRowError(s.id, errorText(error));
        this.#focusAfterRender = { key: `note:${s.id}` };
      }
    } finally {
      this.#setBusy(s.id, false);
    }
  }

  /* ---------- rendering ---------- */

  #service(s: Service, reorder: { index: number; count: number } | null) {
    const locked = !s.hasAccess;
    const href = s.hasAccess ? safeHref(s.url) : null;
    const error = this.rowErrors.get(s.id);
    return html`<li
      class="service ${locked ? 'locked' : ''} ${reorder ? 'reorder' : ''} ${this.dropTarget === s.id ? 'drop-target' : ''}"
      part=${locked ? 'service service-locked' : 'service'}
      data-service=${s.id}
      @keydown=${s.favorite ? (e: KeyboardEvent) => this.#onFavoriteKey(e, s) : null}
      @dragover=${reorder ? (e: DragEvent) => this.#onDragOver(e, s) : null}
      @drop=${reorder ? (e: DragEvent) => this.#onDrop(e, s) : null}
    >
      ${reorder
        ? html`<span class="grip" draggable="true" aria-hidden="true" @dragstart=${(e: DragEvent) => this.#onDragStart(e, s)} @dragend=${() => this.#onDragEnd()}
            >${icon('grip')}</span
          >`
        : nothing}
      <span class="service-icon" part="service-icon">${icon(s.icon)}</span>
      <div class="main">
        <h4 class="name" id="jc-svc-${s.id}" tabindex="-1">
          ${href ? html`<a part="link" href=${href} data-focus="link:${s.id}">${s.name}</a>` : html`<span>${s.name}</span>`}
          ${locked ? html`<span class="label" part="badge">${msg('No access')}</span>` : nothing}
        </h4>
        ${s.description ? html`<p class="description">${s.description}</p>` : nothing} ${renderIndicators(s, this.#tips, this.timeZone, this.communityHref)}
        ${renderAccess(s, {
          busy: this.busy.has(s.id),
          open: this.requestOpen === s.id,
          onOpen: () => this.#openRequest(s),
          onClose: () => this.#closeRequest(s),
          onSend: (e) => this.#sendRequest(e, s),
        })}
        ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing}
      </div>
      <div class="actions">${renderFavoriteButton(s, this.#tips, this.busy.has(s.id), () => this.#toggleFavorite(s))}
        ${reorder ? renderMoveButtons(s, reorder.index, reorder.count, this.#tips, (delta, key) => this.#move(s, delta, key)) : nothing}</div>
    </li>`;
  }

  #list(items: Service[], labelledBy: string, reorder: boolean) {
    return html`<ul class="services" part="list" aria-labelledby=${labelledBy}>
      ${repeat(
        items,
        (s) => s.id,
        (s, index) => this.#service(s, reorder ? { index, count: items.length } : null),
      )}
    </ul>`;
  }

  #toolbar(shown: number) {
    return html`<form class="toolbar" part="toolbar" role="search" aria-label=${msg('Search services')} @submit=${(e: Event) => e.preventDefault()}>
        <div class="field search">
          <label for="jc-service-search">${msg('Search services')}</label>
          <input
            id="jc-service-search"
            part="input"
            type="search"
            autocomplete="off"
            spellcheck="false"
            data-focus="search"
            aria-describedby="jc-service-count"
            .value=${live(this.query)}
            @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="jc-service-status">${msg('Status')}</label>
          <select id="jc-service-status" part="input" @change=${(e: Event) => (this.statusFilter = (e.target as HTMLSelectElement).value as ServiceStatusFilter)}>
            <option value="all" ?selected=${this.statusFilter === 'all'}>${msg('All statuses')}</option>
            <option value="operational" ?selected=${this.statusFilter === 'operational'}>${msg('Operational')}</option>
            <option value="issues" ?selected=${this.statusFilter === 'issues'}>${msg('Maintenance or issues')}</option>
          </select>
        </div>
        <div class="check">
          <input
            id="jc-service-favorites"
            part="input"
            type="checkbox"
            .checked=${live(this.favoritesOnly)}
            @change=${(e: Event) => (this.favoritesOnly = (e.target as HTMLInputElement).checked)}
          />
          <label for="jc-service-favorites">${msg('My Services only')}</label>
        </div>
      </form>
      <p id="jc-service-count" class="count" part="count">${this.#countText(shown)}</p>`;
  }

  #directoryView() {
    const visible = this.#visible();
    // The toolbar keeps its place (and the search field its focus) whatever the list below shows.
    return html`${this.#toolbar(visible.length)}${this.#results(visible)}`;
  }

  #results(visible: Service[]) {
    if (!this.#services.length) return html`<p class="empty">${msg('No services are listed yet.')}</p>`;
    if (!visible.length)
      return html`<p class="empty">${this.query.trim() ? msg(str`No services match “${this.query.trim()}”.`) : msg('No services match these filters.')}</p>
        <button part="button" type="button" class="secondary" @click=${() => this.#clearFilters()}>${msg('Clear search and filters')}</button>`;
    const favorites = visible.filter((s) => s.favorite !== null);
    const others = visible.filter((s) => s.favorite === null);
    const anyFavorite = this.#services.some((s) => s.favorite !== null);
    const reorder = !this.#filtering && favorites.length > 1;
    let mine: TemplateResult;
    if (favorites.length)
      mine = html`${reorder
        ? html`<p class="note" id="jc-reorder-hint">${msg('Reorder with Move up and Move down, Alt+Up and Alt+Down, or by dragging.')}</p>`
        : this.#filtering && anyFavorite
          ? html`<p class="note">${msg('Clear the search and filters to reorder My Services.')}</p>`
          : nothing}
      ${this.#list(favorites, 'jc-my-services-title', reorder)}`;
    else if (anyFavorite) mine = html`<p class="note">${msg('None of My Services match.')}</p>`;
    else mine = html`<p class="note">${msg('Add the services you use most: select a service’s bookmark button (“Mark as favorite”).')}</p>`;
    return html`<section class="group" part="section" aria-labelledby="jc-my-services-title">
        <h3 id="jc-my-services-title">${msg('My Services')}</h3>
        ${mine}
      </section>
      ${this.favoritesOnly
        ? nothing
        : html`<section class="group" part="section" aria-labelledby="jc-other-services-title">
            <h3 id="jc-other-services-title">${anyFavorite ? msg('Other services') : msg('All services')}</h3>
            ${others.length ? this.#list(others, 'jc-other-services-title', false) : html`<p class="note">${msg('No other services match.')}</p>`}
          </section>`}`;
  }

  protected override render() {
    return html`<section class="panel" part="panel" aria-labelledby="jc-services-title">
      <h2 id="jc-services-title" part="heading">${msg('Services')}</h2>
      ${this.frame(
        this.#directory,
        {
          signedOut: msg('Sign in to see your services.'),
          // Opting in to JusticeConnect is not needed here: only an account waiting for approval or disabled is explained.
          pending: msg('Your account is waiting for your agency administrator’s approval. Your services appear here once they approve it.'),
          loading: msg('Loading services…'),
        },
        () => this.#directoryView(),
      )}
      ${this.announcer.render()}
    </section>`;
  }
}

declare module '../kernel/element.js' {
  interface JcEventMap {
    'jc-favorite-change': { serviceId: string; favorite: boolean };
    'jc-favorites-reorder': { serviceIds: string[] };
    'jc-access-requested': { serviceId: string; request: AccessRequest };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-service-directory': JcServiceDirectory;
  }
}
