import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../provider/provider.js';
import './forum-thread.js';
import { LONG_TOPIC_ID, THREAD_TOPIC_ID, fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';
import type { Me } from '../api/schemas.js';
import { widgetArgTypes, widgetStory, widgetArgs, type WidgetArgs } from '../testing/story-args.js';

interface Args extends WidgetArgs {
  fixture: FixtureOptions;
  topic: string;
  'page-size': number;
  /** The topic's requests never answer (to show the loading state). */
  stall?: boolean;
}

/** A fetch whose topic and reply requests never answer; everything else answers from the fixtures. */
function stalled(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    return /\/api\/v1\/(topics|replies)\//.test(url) ? new Promise<Response>(() => {}) : inner(input, init);
  };
}

/** Ray: a member of the task force (neither owner nor moderator). */
const member: Me = {
  id: 'usr_ray',
  name: 'Tpr. Ray Whitehorse',
  email: 'ray.whitehorse@ohp.demo.test',
  status: 'active',
  title: 'Trooper',
  mobile: null,
  agency: { id: 'agy_ohp', name: 'Oklahoma Highway Patrol (demo)', ori: 'OKOHP0000' },
  optedIn: true,
  optedInAt: '2026-10-20T12:00:00.000Z',
};

/**
 * `jc-forum-thread` shows one forum topic and its replies: badges, tags,
 * follow; moderator tools (pin, lock, move, delete); replies in thread order
 * with one level of nesting, quotes, likes, flags and the accepted answer;
 * a Write / Preview composer for those who may reply. `#reply-ID` in the
 * address opens the thread at that reply. These stories run on recorded
 * fixtures: every action works, in memory.
 */
const meta: Meta<Args> = {
  title: 'Widgets/Forum thread',
  component: 'jc-forum-thread',
  args: { ...widgetArgs, topic: 'top_memorial', 'page-size': 50 },
  argTypes: {
    ...widgetArgTypes,
    topic: { control: 'text' },
    'page-size': { control: { type: 'number', min: 1, max: 100 } },
    stall: { control: 'boolean', description: 'The topic’s requests never answer (the loading state). Not an attribute.', table: { category: 'fixtures' } },
  },
  render: (args) =>
    widgetStory(
      'jc-forum-thread',
      args,
      { topic: args.topic, 'page-size': args['page-size'] },
      { 'jc-reply-created': false, 'jc-topic-changed': false },
      args.stall ? stalled : undefined,
    ),
};
export default meta;

type Story = StoryObj<Args>;

/** Dana, the task force's owner: the Memorial Day schedule thread; she moderates it (pin, lock, move, delete) and may reply. */
export const Thread: Story = { args: { fixture: { me: fixtureUsers.optedIn, delay: 150, longThread: 0 } } };
/** Ray asked which plate readers cover MM 180–230: nested replies, a quote, a deleted reply, and Dana's accepted answer. */
export const AnsweredQuestion: Story = { args: { topic: THREAD_TOPIC_ID, fixture: { me: member, delay: 150, longThread: 0 } } };
/** A locked topic, seen by a member: no composer, and a note that says so. */
export const LockedAsMember: Story = { args: { topic: 'top_red_river', fixture: { me: member, delay: 150, longThread: 0 } } };
/** The same locked topic, seen by Marcus, a moderator: he may still reply (and unlock it). */
/** Marcus is not a member of the public Texas Highway Interdiction: he reads its case-law topic, and is told why he cannot reply. */
export const ReadOnlyNonMember: Story = { args: { topic: 'top_consent', fixture: { me: fixtureUsers.owner, delay: 150, longThread: 0 } } };
/** A topic nobody has replied to yet: members are invited to write the first reply. */
export const Empty: Story = { args: { topic: 'top_reefer', fixture: { me: fixtureUsers.optedIn, delay: 150, longThread: 0 } } };
export const LockedAsModerator: Story = { args: { topic: 'top_red_river', fixture: { me: fixtureUsers.owner, delay: 150, longThread: 0 } } };
/** 10,000 replies, 50 a page, loading as you scroll: only the replies near the viewport are in the DOM. */
export const LongThread: Story = { args: { topic: LONG_TOPIC_ID, fixture: { me: fixtureUsers.optedIn } } };
export const Loading: Story = { args: { stall: true, fixture: { me: fixtureUsers.optedIn, longThread: 0 } } };
/** The topic cannot be read (a server error): the message, and Try again. */
export const Error: Story = { args: { fixture: { me: fixtureUsers.optedIn, forumsFail: true, longThread: 0 } } };
export const SignedOut: Story = { args: { fixture: { me: null } } };
