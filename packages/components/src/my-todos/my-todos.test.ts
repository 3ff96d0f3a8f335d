import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import '../provider/provider.js';
import type { JcProvider } from '../provider/provider.js';
import './my-todos.js';
import type { JcMyTodos } from './my-todos.js';
import type { Activity, ActivityStep, Community } from '../api/schemas.js';
import { localDateIn } from '../shared/dates.js';
import { activateUser, apiCall, createActiveUser, createUser, signInPage, signInSession, signOutPage, testConfig } from '../testing/server.js';
import { fixtureFetch, fixtureUsers } from '../testing/fixtures.js';
import { fullApi } from '../testing/full-api.js';

/*
 * Against the real server (mounted into the test runner), except the error
 * state, which runs on fixtures. Every test uses fresh accounts and its own
 * restricted community (members join by invitation, so it stays out of other
 * tests' lists of communities) and activity.
 */

function shadow(el: HTMLElement) {
  return el.shadowRoot!;
}

function text(node: Element | ShadowRoot | null | undefined) {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

async function settled(el: HTMLElement, pattern: RegExp, timeout = 5000) {
  await waitUntil(() => pattern.test(text(shadow(el))), `waiting for ${pattern} in: ${text(shadow(el)).slice(0, 500)}`, { timeout });
}

async function mount(options: { fetcher?: typeof fetch; activityHref?: string } = {}) {
  const page = await fixture<HTMLDivElement>(html`<div>
    <jc-provider .fetcher=${options.fetcher}>
      <jc-my-todos activity-href=${options.activityHref ?? '#activity={id}'}></jc-my-todos>
    </jc-provider>
  </div>`);
  const provider = page.querySelector<JcProvider>('jc-provider')!;
  return { provider, el: provider.querySelector<JcMyTodos>('jc-my-todos')! };
}

function items(el: JcMyTodos): HTMLElement[] {
  return [...shadow(el).querySelectorAll<HTMLElement>('li.todo')];
}

function titles(el: JcMyTodos): string[] {
  return items(el).map((r) => text(r.querySelector('label.title')));
}

function item(el: JcMyTodos, title: string): HTMLElement {
  const found = items(el).find((r) => text(r.querySelector('label.title')) === title);
  if (!found) throw new Error(`no to-do “${title}” in ${JSON.stringify(titles(el))}`);
  return found;
}

async function waitForTitles(el: JcMyTodos, expected: string[], timeout = 5000) {
  await waitUntil(() => JSON.stringify(titles(el)) === JSON.stringify(expected), `waiting for ${JSON.stringify(expected)}, have ${JSON.stringify(titles(el))}`, { timeout });
}

function focused(el: JcMyTodos): HTMLElement | null {
  return shadow(el).activeElement as HTMLElement | null;
}

function announcement(el: JcMyTodos) {
  return text(shadow(el).querySelector('.announce'));
}

const stamp = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe('jc-my-todos (against the real server)', () => {
  afterEach(signOutPage);

  it('asks a signed-out user to sign in, and axe finds nothing', async () => {
    const { el } = await mount();
    await settled(el, /Sign in to JusticeConnect to see your to-dos/);
    await expect(el).to.be.accessible();
  });

  it('shows a whole-group step to a member, labelled by activity and community and marked overdue; completing it removes it, and Undo brings it back', async () => {
    const owner = await createActiveUser(`Todo Owner ${stamp()}`);
    await signInPage(owner);
    const community = await apiCall<Community>('POST', '/api/v1/communities', { name: `Todos ${stamp()}`, visibility: 'restricted' });
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

    // Undo: back in the list, in its place, with focus on it.
    [...status.querySelectorAll('button')].find((b) => text(b) === 'Undo')!.click();
    await waitForTitles(el, ['Everyone: report sightings', 'Everyone: read the briefing']);
    await waitUntil(() => focused(el)?.id === `jc-todo-${activity.steps[0]!.id}`, 'focus back on the step');
    await waitUntil(() => announcement(el) === 'Step marked not done: “Everyone: report sightings”.', `announced (${announcement(el)})`);
    expect((await apiCall<Activity>('GET', `/api/v1/activities/${activity.id}`)).steps[0]!.done).to.equal(false);
  });

  it('says “Nothing to do” when nothing is open for the user', async () => {
    const user = await createActiveUser(`Idle ${stamp()}`);
    await signInPage(user);
    const { el } = await mount();
    await settled(el, /Nothing to do\./);
    expect(items(el).length).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('shows a step another member assigns to the user live, and announces it; one they complete leaves', async () => {
    const { crossOriginApi } = await testConfig();
    const owner = await createActiveUser(`Live Todo Owner ${stamp()}`);
    await signInPage(owner);
    const community = await apiCall<Community>('POST', '/api/v1/communities', { name: `Live todos ${stamp()}`, visibility: 'restricted' });
    const activity = await apiCall<Activity>('POST', `/api/v1/communities/${community.slug}/activities`, {
      title: 'Night operation',
      steps: [{ title: 'Everyone: check radios', assignee: { kind: 'group' } }],
    });
    const bob = await createUser(`Live Todo Bob ${stamp()}`, crossOriginApi);
    await activateUser(bob.email);
    await apiCall('POST', `/api/v1/communities/${community.slug}/invitations`, { email: bob.email });
    const page = await fixture<HTMLDivElement>(html`<div>
      <jc-provider id="a"><jc-my-todos></jc-my-todos></jc-provider>
      <jc-provider id="b" api=${crossOriginApi}></jc-provider>
    </div>`);
    const pa = page.querySelector<JcProvider>('#a')!;
    const pb = page.querySelector<JcProvider>('#b')!;
    const el = page.querySelector<JcMyTodos>('jc-my-todos')!;
    await waitForTitles(el, ['Everyone: check radios']);
    await waitUntil(() => pb.context!.session.state.status === 'signed-out', 'Bob not yet signed in');
    await signInSession(pb.context!.session, bob);
    await waitUntil(() => pa.context!.live.status === 'open', 'the stream is open', { timeout: 5000 });
    await fullApi(pb.context!.api).joinCommunity(community.slug);
    await fullApi(pb.context!.api).addStep(activity.id, { title: 'Drive the lead car', assignee: { kind: 'user', id: owner.id }, dueDate: localDateIn(1) });
    await waitForTitles(el, ['Drive the lead car', 'Everyone: check radios'], 8000);
    await waitUntil(() => announcement(el) === 'New to-do: “Drive the lead car” in Night operation.', `announced (${announcement(el)})`);
    // Bob checks off the group's step: it leaves the owner's list too.
    await fullApi(pb.context!.api).setStepDone(activity.steps[0]!.id, true);
    await waitForTitles(el, ['Drive the lead car'], 8000);
    await pb.context!.session.signOut();
  });

  it('shows an error with Try again when the list cannot be loaded (fixtures)', async () => {
    const { el } = await mount({ fetcher: fixtureFetch({ me: fixtureUsers.optedIn, activitiesFail: true }) });
    await settled(el, /JusticeConnect could not answer just now/);
    expect(shadow(el).querySelector('[role="alert"]')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });
});
