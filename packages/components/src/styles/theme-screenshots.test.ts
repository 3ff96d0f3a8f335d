/**
 * Every widget's fullest story in each theme: light, dark and high contrast
 * (chosen on its jc-provider), the USWDS example theme (themes/uswds.css) and
 * Windows-style forced colours. Each is rendered on the recorded fixtures
 * into a fixed-width box, left to settle, checked by axe's colour-contrast
 * rules (and its 7:1 rule in high contrast), and saved as
 * test-output/screenshots/themes/<widget>-<theme>.png for a person to look at.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import { palettes } from './themes.js';
import { renderStory, settled } from '../testing/stories.js';

interface Shot {
  /** The file name's first half. */
  name: string;
  tag: string;
  load: () => Promise<unknown>;
  story: string;
  /** Inside the widget's shadow root: there once the story's content has loaded. */
  ready: string;
  /** Inside the widget's shadow root: the element focused before the picture, to show the focus outline. */
  focus?: string;
}

const SHOTS: Shot[] = [
  { name: 'sign-in', tag: 'jc-sign-in', load: () => import('../sign-in/sign-in.stories.js'), story: 'WrongCode', ready: "[aria-invalid='true']", focus: "button[type='submit']" },
  { name: 'announcements', tag: 'jc-announcements', load: () => import('../announcements/announcements.stories.js'), story: 'AllSeverities', ready: "[part~='dismiss']", focus: "[part~='dismiss']" },
  { name: 'community-list', tag: 'jc-community-list', load: () => import('../community-list/community-list.stories.js'), story: 'OwnerWithRequests', ready: "[part~='requests']", focus: "[part~='link']" },
  { name: 'community-feed', tag: 'jc-community-feed', load: () => import('../community-feed/community-feed.stories.js'), story: 'FullFeed', ready: "[part~='post']", focus: "[part~='reaction']" },
  { name: 'forum', tag: 'jc-forum', load: () => import('../forum/forum.stories.js'), story: 'Default', ready: "[part~='topic']", focus: "[part~='filter']" },
  { name: 'forum-thread', tag: 'jc-forum-thread', load: () => import('../forum-thread/forum-thread.stories.js'), story: 'AnsweredQuestion', ready: "[part~='reply']", focus: "[part~='like']" },
  { name: 'activity-tracker', tag: 'jc-activity-tracker', load: () => import('../activity-tracker/activity-tracker.stories.js'), story: 'Default', ready: "[part~='step']", focus: "[part~='checkbox']" },
  { name: 'my-todos', tag: 'jc-my-todos', load: () => import('../my-todos/my-todos.stories.js'), story: 'Default', ready: "[part~='todo']", focus: "[part~='checkbox']" },
  { name: 'service-directory', tag: 'jc-service-directory', load: () => import('../service-directory/service-directory.stories.js'), story: 'Default', ready: "[part~='indicator']", focus: "[part~='indicator']" },
  { name: 'service-directory-no-access', tag: 'jc-service-directory', load: () => import('../service-directory/service-directory.stories.js'), story: 'NoAccess', ready: "[part~='service-locked']", focus: "[part~='access'] button" },
];

interface Variant {
  name: string;
  /** The page's background around the widget (a portal in that theme). */
  page: string;
  theme?: 'light' | 'dark' | 'high-contrast';
  stylesheet?: string;
  media?: { name: string; value: string }[];
  /** axe's 7:1 rule too. */
  enhanced?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'light', theme: 'light', page: palettes.light['color-surface'] },
  { name: 'dark', theme: 'dark', page: palettes.dark['color-surface'] },
  { name: 'high-contrast', theme: 'high-contrast', page: palettes['high-contrast']['color-surface'], enhanced: true },
  { name: 'uswds', stylesheet: '/packages/components/themes/uswds.css', page: '#ffffff' },
  { name: 'forced-colors', media: [{ name: 'forced-colors', value: 'active' }], page: 'Canvas' },
];

interface AxeResult {
  violations: { id: string; nodes: { target: unknown; failureSummary?: string; html: string }[] }[];
}
type Axe = { run: (context: Element, options: object) => Promise<AxeResult> };

async function loadAxe(): Promise<Axe> {
  const w = window as unknown as { axe?: Axe };
  // @ts-expect-error axe-core's browser build has no types; it registers window.axe.
  if (!w.axe) await import('axe-core/axe.min.js');
  return w.axe!;
}

async function addStylesheet(href: string): Promise<HTMLLinkElement> {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  const loaded = new Promise((resolve, reject) => {
    link.onload = resolve;
    link.onerror = () => reject(new Error(`${href} did not load`));
  });
  document.head.append(link);
  await loaded;
  return link;
}

describe('every widget in every theme (screenshots under test-output/screenshots/themes/)', function () {
  this.timeout(30000);
  let box: HTMLDivElement;
  let link: HTMLLinkElement | undefined;

  before(async () => {
    await setViewport({ width: 1000, height: 1400 });
    document.body.style.margin = '0';
  });

  beforeEach(() => {
    box = document.createElement('div');
    box.id = 'jc-shot';
    box.style.cssText = 'width: 760px; padding: 16px; box-sizing: border-box;';
    document.body.append(box);
  });

  afterEach(async () => {
    box.remove();
    link?.remove();
    link = undefined;
    await executeServerCommand('jc-media', { features: [] });
  });

  for (const shot of SHOTS) {
    for (const variant of VARIANTS) {
      it(`${shot.name} in ${variant.name}`, async () => {
        if (variant.stylesheet) link = await addStylesheet(variant.stylesheet);
        if (variant.media) await executeServerCommand('jc-media', { features: variant.media });
        box.style.background = variant.page;
        box.style.color = variant.name === 'forced-colors' ? 'CanvasText' : '';
        // The theme goes on the story's jc-provider (its widgets inherit it).
        await renderStory(await shot.load(), shot.story, box, { theme: variant.theme ?? '' });
        expect(box.querySelector('jc-provider')?.getAttribute('theme') ?? null, 'the provider takes the theme').to.equal(variant.theme ?? null);
        const widget = box.querySelector(shot.tag)!;
        expect(widget, `${shot.tag} rendered`).to.exist;
        await settled(widget, shot.ready);

        const focusable = shot.focus ? widget.shadowRoot!.querySelector<HTMLElement>(shot.focus) : null;
        focusable?.focus({ focusVisible: true } as FocusOptions);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

        await executeServerCommand('jc-screenshot', { selector: '#jc-shot', path: `screenshots/themes/${shot.name}-${variant.name}.png` });

        // Forced colours are the system's: its palette, not ours, and axe cannot see them.
        if (variant.name !== 'forced-colors') {
          const axe = await loadAxe();
          const rules = ['color-contrast', ...(variant.enhanced ? ['color-contrast-enhanced'] : [])];
          const { violations } = await axe.run(widget, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
          const report = violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}\n  ${n.html}`));
          expect(report, `${shot.name} in ${variant.name}`).to.deep.equal([]);
        }
      });
    }
  }
});
