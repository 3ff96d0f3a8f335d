import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../provider/provider.js';
import './forum.js';
import type { TopicFilter } from '../api/schemas.js';
import { fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';
import { widgetArgTypes, widgetArgs, widgetStory, type WidgetArgs } from '../testing/story-args.js';

interface Args extends WidgetArgs {
  fixture: FixtureOptions;
  community: string;
  forum: string;
  filter: TopicFilter;
  tag: string;
  'topic-href': string;
  'page-size': number;
}

/**
 * `jc-forum` lists a community's forum topics: pinned first, then by recent
 * activity, with a forum chooser, filters (Unanswered, Answered, Questions)
 * and tag filters; members start topics (Markdown with a preview, tags, "This
 * is a question"). These stories run on recorded fixtures: every action
 * works, in memory. Topic links are prevented here and logged by the
 * `jc-topic-select` handler instead of navigating.
 */
const meta: Meta<Args> = {
  title: 'Widgets/Forum',
  component: 'jc-forum',
  args: { ...widgetArgs, community: 'i-35-corridor-task-force', forum: '', filter: 'all', tag: '', 'topic-href': '#topic={id}', 'page-size': 20 },
  argTypes: {
    ...widgetArgTypes,
    community: { control: 'text' },
    forum: { control: { type: 'select', labels: { '': 'all forums' } }, options: ['', 'frm_intel', 'frm_ops'] },
    filter: { control: 'inline-radio', options: ['all', 'unanswered', 'answered', 'questions'] },
    tag: { control: 'text' },
    'topic-href': { control: 'text' },
    'page-size': { control: { type: 'number', min: 1, max: 100 } },
  },
  render: (args) =>
    widgetStory(
      'jc-forum',
      args,
      { community: args.community, forum: args.forum, filter: args.filter, tag: args.tag, 'topic-href': args['topic-href'], 'page-size': args['page-size'] },
      { 'jc-topic-select': true, 'jc-topic-created': false },
    ),
};
export default meta;

type Story = StoryObj<Args>;

/** Dana, the task force's owner: pinned topics first, an answered and an unanswered question, a locked debrief, a 10,000-reply log; "New topic" works. */
export const Default: Story = { args: { fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** Three topics a page: "Load more topics" brings the rest. */
export const Paged: Story = { args: { 'page-size': 3, fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** One forum (`forum="frm_ops"`, Operations) and one tag (`tag="debrief"`). */
export const ForumAndTag: Story = { args: { forum: 'frm_ops', tag: 'debrief', fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** Only the questions still waiting for an answer. */
export const Unanswered: Story = { args: { filter: 'unanswered', fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
export const Loading: Story = { args: { fixture: { me: fixtureUsers.optedIn, forumsPending: true } } };
/** A forum with no topics yet: members are invited to start the first. */
export const Empty: Story = { args: { fixture: { me: fixtureUsers.optedIn, topics: [] } } };
export const Error: Story = { args: { fixture: { me: fixtureUsers.optedIn, forumsFail: true } } };
export const SignedOut: Story = { args: { fixture: { me: null } } };
/** Marcus is not a member of the public Texas Highway Interdiction: he reads its topics, and is told why he cannot start one. */
export const NonMember: Story = { args: { community: 'highway-interdiction', fixture: { me: fixtureUsers.owner, delay: 150 } } };
/** Lena is in none of the restricted task force's memberships: it does not exist, for her. */
export const NotAvailable: Story = { args: { fixture: { me: { ...fixtureUsers.notOptedIn, optedIn: true } } } };
/** A new account, waiting for its agency administrator's approval. */
export const PendingAccount: Story = { args: { fixture: { me: fixtureUsers.pending } } };
export const NeedsOptIn: Story = { args: { fixture: { me: fixtureUsers.notOptedIn } } };
