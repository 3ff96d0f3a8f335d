import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../provider/provider.js';
import './announcements.js';
import { fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';
import { attr, inFixtures, logEvent, widgetArgTypes, widgetArgs, type WidgetArgs } from '../testing/story-args.js';

interface Args extends WidgetArgs {
  fixture: FixtureOptions;
}

/**
 * `jc-announcements` shows the portal's announcements below its navigation,
 * most severe first (emergency, error, warning, information, success), each
 * with its severity as an icon and as text. Emergencies and errors are alerts;
 * the rest are polite. A signed-in user dismisses any but an emergency (in
 * memory, in these stories).
 */
const meta: Meta<Args> = {
  title: 'Widgets/Announcements',
  component: 'jc-announcements',
  args: widgetArgs,
  argTypes: widgetArgTypes,
  render: ({ fixture, theme, api }) =>
    inFixtures(fixture, html`<jc-announcements theme=${attr(theme)} api=${attr(api)} @jc-announcement-dismissed=${logEvent()}></jc-announcements>`),
};
export default meta;

type Story = StoryObj<Args>;

/** Signed in: every severity, and one for the reader's agency; Dismiss on all but the emergency. */
export const AllSeverities: Story = { args: { fixture: { me: fixtureUsers.optedIn } } };
/** Signed out: those meant for everyone, and nothing to dismiss. */
export const SignedOut: Story = { args: { fixture: { me: null } } };
/** Nothing to announce: the widget takes no room. */
export const None: Story = { args: { fixture: { me: fixtureUsers.optedIn, announcements: [] } } };
/** The announcements cannot be read (a server error): said, with Try again. */
export const Error: Story = { args: { fixture: { me: fixtureUsers.optedIn, announcementsFail: true } } };
/** Waiting for the announcements. */
export const Loading: Story = { args: { fixture: { me: fixtureUsers.optedIn, announcementsPending: true } } };
