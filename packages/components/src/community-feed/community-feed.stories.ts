import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../provider/provider.js';
import './community-feed.js';
import { unsentStorageKey, type UnsentPost as Unsent } from './community-feed.js';
import { fixtureUsers, manyFixturePosts, type FixtureOptions } from '../testing/fixtures.js';
import { attr, widgetArgTypes, widgetStory, widgetArgs, type WidgetArgs } from '../testing/story-args.js';

interface Args extends WidgetArgs {
  fixture: FixtureOptions;
  community: string;
  scope: 'community' | 'mine';
  'post-type': '' | 'status' | 'blog' | 'file';
  'page-size': number;
  /** Unsent posts this tab kept from before (sessionStorage), for the signed-in fixture user. */
  unsent?: Unsent[];
}

/**
 * `jc-community-feed` shows a community's posts (or, with `scope="mine"`, the
 * signed-in user's feed over all their communities): a composer for members,
 * Markdown bodies rendered straight to elements (never parsed as HTML), attachments, reactions,
 * comments, edit, delete and report. New posts by others wait behind an
 * "N new posts" button; older posts load on scroll; the list is virtualized.
 * These stories run on recorded fixtures: every action works, in memory.
 */
const meta: Meta<Args> = {
  title: 'Widgets/Community feed',
  component: 'jc-community-feed',
  args: { ...widgetArgs, community: 'i-35-corridor-task-force', scope: 'community', 'post-type': '', 'page-size': 20 },
  argTypes: {
    ...widgetArgTypes,
    scope: { control: 'inline-radio', options: ['community', 'mine'] },
    community: { control: 'text' },
    'post-type': { control: { type: 'inline-radio', labels: { '': 'all' } }, options: ['', 'status', 'blog', 'file'] },
    'page-size': { control: { type: 'number', min: 1, max: 100 } },
    unsent: { control: 'object', description: 'Unsent posts this tab kept from before (sessionStorage), for the signed-in fixture user. Not an attribute.', table: { category: 'fixtures' } },
  },
  render: (args) => {
    const { fixture, community, unsent } = args;
    const me = fixture.me;
    if (me) {
      const key = unsentStorageKey(location.origin, me.id, community);
      if (unsent?.length) sessionStorage.setItem(key, JSON.stringify(unsent));
      else sessionStorage.removeItem(key);
    }
    return widgetStory(
      'jc-community-feed',
      args,
      { community, scope: args.scope, 'post-type': attr(args['post-type']), 'page-size': args['page-size'] },
      { 'jc-post-created': false, 'jc-post-deleted': false, 'jc-reaction-changed': false },
    );
  },
};
export default meta;

type Story = StoryObj<Args>;

/** Dana, the task force's owner: the composer, attachments, reactions, a comment thread; she may delete every post. */
export const FullFeed: Story = { args: { fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** Only the posts that share a file (`post-type="file"`). */
export const FilesOnly: Story = { args: { 'post-type': 'file', fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** The combined feed over all of Dana's communities (`scope="mine"`): each post names its community. */
export const MyFeed: Story = { args: { scope: 'mine', fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** Marcus is not a member of the public Texas Highway Interdiction: he reads, but cannot post, react or comment. */
export const ReadOnlyNonMember: Story = { args: { community: 'highway-interdiction', fixture: { me: fixtureUsers.owner, delay: 150 } } };
/** 10,000 posts, 100 a page, loading as you scroll: only the posts near the viewport are in the DOM. */
export const LongFeed: Story = { args: { 'page-size': 100, fixture: { me: fixtureUsers.optedIn, posts: manyFixturePosts(10_000) } } };
/**
 * A post that could not be sent before the page was reloaded, kept in
 * sessionStorage: "Not sent", with Retry (which works here) and Discard.
 * Posting anything new fails once as if offline, then Retry sends it.
 */
export const UnsentPost: Story = {
  args: {
    fixture: { me: fixtureUsers.optedIn, delay: 300, sendFails: 1 },
    unsent: [
      {
        clientId: '6f1c2a4e-8b1d-4c4e-9a63-2f0d5b7e9c11',
        community: 'i-35-corridor-task-force',
        body: 'Checkpoint at **MM 240** moved to the southbound rest area until 0400.',
        createdAt: new Date(Date.now() - 4 * 60_000).toISOString(),
      },
    ],
  },
};
export const Loading: Story = { args: { fixture: { me: fixtureUsers.optedIn, postsPending: true } } };
/** A community with no posts yet: members are invited to write the first. */
export const Empty: Story = { args: { fixture: { me: fixtureUsers.optedIn, posts: [] } } };
export const Error: Story = { args: { fixture: { me: fixtureUsers.optedIn, postsFail: true } } };
export const SignedOut: Story = { args: { fixture: { me: null } } };
/** Lena is in none of the restricted task force's memberships: it does not exist, for her. */
export const NotAvailable: Story = { args: { fixture: { me: { ...fixtureUsers.notOptedIn, optedIn: true } } } };
/** A new account, waiting for its agency administrator's approval. */
export const PendingAccount: Story = { args: { fixture: { me: fixtureUsers.pending } } };
export const NeedsOptIn: Story = { args: { fixture: { me: fixtureUsers.notOptedIn } } };
