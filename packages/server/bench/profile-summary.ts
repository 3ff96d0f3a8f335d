/**
 * Where a server's CPU time went, from the V8 CPU profiles the benchmarks'
 * servers write with JC_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR":
 * each sample's own (self) time, by where its function lives, over the time
 * the process was not idle and not loading its modules.
 *
 *   JC_BENCH_QUICK=1 JC_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/jc-prof" npm run bench:feed
 *   node --import tsx bench/profile-summary.ts /tmp/jc-prof      (the largest profile: the feed's server)
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile
 *   TOP=40 node --import tsx bench/profile-summary.ts DIR      (the 40 functions with the most self time)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Profile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame belongs, first match wins. */
const PARTS: [string, (f: CallFrame) => boolean][] = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['loading modules (start-up)', (f) => /modules\/(esm|cjs)|wrapSafe|compileSourceTextModule|internalModuleStat|readFileUtf8/.test(f.url + f.functionName)],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['socket writes (the writev system call)', (f) => /^(writev|writeUtf8String|writeLatin1String|writeBuffer)$/.test(f.functionName)],
  ['node:http (parsing, headers, streams)', (f) => /^node:(_http|net|internal\/streams|internal\/stream_base|events|internal\/timers|timers)/.test(f.url)],
  ['Hono and its node adapter', (f) => /node_modules\/(hono|@hono)\//.test(f.url)],
  ['SQL: better-sqlite3 or pg, and Kysely', (f) => /node_modules\/(kysely|pg|pg-protocol|better-sqlite3)\/|\/db\/(database|compiled)\.js/.test(f.url)],
  ['ETag hash (node:crypto)', (f) => /^node:internal\/crypto/.test(f.url)],
  ['zod (input validation)', (f) => /node_modules\/zod\//.test(f.url)],
  ['async hooks (AsyncLocalStorage)', (f) => /async_hooks/.test(f.url)],
  ['promises and the event loop', (f) => ['(program)', 'runMicrotasks', 'processTicksAndRejections'].includes(f.functionName) || /task_queues/.test(f.url)],
  ['this server\'s own code', (f) => /packages\/server\/(dist|src)\//.test(f.url)],
];

function largest(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
}

const arg = process.argv[2];
if (!arg) throw new Error('usage: profile-summary.ts DIR|FILE');
const file = statSync(arg).isDirectory() ? largest(arg) : arg;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
const totals = new Map<string, number>();
const functions = new Map<string, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const frame = frames.get(profile.samples[i]!)!;
  const part = PARTS.find(([, test]) => test(frame))?.[0] ?? 'other (node internals, libraries)';
  const us = profile.timeDeltas[i] ?? 0;
  totals.set(part, (totals.get(part) ?? 0) + us);
  if (part !== 'idle' && !part.startsWith('loading')) {
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*packages\/server\//, '')}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
}
const busy = [...totals].filter(([p]) => p !== 'idle' && !p.startsWith('loading')).reduce((s, [, t]) => s + t, 0);
const pct = (t: number) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
console.log(`# ${path.basename(file)}: ${(busy / 1e6).toFixed(2)} s busy (idle and start-up left out)`);
for (const [part, t] of [...totals].sort((a, b) => b[1] - a[1])) if (part !== 'idle' && !part.startsWith('loading')) console.log(`${pct(t)}  ${part}`);
console.log('# the 15 functions with the most self time');
for (const [name, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 15))) console.log(`${pct(t)}  ${name}`);
