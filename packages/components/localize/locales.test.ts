/*
 * The translations are complete and current: every message the widgets'
 * source holds (`msg()`) is in xliff/es.xlf with a Spanish target that keeps
 * its placeholders, and src/generated/ is what `lit-localize build` makes of
 * it (with the ids shortened by localize/shorten-ids.ts). After changing a
 * string: `npm run localize -w @justiceconnect/components`, translate the new
 * targets in xliff/es.xlf, run it again, commit all three.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateMsgId } from '@lit/localize/internal/id-generation.js';
import type { StrResult } from '@lit/localize';
import { runtimeMsg } from '@lit/localize/internal/runtime-msg.js';
import { templates as spanish } from '../src/generated/locales/es.js';
import { shortenIds, shortestDigits } from './shorten-ids.js';
import { errorIds, errorIdsModule } from './error-ids.js';
import { fallbacks, texts } from '../src/api/error-text.js';
import { errorTexts } from '../src/api/error-lookup.js';
import { messageIdDigits } from '../src/generated/locales/es.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'node_modules/.bin/lit-localize');
const hoistedCli = path.resolve(root, '../../node_modules/.bin/lit-localize');
const committed = (p: string) => readFileSync(path.join(root, p), 'utf8');

/** Strings that are the same words in Spanish. */
const SAME_IN_SPANISH = new Set(['Error', '1 byte', 'bytes', 'KB', 'MB', 'Total']);

interface Unit {
  id: string;
  source: string;
  target: string | undefined;
}

function units(xliff: string): Unit[] {
  return [...xliff.matchAll(/<trans-unit id="([^"]+)">\s*<source>([\s\S]*?)<\/source>(?:\s*<target>([\s\S]*?)<\/target>)?/g)].map((m) => ({
    id: m[1]!,
    source: m[2]!,
    target: m[3],
  }));
}

const placeholders = (text: string) => (text.match(/<x id="[^"]*"/g) ?? []).sort();

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'jc-locales-'));
  cpSync(path.join(root, 'xliff'), path.join(dir, 'xliff'), { recursive: true });
  const config = {
    sourceLocale: 'en',
    targetLocales: ['es'],
    tsConfig: path.join(root, 'tsconfig.localize.json'),
    output: { mode: 'runtime', outputDir: path.join(dir, 'locales'), localeCodesModule: path.join(dir, 'locale-codes.ts') },
    interchange: { format: 'xliff', xliffDir: path.join(dir, 'xliff') },
  };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  let bin = cli;
  try {
    readFileSync(bin);
  } catch {
    bin = hoistedCli;
  }
  for (const step of ['extract', 'build']) execFileSync(bin, [step, '--config', path.join(dir, 'config.json')], { cwd: root, stdio: 'pipe' });
  shortenIds(path.join(dir, 'config.json'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('xliff/es.xlf holds exactly the messages in the source (run `npm run localize` after changing a string)', () => {
  const fresh = units(readFileSync(path.join(dir, 'xliff/es.xlf'), 'utf8'));
  const kept = units(committed('xliff/es.xlf'));
  assert.deepEqual(kept.map((u) => `${u.id} ${u.source}`).sort(), fresh.map((u) => `${u.id} ${u.source}`).sort());
});

test('every message has a Spanish translation that keeps its placeholders', () => {
  const problems: string[] = [];
  for (const u of units(committed('xliff/es.xlf'))) {
    if (u.target === undefined || !u.target.trim()) problems.push(`${u.id} has no translation: ${u.source}`);
    else if (placeholders(u.target).join() !== placeholders(u.source).join()) problems.push(`${u.id} changes its placeholders: ${u.source} → ${u.target}`);
    else if (u.target === u.source && /\p{L}{2}/u.test(u.source.replace(/<x [^>]*\/>/g, '')) && !SAME_IN_SPANISH.has(u.source.replace(/<x [^>]*\/>/g, '').trim()))
      problems.push(`${u.id} is still English: ${u.source}`);
  }
  assert.deepEqual(problems, []);
});

test('src/generated/ is built from xliff/es.xlf (run `npm run localize`)', () => {
  assert.equal(committed('src/generated/locales/es.ts'), readFileSync(path.join(dir, 'locales/es.ts'), 'utf8'));
  assert.equal(committed('src/generated/locale-codes.ts'), readFileSync(path.join(dir, 'locale-codes.ts'), 'utf8'));
});

/* Shortened ids (localize/shorten-ids.ts): msg() hashes a template to a full id and the catalogue's `templates` looks it up by its first 1 + L characters. */

const xmlText = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);

/** The template strings msg() hashes, from an XLIFF <source>: text between the ${…} expressions of its placeholders. */
function templateStrings(source: string): string[] {
  const strings = [''];
  for (const part of source.split(/(<x id="[^"]*" equiv-text="[^"]*"\/>)/)) {
    const equiv = /^<x id="[^"]*" equiv-text="([^"]*)"\/>$/.exec(part);
    if (!equiv) {
      strings[strings.length - 1] += xmlText(part);
      continue;
    }
    const code = xmlText(equiv[1]!);
    let at = 0;
    for (let open = code.indexOf('${'); open !== -1; open = code.indexOf('${', at)) {
      let depth = 0;
      let close = open + 1;
      for (; close < code.length; close++) {
        if (code[close] === '{') depth++;
        else if (code[close] === '}' && --depth === 0) break;
      }
      strings[strings.length - 1] += code.slice(at, open);
      strings.push('');
      at = close + 1;
    }
    strings[strings.length - 1] += code.slice(at);
  }
  return strings;
}

/** The ids msg() computes for the messages of the committed XLIFF (re-derived by hashing each source; only the kind letter, s or h, is read from its id). */
const sourceIds = () =>
  units(committed('xliff/es.xlf')).map((u) => {
    const strings = templateStrings(u.source);
    return { unit: u, id: generateMsgId(strings.length === 1 ? strings[0]! : strings, u.id.startsWith('h')) };
  });

/** L, as the committed catalogue exports it, and the catalogue's keys in the order written. */
function catalogue() {
  const text = committed('src/generated/locales/es.ts');
  const digits = Number(/^\s*export const messageIdDigits = (\d+);$/m.exec(text)?.[1]);
  return { digits, keys: [...text.matchAll(/^\s*'([^']+)': /gm)].map((m) => m[1]!) };
}

test('each message of xliff/es.xlf is under the id msg() computes for it', () => {
  const wrong = sourceIds().filter(({ unit, id }) => id !== unit.id);
  assert.deepEqual(wrong.map(({ unit, id }) => `${unit.id} is ${id}: ${unit.source}`), []);
});

test('no two messages of the source share a shortened id, and L is the shortest such, at least 6 hex digits', () => {
  const { digits } = catalogue();
  assert.ok(Number.isInteger(digits) && digits >= 6, `messageIdDigits is ${digits}`);
  const ids = sourceIds().map(({ id }) => id);
  const byPrefix = new Map<string, string[]>();
  for (const id of ids) byPrefix.set(id.slice(0, 1 + digits), [...(byPrefix.get(id.slice(0, 1 + digits)) ?? []), id]);
  assert.deepEqual([...byPrefix.values()].filter((same) => same.length > 1), []);
  if (digits > 6) assert.notEqual(new Set(ids.map((id) => id.slice(0, digits))).size, ids.length, `${digits - 1} hex digits would do`);
});

test('the catalogue is keyed by exactly the shortened ids of the translated messages (and of untranslated ones, which lit-localize writes in English)', () => {
  const { digits, keys } = catalogue();
  assert.deepEqual(keys, Object.keys(spanish));
  const expected = sourceIds().map(({ id }) => id.slice(0, 1 + digits));
  assert.deepEqual([...keys].sort(), expected.sort());
  const translated = sourceIds().filter(({ unit }) => unit.target !== undefined);
  assert.ok(translated.every(({ id }) => keys.includes(id.slice(0, 1 + digits))));
});

test('msg() finds each translation by its full id, and a string not in the catalogue stays English', () => {
  const { digits } = catalogue();
  for (const { unit } of sourceIds()) {
    const strings = templateStrings(unit.source);
    const template = strings.length === 1 ? strings[0]! : ({ strTag: true, strings, values: strings.slice(1).map((_, i) => `⟨${i}⟩`) } as unknown as StrResult);
    const spanishText = xmlText(unit.target!.replace(/<x id="(\d+)" equiv-text="[^"]*"\/>/g, '⟨$1⟩'));
    assert.equal(runtimeMsg(spanish, template, undefined), spanishText, unit.id);
  }
  const known = new Set(Object.keys(spanish));
  const strangers = Array.from({ length: 2000 }, (_, i) => `A string added after the extraction, number ${i}.`).filter(
    (s) => !known.has(generateMsgId(s, false).slice(0, 1 + digits)),
  );
  assert.ok(strangers.length > 1990);
  for (const s of strangers) assert.equal(runtimeMsg(spanish, s, undefined), s);
  assert.equal((spanish as Record<string, unknown>).toString, undefined);
});

test('the shortening step takes more digits when 6 would join two ids, and refuses ids it cannot shorten', () => {
  assert.equal(shortestDigits(['s0123456789abcdef', 's0123499999999999', 'h0123456789abcdef']), 6);
  assert.equal(shortestDigits(['s0123456789abcdef', 's0123457999999999']), 7);
  assert.equal(shortestDigits(['s0123456789abcdef', 's0123456789abcdee']), 16);
  assert.throws(() => shortestDigits(['s0123456789abcdef', 'greeting']), /custom ids/);
});

/* The error table (api/error-text.ts) as the widgets load it: each code by its text's id in the catalogue (localize/error-ids.ts). */

test('src/generated/error-ids.ts is written from api/error-text.ts (run `npm run localize`)', () => {
  assert.equal(committed('src/generated/error-ids.ts'), errorIdsModule(messageIdDigits));
});

test('each error code, and each fallback, finds its own text in Spanish', () => {
  const english = { ...texts(), ...fallbacks() } as Record<string, string>;
  const { errorMessage } = errorTexts(spanish);
  for (const [code, id] of Object.entries(errorIds(messageIdDigits))) {
    const text = (spanish as Record<string, unknown>)[id];
    assert.equal(typeof text, 'string', `${code} has no Spanish text`);
    // The same text msg() shows for the English one (so the table and the rest of the widgets say the same).
    assert.equal(text, runtimeMsg(spanish, english[code]!, undefined), code);
    if (code === code.toUpperCase()) assert.equal(errorMessage(400, code), text, code);
  }
});

test('a code the table lacks shows the general refusal, a server error its own, and refused fields "check this field", in Spanish', () => {
  const { errorMessage, fieldMessages } = errorTexts(spanish);
  assert.equal(errorMessage(409, 'SOMETHING_NEW'), 'No se pudo completar la solicitud.');
  assert.equal(errorMessage(503, 'SOMETHING_NEW'), 'JusticeConnect no pudo responder en este momento. Inténtelo de nuevo en unos instantes.');
  assert.equal(errorMessage(400, 'toString'), 'No se pudo completar la solicitud.');
  assert.deepEqual(Object.keys(fieldMessages({ title: 'Too long.', body: 'Required.' })), ['title', 'body']);
  assert.ok(Object.values(fieldMessages({ title: 'Too long.' })).every((m) => m === runtimeMsg(spanish, 'Check this field.', undefined) && m !== 'Check this field.'));
});
