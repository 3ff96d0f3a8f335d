/**
 * Records the entries that are over their budget, at their current size, in
 * size/over-budget.json (the size test's ratchet). Run it only to record a
 * deliberate change, and say in the commit why the library grew:
 *
 *   npm run build -w @justiceconnect/components && node --import tsx packages/components/size/record.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUDGETS, measureAll } from './measure.js';

const entries: Record<string, number> = {};
for (const e of measureAll()) {
  const whole = e.name === 'justiceconnect';
  const size = whole ? e.totalGzip : e.initial.gzip;
  if (size > (whole ? BUDGETS.wholeLibrary : BUDGETS.widgetEntry)) entries[e.name] = size;
}
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'over-budget.json');
const note = 'Entries over their gzip budget, in bytes, as measured when recorded (issue 10). The size test fails if one grows past its figure. See budgets.test.ts; record with size/record.ts.';
writeFileSync(file, JSON.stringify({ note, recorded: new Date().toISOString().slice(0, 10), entries }, null, 2) + '\n');
console.log(`recorded ${Object.keys(entries).length} entries over budget in ${path.relative(process.cwd(), file)}`);
