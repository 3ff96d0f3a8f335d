/*
 * The translations are complete and current: every message the widgets'
 * source holds (`msg()`) is in xliff/es.xlf with a Spanish target that keeps
 * its placeholders, and src/generated/ is what `lit-localize build` makes of
 * it. After changing a string: `npm run localize -w @justiceconnect/components`,
 * translate the new targets in xliff/es.xlf, run it again, commit all three.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

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
