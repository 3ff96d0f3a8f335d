/**
 * The demo pages' weight budgets (issue 21), measured in Chromium on every test
 * run: all JavaScript `/` and `/intranet.html` download before interaction,
 * gzip over the wire, as the browser counts it (`npm run bench:pages` prints the
 * same figures, with brotli and uncompressed beside them), and a second visit
 * that takes every script from the HTTP cache.
 *
 * A page over its budget is a known failure (node:test's todo) while it is
 * recorded in packages/components/size/over-budget.json (`pages`), and a hard
 * failure if it grows past that figure: the figures only go down.
 *
 * The built server, as `npm start` runs it (`npm run build` first; `npm test` builds before the e2e step).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'puppeteer-core';
import overBudget from '../../components/size/over-budget.json' with { type: 'json' };
import { kb, launchChromium, measurePage, PAGE_BUDGETS, PAGES, startServer, type PageWeight } from '../bench/page-weight.ts';

const recorded: Record<string, number | undefined> = overBudget.pages;

describe('demo page weight in Chromium (gzip, before interaction)', { timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const results = new Map<string, PageWeight>();

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    for (const page of PAGES) results.set(page, await measurePage(browser, server.origin, page, 'gzip'));
    for (const [page, r] of results) {
      console.log(`# ${page}: ${kb(r.first.js.body)} of JavaScript in ${r.first.js.files} files (gzip, over the wire); second visit ${kb(r.second.js.body)} (${r.second.js.cached} from the cache, ${r.second.js.revalidated} revalidated)`);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const page of PAGES) {
    const budget = PAGE_BUDGETS[page];
    const known = recorded[page];
    it(`${page}: all JavaScript before interaction is at most ${kb(budget)} gzip`, { todo: known !== undefined ? `recorded over budget at ${kb(known)} (size/over-budget.json)` : false }, () => {
      const bytes = results.get(page)!.first.js.body;
      assert.ok(bytes <= budget, `${page} loads ${kb(bytes)} of JavaScript before interaction, ${kb(bytes - budget)} over its budget of ${kb(budget)}`);
    });
    if (known !== undefined) {
      it(`${page} is no heavier than when it was recorded over budget (${kb(known)})`, () => {
        const bytes = results.get(page)!.first.js.body;
        assert.ok(bytes > budget, `${page} is ${kb(bytes)}, within its budget of ${kb(budget)} now: take it off size/over-budget.json`);
        assert.ok(bytes <= known, `${page} grew to ${kb(bytes)} (${bytes} bytes) of JavaScript before interaction, past the ${kb(known)} (${known} bytes) it was recorded at`);
      });
    }

    it(`${page}: every script came compressed, and a second visit downloads none again`, () => {
      const r = results.get(page)!;
      const scripts = r.first.requests.filter((q) => q.type === 'Script');
      assert.ok(scripts.length > 0, 'the page loads scripts');
      // (An entry file of a few hundred bytes, one import line, is sent as it is: its gzip copy would be no smaller.)
      assert.deepEqual(scripts.filter((q) => q.encoding !== 'gzip' && q.decoded > 1000).map((q) => q.url), [], 'scripts sent without gzip');
      // Hashed chunks come from the cache; entries (which keep their names) are revalidated, a 304 with no body.
      assert.equal(r.second.js.body, 0, `the second visit downloaded script bodies again: ${r.second.requests.filter((q) => q.type === 'Script' && q.wire > q.headers).map((q) => q.url).join(', ')}`);
      assert.equal(r.second.js.cached + r.second.js.revalidated, r.second.js.files, 'every script of the second visit is cached or revalidated');
    });
  }
});
