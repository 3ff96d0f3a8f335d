/**
 * Every story of every widget, rendered in Chromium as Storybook renders it
 * (testing/stories.ts: the meta's and the story's args, the render, the play
 * function), on the recorded fixtures, left to settle, then:
 *
 * - axe finds nothing;
 * - nothing went wrong while it rendered: no console.error, no console.warn
 *   (but Lit's "dev mode" notice, expected in tests), no uncaught error and no
 *   unhandled rejection;
 * - the meta has a control (an argType and a default arg) for every attribute
 *   of its element, named as the attribute.
 *
 * testing/all-stories.ts lists every `*.stories.ts` file: manifest/stories.test.ts
 * (run by `npm run test:manifest`) fails when a file on disk is missing from it.
 */
import { expect } from '@open-wc/testing';
import { composeStories, renderStory } from './testing/stories.js';
import { STORIES } from './testing/all-stories.js';
import { frame, storyStage } from './testing/setup.js';

/* ---------- what went wrong while a story rendered ---------- */

/** Warnings expected in tests: Lit's development build says it is one. */
const EXPECTED_WARNINGS = [/^Lit is in dev mode/];

let problems: string[] = [];

function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}${value.stack ? `\n${value.stack.split('\n').slice(1, 4).join('\n')}` : ''}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

for (const level of ['error', 'warn'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    const text = args.map(describeValue).join(' ');
    if (!(level === 'warn' && EXPECTED_WARNINGS.some((re) => re.test(text)))) problems.push(`console.${level}: ${text}`);
    original(...args);
  };
}
window.addEventListener('error', (event) => problems.push(`uncaught error: ${event.error ? describeValue(event.error) : event.message}`));
window.addEventListener('unhandledrejection', (event) => problems.push(`unhandled rejection: ${describeValue(event.reason)}`));

/* ---------- the attributes a widget's controls must cover ---------- */

interface ReactiveClass {
  elementProperties?: Map<PropertyKey, { attribute?: boolean | string }>;
}

/** The element's attributes: its reactive properties' (as Lit names them), and `theme`, which every widget's styles read. */
function attributesOf(tag: string): string[] {
  const ctor = customElements.get(tag) as (CustomElementConstructor & ReactiveClass) | undefined;
  if (!ctor) throw new Error(`${tag} is not defined`);
  const names = new Set(['theme']);
  for (const [key, options] of ctor.elementProperties ?? []) {
    if (options.attribute === false || typeof key !== 'string') continue;
    names.add(typeof options.attribute === 'string' ? options.attribute : key.toLowerCase());
  }
  return [...names].sort();
}

describe('every story of every widget (Storybook stories, on the recorded fixtures)', function () {
  this.timeout(30000);
  const container = storyStage();

  beforeEach(() => {
    problems = [];
  });

  for (const [file, module] of Object.entries(STORIES)) {
    describe(file, () => {
      const meta = module.default as { component?: string; args?: object; argTypes?: object };

      it('has a control for every attribute of its element, named as the attribute', () => {
        expect(meta.component, 'the meta names its element (component)').to.match(/^jc-/);
        const attributes = attributesOf(meta.component!);
        expect(attributes.filter((a) => !(a in (meta.argTypes ?? {}))), 'attributes without an argType').to.deep.equal([]);
        expect(attributes.filter((a) => !(a in (meta.args ?? {}))), 'attributes without a default arg').to.deep.equal([]);
      });

      for (const story of composeStories(module)) {
        it(`${story.name}: renders, axe finds nothing, nothing is logged as an error or warning`, async () => {
          const { root } = await renderStory(module, story.exportName, container());
          expect(root.querySelector(meta.component!), `${meta.component} rendered`).to.exist;
          await expect(root).to.be.accessible();
          // Anything the last frames scheduled reports before the verdict.
          await frame();
          await frame();
          expect(problems, `${file} ${story.exportName}`).to.deep.equal([]);
        });
      }
    });
  }
});
