import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../provider/provider.js';
import './community-list.js';
import { fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';
import { widgetArgTypes, widgetArgs, widgetStory, type WidgetArgs } from '../testing/story-args.js';

interface Args extends WidgetArgs {
  fixture: FixtureOptions;
  scope: 'mine' | 'all';
  'href-template': string;
  'page-size': number;
}

/**
 * `jc-community-list` shows the signed-in user's communities (most recently
 * updated first, subcommunities under their parent), finds others to join,
 * lets owners and moderators answer requests to join, and creates
 * communities. These stories run on recorded fixtures: every action works,
 * in memory. Links are prevented here and logged by the `jc-community-select`
 * handler instead of navigating.
 */
const meta: Meta<Args> = {
  title: 'Widgets/Community list',
  component: 'jc-community-list',
  args: { ...widgetArgs, scope: 'mine', 'href-template': '#community/{slug}', 'page-size': 25 },
  argTypes: {
    ...widgetArgTypes,
    scope: { control: 'inline-radio', options: ['mine', 'all'] },
    'href-template': { control: 'text' },
    'page-size': { control: { type: 'number', min: 1, max: 100 } },
  },
  render: (args) =>
    widgetStory('jc-community-list', args, { scope: args.scope, 'href-template': args['href-template'], 'page-size': args['page-size'] }, { 'jc-community-select': true }),
};
export default meta;

type Story = StoryObj<Args>;

/** Dana's communities: owner of a task force and its working group, invited to one, waiting on a request to another. */
export const List: Story = { args: { fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** "Find communities": every community Dana may see, with Join, Request to join, Accept invitation and Leave. */
export const FindAll: Story = { args: { scope: 'all', fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** Marcus owns the moderated Gang Intelligence Exchange: open "Requests to join" to approve or deny. */
export const OwnerWithRequests: Story = { args: { fixture: { me: fixtureUsers.owner, delay: 150 } } };
export const Loading: Story = { args: { fixture: { pending: true } } };
export const Empty: Story = { args: { fixture: { me: fixtureUsers.optedIn, communities: [] } } };
export const Error: Story = { args: { fixture: { me: fixtureUsers.optedIn, communitiesFail: true } } };
export const SignedOut: Story = { args: { fixture: { me: null } } };
/** A new account, waiting for its agency administrator's approval. */
export const PendingAccount: Story = { args: { fixture: { me: fixtureUsers.pending } } };
export const NeedsOptIn: Story = { args: { fixture: { me: fixtureUsers.notOptedIn } } };
