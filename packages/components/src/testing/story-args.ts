import { html, nothing, type TemplateResult } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
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

/**
 * A story's widget inside a `jc-provider` that answers from the recorded
 * fixtures (the story imports the provider); `wrap`, when given, stands
 * between them (requests that never answer, for a loading state).
 */
export const inFixtures = (fixture: FixtureOptions, widget: TemplateResult, wrap?: (fetcher: typeof fetch) => typeof fetch): TemplateResult =>
  html`<jc-provider .fetcher=${wrap ? wrap(fixtureFetch(fixture)) : fixtureFetch(fixture)}>${widget}</jc-provider>`;

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

/** An attribute's value in a story: text or a number; `nothing` (see `attr`) leaves it out, and a boolean sets or removes a boolean attribute. */
export type AttributeValue = string | number | boolean | typeof nothing;

/** Sets an element's attributes as Lit's bindings would, and logs its events (`logEvent`: `true` also cancels one). */
class WidgetBindings extends Directive {
  private listening = false;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('widgetBindings goes on an element');
  }

  render(_attributes: Record<string, AttributeValue>, _events: Record<string, boolean>) {
    return nothing;
  }

  override update(part: ElementPart, [attributes, events]: [Record<string, AttributeValue>, Record<string, boolean>]) {
    for (const [name, value] of Object.entries(attributes)) {
      if (value === nothing || value === false) part.element.removeAttribute(name);
      else part.element.setAttribute(name, value === true ? '' : String(value));
    }
    if (!this.listening) {
      for (const [type, stay] of Object.entries(events)) part.element.addEventListener(type, logEvent(stay));
      this.listening = true;
    }
    return nothing;
  }
}
const widgetBindings = directive(WidgetBindings);

/**
 * A widget story's render: the element `tag` in a provider on the recorded
 * fixtures (`inFixtures`, `wrap` as there), with the story's `theme` and
 * `api` (left out when '') and the widget's own `attributes`, and each of
 * `events` logged to the console (`true`: also cancelled, for an event whose
 * default navigates). Arg changes update the same element, as a template's
 * bindings do.
 */
export function widgetStory(
  tag: string,
  { fixture, theme, api }: WidgetArgs & { fixture: FixtureOptions },
  attributes: Record<string, AttributeValue>,
  events: Record<string, boolean>,
  wrap?: (fetcher: typeof fetch) => typeof fetch,
): TemplateResult {
  const element = unsafeStatic(tag);
  return inFixtures(fixture, staticHtml`<${element} ${widgetBindings({ theme: attr(theme), api: attr(api), ...attributes }, events)}></${element}>`, wrap);
}
