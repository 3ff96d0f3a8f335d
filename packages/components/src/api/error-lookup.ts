import { errorIds } from '../generated/error-ids.js';

/**
 * The server's refusals in a language's words, found in that language's
 * catalogue (`templates`, as lit-localize builds it) by the ids
 * src/generated/error-ids.ts names for each code (the texts are in
 * api/error-text.ts). Loaded with the catalogue, never for English.
 */
export function errorTexts(templates: Record<string, unknown>) {
  const text = (key: string) => {
    // Own keys only, so a code such as `toString` never finds the object's inherited methods.
    const found = Object.hasOwn(errorIds, key) ? templates[errorIds[key]!] : undefined;
    return typeof found === 'string' ? found : undefined;
  };
  return {
    /** The message for a refusal with `code` (a general one when the table has none: src/locales.test.ts keeps those translated). */
    errorMessage: (status: number, code: string) => text(code) ?? text(status >= 500 ? 'server-error' : 'refused')!,
    /** The per-field messages (each field: "Check this field."). */
    fieldMessages: (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, text('field') ?? v])),
  };
}
