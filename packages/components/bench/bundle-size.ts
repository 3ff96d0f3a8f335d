/**
 * Bundle size per widget entry and for the whole library, gzip -9, as the
 * browser downloads the files (each file separately). Run after a build:
 * `npm run bench:size` (which builds first).
 */
import path from 'node:path';
import { BUDGETS, composition, coreChunk, DIST, gzipSize, kb, measureAll } from '../size/measure.js';

const rel = (f: string) => path.relative(DIST, f);
const all = measureAll();
const whole = all.find((e) => e.name === 'justiceconnect')!;
const widgets = all.filter((e) => e !== whole);

console.log('bundle size (gzip -9, each file counted separately; source maps excluded)');
// The chunk every entry loads (Lit, context, the API transport, session and live stream), named by vite.config.ts.
const core = coreChunk(whole.initial.files);
if (core) console.log(`  shared core (${rel(core)})`.padEnd(45) + `${kb(gzipSize(core)).padStart(8)}  (the issue's budget for it: 12.0 KB)`);
for (const e of widgets) {
  const lazy = e.lazy.files.length ? `, + ${kb(e.lazy.gzip)} lazy (${e.lazy.files.map((f) => `${rel(f)} ${kb(gzipSize(f))}`).join(', ')})` : '';
  console.log(`  widget ${e.name.padEnd(18)} ${kb(e.initial.gzip).padStart(8)}  (budget ${kb(BUDGETS.widgetEntry)}; ${e.initial.files.length} files${lazy})`);
}
console.log(
  `  whole library (justiceconnect.js) ${kb(whole.totalGzip).padStart(8)}  (budget ${kb(BUDGETS.wholeLibrary)}; ${whole.initial.files.length + whole.lazy.files.length} files: ${kb(whole.initial.gzip)} at load + ${kb(whole.lazy.gzip)} lazy)`,
);
console.log(`  whole library as one concatenated file, for information: ${kb(whole.concatenatedGzip)}`);
// What each entry's first load is made of: the libraries every widget needs (Lit, zod, localize) set a floor no widget code can go under.
console.log('first load by where the code comes from (gzip bytes shared out by the source maps; an estimate that adds up to the real total)');
const order = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).filter(([, n]) => n >= 50);
for (const e of all) {
  const parts = order(composition(e.initial.files)).map(([k, n]) => `${k} ${kb(n)}`);
  console.log(`  ${e.name.padEnd(18)} ${kb(e.initial.gzip).padStart(8)} = ${parts.join(' + ')}`);
}
if (process.argv.includes('--files')) {
  console.log('files of the whole library:');
  for (const f of [...whole.initial.files, ...whole.lazy.files].sort((a, b) => gzipSize(b) - gzipSize(a))) console.log(`  ${kb(gzipSize(f)).padStart(8)}  ${rel(f)}`);
}
