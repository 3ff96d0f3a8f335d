/*
 * Calendar dates (`YYYY-MM-DD`, no time and no zone), as the API sends due
 * dates. "Today" is the user's own: the date where the browser is, not UTC's,
 * so a step due today is not overdue in the evening west of Greenwich.
 */

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` for an instant, in the browser's time zone (default: now). */
export function localDate(at: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** The local date `days` days from today (negative: before). */
export function localDateIn(days: number, from: Date = new Date()): string {
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  return localDate(d);
}

/** A due date that has passed (before `today`) while the step is still open. */
export function isOverdue(dueDate: string | null, done: boolean, today: string): boolean {
  return !done && dueDate !== null && DATE_ONLY.test(dueDate) && dueDate < today;
}

/** "Fri, Jun 5, 2026" for a calendar date, in the user's language (the date itself, never shifted by a time zone). */
export function formatDate(dueDate: string, locale?: string): string {
  const m = DATE_ONLY.exec(dueDate);
  if (!m) return dueDate;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(at);
}
