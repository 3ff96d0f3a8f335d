import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../provider/provider.js';
import './my-todos.js';
import { fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';
import { widgetArgTypes, widgetStory, widgetArgs, type WidgetArgs } from '../testing/story-args.js';

interface Args extends WidgetArgs {
  fixture: FixtureOptions;
  'activity-href': string;
}

/**
 * `jc-my-todos` lists the signed-in user's open steps across all their
 * communities (theirs and their whole group's), soonest due first, overdue
 * ones marked, each with its activity and community. A checkbox completes a
 * step at once, with Undo. These stories run on recorded fixtures; activity
 * links are prevented here and logged by the `jc-activity-select` handler.
 */
const meta: Meta<Args> = {
  title: 'Widgets/My to-dos',
  component: 'jc-my-todos',
  args: { ...widgetArgs, 'activity-href': '/intranet.html?activity={id}' },
  argTypes: { ...widgetArgTypes, 'activity-href': { control: 'text' } },
  render: (args) => widgetStory('jc-my-todos', args, { 'activity-href': args['activity-href'] }, { 'jc-activity-select': true, 'jc-step-changed': false }),
};
export default meta;

type Story = StoryObj<Args>;

/** Dana: her own overdue step, and two of her whole groups' steps, in two communities. */
export const Default: Story = { args: { fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** Nothing open for the user. */
export const Empty: Story = { args: { fixture: { me: fixtureUsers.optedIn, activities: [] } } };
export const Loading: Story = { args: { fixture: { me: fixtureUsers.optedIn, activitiesPending: true } } };
export const Error: Story = { args: { fixture: { me: fixtureUsers.optedIn, activitiesFail: true } } };
export const SignedOut: Story = { args: { fixture: { me: null } } };
