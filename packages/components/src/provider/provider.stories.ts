import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import './provider.js';
import '../sign-in/sign-in.js';
import '../announcements/announcements.js';
import { fixtureFetch, fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';
import { attr, widgetArgTypes } from '../testing/story-args.js';
import type { StoryTheme } from '../testing/stories.js';

interface Args {
  fixture: FixtureOptions;
  api: string;
  locale: string;
  theme: StoryTheme | '';
}

/**
 * `jc-provider` holds the API address, the session, the language and the
 * theme for every widget inside it. It renders nothing of its own: here it
 * wraps two widgets that share one session (signing in with the form shows
 * the announcements for signed-in users too), in the provider's language and
 * theme.
 */
const meta: Meta<Args> = {
  title: 'Widgets/Provider',
  component: 'jc-provider',
  args: { api: '', locale: '', theme: '' },
  argTypes: {
    ...widgetArgTypes,
    locale: { control: { type: 'select', labels: { '': '(none: the page’s lang)', en: 'English (en)', es: 'Español (es)', 'es-MX': 'Español, México (es-MX)' } }, options: ['', 'en', 'es', 'es-MX'] },
  },
  render: ({ fixture, api, locale, theme }) => html`<jc-provider .fetcher=${fixtureFetch(fixture)} api=${attr(api)} locale=${attr(locale)} theme=${attr(theme)}>
    <jc-announcements></jc-announcements>
    <jc-sign-in></jc-sign-in>
  </jc-provider>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Signed in: the announcements for signed-in users (with Dismiss), and who is signed in. */
export const SharedSession: Story = { args: { fixture: { me: fixtureUsers.optedIn } } };
/** Signed out: the public announcements; signing in (`dana.reyes@txdps.demo.test`, `corridor-demo-2026`, then `123456`) brings the rest. */
export const SignedOut: Story = { args: { fixture: { me: null } } };
/** The provider's `locale` (here `es`): every widget inside speaks Spanish. */
export const Spanish: Story = { args: { locale: 'es', fixture: { me: null } } };
