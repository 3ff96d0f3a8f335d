import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { MaintenanceWindow, Service, ServiceStatus } from '../api/service-schemas.js';
import { icon } from '../shared/icons.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import type { TooltipController } from '../shared/tooltip.js';

/*
 * jc-service-directory's pure parts: search and status filters, and the
 * templates of a service's notices and access line (plain functions of
 * what they show).
 */

export type ServiceStatusFilter = 'all' | 'operational' | 'issues';
export const STATUS_FILTERS: readonly ServiceStatusFilter[] = ['all', 'operational', 'issues'];
export const ISSUES: readonly ServiceStatus[] = ['degraded', 'partial-outage', 'major-outage'];

/** Folds case and accents, so "vicap" finds "ViCAP" and "informacion" finds "información". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** Does the service's name or description hold every word of the query? */
export function matchesQuery(service: Pick<Service, 'name' | 'description'>, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = fold(`${service.name} ${service.description}`);
  return words.every((w) => haystack.includes(w));
}

/** Maintenance (now or planned) or a status other than operational. */
export function hasIssue(service: Pick<Service, 'status' | 'maintenance'>): boolean {
  return service.status !== 'operational' || service.maintenance.current !== null || service.maintenance.planned.length > 0;
}

/** A maintenance window's start and end in the reader's time zone (or `timeZone`), with the zone named. */
export function formatWindow(window: Pick<MaintenanceWindow, 'startsAt' | 'endsAt'>, locale?: string, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: timeZone || undefined });
  } catch {
    // An unknown time zone name: the reader's own.
    format = new Intl.DateTimeFormat(locale, options);
  }
  return format.formatRange(new Date(window.startsAt), new Date(window.endsAt));
}

/** Only http(s) addresses (absolute, or relative to the page) become links. */
export function safeHref(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** A service status, in words. */
export function statusLabel(status: ServiceStatus): string {
  return {
    operational: msg('Operational'),
    degraded: msg('Degraded performance'),
    'partial-outage': msg('Partial outage'),
    'major-outage': msg('Major outage'),
    maintenance: msg('Under maintenance'),
  }[status];
}

function renderWindow(w: MaintenanceWindow, timeZone: string) {
  return html`<span class="window"><time datetime=${w.startsAt}>${formatWindow(w, intlLocale(), timeZone)}</time></span>
    ${w.message ? html`<span>${w.message}</span>` : nothing}`;
}

/** A service's status icons (maintenance, outages, its community, how to get access), each with its tooltip. */
export function renderIndicators(s: Service, tips: TooltipController, timeZone: string, communityHref: string): TemplateResult | typeof nothing {
  const items: TemplateResult[] = [];
  const tip = (kind: string, content: unknown, trigger: (tipId: string) => TemplateResult) =>
    tips.render({ id: `jc-tip-${kind}-${s.id}`, content, trigger });
  const name = html`<span class="visually-hidden">: ${s.name}</span>`;
  const current = s.maintenance.current;
  if (current)
    items.push(
      tip(
        'maintenance',
        html`<strong>${msg('Under maintenance now')}</strong> ${renderWindow(current, timeZone)}`,
        (id) => html`<button type="button" class="indicator maintenance" part="indicator" data-indicator="maintenance" data-focus="maintenance:${s.id}" aria-describedby=${id}>
          ${icon('wrench', 'badge warning')}<span>${msg('Maintenance now')}</span>${name}
        </button>`,
      ),
    );
  const planned = s.maintenance.planned;
  if (planned.length)
    items.push(
      tip(
        'planned',
        html`<strong>${planned.length === 1 ? msg('Maintenance planned') : msg(str`${formatNumber(planned.length)} maintenance windows planned`)}</strong>
          ${planned.map((w) => renderWindow(w, timeZone))}`,
        (id) => html`<button type="button" class="indicator planned" part="indicator" data-indicator="planned" data-focus="planned:${s.id}" aria-describedby=${id}>
          ${icon('clock', 'badge warning')}<span>${msg('Maintenance planned')}</span>${name}
        </button>`,
      ),
    );
  if (ISSUES.includes(s.status)) {
    const outage = s.status !== 'degraded';
    items.push(
      tip(
        'status',
        html`<strong>${statusLabel(s.status)}</strong> ${s.statusMessage ? html`<span>${s.statusMessage}</span>` : nothing}`,
        (id) => html`<button type="button" class="indicator ${s.status}" part="indicator" data-indicator="status" data-focus="status:${s.id}" aria-describedby=${id}>
          ${icon(outage ? 'outage' : 'warning', outage ? 'badge danger' : 'badge caution')}<span>${statusLabel(s.status)}</span>${name}
        </button>`,
      ),
    );
  }
  const community = s.community;
  if (community)
    items.push(
      tip(
        'community',
        msg(str`Go to the ${community.name} community on JusticeConnect.`),
        (id) => html`<a class="indicator icon-only community" part="indicator" data-indicator="community" data-focus="community:${s.id}" href=${communityHref.replace(/\{slug\}/g, encodeURIComponent(community.slug))} aria-describedby=${id}>
          ${icon('message')}<span class="visually-hidden">${msg(str`${s.name} community: ${community.name}`)}</span>
        </a>`,
      ),
    );
  if (!s.hasAccess || s.accessInstructions)
    items.push(
      tip(
        'access',
        s.hasAccess
          ? html`<strong>${msg('Additional requirements')}</strong> <span>${s.accessInstructions}</span>`
          : html`<strong>${msg('You do not have access to this service.')}</strong>
              <span>${s.accessInstructions || msg('A site administrator can give you access.')}</span>
              <span>${msg('Use “Request access” to ask for it.')}</span>`,
        (id) => html`<button type="button" class="indicator icon-only info" part="indicator" data-indicator="access" data-focus="access:${s.id}" aria-describedby=${id}>
          ${icon('info')}<span class="visually-hidden">${s.hasAccess ? msg(str`Requirements for ${s.name}`) : msg(str`How to get access to ${s.name}`)}</span>
        </button>`,
      ),
    );
  if (!items.length) return nothing;
  return html`<ul class="indicators" aria-label=${msg(str`Notices for ${s.name}`)}>
    ${items.map((i) => html`<li>${i}</li>`)}
  </ul>`;
}

/** What a locked service's access line needs of its element. */
export interface AccessView {
busy: boolean;
/** Its request form is open. */
open: boolean;
onOpen: () => void;
onClose: () => void;
onSend: (event: SubmitEvent) => void;
}

/** A locked service's access line: Request access, its form, or the request's state. */
export function renderAccess(s: Service, { busy, open, onOpen, onClose, onSend }: AccessView): TemplateResult | typeof nothing {
  if (s.hasAccess) return nothing;
  const request = s.accessRequest;
  if (request?.state === 'pending')
    return html`<p class="access requested" part="access" data-focus="requested:${s.id}" tabindex="-1">
      ${icon('clock')}<span>${msg('Access requested: pending review by a site administrator.')}</span>
    </p>`;
  const formId = `jc-request-${s.id}`;
  if (open)
    return html`<form
      id=${formId}
      class="request-form"
      part="form"
      aria-label=${msg(str`Request access to ${s.name}`)}
      @submit=${onSend}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape' && !busy) onClose();
      }}
    >
      <label for="jc-note-${s.id}">${msg('Note for the administrator (optional)')}</label>
      <textarea id="jc-note-${s.id}" part="input" name="note" rows="2" maxlength="1000" data-focus="note:${s.id}" ?disabled=${busy}></textarea>
      <div class="form-actions">
        <button part="button" type="submit" aria-disabled=${busy ? 'true' : 'false'}>${busy ? msg('Sending…') : msg('Send request')}</button>
        <button part="button" type="button" class="secondary" ?disabled=${busy} @click=${onClose}>${msg('Cancel')}</button>
      </div>
    </form>`;
  return html`<p class="access" part="access">
    ${request?.state === 'denied' ? html`<span>${msg('Your last request was denied.')}</span>` : nothing}
    <button
      part="button"
      type="button"
      class="secondary small"
      data-focus="request:${s.id}"
      @click=${onOpen}
    >
      ${request?.state === 'denied' ? msg('Request access again') : msg('Request access')}<span class="visually-hidden">: ${s.name}</span>
    </button>
  </p>`;
}

/** The bookmark toggle of a service (in My Services or not), with its tooltip. */
export function renderFavoriteButton(s: Service, tips: TooltipController, busy: boolean, onToggle: () => void) {
  const on = s.favorite !== null;
  return tips.render({
    id: `jc-tip-favorite-${s.id}`,
    align: 'end',
    content: on ? msg('Remove from My Services') : msg('Mark as favorite'),
    trigger: (id) => html`<button
      type="button"
      class="icon-button favorite"
      part="favorite"
      data-focus="fav:${s.id}"
      aria-pressed=${on ? 'true' : 'false'}
      aria-describedby=${id}
      aria-disabled=${busy ? 'true' : 'false'}
      @click=${onToggle}
    >
      ${icon('bookmark', on ? 'filled' : '')}<span class="visually-hidden">${msg(str`Mark ${s.name} as favorite`)}</span>
    </button>`,
  });
}

/** Move up and Move down of the favourite at `index` of `count` in My Services. */
export function renderMoveButtons(s: Service, index: number, count: number, tips: TooltipController, onMove: (delta: number, focusKey: string) => void) {
  const button = (dir: 'up' | 'down', disabled: boolean, label: string, hint: string) =>
    tips.render({
      id: `jc-tip-${dir}-${s.id}`,
      align: 'end',
      content: hint,
      trigger: (id) => html`<button
        type="button"
        class="icon-button move"
        part="move"
        data-focus="${dir}:${s.id}"
        aria-describedby=${id}
        aria-disabled=${disabled ? 'true' : 'false'}
        @click=${() => !disabled && onMove(dir === 'up' ? -1 : 1, `${dir}:${s.id}`)}
      >
        ${icon(dir)}<span class="visually-hidden">${label}</span>
      </button>`,
    });
  return html`${button('up', index === 0, msg(str`Move ${s.name} up`), msg('Move up (Alt+Up)'))}
  ${button('down', index === count - 1, msg(str`Move ${s.name} down`), msg('Move down (Alt+Down)'))}`;
}
