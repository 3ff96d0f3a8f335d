/**
 * Page weight in Chromium: what the demo pages (`/` and `/intranet.html`)
 * really download, measured by the browser, not by adding up files.
 *
 * Starts the built server (`node packages/server/dist/main.js`, as `npm start`
 * runs it: `npm run build` first) on a free port, opens each page in a fresh
 * browser context (an empty cache, signed out: what a first visitor gets) and
 * records every request through the DevTools protocol's Network events, from
 * navigation until the network is idle after `load` (no request in flight for
 * 500 ms, the live-event stream aside): that is "before interaction". Then a
 * second visit in a new tab of the same context (the HTTP cache of the first).
 *
 * Each page is measured three ways, by the `Accept-Encoding` the browser sends:
 * as Chromium asks by default (`br` among others), gzip only (the figure the
 * page budgets are stated in), and no compression at all.
 *
 * Bytes are `encodedDataLength`: what came over the wire for the response. The
 * JavaScript figure (the one the budgets are in) is the bodies as sent
 * (compressed or not); their HTTP/1.1 headers are shown beside it (HTTP/2
 * behind nginx compresses repeated headers to a few bytes). A file served from
 * the cache counts 0, a revalidation (304) only its headers. The "all" and
 * second-visit columns are everything over the wire, headers included.
 *
 *   npm run bench:pages                       (npm run build first)
 *   npm run bench:pages -- --json             (the figures as JSON)
 *   JC_BENCH_ORIGIN=http://localhost:8787 npm run bench:pages   (a server already running)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type CDPSession } from 'puppeteer-core';
import { findChromium } from '../../../scripts/chromium.mjs';
import { spawnServer } from '../../server/test/support/spawn-server.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SERVER_MAIN = path.join(ROOT, 'packages/server/dist/main.js');
const BUILT = [SERVER_MAIN, path.join(ROOT, 'packages/components/dist/justiceconnect.js'), path.join(ROOT, 'packages/demo/dist/index.html')];

export const PAGES = ['/', '/intranet.html'] as const;
/** What the browser is told it may accept: Chromium's default (br, gzip, deflate, zstd), gzip only, nothing. */
export const ENCODINGS = ['default', 'gzip', 'identity'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** The issue's page budgets: all JavaScript before interaction, gzip, in bytes (1 KB = 1,000 bytes, as the size test counts). */
export const PAGE_BUDGETS: Record<(typeof PAGES)[number], number> = { '/': 35_000, '/intranet.html': 55_000 };

/** No request (the live-event stream aside) in flight for this long after `load`: the page is idle. */
const IDLE_MS = 500;
const IDLE_TIMEOUT_MS = 30_000;

export interface Request {
  url: string;
  type: string;
  /** The status on the wire: 304 for a revalidation (DevTools shows the cached answer's 200). */
  status: number;
  /** Bytes over the wire, headers included (0 when served from the cache). */
  wire: number;
  /** Of those, the response headers'. */
  headers: number;
  /** Bytes of the body after decoding. */
  decoded: number;
  encoding: string;
  fromCache: boolean;
}

export interface Visit {
  requests: Request[];
  /**
   * JavaScript (`Script` resources): the bodies' bytes over the wire (compressed as sent: the
   * figure the budgets are in), the headers', both together, the bodies decoded, files, files
   * from the cache, files revalidated (304).
   */
  js: { body: number; headers: number; wire: number; decoded: number; files: number; cached: number; revalidated: number };
  /** Every resource, JavaScript included: bytes over the wire, headers included. */
  all: { wire: number; files: number };
}

export interface PageWeight {
  page: string;
  encoding: Encoding;
  first: Visit;
  second: Visit;
}

function summarize(requests: Request[]): Visit {
  const js = requests.filter((r) => r.type === 'Script');
  return {
    requests,
    js: {
      body: js.reduce((n, r) => n + r.wire - r.headers, 0),
      headers: js.reduce((n, r) => n + r.headers, 0),
      wire: js.reduce((n, r) => n + r.wire, 0),
      decoded: js.reduce((n, r) => n + r.decoded, 0),
      files: js.length,
      cached: js.filter((r) => r.fromCache).length,
      // (A 304's raw status can come late; its body is empty either way.)
      revalidated: js.filter((r) => r.status === 304 || (!r.fromCache && r.wire > 0 && r.wire === r.headers)).length,
    },
    all: { wire: requests.reduce((n, r) => n + r.wire, 0), files: requests.length },
  };
}

const isStream = (url: string, type: string) => type === 'EventSource' || new URL(url).pathname === '/api/v1/events';

/** Opens `url` in a new tab of `context`'s browser context and records every request until the page is idle after `load`. */
async function visit(browser: Browser, contextId: string | undefined, url: string, encoding: Encoding): Promise<Request[]> {
  const context = contextId ? browser.browserContexts().find((c) => c.id === contextId)! : browser.defaultBrowserContext();
  const page = await context.newPage();
  const cdp: CDPSession = await page.createCDPSession();
  await cdp.send('Network.enable');
  // The HTTP cache stays on (a second visit is what it is for); DevTools would turn it off.
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  // (Network.setAcceptedEncodings is missing from some builds; an Accept-Encoding set here replaces the browser's own.)
  if (encoding !== 'default') await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': encoding } });

  const seen = new Map<string, Request & { done: boolean }>();
  let lastActivity = Date.now();
  const inFlight = () => [...seen.values()].filter((r) => !r.done && !isStream(r.url, r.type)).length;
  cdp.on('Network.requestWillBeSent', (e) => {
    lastActivity = Date.now();
    if (e.request.url.startsWith('data:')) return;
    seen.set(e.requestId, { url: e.request.url, type: e.type ?? 'Other', status: 0, wire: 0, headers: 0, decoded: 0, encoding: '', fromCache: false, done: false });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.fromCache = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = seen.get(e.requestId);
    if (!r) return;
    r.status ||= e.response.status;
    r.type = e.type;
    // Bytes received by the time the headers were read: the headers' size (0 from the cache).
    r.headers = e.response.encodedDataLength ?? 0;
    r.fromCache ||= Boolean(e.response.fromDiskCache || e.response.fromPrefetchCache);
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    r.encoding = headers['content-encoding'] ?? '';
  });
  // The raw status: a revalidated file is a 304 here, where responseReceived shows the cached 200.
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.status = e.statusCode;
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.decoded += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    lastActivity = Date.now();
    const r = seen.get(e.requestId);
    if (!r) return;
    r.wire = e.encodedDataLength;
    r.headers = Math.min(r.headers, r.wire);
    r.done = true;
  });
  cdp.on('Network.loadingFailed', (e) => {
    lastActivity = Date.now();
    const r = seen.get(e.requestId);
    if (r) r.done = true;
  });

  await page.goto(url, { waitUntil: 'load', timeout: IDLE_TIMEOUT_MS });
  const deadline = Date.now() + IDLE_TIMEOUT_MS;
  while (inFlight() > 0 || Date.now() - lastActivity < IDLE_MS) {
    if (Date.now() > deadline) throw new Error(`${url} was not idle after ${IDLE_TIMEOUT_MS / 1000} s: ${[...seen.values()].filter((r) => !r.done).map((r) => r.url).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const requests = [...seen.values()].filter((r) => r.done && !isStream(r.url, r.type)).map(({ done: _, ...r }) => r);
  await page.close();
  return requests;
}

/** One page, one way of accepting encodings: a first visit with an empty cache, then a second one with the first's cache. */
export async function measurePage(browser: Browser, origin: string, page: string, encoding: Encoding): Promise<PageWeight> {
  const context = await browser.createBrowserContext();
  try {
    const first = await visit(browser, context.id, origin + page, encoding);
    const second = await visit(browser, context.id, origin + page, encoding);
    return { page, encoding, first: summarize(first), second: summarize(second) };
  } finally {
    await context.close();
  }
}

export async function launchChromium(): Promise<Browser> {
  const found = await findChromium();
  if (!found) throw new Error('No Chromium: set CHROME_PATH, or install one (node scripts/with-test-env.mjs --needs=chromium -- true).');
  return puppeteer.launch({ executablePath: found.path, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The built server as `npm start` runs it, on a free port with a temp data folder (SQLite, the demo seed). */
export async function startServer(): Promise<{ origin: string; stop(): Promise<void> }> {
  const missing = BUILT.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`Build first (npm run build): ${missing.map((f) => path.relative(ROOT, f)).join(', ')} missing.`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jc-bench-pages-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JC_|DATABASE_URL$|BETTER_AUTH_|PORT$|HOST$)/.test(k)));
  let server;
  try {
    server = await spawnServer({
      args: [SERVER_MAIN],
      cwd: ROOT,
      env: (port) => ({ ...inherited, PORT: String(port), HOST: '127.0.0.1', JC_DATA_DIR: dataDir, JC_LOG_REQUESTS: 'false' }),
      ready: /JusticeConnect on http/,
      readyMs: 90_000,
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`The server did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
  const started = server;
  return {
    origin: `http://localhost:${started.port}`,
    stop: async () => {
      await started.stop(15_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every page, every way of accepting encodings. */
export async function measurePages(origin: string, browser: Browser): Promise<PageWeight[]> {
  const results: PageWeight[] = [];
  for (const page of PAGES) for (const encoding of ENCODINGS) results.push(await measurePage(browser, origin, page, encoding));
  return results;
}

/** Bytes as KB (1 KB = 1,000 bytes, as the size test counts). */
export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

function table(results: PageWeight[]): string {
  const encodingsSeen = (v: Visit) => [...new Set(v.requests.filter((r) => r.type === 'Script' && r.encoding).map((r) => r.encoding))].join('+') || 'none';
  const rows = [
    ['page', 'accepts', 'JS first visit', '+ headers', 'JS decoded', 'JS files', 'sent as', 'all, first visit', 'JS second visit', 'cached / 304', 'all, second visit'],
    ...results.map((r) => [
      r.page,
      r.encoding === 'default' ? 'br, gzip (default)' : r.encoding,
      kb(r.first.js.body),
      kb(r.first.js.headers),
      kb(r.first.js.decoded),
      String(r.first.js.files),
      encodingsSeen(r.first),
      kb(r.first.all.wire),
      kb(r.second.js.wire),
      `${r.second.js.cached} / ${r.second.js.revalidated}`,
      kb(r.second.all.wire),
    ]),
  ];
  const [head, ...body] = rows as [string[], ...string[][]];
  const widths = head.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
}

function budgets(results: PageWeight[]): string[] {
  return PAGES.map((page) => {
    const gzip = results.find((r) => r.page === page && r.encoding === 'gzip')!;
    const budget = PAGE_BUDGETS[page];
    const bytes = gzip.first.js.body;
    return `${page}: all JavaScript before interaction ${kb(bytes)} gzip over the wire (+ ${kb(gzip.first.js.headers)} of headers), budget ${kb(budget)}: ${bytes <= budget ? 'met' : `missed by ${kb(bytes - budget)}`}`;
  });
}

async function main() {
  const json = process.argv.includes('--json');
  const external = process.env.JC_BENCH_ORIGIN;
  const server = external ? { origin: external.replace(/\/$/, ''), stop: async () => {} } : await startServer();
  const browser = await launchChromium();
  try {
    const results = await measurePages(server.origin, browser);
    if (json) {
      console.log(JSON.stringify(results.map(({ first, second, ...r }) => ({ ...r, first: { js: first.js, all: first.all, files: first.requests }, second: { js: second.js, all: second.all, files: second.requests } })), null, 2));
    } else {
      console.log(`Page weight in ${await browser.version()}, ${server.origin} (signed out, until the network is idle after load)\n`);
      console.log(table(results));
      console.log('');
      for (const line of budgets(results)) console.log(line);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
