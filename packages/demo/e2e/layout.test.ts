/**
 * The demo pages on a phone and on a desktop (issue 23), in Chromium against
 * the built server (`npm run build` first; `npm test` builds before the e2e
 * step): each page at 320, 390 and 1280 px wide, signed out and signed in.
 *
 * - Reflow (WCAG 1.4.10): the page never scrolls sideways and nothing in it,
 *   in the light DOM or any widget's shadow root, reaches past the right edge.
 * - axe finds nothing in each page at 1280 px, signed out and signed in.
 * - Layout shift: the page's cumulative layout shift while it loads, as the
 *   browser reports it (PerformanceObserver, `layout-shift` entries without
 *   recent input), until the network is idle and the widgets have settled.
 *   Printed for every page. The bound (below 0.1) is a known failure (node:test's
 *   todo): on `/` its announcements push the page down when they arrive, until
 *   they fold (wip/issue-23-over-budget.patch, see wip/README.md); on
 *   `/intranet.html` (render-blocking widget scripts, a feed that holds room
 *   while it loads) it is met at 320 and 390 px, and at 1280 px signed in the
 *   feed still grows past its room (0.06–0.13 measured).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/src/seed.ts';
import { startServer } from '../bench/page-weight.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHROMIUM = process.env.CHROME_PATH || '/usr/bin/chromium';
const WIDTHS = [320, 390, 1280] as const;
const PAGES = ['/', '/intranet.html', '/community.html?community=i-35-corridor-task-force'] as const;
/** Opted in, a moderator of the task force the intranet page shows: the widgets show their content. */
const OFFICER = 'marcus.hill@hayscounty.demo.test';
/** The portal's page with jc-community-list's New community form open (signed in). */
const NEW_COMMUNITY = '/ with New community open';
/** No request in flight (the live-event stream aside) for this long after `load`: the page has loaded what it shows. */
const IDLE_MS = 500;
/** Then the widgets' last renders. */
const SETTLE_MS = 1000;
const CLS_BOUND = 0.1;
/** axe-core, run in each page at 1280 px (the widgets' shadow roots included). */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Layout {
  /** The page's scroll width and the viewport's width. */
  scrollWidth: number;
  width: number;
  /** What reaches past the right edge, named `host > element.class`. */
  overflowing: string[];
  cls: number;
  /** What axe found (at 1280 px only): `rule: element, element`. */
  violations?: string[];
}

/** Before any of the page's scripts: sums the layout shifts the browser reports. */
function observeShifts() {
  const w = window as unknown as { __jcShift: number };
  w.__jcShift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
      if (!entry.hadRecentInput) w.__jcShift += entry.value;
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

async function layoutOf(page: Page): Promise<Layout> {
  // (No named functions inside: tsx would wrap them in a helper the page does not have.)
  return page.evaluate(() => {
    const edge = document.documentElement.clientWidth;
    const overflowing: string[] = [];
    const roots: (Document | ShadowRoot)[] = [document];
    for (let root = roots.pop(); root; root = roots.pop()) {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) roots.push(el.shadowRoot);
        const box = el.getBoundingClientRect();
        if (box.width > 0 && box.right > edge + 0.5) {
          const host = (el.getRootNode() as ShadowRoot).host?.localName ?? 'page';
          overflowing.push(`${host} > ${el.localName}${el.classList.length ? `.${[...el.classList].join('.')}` : ''} reaches ${Math.round(box.right)} px`);
        }
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, width: edge, overflowing, cls: (window as unknown as { __jcShift: number }).__jcShift };
  });
}

/** Opens `url` and waits until `load`, then until no request but the live-event stream has been in flight for IDLE_MS. */
async function openIdle(page: Page, url: string) {
  const inFlight = new Set<unknown>();
  const stream = (request: { url(): string }) => new URL(request.url()).pathname === '/api/v1/events';
  let last = Date.now();
  page.on('request', (r) => {
    if (!stream(r)) inFlight.add(r);
  });
  const done = (r: unknown) => {
    if (inFlight.delete(r)) last = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  await page.goto(url, { waitUntil: 'load' });
  const deadline = Date.now() + 30_000;
  while (inFlight.size > 0 || Date.now() - last < IDLE_MS) {
    assert.ok(Date.now() < deadline, `${url} still loading after 30 s`);
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(SETTLE_MS);
}

/** axe's violations in the page as it stands (evaluated through DevTools, so the page's CSP does not apply to the check itself). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const { violations } = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }).axe.run();
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

const exec = promisify(execFile);

/** Password, the one-time code from `npm run demo:code`, the notice: in jc-sign-in on the portal's page. */
async function signIn(context: BrowserContext, origin: string) {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/`);
    const box = page.locator('jc-sign-in');
    await box.getByRole('textbox', { name: 'Email' }).fill(OFFICER);
    await box.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
    await box.getByRole('button', { name: 'Sign in', exact: true }).click();
    await box.getByRole('heading', { name: 'Enter your one-time code' }).waitFor();
    const { stdout } = await exec('npm', ['run', '--silent', 'demo:code', '--', OFFICER], { cwd: ROOT, timeout: 60_000 });
    const code = /^(\d{6})\s/m.exec(stdout)?.[1];
    assert.ok(code, `npm run demo:code printed a code: ${stdout}`);
    await box.getByRole('textbox', { name: 'One-time code' }).fill(code);
    await box.getByRole('button', { name: 'Verify' }).click();
    await box.getByRole('button', { name: 'I accept' }).click();
    await box.getByRole('heading', { name: /^Signed in as / }).waitFor();
  } finally {
    await page.close();
  }
}

describe('the demo pages at 320, 390 and 1280 px, signed out and signed in', { timeout: 300_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const results = new Map<string, Layout>();
  const key = (state: string, width: number, page: string) => `${state} ${width} px ${page}`;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (install Debian's "chromium" package or set CHROME_PATH)`);
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 60_000 });
    for (const state of ['signed out', 'signed in'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        if (state === 'signed in') await signIn(context, server.origin);
        await context.addInitScript(observeShifts);
        for (const width of WIDTHS) {
          for (const p of PAGES) {
            const page = await context.newPage();
            try {
              await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
              await openIdle(page, server.origin + p);
              const layout = await layoutOf(page);
              if (width === 1280) layout.violations = await axeViolations(page);
              results.set(key(state, width, p), layout);
              console.log(`${key(state, width, p)}: ${layout.scrollWidth} px wide in ${layout.width}; layout shift ${layout.cls.toFixed(3)}`);
              if (state === 'signed in' && p === '/') {
                // The New community form: its selects were as wide as their longest option (659 px in a 416 px column).
                await page.locator('jc-community-list').getByRole('button', { name: 'New community' }).click();
                await page.locator('jc-community-list').getByRole('heading', { name: 'New community' }).waitFor();
                // Then its selects fill with the communities one may copy from or nest under (their longest names widened it).
                await page.locator('jc-community-list').getByText('Loading the communities you can copy from').waitFor({ state: 'hidden' });
                results.set(key(state, width, NEW_COMMUNITY), await layoutOf(page));
              }
            } finally {
              await page.close();
            }
          }
        }
      } finally {
        await context.close();
      }
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const state of ['signed out', 'signed in'] as const) {
    for (const width of WIDTHS) {
      for (const p of state === 'signed in' ? [...PAGES, NEW_COMMUNITY] : PAGES) {
        it(`${key(state, width, p)}: nothing sticks out and the page does not scroll sideways`, () => {
          const layout = results.get(key(state, width, p))!;
          assert.deepEqual(layout.overflowing, [], 'elements past the right edge');
          assert.ok(layout.scrollWidth <= layout.width, `the page is ${layout.scrollWidth} px wide in a ${layout.width} px viewport`);
        });
      }
    }
    for (const p of PAGES) {
      it(`${state}, ${p} at 1280 px: axe finds nothing`, () => {
        assert.deepEqual(results.get(key(state, 1280, p))!.violations, []);
      });
    }
    for (const p of ['/', '/intranet.html'] as const) {
      // `/` moves when its announcements arrive (five banners, up to ~1,260 px on a phone): folding them is wip/issue-23-over-budget.patch.
      // `/intranet.html` holds still but for the feed: while the sign-in is checked it cannot know how tall it will be (0.007–0.13 measured).
      const todo =
        p === '/'
          ? 'issue 23: the announcements push the page down when they arrive (their fold waits for the bytes: wip/README.md)'
          : 'issue 23: the feed grows past the room it holds while loading, signed in at 1280 px (0.06–0.13 measured)';
      it(`${state}, ${p}: cumulative layout shift below ${CLS_BOUND} at every width`, { todo }, () => {
        const shifts = WIDTHS.map((width) => `${width} px: ${results.get(key(state, width, p))!.cls.toFixed(3)}`);
        assert.ok(WIDTHS.every((width) => results.get(key(state, width, p))!.cls < CLS_BOUND), `layout shift ${shifts.join(', ')}`);
      });
    }
  }
});
