/*
 * Shorter message ids in the generated catalogues (run by `npm run localize`,
 * right after `lit-localize build`).
 *
 * In runtime mode `msg()` finds a translation by an id it computes from the
 * source template: its kind letter (`s` string, `h` html) and a 64-bit FNV-1a
 * hash in 16 hex digits (@lit/localize internal/id-generation.js). Those
 * random digits do not compress: about 4 of the Spanish chunk's 14.5 KB gzip.
 *
 * This step rewrites each generated module's keys to the letter and the first
 * L hex digits of the id, L being the shortest length (at least MIN_DIGITS)
 * at which the prefixes of ALL the source's message ids (every trans-unit of
 * every xliff/*.xlf, translated or not, and every key the build wrote) are
 * distinct, and exports L as `messageIdDigits`. Its `templates` becomes a
 * Proxy that looks the full id `msg()` asks for up by that prefix (written
 * here, into the lazily loaded catalogue, rather than in
 * src/shared/localization.ts: there, in the shared core, its bytes grew every
 * widget entry). Because L keeps every source id's prefix distinct, a prefix
 * never finds another message's text: a message missing from a catalogue
 * still falls back to its English. (A string added to the source without
 * running `npm run localize` could share a prefix with a catalogued one, with
 * odds of about 1 in 16^L / (number of messages); `npm run test:locales` fails
 * on such a stale extraction, as it always did.)
 *
 * A module `lit-localize build` wrote and this step has not shortened still
 * works (full keys, looked up as they are); the test says it is stale.
 *
 *   node --import tsx localize/shorten-ids.ts [lit-localize.json]
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Fewest hex digits kept: 24 bits, so even a new, not yet extracted string rarely meets a catalogued prefix. */
export const MIN_DIGITS = 6;

/** An id `msg()` computes: kind letter and 16 hex digits. Custom ids (`msg(…, {id})`) are not supported here. */
const GENERATED_ID = /^[sh][0-9a-f]{16}$/;

/** The name the generated module exports L under. */
export const DIGITS_EXPORT = 'messageIdDigits';

/** The ids of the trans-units of an XLIFF 1.2 file. */
export function xliffIds(xliff: string): string[] {
  return [...xliff.matchAll(/<trans-unit\s+id="([^"]+)"/g)].map((m) => m[1]!);
}

/** The shortest L >= MIN_DIGITS at which the letter plus L hex digits of every id are distinct. */
export function shortestDigits(ids: Iterable<string>): number {
  const all = [...new Set(ids)];
  const bad = all.filter((id) => !GENERATED_ID.test(id));
  if (bad.length) throw new Error(`Not a generated message id (custom ids are not supported by localize/shorten-ids.ts): ${bad.join(', ')}`);
  for (let digits = MIN_DIGITS; digits < 16; digits++) {
    if (new Set(all.map((id) => id.slice(0, 1 + digits))).size === all.length) return digits;
  }
  return 16;
}

/** The `templates` declaration of a generated locale module and its keys. */
function templatesLiteral(source: ts.SourceFile): { statement: ts.VariableStatement; name: ts.Identifier; keys: ts.StringLiteral[] } {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (ts.isIdentifier(decl.name) && decl.name.text === 'templates' && decl.initializer && ts.isObjectLiteralExpression(decl.initializer)) {
        const keys = decl.initializer.properties.map((p) => {
          if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.name)) throw new Error(`Unexpected entry in templates: ${p.getText(source)}`);
          return p.name;
        });
        return { statement, name: decl.name, keys };
      }
    }
  }
  throw new Error('No `export const templates = {…}` in the module: was it written by `lit-localize build`?');
}

/** The ids a generated module (as `lit-localize build` wrote it) is keyed by. */
export function moduleIds(text: string): string[] {
  return templatesLiteral(ts.createSourceFile('locale.ts', text, ts.ScriptTarget.Latest, true)).keys.map((k) => k.text);
}

/**
 * `text` (a module `lit-localize build` wrote) with its entries keyed by their
 * ids' letter and first `digits` hex digits, `digits` exported, and `templates`
 * the lookup `msg()` reads by full id. The lookup is written into this module,
 * not into src/shared/localization.ts, so that its bytes are downloaded with
 * the catalogue and only by a reader who asks for it: in the shared core every
 * widget loads, even the few bytes of a wrapper grew every entry.
 */
export function shortenModule(text: string, digits: number, language: 'ts' | 'js' = 'ts'): string {
  const typed = language === 'ts';
  const source = ts.createSourceFile('locale.ts', text, ts.ScriptTarget.Latest, true);
  const { statement, name, keys } = templatesLiteral(source);
  const edits: { from: number; to: number; text: string }[] = [];
  const at = statement.getStart(source);
  edits.push({
    from: at,
    to: at,
    text:
      `/** Hex digits kept of each message id after its letter (localize/shorten-ids.ts): the fewest, at least ${MIN_DIGITS}, that keep every message of the source apart. */
` +
      `    export const ${DIGITS_EXPORT} = ${digits};

    `,
  });
  // `export const templates = {` becomes `const entries = {`.
  edits.push({ from: at, to: name.getStart(source), text: 'const ' });
  edits.push({ from: name.getStart(source), to: name.end, text: 'entries' });
  for (const key of keys) {
    if (!GENERATED_ID.test(key.text)) throw new Error(`Key ${key.text} is not a full message id: run \`lit-localize build\` before this step.`);
    edits.push({ from: key.getStart(source), to: key.end, text: `'${key.text.slice(0, 1 + digits)}'` });
  }
  edits.push({
    from: statement.end,
    to: statement.end,
    text: `

    /**
     * The catalogue as msg() reads it, by the full id it computes from the
     * source: each id finds its entry by its letter and first ${DIGITS_EXPORT}
     * hex digits. No two messages of the source share those, so a message with no
     * entry finds none, and msg() shows its English.
     */
    export const templates = new Proxy${typed ? '<typeof entries>' : ''}(entries, {
      get: (entries${typed ? ': Record<string, unknown>' : ''}, id) => {
        const key = String(id).slice(0, 1 + ${DIGITS_EXPORT});
        return Object.hasOwn(entries, key) ? entries[key] : undefined;
      },
    });`,
  });
  let out = text;
  // Apply from the end so earlier positions stay valid; at one position, the later-pushed edit first.
  const ordered = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.from - a.from || b.i - a.i);
  for (const e of ordered) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

interface Config {
  targetLocales: string[];
  output: { outputDir: string; language?: 'ts' | 'js'; mode: string };
  interchange: { xliffDir: string };
  tsConfig?: string;
}

/** Shortens the keys of every locale module the config's `lit-localize build` wrote; returns L. */
export function shortenIds(configPath: string): number {
  const base = path.dirname(path.resolve(configPath));
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Config;
  if (config.output.mode !== 'runtime') throw new Error('Shorter ids are for runtime mode only.');
  const xliffDir = path.resolve(base, config.interchange.xliffDir);
  const outputDir = path.resolve(base, config.output.outputDir);
  const language = config.output.language ?? (config.tsConfig ? 'ts' : 'js');
  const ids = readdirSync(xliffDir)
    .filter((f) => f.endsWith('.xlf'))
    .flatMap((f) => xliffIds(readFileSync(path.join(xliffDir, f), 'utf8')));
  const modules = config.targetLocales.map((locale) => {
    const file = path.join(outputDir, `${locale}.${language}`);
    return { file, text: readFileSync(file, 'utf8') };
  });
  const digits = shortestDigits([...ids, ...modules.flatMap((m) => moduleIds(m.text))]);
  for (const { file, text } of modules) writeFileSync(file, shortenModule(text, digits, language), 'utf8');
  return digits;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const configPath = process.argv[2] ?? 'lit-localize.json';
  const digits = shortenIds(configPath);
  console.log(`message ids shortened to their letter and ${digits} hex digits`);
}
