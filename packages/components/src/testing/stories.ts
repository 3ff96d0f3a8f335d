/**
 * Storybook stories outside Storybook: element tests, screenshots and
 * Storybook's own toolbar render a `*.stories.ts` module's stories through
 * this module, as Storybook would.
 *
 * - `composeStories(module)`: every story of a CSF module, its args (the
 *   meta's, then the story's) and its render (the story's, else the meta's);
 * - `renderStory(module, name, container, options)`: renders one story into
 *   `container`, with a locale, a theme or a live server for it (see
 *   `StoryGlobals`), runs its `play` function and waits until it has settled;
 * - `settled(root, ready?)`: waits until what `root` shows has settled;
 * - `applyStoryGlobals(root, globals)`: sets a locale, a theme or a live
 *   server on every `jc-provider` and standalone `jc-*` widget under `root`
 *   (Storybook's toolbar uses it too: .storybook/preview.ts).
 *
 * "Settled": every `jc-*` element (in shadow roots too) has finished
 * updating, no fixture request is waiting for its answer (one never answered
 * on purpose, for a loading state, does not count: fixture-requests.ts), and
 * the DOM, shadow roots included, has not changed for `quietMs`. A story that
 * keeps changing (a clock) has not settled when the bounded wait ends: then
 * `settled` resolves `false`.
 */
import { render } from 'lit';
import { fixtureRequestsInFlight } from './fixture-requests.js';

/** The colour themes a provider or widget takes (`theme` attribute). */
export type StoryTheme = 'light' | 'dark' | 'high-contrast';

/** What Storybook's toolbar (or a test) chooses for every story. */
export interface StoryGlobals {
  /** A BCP 47 tag for every `jc-provider` (unset or `''`: follow the page's `lang`); the container's `lang` for standalone widgets. */
  locale?: string;
  /** The theme of every `jc-provider` and standalone widget (unset or `''`: follow the reader's system). */
  theme?: StoryTheme | '';
  /**
   * A live JusticeConnect server's origin: every provider (and standalone
   * widget) talks to it with the browser's own fetch instead of the recorded
   * fixtures. The server must list the page's origin in `JC_TRUSTED_ORIGINS`.
   */
  api?: string;
}

type Args = Record<string, unknown>;
interface StoryContext {
  args: Args;
  id: string;
  name: string;
  title: string;
  globals: Record<string, unknown>;
  parameters: Record<string, unknown>;
  argTypes: Record<string, unknown>;
  canvasElement?: HTMLElement;
}
type Render = (args: Args, context: StoryContext) => unknown;
type Decorator = (story: () => unknown, context: StoryContext) => unknown;
interface CsfStory {
  name?: string;
  args?: Args;
  argTypes?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  render?: Render;
  decorators?: Decorator[];
  play?: (context: StoryContext & { canvasElement: HTMLElement }) => unknown;
}
interface CsfMeta extends CsfStory {
  title?: string;
  component?: string;
  includeStories?: string[] | RegExp;
  excludeStories?: string[] | RegExp;
}

/** A `*.stories.ts` module: the meta as its default export, a story per named export. */
export interface StoriesModule {
  default: object;
  [exportName: string]: unknown;
}

/** One story, ready to render. */
export interface ComposedStory {
  /** The named export (`FullFeed`). */
  exportName: string;
  /** Its name in Storybook (`Full Feed`, or the story's `name`). */
  name: string;
  /** The meta's title (`Widgets/Community feed`). */
  title: string;
  /** The meta's `component` tag, if any. */
  component: string | undefined;
  /** The meta's args, then the story's. */
  args: Args;
  /** The story's template (its render with its args, through any decorators). */
  render(): unknown;
  /** Storybook's play function, if the story has one (it takes the rendered story's container). */
  play?: (canvasElement: HTMLElement) => Promise<void>;
}

/** Storybook's name for an export: `FullFeed` → `Full Feed`. */
function storyName(exportName: string): string {
  return exportName
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase());
}

function isStory(exportName: string, meta: CsfMeta): boolean {
  const matches = (rule: string[] | RegExp) => (Array.isArray(rule) ? rule.includes(exportName) : rule.test(exportName));
  if (exportName === 'default' || exportName.startsWith('__')) return false;
  if (meta.includeStories && !matches(meta.includeStories)) return false;
  return !(meta.excludeStories && matches(meta.excludeStories));
}

/** Every story of a CSF module, in export order. */
export function composeStories(module: StoriesModule): ComposedStory[] {
  const meta = module.default as CsfMeta;
  const title = meta.title ?? '';
  return Object.keys(module)
    .filter((key) => isStory(key, meta))
    .flatMap((exportName) => {
      const value = module[exportName];
      // CSF 2: a story is a render function; CSF 3: an object.
      const story: CsfStory | undefined = typeof value === 'function' ? { render: value as Render } : value && typeof value === 'object' ? (value as CsfStory) : undefined;
      if (!story) return [];
      const name = story.name ?? storyName(exportName);
      const args = { ...meta.args, ...story.args };
      const context = (): StoryContext => ({
        args,
        id: `${title}--${exportName}`.toLowerCase().replace(/[^a-z\d-]+/g, '-'),
        name,
        title,
        globals: {},
        parameters: { ...meta.parameters, ...story.parameters },
        argTypes: { ...meta.argTypes, ...story.argTypes },
      });
      const fn = story.render ?? meta.render;
      if (!fn) throw new Error(`${title} ${exportName}: no render function (the story's or the meta's)`);
      const composed: ComposedStory = {
        exportName,
        name,
        title,
        component: meta.component,
        args,
        render() {
          const ctx = context();
          // Decorators wrap the story from the inside out: the story's own first, then the meta's.
          const decorators = [...(story.decorators ?? []), ...(meta.decorators ?? [])];
          return decorators.reduce<() => unknown>((inner, decorate) => () => decorate(inner, ctx), () => fn(args, ctx))();
        },
      };
      if (story.play) {
        const play = story.play;
        composed.play = async (canvasElement) => {
          await play({ ...context(), canvasElement });
        };
      }
      return [composed];
    });
}

/** Every element under `root` (itself included), through open shadow roots. */
function deepElements(root: Element | ShadowRoot): Element[] {
  const found: Element[] = root instanceof Element ? [root] : [];
  const walk = (node: Element | ShadowRoot) => {
    for (const el of node.querySelectorAll('*')) {
      found.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  if (root instanceof Element && root.shadowRoot) walk(root.shadowRoot);
  walk(root);
  return found;
}

const isJc = (el: Element) => el.localName.startsWith('jc-');

/**
 * Sets the globals on every `jc-provider` under `root`, and on every `jc-*`
 * widget that is not inside one (a standalone widget), where the story has
 * not set them itself (a story's own `locale` or `theme` attribute wins).
 * Call it before `root` is in the page, so the widgets' first requests
 * already go where they should.
 */
export function applyStoryGlobals(root: Element | DocumentFragment, globals: StoryGlobals): void {
  const all = [...root.querySelectorAll('*')].filter(isJc);
  const providers = all.filter((el) => el.localName === 'jc-provider');
  const standalone = all.filter((el) => el.localName !== 'jc-provider' && !el.parentElement?.closest('jc-provider'));
  const set = (el: Element, name: string, value: string | undefined) => {
    if (value && !el.hasAttribute(name)) el.setAttribute(name, value);
  };
  for (const provider of providers) {
    set(provider, 'locale', globals.locale);
    set(provider, 'theme', globals.theme);
    if (globals.api) {
      provider.setAttribute('api', globals.api);
      (provider as Element & { fetcher?: typeof fetch }).fetcher = undefined;
    }
  }
  for (const widget of standalone) {
    set(widget, 'theme', globals.theme);
    if (globals.api) widget.setAttribute('api', globals.api);
  }
  // Standalone widgets speak their page's language (the nearest `lang`).
  if (standalone.length && root instanceof Element) set(root, 'lang', globals.locale);
}

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Waits until what `root` shows has settled (see the top of this module), at
 * most `timeout` ms; resolves whether it did. With `ready`, a selector, it
 * first waits for `ready` to match inside `root`'s shadow root (or `root`,
 * without one), and throws if it never does.
 */
export async function settled(root: Element, ready?: string, { timeout = 8000, quietMs = 400 } = {}): Promise<boolean> {
  const deadline = performance.now() + timeout;
  if (ready) {
    while (!(root.shadowRoot ?? root).querySelector(ready)) {
      if (performance.now() > deadline) throw new Error(`${root.localName}: ${ready} did not appear within ${timeout} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let changed = performance.now();
  const observer = new MutationObserver(() => (changed = performance.now()));
  const watched = new Set<Node>();
  try {
    while (performance.now() < deadline) {
      for (const node of [root, ...deepElements(root).flatMap((el) => (el.shadowRoot ? [el.shadowRoot] : []))]) {
        if (watched.has(node)) continue;
        watched.add(node);
        observer.observe(node, { subtree: true, childList: true, attributes: true, characterData: true });
      }
      const updates = deepElements(root)
        .filter(isJc)
        .map((el) => (el as Element & { updateComplete?: Promise<unknown> }).updateComplete?.catch(() => undefined));
      await Promise.all(updates);
      await frame();
      if (fixtureRequestsInFlight() === 0 && performance.now() - changed >= quietMs) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  } finally {
    observer.disconnect();
  }
}

/** How to render a story. */
export interface RenderStoryOptions extends StoryGlobals {
  /** Run the story's play function, as Storybook does (default true). */
  play?: boolean;
  /** The bounded wait for the story to settle, in ms (default 8000; 0: do not wait). */
  timeout?: number;
}

/** A rendered story. */
export interface RenderedStory {
  story: ComposedStory;
  /** The element the story is rendered into (in `container`; `display: contents`). Remove it to unmount the story. */
  root: HTMLElement;
  /** Whether it settled within the timeout (a story that keeps changing does not). */
  settled: boolean;
}

/**
 * Renders the story `name` (its export name, or its Storybook name) of a
 * `*.stories.ts` module into `container`, as Storybook would: the globals
 * (locale, theme, live server) set before the story is in the page, then its
 * play function; resolves once it has settled (or the wait ends).
 */
export async function renderStory(module: unknown, name: string, container: HTMLElement, options: RenderStoryOptions = {}): Promise<RenderedStory> {
  const stories = composeStories(module as StoriesModule);
  const story = stories.find((s) => s.exportName === name || s.name === name);
  if (!story) throw new Error(`No story ${name}: the module has ${stories.map((s) => s.exportName).join(', ')}`);
  const root = document.createElement('div');
  root.style.display = 'contents';
  root.dataset.story = story.exportName;
  render(story.render(), root);
  applyStoryGlobals(root, options);
  container.append(root);
  if (story.play && options.play !== false) await story.play(root);
  const timeout = options.timeout ?? 8000;
  const done = timeout > 0 ? await settled(root, undefined, { timeout }) : false;
  return { story, root, settled: done };
}
