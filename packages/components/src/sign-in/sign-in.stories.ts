import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../provider/provider.js';
import './sign-in.js';
import { fixtureFetch, fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';

interface Args {
  fixture: FixtureOptions;
}

/**
 * `jc-sign-in` signs a user in with email and password, shows who is signed in,
 * and asks for the JusticeConnect opt-in. These stories run on recorded
 * fixtures (sign in as `dana.reyes@txdps.demo.test` / `corridor-demo-2026`).
 */
const meta: Meta<Args> = {
  title: 'Widgets/Sign in',
  component: 'jc-sign-in',
  render: ({ fixture }) => html`<jc-provider .fetcher=${fixtureFetch(fixture)}>
    <jc-sign-in></jc-sign-in>
  </jc-provider>`,
};
export default meta;

type Story = StoryObj<Args>;

export const SignedOut: Story = { args: { fixture: { me: null, delay: 300 } } };
export const Loading: Story = { args: { fixture: { pending: true } } };
export const SignedIn: Story = { args: { fixture: { me: fixtureUsers.optedIn } } };
export const NeedsOptIn: Story = { args: { fixture: { me: fixtureUsers.notOptedIn } } };
export const Offline: Story = { args: { fixture: { offline: true } } };
