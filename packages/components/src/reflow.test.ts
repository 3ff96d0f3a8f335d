/**
 * Reflow (WCAG 1.4.10, issue 23): every story of every widget, rendered in
 * Chromium as Storybook renders it (testing/stories.ts), fits a viewport 320,
 * 390 and 1280 px wide: nothing in the light DOM or any shadow root sticks
 * out past the right edge, and the page does not scroll sideways. A widget
 * fits its column, so a portal can put it in a phone's one column or a
 * desktop's side column.
 *
 * (Its own file: with stories.test.ts's axe checks, one file would run close
 * to the runner's two minutes a file.)
 */
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { composeStories, renderStory } from './testing/stories.js';
import { STORIES } from './testing/all-stories.js';
import { frame, storyStage } from './testing/setup.js';

/** WCAG's narrowest width (a phone upright, 320 CSS pixels), a common phone, a desktop. */
const WIDTHS = [320, 390, 1280];

/**
 * What sticks out past the viewport's right edge under `root` (its light DOM
 * and every shadow root), named `host > element.class`, and the page if it
 * scrolls sideways.
 */
function overflowing(root: HTMLElement): string[] {
  const edge = document.documentElement.clientWidth;
  const found: string[] = [];
  if (document.documentElement.scrollWidth > edge) found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${edge}`);
  const roots: (HTMLElement | ShadowRoot)[] = [root];
  for (let node = roots.pop(); node; node = roots.pop()) {
    for (const el of node.querySelectorAll('*')) {
      if (el.shadowRoot) roots.push(el.shadowRoot);
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > edge + 0.5) {
        const host = (el.getRootNode() as ShadowRoot).host?.localName ?? 'page';
        found.push(`${host} > ${el.localName}${el.classList.length ? `.${[...el.classList].join('.')}` : ''} reaches ${Math.round(box.right)} px`);
      }
    }
  }
  return found;
}

describe('every story of every widget reflows (320, 390 and 1280 px wide)', function () {
  this.timeout(30000);
  const container = storyStage();

  afterEach(() => setViewport({ width: 800, height: 600 }));

  for (const [file, module] of Object.entries(STORIES)) {
    for (const story of composeStories(module)) {
      it(`${file} ${story.name}: nothing sticks out`, async () => {
        const { root } = await renderStory(module, story.exportName, container());
        const found: string[] = [];
        for (const width of WIDTHS) {
          await setViewport({ width, height: 800 });
          // Two frames: what a ResizeObserver redraws (the virtual lists) after the first is laid out by the second.
          await frame();
          await frame();
          found.push(...overflowing(root).map((what) => `${width} px: ${what}`));
        }
        expect(found).to.deep.equal([]);
      });
    }
  }
});
