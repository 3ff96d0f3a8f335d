import { setCustomElementsManifest, type Decorator, type Preview } from '@storybook/web-components-vite';
import { render } from 'lit';
// Generated from the elements' JSDoc by `npm run analyze -w @justiceconnect/components`
// (the build-storybook and storybook scripts run it first; `npm run build` writes it too).
import manifest from '../packages/components/dist/custom-elements.json';
import { applyStoryGlobals, type StoryTheme } from '../packages/components/src/testing/stories.js';
// The USWDS example theme (a portal's stylesheet of --jc-* custom properties), added to the page when chosen.
import uswdsCss from '../packages/components/themes/uswds.css?inline';

// The docs pages and controls (attributes, properties, events, slots, CSS parts and
// custom properties) come from the custom elements manifest.
setCustomElementsManifest(manifest);

/**
 * The live server the toolbar's "Server: live" points every story at:
 * `STORYBOOK_JC_API` when Storybook starts (default: the server's own default
 * address). That server must trust Storybook's origin:
 * `JC_TRUSTED_ORIGINS=http://localhost:6006 npm run dev:server`.
 */
const LIVE_API = (import.meta as ImportMeta & { env?: Record<string, string | undefined> }).env?.STORYBOOK_JC_API || 'http://localhost:8787';

const THEMES: readonly string[] = ['light', 'dark', 'high-contrast'] satisfies StoryTheme[];

/** The USWDS stylesheet in the preview's page while the toolbar's theme is "USWDS". */
function useUswds(on: boolean) {
  let style = document.getElementById('jc-uswds-theme');
  if (on && !style) {
    style = Object.assign(document.createElement('style'), { id: 'jc-uswds-theme', textContent: uswdsCss });
    document.head.append(style);
  } else if (!on) style?.remove();
}

/**
 * The toolbar's theme, language and server, set on every `jc-provider` (and
 * standalone widget) of the story before it is in the page, so its first
 * requests already go to the chosen server (testing/stories.ts, which the
 * element tests use too). The stories themselves always give their provider
 * the recorded fixtures; "live" replaces them with the browser's fetch and
 * the live server's address.
 */
const withToolbar: Decorator = (story, { globals }) => {
  const theme = String(globals.theme ?? 'auto');
  useUswds(theme === 'uswds');
  const root = document.createElement('div');
  root.style.display = 'contents';
  render(story(), root);
  applyStoryGlobals(root, {
    theme: THEMES.includes(theme) ? (theme as StoryTheme) : '',
    locale: String(globals.locale ?? 'en'),
    api: globals.server === 'live' ? LIVE_API : undefined,
  });
  return root;
};

const preview: Preview = {
  // A docs page for every widget, next to its stories.
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
  globalTypes: {
    theme: {
      description: 'The widgets’ theme: set on every jc-provider (auto: the reader’s system), or the USWDS example stylesheet',
      toolbar: {
        title: 'Theme',
        icon: 'paintbrush',
        dynamicTitle: true,
        items: [
          { value: 'auto', title: 'Auto (system)' },
          { value: 'light', title: 'Light' },
          { value: 'dark', title: 'Dark' },
          { value: 'high-contrast', title: 'High contrast' },
          { value: 'uswds', title: 'USWDS (themes/uswds.css)' },
        ],
      },
    },
    locale: {
      description: 'The widgets’ language: set on every jc-provider',
      toolbar: {
        title: 'Language',
        icon: 'globe',
        dynamicTitle: true,
        items: [
          { value: 'en', title: 'English', right: 'en' },
          { value: 'es', title: 'Español', right: 'es' },
        ],
      },
    },
    server: {
      description: `Recorded fixtures (offline), or a live JusticeConnect server (${LIVE_API})`,
      toolbar: {
        title: 'Server',
        icon: 'database',
        dynamicTitle: true,
        items: [
          { value: 'fixtures', title: 'Recorded fixtures' },
          { value: 'live', title: `Live: ${LIVE_API}` },
        ],
      },
    },
  },
  initialGlobals: { theme: 'auto', locale: 'en', server: 'fixtures' },
  decorators: [withToolbar],
  // Controls for the story's args (named as the element's attributes, and its fixtures); the
  // manifest's properties, events, slots, parts and custom properties are documented, without a control.
  argTypesEnhancers: [
    ({ argTypes, initialArgs }) =>
      Object.fromEntries(
        Object.entries(argTypes).map(([name, argType]) => [name, name in (initialArgs ?? {}) || argType.control !== undefined ? argType : { ...argType, control: false }]),
      ),
  ],
};
export default preview;
