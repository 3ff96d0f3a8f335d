/**
 * What the two render benchmarks (feed-render.ts, thread-render.ts) share:
 * Chromium, a widget's page loaded several times in fresh tabs, the time to
 * its first rendered item each time, and one measure taken in the page on the
 * last load. Page code is passed as text: the TypeScript loader's helpers do
 * not exist in the page.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

export function chromium(): string {
  const found = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && existsSync(p));
  if (!found) throw new Error('No Chromium: install Debian’s chromium or set CHROME_PATH.');
  return found;
}

/** Page code (text) defining `countNodes(root)`: the nodes under `root`, shadow roots included. */
export const COUNT_NODES = `const countNodes = (root) => {
  let n = 0;
  const walk = (node) => {
    n++;
    if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
    node.childNodes.forEach(walk);
  };
  walk(root);
  return n;
};`;

export interface RenderRuns<T> {
  /** Each load's time from navigation start to the first item, in ms, sorted. */
  firstRenders: number[];
  /** Their median. */
  median: number;
  /** What `measure` returned on the last load. */
  result: T;
}

/**
 * Loads `url` `runs` times, each in a fresh 1000×900 tab, and times the first
 * `item` (a selector) in `tag`'s shadow root; on the last load, evaluates
 * `measure` (page code, an expression) and returns what it gives. `prepare`
 * readies the browser first (a session cookie).
 */
export async function renderRuns<T>(options: { url: string; runs: number; tag: string; item: string; measure: string; prepare?: (browser: Browser) => Promise<void> }): Promise<RenderRuns<T>> {
  const browser = await puppeteer.launch({
    executablePath: chromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    await options.prepare?.(browser);
    const firstRenders: number[] = [];
    let result: T | undefined;
    for (let run = 0; run < options.runs; run++) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1000, height: 900 });
      await page.goto(options.url, { waitUntil: 'domcontentloaded' });
      const first = await page.waitForFunction(
        `(() => { const a = document.querySelector(${JSON.stringify(options.tag)})?.shadowRoot?.querySelector(${JSON.stringify(options.item)}); return a ? performance.now() : false; })()`,
        { polling: 'raf', timeout: 30_000 },
      );
      firstRenders.push((await first.jsonValue()) as number);
      if (run === options.runs - 1) result = (await page.evaluate(options.measure)) as T;
      await page.close();
    }
    firstRenders.sort((a, b) => a - b);
    return { firstRenders, median: firstRenders[Math.floor(options.runs / 2)]!, result: result! };
  } finally {
    await browser.close();
  }
}
