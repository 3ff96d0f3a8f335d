import { html, nothing, type TemplateResult } from 'lit';

/** "5 minutes ago", "yesterday", "now" (Intl.RelativeTimeFormat). */
export function relativeTime(iso: string, now: number, locale?: string): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 45) return rtf.format(0, 'second');
  if (abs < 45 * 60) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 22 * 3600) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 26 * 86400) return rtf.format(Math.round(seconds / 86400), 'day');
  if (abs < 320 * 86400) return rtf.format(Math.round(seconds / (30 * 86400)), 'month');
  return rtf.format(Math.round(seconds / (365 * 86400)), 'year');
}


/**
 * A `<time>`: relative text ("5 minutes ago"), the exact date and time as its
 * title, and the ISO instant as `datetime`.
 */
export function renderTime(iso: string, now: number, locale?: string, id?: string): TemplateResult {
  const exact = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
  return html`<time id=${id ?? nothing} datetime=${iso} title=${exact}>${relativeTime(iso, now, locale)}</time>`;
}
