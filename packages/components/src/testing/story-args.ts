import { html, nothing, type TemplateResult } from 'lit';
import { fixtureFetch, type FixtureOptions } from './fixtures.js';
import type { StoryTheme } from './stories.js';

/*
 * What every widget's stories share. A story's args are named as the
 * element's attributes (`page-size`), so its controls are the attributes the
 * custom elements manifest documents (their descriptions, types and defaults
 * come from the elements' JSDoc); manifest/stories.test.ts checks that every
 * attribute has a control. `fixture` is the recorded fixtures' options: who
 * is signed in, delays, failures.
 */

/** The args every widget has: its `theme` and `api` attributes ('' leaves the attribute out). */
export interface WidgetArgs {
  theme: StoryTheme | '';
  api: string;
}

export const widgetArgs: WidgetArgs = { theme: '', api: '' };

export const widgetArgTypes = {
  theme: {
    control: { type: 'select', labels: { '': '(none: the provider’s, or the system’s)' } },
    options: ['', 'light', 'dark', 'high-contrast'],
  },
  api: { control: 'text' },
  fixture: {
    control: 'object',
    description: 'The recorded fixtures’ options (src/testing/fixtures.ts): who is signed in (`me`), delays, failures, what never answers. Not an attribute.',
    table: { category: 'fixtures' },
  },
} as const;

/** An attribute's value, or no attribute for '' (the element's default). */
export const attr = (value: string | undefined): string | typeof nothing => value || nothing;

/** A story's widget inside a `jc-provider` that answers from the recorded fixtures (the story imports the provider). */
export const inFixtures = (fixture: FixtureOptions, widget: TemplateResult): TemplateResult =>
  html`<jc-provider .fetcher=${fixtureFetch(fixture)}>${widget}</jc-provider>`;

/**
 * A handler that logs a widget's event to the console (Storybook's Console
 * shows it); `stay` also cancels it, for an event whose default is to
 * navigate (a select event), so the story page stays where it is.
 */
export const logEvent =
  (stay = false) =>
  (e: Event): void => {
    if (stay) e.preventDefault();
    console.info(e.type, (e as CustomEvent).detail);
  };
