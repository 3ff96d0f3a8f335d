/**
 * Lighthouse on the demo pages (`/`, `/intranet.html` and the community page) against the issue's
 * targets: accessibility 100, best practices at least 95, performance at least
 * 90, and Cumulative Layout Shift under 0.1.
 *
 * Starts the built server (`node packages/server/dist/main.js`, as `npm start`
 * runs it: `npm run build` first) on a free port with a temp data folder, then
 * audits each page in a Chromium of its own (scripts/chromium.mjs finds it: CHROME_PATH,
 * else an installed one) with a fresh profile, so signed out with an empty cache.
 * Lighthouse 12's default run: mobile form factor and screen, simulated
 * throttling (slow 4G, a 4x slower CPU), the categories performance,
 * accessibility and best practices.
 *
 * Prints each page's three scores (0–100), CLS, LCP, TBT and FCP, and for any
 * target missed the audits that fail it (with the elements or files they name);
 * failing accessibility and best-practices audits are named even when their
 * category still meets its target. The full HTML reports are written to
 * test-output/lighthouse/ (ignored by git; each run replaces them). Lighthouse's
 * trace gatherer is replaced by one that makes current Chromium traces readable
 * to Lighthouse 12.2.3 (see `Trace` below); nothing else differs from its default.
 * Exit code 0 when every target is met, 1 when one is missed, 2 when the audit
 * could not run. Not part of `npm test`: the figures go in BENCHMARKS.md.
 *
 *   npm run audit:lighthouse                    (npm run build first)
 *   npm run audit:lighthouse -- --json          (the figures as JSON)
 *   JC_LIGHTHOUSE_ORIGIN=http://localhost:8787 npm run audit:lighthouse   (a server already running)
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import lighthouse, { type Config, type Flags, type Result } from 'lighthouse';
import TraceGatherer from 'lighthouse/core/gather/gatherers/trace.js';
import puppeteer, { type Browser } from 'puppeteer-core';
import { findChromium } from './chromium.mjs';
import { spawnServer } from '../packages/server/test/support/spawn-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SERVER_MAIN = path.join(ROOT, 'packages/server/dist/main.js');
const BUILT = [SERVER_MAIN, path.join(ROOT, 'packages/components/dist/justiceconnect.js'), path.join(ROOT, 'packages/demo/dist/index.html')];
const REPORTS = path.join(ROOT, 'test-output/lighthouse');
const LIGHTHOUSE_VERSION: string = createRequire(import.meta.url)('lighthouse/package.json').version;

/** The issue's two pages, and the community page the portal's community links open. */
const PAGES = ['/', '/intranet.html', '/community.html?community=i-35-corridor-task-force'] as const;
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
type Category = (typeof CATEGORIES)[number];

/** The issue's targets: the lowest score (0–100) each category may have, and the highest CLS. */
const TARGETS = { performance: 90, accessibility: 100, 'best-practices': 95, cls: 0.1 } as const;

/** An audit counts as failing below Lighthouse's own pass mark (0.9), or, in accessibility (where 100 is the target), below 1. */
const passMark = (category: Category) => (category === 'accessibility' ? 1 : 0.9);

interface FailingAudit {
  id: string;
  title: string;
  category: Category | 'cls';
  /** True for an audit failing in a category that still meets its target (accessibility and best practices only). */
  targetMet: boolean;
  score: number | null;
  displayValue?: string;
  /** The elements (selector and label) or files (without query strings) it names, at most 5. */
  items: string[];
  /** How many items it names in all. */
  itemCount: number;
}

interface PageAudit {
  page: string;
  url: string;
  scores: Record<Category, number>;
  metrics: { cls: number; lcpMs: number; tbtMs: number; fcpMs: number };
  /** Lighthouse's measure of this machine's CPU speed during the run (its BenchmarkIndex): simulated throttling scales what it observed, so a busy or slow machine shows more blocking time. */
  benchmarkIndex: number;
  /** The targets missed, e.g. "performance 84 < 90"; empty when all are met. */
  missed: string[];
  failing: FailingAudit[];
  warnings: string[];
  seconds: number;
  report?: string;
}

/**
 * Lighthouse's trace gatherer, with the trace made readable to the trace engine Lighthouse
 * 12.2.3 carries (@paulirish/trace_engine 0.0.32). Chromium now names the argument of its
 * `PipelineReporter` events `frame_reporter` (it was `chrome_frame_reporter`); that engine's
 * screenshots handler reads only the old name and throws ("Cannot read properties of undefined
 * (reading 'frame_sequence')"), which fails the RootCauses and TraceElements gatherers and with
 * them the audits largest-contentful-paint-element, layout-shifts, lcp-lazy-loaded,
 * prioritize-lcp-image, non-composited-animations and render-blocking-resources (they show as
 * errors; the scores do not change, none of them has weight). Later engines read either name
 * (Lighthouse 12.8.2 carries 0.0.59, which does, and still runs on Node 20). Here each such event
 * gets the old name too (the same object), so the engine finds it; a trace that has it already is
 * left alone, so this does nothing once Lighthouse reads the new name itself.
 */
class Trace extends TraceGatherer {
  override getArtifact() {
    const trace = super.getArtifact();
    for (const event of trace.traceEvents) {
      const args = event.args as Record<string, unknown> | undefined;
      if (event.name === 'PipelineReporter' && args && 'frame_reporter' in args && !('chrome_frame_reporter' in args)) args.chrome_frame_reporter = args.frame_reporter;
    }
    return trace;
  }
}

/** Lighthouse's default config (mobile, simulated throttling), its trace gatherer replaced by the one above. */
const CONFIG: Config = { extends: 'lighthouse:default', artifacts: [{ id: 'Trace', gatherer: Trace }] };

/** A URL without its query string or fragment: nothing a query carries (a token) is printed. */
function bareUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'data:' ? 'data:…' : `${u.origin}${u.pathname}`;
  } catch {
    return url.split(/[?#]/)[0]!;
  }
}

const clip = (text: string, n = 80) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** What one row of an audit's details names: an element (selector, label), a file, or a source location. */
function describeItem(item: Record<string, unknown>): string | undefined {
  const node = (item.node ?? (item.element as Record<string, unknown> | undefined)) as { type?: string; selector?: string; nodeLabel?: string } | undefined;
  const parts: string[] = [];
  if (node?.type === 'node') parts.push(`${node.selector ?? '?'}${node.nodeLabel ? ` "${clip(node.nodeLabel.replace(/\s+/g, ' ').trim(), 60)}"` : ''}`);
  // (A console message's location is `sourceLocation`; its `source` is a word such as "network".)
  const source = (typeof item.source === 'object' ? item.source : item.sourceLocation) as { type?: string; url?: string; line?: number } | undefined;
  if (typeof item.url === 'string') parts.push(bareUrl(item.url));
  else if (source?.type === 'source-location' && source.url) parts.push(source.line ? `${bareUrl(source.url)}:${source.line + 1}` : bareUrl(source.url));
  if (typeof item.description === 'string') parts.push(clip(item.description.replace(/\s+/g, ' '), 100));
  if (typeof item.groupLabel === 'string' && typeof item.duration === 'number') parts.push(`${item.groupLabel} ${Math.round(item.duration)} ms`);
  if (typeof item.wastedMs === 'number' && item.wastedMs > 0) parts.push(`${Math.round(item.wastedMs)} ms`);
  if (typeof item.wastedBytes === 'number' && item.wastedBytes > 0) parts.push(`${(item.wastedBytes / 1000).toFixed(1)} KB`);
  if (typeof item.score === 'number' && item.score > 0 && !item.wastedMs) parts.push(`shift ${item.score.toFixed(3)}`);
  return parts.length ? parts.join(', ') : undefined;
}

function failingAudit(lhr: Result, id: string, category: FailingAudit['category'], targetMet = false): FailingAudit {
  const audit = lhr.audits[id]!;
  const details = audit.details as { items?: Record<string, unknown>[] } | undefined;
  const rows = (details?.items ?? []).map(describeItem).filter((d): d is string => Boolean(d));
  return { id, title: audit.title, category, targetMet, score: audit.score, displayValue: audit.displayValue, items: rows.slice(0, 5), itemCount: rows.length };
}

const scored = new Set(['binary', 'numeric', 'metricSavings']);

/** The figures and the missed targets of one Lighthouse result. */
function summarize(page: string, lhr: Result, seconds: number): PageAudit {
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)])) as Record<Category, number>;
  const numeric = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
  const metrics = { cls: numeric('cumulative-layout-shift'), lcpMs: numeric('largest-contentful-paint'), tbtMs: numeric('total-blocking-time'), fcpMs: numeric('first-contentful-paint') };
  const missed: string[] = [];
  const failing: FailingAudit[] = [];
  for (const category of CATEGORIES) {
    const raw = lhr.categories[category]?.score ?? 0;
    // Accessibility 100 means every weighted audit passes (a score of 0.996 shows as 100 too).
    const met = category === 'accessibility' ? raw === 1 : scores[category] >= TARGETS[category];
    // A category that meets its target: only accessibility and best practices (pass/fail audits) name what keeps them under 100.
    if (met && (category === 'performance' || raw === 1)) continue;
    if (!met) missed.push(`${category} ${scores[category]}${category === 'accessibility' && scores[category] === 100 ? ` (${raw.toFixed(3)})` : ''} < ${TARGETS[category]}`);
    for (const ref of lhr.categories[category]!.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (!audit || !scored.has(audit.scoreDisplayMode) || audit.score === null || audit.score >= passMark(category)) continue;
      failing.push(failingAudit(lhr, ref.id, category, met));
    }
  }
  if (!(metrics.cls < TARGETS.cls)) {
    missed.push(`CLS ${metrics.cls.toFixed(3)} ≥ ${TARGETS.cls}`);
    // The shifts (Lighthouse 12's layout-shifts; layout-shift-elements before it), unless the performance list has them.
    for (const id of ['layout-shifts', 'layout-shift-elements']) if (lhr.audits[id] && !failing.some((f) => f.id === id)) failing.push(failingAudit(lhr, id, 'cls'));
  }
  const warnings = (lhr.runWarnings ?? []).map((w) => String(w));
  // An audit that could not run: one with weight leaves its category without a score (a target
  // missed above); one without (a diagnostic) would otherwise go unnoticed.
  const ran = new Set(CATEGORIES.flatMap((c) => lhr.categories[c]?.auditRefs.map((r) => r.id) ?? []));
  for (const [id, audit] of Object.entries(lhr.audits)) {
    if (audit.scoreDisplayMode === 'error' && ran.has(id)) warnings.push(`audit ${id} did not run: ${audit.errorMessage ?? 'error'}`);
  }
  if (lhr.runtimeError) warnings.unshift(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
  return { page, url: lhr.finalDisplayedUrl, scores, metrics, benchmarkIndex: lhr.environment.benchmarkIndex, missed, failing, warnings, seconds };
}

async function launchChromium(): Promise<{ browser: Browser; port: number; close(): Promise<void> }> {
  const found = await findChromium();
  if (!found) throw new Error('No Chromium: set CHROME_PATH, or install one (node scripts/with-test-env.mjs --needs=chromium -- true).');
  const profile = mkdtempSync(path.join(tmpdir(), 'jc-lighthouse-profile-'));
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  try {
    const browser = await puppeteer.launch({
      executablePath: found.path,
      // Only these flags (puppeteer's own defaults include some Lighthouse would not use).
      ignoreDefaultArgs: true,
      args: [
        '--headless',
        '--disable-gpu',
        ...(asRoot ? ['--no-sandbox'] : []),
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-extensions',
        '--disable-default-apps',
        '--no-first-run',
        '--no-default-browser-check',
        '--mute-audio',
        '--password-store=basic',
        '--use-mock-keychain',
        `--user-data-dir=${profile}`,
        '--remote-debugging-port=0',
        'about:blank',
      ],
    });
    return {
      browser,
      port: Number(new URL(browser.wsEndpoint()).port),
      close: async () => {
        await browser.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

/** The server's output without the demo accounts' passwords (it prints them when it seeds), nor anything set as a secret. */
const redact = (text: string) =>
  text
    .replace(/^(Demo accounts[^\n]*\n)(?:[ \t]+\S+@\S+[^\n]*\n?)+/gm, '$1  (not shown)\n')
    .replace(/((?:secret|token|password|key)[^=:\s]*\s*[=:]\s*)\S+/gi, '$1(not shown)');

/** The built server as `npm start` runs it, on a free port with a temp data folder (SQLite, the demo seed). */
async function startServer(): Promise<{ origin: string; stop(): Promise<void> }> {
  const missing = BUILT.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`Run npm run build first: ${missing.map((f) => path.relative(ROOT, f)).join(', ')} missing.`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jc-lighthouse-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JC_|DATABASE_URL$|BETTER_AUTH_|PORT$|HOST$)/.test(k)));
  try {
    const server = await spawnServer({
      args: [SERVER_MAIN],
      cwd: ROOT,
      env: (port) => ({ ...inherited, PORT: String(port), HOST: '127.0.0.1', JC_DATA_DIR: dataDir, JC_LOG_REQUESTS: 'false' }),
      ready: /JusticeConnect on http/,
      readyMs: 90_000,
    });
    return {
      origin: `http://localhost:${server.port}`,
      stop: async () => {
        await server.stop(15_000);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`The server did not start: ${redact(err instanceof Error ? err.message : String(err))}`);
  }
}

/** Lighthouse's default (mobile, simulated throttling) run of one page, in a Chromium of its own. */
async function auditPage(origin: string, page: string): Promise<{ lhr: Result; html: string; seconds: number; chromium: string }> {
  const chromium = await launchChromium();
  const started = performance.now();
  try {
    const flags: Flags = { port: chromium.port, output: 'html', logLevel: 'error', onlyCategories: [...CATEGORIES] };
    const result = await lighthouse(origin + page, flags, CONFIG);
    if (!result) throw new Error(`Lighthouse returned nothing for ${page}.`);
    const html = Array.isArray(result.report) ? result.report[0]! : result.report;
    return { lhr: result.lhr, html, seconds: (performance.now() - started) / 1000, chromium: await chromium.browser.version() };
  } finally {
    await chromium.close();
  }
}

const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'n/a');
const s = (n: number) => (Number.isFinite(n) ? `${(n / 1000).toFixed(2)} s` : 'n/a');

function table(results: PageAudit[]): string {
  const rows = [
    ['page', 'performance', 'accessibility', 'best practices', 'CLS', 'LCP', 'TBT', 'FCP', 'targets', 'CPU index'],
    ...results.map((r) => [
      r.page,
      String(r.scores.performance),
      String(r.scores.accessibility),
      String(r.scores['best-practices']),
      Number.isFinite(r.metrics.cls) ? r.metrics.cls.toFixed(3) : 'n/a',
      s(r.metrics.lcpMs),
      ms(r.metrics.tbtMs),
      s(r.metrics.fcpMs),
      r.missed.length ? 'missed' : 'met',
      String(Math.round(r.benchmarkIndex)),
    ]),
  ];
  const [head, ...body] = rows as [string[], ...string[][]];
  const widths = head.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
}

function details(r: PageAudit): string[] {
  const lines = [r.missed.length ? `${r.page}: missed ${r.missed.join('; ')}` : `${r.page}: every target met`];
  const list = (failing: FailingAudit[]) => {
    for (const f of failing) {
      const score = f.score === null ? '' : ` (score ${f.score.toFixed(2)}${f.displayValue ? `, ${f.displayValue}` : ''})`;
      lines.push(`  [${f.category}] ${f.id}: ${f.title}${score}`);
      for (const item of f.items) lines.push(`      ${item}`);
      if (f.itemCount > f.items.length) lines.push(`      … and ${f.itemCount - f.items.length} more`);
    }
  };
  list(r.failing.filter((f) => !f.targetMet));
  const under100 = r.failing.filter((f) => f.targetMet);
  if (under100.length) {
    lines.push(`  also failing (the category's target met all the same):`);
    list(under100);
  }
  for (const w of r.warnings) lines.push(`  warning: ${clip(w.replace(/\s+/g, ' '), 300)}`);
  return lines;
}

async function main(): Promise<number> {
  const json = process.argv.includes('--json');
  const external = process.env.JC_LIGHTHOUSE_ORIGIN;
  const server = external ? { origin: external.replace(/\/$/, ''), stop: async () => {} } : await startServer();
  const results: PageAudit[] = [];
  let chromium = '';
  const started = performance.now();
  try {
    mkdirSync(REPORTS, { recursive: true });
    for (const page of PAGES) {
      const run = await auditPage(server.origin, page);
      chromium = run.chromium;
      const result = summarize(page, run.lhr, run.seconds);
      result.report = path.join(REPORTS, `${page === '/' ? 'index' : page.split('?')[0]!.replace(/^\/|\.html$/g, '')}.report.html`);
      writeFileSync(result.report, run.html);
      results.push(result);
    }
  } finally {
    await server.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  if (json) {
    console.log(JSON.stringify({ lighthouse: LIGHTHOUSE_VERSION, chromium, origin: server.origin, targets: TARGETS, seconds, pages: results }, null, 2));
  } else {
    console.log(`Lighthouse ${LIGHTHOUSE_VERSION} in ${chromium}, ${server.origin} (mobile, simulated throttling, signed out, fresh profile)\n`);
    console.log(table(results));
    console.log('');
    for (const r of results) for (const line of details(r)) console.log(line);
    console.log(`\nTargets: accessibility ${TARGETS.accessibility}, best practices ≥ ${TARGETS['best-practices']}, performance ≥ ${TARGETS.performance}, CLS < ${TARGETS.cls}.`);
    console.log(`CPU index: Lighthouse's BenchmarkIndex of this machine during each run; simulated throttling scales the CPU time it observed, so a busy machine (a lower index) shows more blocking time.`);
    console.log(`Reports: ${path.relative(process.cwd(), REPORTS) || '.'}/ (${results.map((r) => path.basename(r.report!)).join(', ')}); ${seconds.toFixed(0)} s (${results.map((r) => `${r.page} ${r.seconds.toFixed(0)} s`).join(', ')}).`);
  }
  return results.some((r) => r.missed.length) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  },
);
