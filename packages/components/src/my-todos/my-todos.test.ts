import { expect, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import './my-todos.js';
import type { JcMyTodos } from './my-todos.js';
import type { Activity, ActivityStep } from '../api/schemas.js';
import { localDateIn } from '../shared/dates.js';
import { activateUser, apiCall, createActiveUser, createUser, signInPage, signOutPage, testConfig } from '../testing/server.js';
import { fixtureFetch, fixtureUsers } from '../testing/fixtures.js';
import { fullApi } from '../testing/full-api.js';
import { announcement, expectEmptyState, focused, mountBesideOtherOrigin, mountInProvider, ownerWithCommunity, settled, shadow, signInBeside, stamp, text, listReaders } from '../testing/setup.js';

/*
 * Against the real server (mounted into the test runner), except the error
 * state, which runs on fixtures. Every test uses fresh accounts and its own
 * restricted community (members join by invitation, so it stays out of other
 * tests' lists of communities) and activity.
 */

function mount(options: { fetcher?: typeof fetch; activityHref?: string } = {}) {
  return mountInProvider<JcMyTodos>(html`<jc-my-todos activity-href=${options.activityHref ?? '#activity={id}'}></jc-my-todos>`, options);
}

const { rows: items, row: item, waitForTitles } = listReaders<JcMyTodos>('li.todo', 'label.title', 'to-do');

describe('jc-my-todos (against the real server)', () => {
  afterEach(signOutPage);

  it('asks a signed-out user to sign in, and axe finds nothing', async () => {
    const { el } = await mount();
    await expectEmptyState(el, /Sign in to JusticeConnect to see your to-dos/, items);
  });

  it('shows a whole-group step to a member, labelled by activity and community and marked overdue; completing it removes it, and Undo brings it back', async () => {
    const { user: owner, community } = await ownerWithCommunity('Todos', 'restricted');
    const activity = await apiCall<Activity>('POST', `/api/v1/communities/${community.slug}/activities`, {
      title: 'Corridor sweep',
      steps: [
        { title: 'Everyone: report sightings', assignee: { kind: 'group' }, dueDate: localDateIn(-1) },
        { title: 'The owner’s own step', assignee: { kind: 'user', id: owner.id } },
        { title: 'Nobody’s step' },
        { title: 'Everyone: read the briefing', assignee: { kind: 'group' } },
      ],
    });
    const member = await createActiveUser(`Todo Member ${stamp()}`);
    await apiCall('POST', `/api/v1/communities/${community.slug}/invitations`, { email: member.email });
    await signInPage(member);
    await apiCall('POST', `/api/v1/communities/${community.slug}/join`);

    const { provider, el } = await mount({ activityHref: '/intranet.html?activity={id}' });
    // Soonest due first, undated last; neither the owner's step nor nobody's.
    await waitForTitles(el, ['Everyone: report sightings', 'Everyone: read the briefing']);
    const first = item(el, 'Everyone: report sightings');
    const meta = text(first.querySelector('.meta'));
    expect(meta).to.match(/^Overdue Due \w{3}, /);
    expect(meta).to.match(new RegExp(`For the whole group Corridor sweep in ${community.name}`));
    expect(first.querySelector('a')!.getAttribute('href')).to.equal(`/intranet.html?activity=${activity.id}`);
    expect(item(el, 'Everyone: read the briefing').querySelector('.badge'), 'undated: not overdue').to.equal(null);
    expect(text(shadow(el).querySelector('.summary'))).to.equal('2 open steps. 1 is overdue.');
    await expect(el).to.be.accessible();

    // Complete it: checked at once, then gone; focus on the next one.
    const changed = oneEvent(provider, 'jc-step-changed');
    const box = first.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    box.click();
    await el.updateComplete;
    expect(box.checked, 'checked at once').to.equal(true);
    const event = (await changed) as CustomEvent<{ step: ActivityStep; change: string }>;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail).to.deep.include({ change: 'done' });
    expect(event.detail.step.doneBy?.id).to.equal(member.id);
    await waitForTitles(el, ['Everyone: read the briefing']);
    await waitUntil(() => focused(el)?.id === `jc-todo-${activity.steps[3]!.id}`, 'focus on the next step');
    const status = shadow(el).querySelector('.undo')!;
    await waitUntil(() => /Step marked done: “Everyone: report sightings”\. Undo/.test(text(status)), `the Undo message (${text(status)})`);
    const server = await apiCall<Activity>('GET', `/api/v1/activities/${activity.id}`);
    expect(server.steps[0]!.done).to.equal(true);

    // Undo: back in the list, in its place, with focus on it; announced once, and not also as a new to-do (issue 23).
    const said: string[] = [];
    const region = shadow(el).querySelector('.announce')!;
    const listening = new MutationObserver(() => {
      if (text(region)) said.push(text(region));
    });
    listening.observe(region, { childList: true, characterData: true, subtree: true });
    [...status.querySelectorAll('button')].find((b) => text(b) === 'Undo')!.click();
    await waitForTitles(el, ['Everyone: report sightings', 'Everyone: read the briefing']);
    await waitUntil(() => focused(el)?.id === `jc-todo-${activity.steps[0]!.id}`, 'focus back on the step');
    await waitUntil(() => announcement(el) === 'Step marked not done: “Everyone: report sightings”.', `announced (${announcement(el)})`);
    await new Promise((r) => setTimeout(r, 300));
    listening.disconnect();
    expect(said).to.deep.equal(['Step marked not done: “Everyone: report sightings”.']);
    expect((await apiCall<Activity>('GET', `/api/v1/activities/${activity.id}`)).steps[0]!.done).to.equal(false);
  });

  it('says “Nothing to do” when nothing is open for the user', async () => {
    const user = await createActiveUser(`Idle ${stamp()}`);
    await signInPage(user);
    const { el } = await mount();
    await expectEmptyState(el, /Nothing to do\./, items);
  });

  it('shows a step another member assigns to the user live, and announces it; one they complete leaves', async () => {
    const { crossOriginApi } = await testConfig();
    const { user: owner, community } = await ownerWithCommunity('Live todos', 'restricted');
    const activity = await apiCall<Activity>('POST', `/api/v1/communities/${community.slug}/activities`, {
      title: 'Night operation',
      steps: [{ title: 'Everyone: check radios', assignee: { kind: 'group' } }],
    });
    const bob = await createUser(`Live Todo Bob ${stamp()}`, crossOriginApi);
    await activateUser(bob.email);
    await apiCall('POST', `/api/v1/communities/${community.slug}/invitations`, { email: bob.email });
    const { reader, other, el } = await mountBesideOtherOrigin<JcMyTodos>(html`<jc-my-todos></jc-my-todos>`, crossOriginApi);
    await waitForTitles(el, ['Everyone: check radios']);
    await signInBeside(reader, other, bob);
    await fullApi(other.context!.api).joinCommunity(community.slug);
    await fullApi(other.context!.api).addStep(activity.id, { title: 'Drive the lead car', assignee: { kind: 'user', id: owner.id }, dueDate: localDateIn(1) });
    await waitForTitles(el, ['Drive the lead car', 'Everyone: check radios'], 8000);
    await waitUntil(() => announcement(el) === 'New to-do: “Drive the lead car” in Night operation.', `announced (${announcement(el)})`);
    // Bob checks off the group's step: it leaves the owner's list too.
    await fullApi(other.context!.api).setStepDone(activity.steps[0]!.id, true);
    await waitForTitles(el, ['Drive the lead car'], 8000);
    await other.context!.session.signOut();
  });

  it('shows an error with Try again when the list cannot be loaded (fixtures)', async () => {
    const { el } = await mount({ fetcher: fixtureFetch({ me: fixtureUsers.optedIn, activitiesFail: true }) });
    await settled(el, /JusticeConnect could not answer just now/);
    expect(shadow(el).querySelector('[role="alert"]')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });
});
