import { configureLocalization } from '@lit/localize';
import { allLocales, sourceLocale, targetLocales } from '../generated/locale-codes.js';

/*
 * The widgets' language (@lit/localize in runtime mode). Every user-visible
 * string is a `msg()`; `npm run localize` extracts them to `xliff/es.xlf`,
 * where translators fill the targets, and builds `src/generated/locales/`,
 * whose `templates` finds each `msg()` id by a prefix of it (see
 * localize/shorten-ids.ts). Spanish loads only when asked for (its own chunk).
 *
 * One language a page: lit-localize keeps one active locale, so every widget
 * on the page speaks the last one a `jc-provider` (or, with none, the page's
 * `lang`) asked for. Dates, times and numbers follow the whole tag
 * (`es-MX`, `en-GB`), in the browser's time zone.
 */

export type UiLocale = (typeof allLocales)[number];

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  // Called only for a target locale (setLocale refuses others), and Spanish is the only one: see SpanishOnly.
  loadLocale: async () => {
    const spanish = await import('./spanish.js');
    errorTexts = spanish;
    return spanish;
  },
});

/**
 * Spanish is the only language loadLocale loads: adding a target locale to
 * lit-localize.json fails typecheck here until loadLocale loads it too (a
 * compile-time check, where a runtime one cost every widget's bundle bytes).
 */
type SpanishOnly<T extends 'es'> = T;
type TargetLocale = SpanishOnly<(typeof targetLocales)[number]>;

/** The server's refusals in words other than its English: loaded with the first translation. */
let errorTexts: ReturnType<typeof import('../api/error-lookup.js').errorTexts> | undefined;

/** The message to show for a refusal: the server's own (English) words, or their translation. */
export function errorMessage(status: number, code: string, serverMessage: string): string {
  return speaksSourceLocale() || !errorTexts ? serverMessage : errorTexts.errorMessage(status, code);
}

/** The per-field messages to show for a refusal, in the widgets' language. */
export function fieldMessages(fields: Record<string, string>): Record<string, string> {
  return speaksSourceLocale() || !errorTexts ? fields : errorTexts.fieldMessages(fields);
}

/** The tag a provider or the page asked for ('' until one did). */
let requested = '';

/** A BCP 47 tag's language (`es` for `es-MX`), or '' for a tag that is not well-formed. */
function languageOf(tag: string): string {
  try {
    return new Intl.Locale(tag).language;
  } catch {
    return '';
  }
}

/** The language the widgets speak for a BCP 47 tag: its language if they speak it, else English. */
export function uiLocaleFor(tag: string): UiLocale {
  const language = languageOf(tag);
  return (allLocales as readonly string[]).includes(language) ? (language as UiLocale) : sourceLocale;
}

/**
 * Speak `tag` (e.g. `es-MX`): loads its translations if needed; widgets
 * re-render when they are ready. Resolves once the new language shows.
 */
export function useLocale(tag: string): Promise<void> {
  requested = tag;
  return setLocale(uiLocaleFor(tag));
}

/** Whether the widgets speak the language their strings are written in (English). */
export function speaksSourceLocale(): boolean {
  return getLocale() === sourceLocale;
}

/** Whether a provider or the page already chose the language. */
export function localeChosen(): boolean {
  return requested !== '';
}

/**
 * The locale Intl formats with: the tag asked for when it is in the language
 * the widgets speak (so `es-MX` dates in Spanish), else that language, so
 * dates never come out in a language the rest of the widget does not speak.
 */
export function intlLocale(): string {
  const ui = uiLocaleFor(requested);
  return requested && languageOf(requested) === ui ? requested : ui;
}

/** The language a page or element is written in: the nearest `lang` above `el`, else the browser's. */
export function langOf(el: Element): string {
  return (el.closest('[lang]') as HTMLElement | null)?.lang || navigator.language || sourceLocale;
}

/** Number formats by locale and fraction digits: built once each, as widgets format counts on every render. */
const numberFormats = new Map<string, Intl.NumberFormat>();

/** A number in `locale` (default: the widgets' own), with at most `maximumFractionDigits` decimals. */
export function formatNumber(n: number, maximumFractionDigits = 3, locale = intlLocale()): string {
  const key = `${locale}|${maximumFractionDigits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits });
    numberFormats.set(key, format);
  }
  return format.format(n);
}
