import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import './provider.js';
import '../sign-in/sign-in.js';
import { fixtureFetch, fixtureUsers } from '../testing/fixtures.js';

/**
 * `jc-provider` holds the API address and the session for every widget inside
 * it. It renders nothing of its own: here it wraps two widgets that share one session.
 */
const meta: Meta = {
  title: 'Widgets/Provider',
  component: 'jc-provider',
};
export default meta;

export const SharedSession: StoryObj = {
  render: () => html`<jc-provider .fetcher=${fixtureFetch({ me: fixtureUsers.optedIn })}>
    <jc-sign-in></jc-sign-in>
    <p>Both widgets below show the same signed-in user.</p>
    <jc-sign-in></jc-sign-in>
  </jc-provider>`,
};
