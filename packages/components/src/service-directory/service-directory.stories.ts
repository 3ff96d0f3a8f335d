import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../provider/provider.js';
import './service-directory.js';
import type { ServiceStatusFilter } from './service-directory.js';
import { fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';
import { fixtureServicesWithoutAccess } from '../testing/service-fixtures.js';
import { attr, widgetArgTypes, widgetArgs, widgetStory, type WidgetArgs } from '../testing/story-args.js';

interface Args extends WidgetArgs {
  fixture: FixtureOptions;
  'community-href': string;
  query: string;
  'status-filter': ServiceStatusFilter;
  'favorites-only': boolean;
  'time-zone': string;
}

/**
 * `jc-service-directory` lists the portal's services: My Services first (in
 * the reader's order: Move up and Move down, Alt+Up and Alt+Down, or drag),
 * then the rest, each with its icon and description; status icons for
 * maintenance (now or planned: hover or focus for the window and message),
 * degraded service and outages, the service's JusticeConnect community, and
 * how to get access to a service the reader lacks. These stories run on
 * recorded fixtures: favourites, reordering and access requests work, in memory.
 */
const meta: Meta<Args> = {
  title: 'Widgets/Service directory',
  component: 'jc-service-directory',
  args: { ...widgetArgs, 'community-href': '#community={slug}', query: '', 'status-filter': 'all', 'favorites-only': false, 'time-zone': '' },
  argTypes: {
    ...widgetArgTypes,
    'community-href': { control: 'text' },
    query: { control: 'text' },
    'status-filter': { control: 'inline-radio', options: ['all', 'operational', 'issues'] },
    'favorites-only': { control: 'boolean' },
    'time-zone': { control: 'text' },
  },
  render: (args) =>
    widgetStory(
      'jc-service-directory',
      args,
      {
        'community-href': args['community-href'],
        query: args.query,
        'status-filter': args['status-filter'],
        'favorites-only': args['favorites-only'],
        'time-zone': attr(args['time-zone']),
      },
      { 'jc-favorite-change': false, 'jc-favorites-reorder': false, 'jc-access-requested': false },
    ),
};
export default meta;

type Story = StoryObj<Args>;

/** Dana's directory, with every status icon: maintenance now (N-DEx) and planned (Use of Force), degraded, partial and major outage, community links, no access (ViCAP), a pending request (RISSNET), extra requirements; two services in My Services. */
export const Default: Story = { args: { fixture: { me: fixtureUsers.optedIn, delay: 150 } } };
/** A small agency's officer: most services grayed out, with how to ask for access (ViCAP's last request was denied, RISSNET's is pending). */
export const NoAccess: Story = { args: { fixture: { me: fixtureUsers.notOptedIn, services: fixtureServicesWithoutAccess(), delay: 150 } } };
/** Maintenance windows shown in one state's time zone, whatever the reader's. */
export const CentralTime: Story = { args: { 'time-zone': 'America/Chicago', fixture: { me: fixtureUsers.optedIn } } };
/** Only services under maintenance or with issues. */
export const Issues: Story = { args: { 'status-filter': 'issues', fixture: { me: fixtureUsers.optedIn } } };
/** Only My Services, the reader's favourites (`favorites-only`). */
export const FavoritesOnly: Story = { args: { 'favorites-only': true, fixture: { me: fixtureUsers.optedIn } } };
/** A search that finds nothing: said, with a way back. */
export const EmptySearch: Story = { args: { query: 'fingerprint scanner', fixture: { me: fixtureUsers.optedIn } } };
/** No services at all. */
export const Empty: Story = { args: { fixture: { me: fixtureUsers.optedIn, services: [] } } };
export const Loading: Story = { args: { fixture: { me: fixtureUsers.optedIn, servicesPending: true } } };
export const Error: Story = { args: { fixture: { me: fixtureUsers.optedIn, servicesFail: true } } };
export const SignedOut: Story = { args: { fixture: { me: null } } };
/** A new account, waiting for its agency administrator's approval. */
export const PendingAccount: Story = { args: { fixture: { me: fixtureUsers.pending } } };
