/*
 * The error table as the widgets load it (run by `npm run localize`, after
 * localize/shorten-ids.ts): src/generated/error-ids.ts names, for each error
 * code in src/api/error-text.ts (and each of its fallbacks), the id its text
 * has in the catalogues: the letter and first `messageIdDigits` hex digits of
 * the id `msg()` computes from the English. A reader in another language finds
 * the code's text in that language's catalogue by it (src/api/error-lookup.ts),
 * so the English texts, which only the translators need, are in no download.
 *
 *   node --import tsx localize/error-ids.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMsgId } from '@lit/localize/internal/id-generation.js';
import { fallbacks, texts } from '../src/api/error-text.js';

export const ERROR_IDS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/generated/error-ids.ts');

/** Each code's (and fallback's) shortened message id, `digits` hex digits after the letter. */
export function errorIds(digits: number): Record<string, string> {
  const table: Record<string, string> = { ...texts(), ...fallbacks() };
  return Object.fromEntries(Object.entries(table).map(([code, text]) => [code, generateMsgId(text, false).slice(0, 1 + digits)]));
}

/** The module's text. */
export function errorIdsModule(digits: number): string {
  const entries = Object.entries(errorIds(digits)).map(([code, id]) => `  ${/^[A-Za-z_]\w*$/.test(code) ? code : `'${code}'`}: '${id}',`);
  return `// Written by localize/error-ids.ts from src/api/error-text.ts (\`npm run localize\`): do not edit.

/** Each error code, and each fallback, with the id of its text in the catalogues (src/generated/locales/*). */
export const errorIds: Record<string, string> = {
${entries.join('\n')}
};
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { messageIdDigits } = await import('../src/generated/locales/es.js');
  writeFileSync(ERROR_IDS_FILE, errorIdsModule(messageIdDigits), 'utf8');
  console.log(`error ids written for ${Object.keys(errorIds(messageIdDigits)).length} codes and fallbacks`);
}
