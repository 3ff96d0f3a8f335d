import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import '../provider/provider.js';
import '../community-list/community-list.js';
import type { JcProvider } from '../provider/provider.js';
import type { LiveEvent } from './events.js';
import { activateUser, createActiveUser, createUser, signInPage, signInSession, signOutPage, testConfig } from '../testing/server.js';
import { fullApi } from '../testing/full-api.js';

/**
 * Live events in a real browser against the real server: two providers on one
 * page, two users (one on this origin with the cookie, one on the allow-listed
 * other origin with a bearer token), each with its own stream.
 */
describe('live events across two providers (two users, one page)', () => {
  afterEach(signOutPage);

  async function twoProviders() {
    const { crossOriginApi } = await testConfig();
    const a = await createActiveUser('Live Alice');
    const b = await createUser('Live Bob', crossOriginApi);
    await activateUser(b.email);
    await signInPage(a);
    const page = await fixture(html`<div>
      <jc-provider id="a"><jc-community-list></jc-community-list></jc-provider>
      <jc-provider id="b" api=${crossOriginApi}></jc-provider>
    </div>`);
    const pa = page.querySelector<JcProvider>('#a')!;
    const pb = page.querySelector<JcProvider>('#b')!;
    await waitUntil(() => pa.context!.session.state.status === 'signed-in', 'Alice signed in');
    await waitUntil(() => pb.context!.session.state.status === 'signed-out', 'Bob not yet');
    await signInSession(pb.context!.session, b);
    await waitUntil(() => pa.context!.live.status === 'open' && pb.context!.live.status === 'open', 'both streams open', { timeout: 5000 });
    return { pa, pb, page };
  }

  it('delivers what one user does to the other’s subscription without a reload', async () => {
    const { pa, pb } = await twoProviders();
    const bob = fullApi(pb.context!.api);
    const community = await bob.createCommunity({ name: `Live corridor ${Date.now()}`, visibility: 'public' });
    const seenByBob: LiveEvent[] = [];
    pb.context!.live.subscribe([`community:${community.slug}`], (e) => seenByBob.push(e));
    await fullApi(pa.context!.api).joinCommunity(community.slug);
    await waitUntil(() => seenByBob.some((e) => e.type === 'membership.changed' && e.payload.action === 'joined'), 'Bob hears Alice join', { timeout: 5000 });

    const seenByAlice: LiveEvent[] = [];
    pa.context!.live.subscribe(['community.updated'], (e) => seenByAlice.push(e));
    await bob.request(`/api/v1/communities/${community.slug}`, { method: 'PATCH', body: { description: 'Updated from the other origin' } });
    await waitUntil(() => seenByAlice.some((e) => e.communityId === community.id), 'Alice hears Bob’s update', { timeout: 5000 });
  });

  it('updates a widget live: an approval by the owner shows in the requester’s community list', async () => {
    const { pa, pb, page } = await twoProviders();
    const bob = fullApi(pb.context!.api);
    const community = await bob.createCommunity({ name: `Live moderated ${Date.now()}`, visibility: 'moderated' });
    const join = await fullApi(pa.context!.api).joinCommunity(community.slug);
    expect(join.requested).to.equal(true);
    const list = page.querySelector('jc-community-list')!;
    const text = () => list.shadowRoot!.textContent ?? '';
    await waitUntil(() => text().includes(community.name), 'the request shows in Alice’s list', { timeout: 5000 });
    const me = pa.context!.session.me!;
    await bob.approveMember(community.slug, me.id);
    await waitUntil(
      () => {
        const item = [...list.shadowRoot!.querySelectorAll('li')].find((li) => li.textContent?.includes(community.name));
        return Boolean(item && !/request pending/i.test(item.textContent ?? ''));
      },
      'the approval reaches Alice’s list without a reload',
      { timeout: 5000 },
    );
  });

  it('closes the stream when its user signs out', async () => {
    const { pa } = await twoProviders();
    await pa.context!.session.signOut();
    await waitUntil(() => pa.context!.live.status === 'closed', 'stream closed');
  });
});
