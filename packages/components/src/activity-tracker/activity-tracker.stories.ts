import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../provider/provider.js';
import './activity-tracker.js';
import { fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';
import { widgetArgTypes, widgetStory, widgetArgs, type WidgetArgs } from '../testing/story-args.js';

interface Args extends WidgetArgs {
  fixture: FixtureOptions;
  activity: string;
  'updates-page-size': number;
}

/**
 * `jc-activity-tracker` shows one activity: its goal, owner, due date and
 * progress, and its steps in order (in sections), each with a checkbox, an
 * assignee, a due date (overdue ones marked) and who checked it off. Members
 * check steps off (with Undo), assign them, set due dates, reorder them by
 * keyboard (Move buttons, or Alt+Up / Alt+Down), add steps and sections, and
 * post updates. These stories run on recorded fixtures: every action works,
 * in memory, and the events are logged.
 */
const meta: Meta<Args> = {
  title: 'Widgets/Activity tracker',
  component: 'jc-activity-tracker',
  args: { ...widgetArgs, activity: 'act_demo_peak_times', 'updates-page-size': 50 },
  argTypes: {
    ...widgetArgTypes,
    activity: { control: 'inline-radio', options: ['act_demo_peak_times', 'act_interdiction_training', 'act_empty'] },
    'updates-page-size': { control: { type: 'number', min: 1, max: 100 } },
  },
  render: (args) =>
    widgetStory('jc-activity-tracker', args, { activity: args.activity, 'updates-page-size': args['updates-page-size'] }, { 'jc-step-changed': false, 'jc-activity-changed': false }),
};
export default meta;

type Story = StoryObj<Args>;

/** Dana, the task force's owner: the peak-times activity with one step done, one overdue, one the whole group's, and an "Assessment" section. */
export const Default: Story = { args: { fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** One update a page: "Load more updates" brings the next. */
export const PagedUpdates: Story = { args: { 'updates-page-size': 1, fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** Marcus is not a member of the public Texas Highway Interdiction: he follows its training activity, read-only, and is told why. */
export const ReadOnly: Story = { args: { activity: 'act_interdiction_training', fixture: { me: fixtureUsers.owner, delay: 150 } } };
/** An activity with no steps yet: members are invited to add the first. */
export const Empty: Story = { args: { activity: 'act_empty', fixture: { me: fixtureUsers.optedIn } } };
export const Loading: Story = { args: { fixture: { me: fixtureUsers.optedIn, activitiesPending: true } } };
export const Error: Story = { args: { fixture: { me: fixtureUsers.optedIn, activitiesFail: true } } };
export const SignedOut: Story = { args: { fixture: { me: null } } };
/** Lena is not in the restricted task force: its activity does not exist, for her. */
export const NotAvailable: Story = { args: { fixture: { me: { ...fixtureUsers.notOptedIn, optedIn: true } } } };
