/**
 * Lowers the figures in size/over-budget.json (the size test's ratchet) to
 * the entries' current sizes, and takes off the list every entry now within
 * its budget. It never raises a figure: an entry that grew past its recorded
 * size is reported and the file is left as it was (the size test fails it;
 * make the entry smaller instead).
 *
 *   npm run build -w @justiceconnect/components && node --import tsx packages/components/size/record.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUDGETS, coreChunk, gzipSize, kb, measureAll } from './measure.js';

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'over-budget.json');
const before = JSON.parse(readFileSync(file, 'utf8')) as { note: string; entries: Record<string, number>; core?: number; pages?: Record<string, number> };
const recorded = before.entries;
const entries: Record<string, number> = {};
const grew: string[] = [];
const all = measureAll();
for (const e of all) {
  const whole = e.name === 'justiceconnect';
  const size = whole ? e.totalGzip : e.initial.gzip;
  if (size <= (whole ? BUDGETS.wholeLibrary : BUDGETS.widgetEntry)) continue;
  const was = recorded[e.name];
  if (was === undefined || size > was) grew.push(`${e.name}: ${kb(size)} (${size} bytes), recorded ${was === undefined ? 'within budget' : `${kb(was)} (${was} bytes)`}`);
  else entries[e.name] = size;
}
// The shared core chunk, the same way.
const coreFile = coreChunk(all.find((e) => e.name === 'justiceconnect')!.initial.files);
const coreSize = coreFile ? gzipSize(coreFile) : undefined;
let core: number | undefined;
if (coreSize !== undefined && coreSize > BUDGETS.core) {
  if (before.core === undefined || coreSize > before.core) grew.push(`core: ${kb(coreSize)} (${coreSize} bytes), recorded ${before.core === undefined ? 'within budget' : `${kb(before.core)} (${before.core} bytes)`}`);
  else core = coreSize;
}
if (grew.length) {
  console.error(`Not recorded: these entries are over budget and bigger than recorded, and a recorded figure never goes up:\n  ${grew.join('\n  ')}`);
  process.exit(1);
}
// The pages' figures are measured in Chromium (packages/demo/e2e/page-weight.test.ts prints them) and kept as they are here.
writeFileSync(file, JSON.stringify({ note: before.note, recorded: new Date().toISOString().slice(0, 10), entries, core, pages: before.pages }, null, 2) + '\n');
console.log(`recorded ${Object.keys(entries).length} entries over budget in ${path.relative(process.cwd(), file)}`);
