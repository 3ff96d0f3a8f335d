import { expect, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import { sendKeys } from '@web/test-runner-commands';
import './activity-tracker.js';
import { moveTarget, type JcActivityTracker } from './activity-tracker.js';
import type { Activity, ActivityStep, ActivityUpdate, Community } from '../api/schemas.js';
import { localDateIn } from '../shared/dates.js';
import { DEMO, activateUser, apiCall, createActiveUser, createUser, signInPage, signOutPage, testConfig, type TestUser } from '../testing/server.js';
import { fixtureFetch, fixtureUsers } from '../testing/fixtures.js';
import { fullApi } from '../testing/full-api.js';
import { announcement, button, expectEmptyState, focused, mountBesideOtherOrigin, mountInProvider, ownerWithCommunity, settled, shadow, signInBeside, stamp, text, listReaders } from '../testing/setup.js';

/*
 * Against the real server (mounted into the test runner), except the error
 * state, which runs on fixtures. Tests that write use fresh accounts and their
 * own communities and activities, so no test depends on another. Those
 * communities are restricted (members join by invitation) unless a test is
 * about a public one, so they stay out of other tests' lists of communities.
 */

function mount(activity: string, options: { fetcher?: typeof fetch; updatesPageSize?: number } = {}) {
  return mountInProvider<JcActivityTracker>(
    html`<jc-activity-tracker activity=${activity} updates-page-size=${options.updatesPageSize ?? 50}></jc-activity-tracker>`,
    options,
  );
}

const { rows, titles, row, waitForTitles } = listReaders<JcActivityTracker>('li.step', 'label.title', 'step');

function box(el: JcActivityTracker, title: string): HTMLInputElement {
  return row(el, title).querySelector<HTMLInputElement>('input[type="checkbox"]')!;
}

function progressText(el: JcActivityTracker) {
  return text(shadow(el).querySelector('.progress label'));
}

/** Alt+Arrow: held Alt, then the arrow. */
async function altArrow(key: 'ArrowUp' | 'ArrowDown') {
  await sendKeys({ down: 'Alt' });
  await sendKeys({ press: key });
  await sendKeys({ up: 'Alt' });
}

type NewStep = { title: string; assignee?: { kind: 'user'; id: string } | { kind: 'group' } | null; dueDate?: string | null };

/** A fresh, active user who owns a new community (restricted unless said) with an activity of these steps (signed in on this page). */
async function ownerWithActivity(label: string, steps: (string | NewStep)[], visibility: 'public' | 'restricted' = 'restricted') {
  const { user, community } = await ownerWithCommunity(label, visibility);
  const activity = await apiCall<Activity>('POST', `/api/v1/communities/${community.slug}/activities`, {
    title: `${label} activity`,
    goal: `The goal of ${label}.`,
    steps: steps.map((s) => (typeof s === 'string' ? { title: s } : s)),
  });
  return { user, community, activity };
}

/** Invites a user to the community (as its owner, signed in on this page). */
async function invite(slug: string, email: string) {
  await apiCall('POST', `/api/v1/communities/${slug}/invitations`, { email });
}

/** A fresh active user, invited by `back` (signed in), who joins the community (signing this page in as them, then back as `back`). */
async function joiner(label: string, slug: string, back: TestUser) {
  const user = await createActiveUser(`${label} ${stamp()}`);
  await invite(slug, user.email);
  await signInPage(user);
  await apiCall('POST', `/api/v1/communities/${slug}/join`);
  await signInPage(back);
  return user;
}

/** An activity of these steps whose owner (signed in on this page) has a member ("<label> Member"), mounted with its steps shown. */
async function mountedWithMember(label: string, steps: string[]) {
  const { user, community, activity } = await ownerWithActivity(label, steps);
  const member = await joiner(`${label} Member`, community.slug, user);
  const { provider, el } = await mount(activity.id);
  await waitForTitles(el, steps);
  return { user, member, activity, provider, el };
}

async function serverStep(activityId: string, title: string): Promise<ActivityStep> {
  const a = await apiCall<Activity>('GET', `/api/v1/activities/${activityId}`);
  return a.steps.find((s) => s.title === title)!;
}

async function serverTitles(activityId: string): Promise<string[]> {
  return (await apiCall<Activity>('GET', `/api/v1/activities/${activityId}`)).steps.map((s) => s.title);
}

describe('jc-activity-tracker (against the real server)', () => {
  afterEach(signOutPage);

  it('asks a signed-out user to sign in, and axe finds nothing', async () => {
    const { el } = await mount('act_demo_peak_times');
    await expectEmptyState(el, /Sign in to JusticeConnect to see this activity/, rows);
  });

  it('shows the seeded activity: goal, owner, due date, progress as text and bar, steps in order with assignees, due dates and who did them, and the update', async () => {
    await signInPage(DEMO.dana);
    const { el } = await mount('act_demo_peak_times');
    await waitForTitles(el, ['Develop a patrol schedule', 'Communicate the schedule to members', 'Plan a time to assess the result']);
    const root = shadow(el);
    expect(text(root.querySelector('h2'))).to.equal('Peak trafficking times on the I-35 corridor');
    expect(text(root.querySelector('.goal'))).to.match(/Find when trafficking peaks/);
    const facts = text(root.querySelector('.facts'));
    expect(facts).to.match(/Owner\s*Sgt\. Dana Reyes/);
    expect(facts).to.match(/Due\s*\w{3}, \w{3} \d+, \d{4}/);
    expect(facts).to.match(/Community\s*I-35 Corridor Drug Trafficking Task Force/);

    // Progress: text, and a bar labelled by it.
    expect(progressText(el)).to.equal('1 of 3 steps done');
    const bar = root.querySelector<HTMLProgressElement>('progress')!;
    expect(bar.max).to.equal(3);
    expect(bar.value).to.equal(1);
    expect(bar.labels?.[0]?.textContent?.trim()).to.equal('1 of 3 steps done');

    // The first step is done, by Marcus, some time ago.
    const first = row(el, 'Develop a patrol schedule');
    expect(box(el, 'Develop a patrol schedule').checked).to.equal(true);
    expect(text(first.querySelector('.meta'))).to.match(/Done by Det\. Marcus Hill .*ago/);
    expect(first.querySelector('time')?.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(first.querySelector('.overdue'), 'a done step is never overdue').to.equal(null);
    // The second is the whole group's; the third Ray's; each with a due date.
    const communicate = row(el, 'Communicate the schedule to members');
    expect(box(el, 'Communicate the schedule to members').checked).to.equal(false);
    await waitUntil(() => communicate.querySelectorAll('select option').length > 3, 'the members are in the assignee list');
    expect(communicate.querySelector<HTMLSelectElement>('select')!.selectedOptions[0]!.textContent!.trim()).to.equal('The whole group');
    expect(communicate.querySelector<HTMLInputElement>('input[type="date"]')!.value).to.match(/^\d{4}-\d\d-\d\d$/);
    const assess = row(el, 'Plan a time to assess the result');
    expect(assess.querySelector<HTMLSelectElement>('select')!.selectedOptions[0]!.textContent!.trim()).to.equal('Tpr. Ray Whitehorse');
    // The update, its Markdown rendered, about the first step.
    await settled(el, /Draft schedule is in the Operations forum/);
    const update = root.querySelector('.update')!;
    expect(text(update.querySelector('.body strong'))).to.equal('Operations');
    expect(text(update.querySelector('.meta'))).to.match(/Det\. Marcus Hill.*About “Develop a patrol schedule”/);
    await expect(el).to.be.accessible();
  });

  it('adds a section, and a step in it with an assignee and a due date', async () => {
    const { member, activity, provider, el } = await mountedWithMember('Add', ['First step']);
    const root = shadow(el);

    // A section.
    const sectionTitle = root.querySelector<HTMLInputElement>('#jc-new-section-title')!;
    sectionTitle.focus();
    await sendKeys({ type: 'Follow-up' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => text(root.querySelector('h4.section')) === 'Follow-up', 'the section appears');
    await waitUntil(() => announcement(el) === 'Section added: “Follow-up”.', `announced (${announcement(el)})`);
    expect(sectionTitle.value, 'the section form empties').to.equal('');

    // A step in it, assigned to the member, due in a week.
    await waitUntil(() => root.querySelectorAll('#jc-new-step-assignee option').length === 4, 'both members in the assignee list');
    const due = localDateIn(7);
    root.querySelector<HTMLSelectElement>('#jc-new-step-section')!.value = root.querySelectorAll<HTMLOptionElement>('#jc-new-step-section option')[1]!.value;
    const assignee = root.querySelector<HTMLSelectElement>('#jc-new-step-assignee')!;
    assignee.value = [...assignee.options].find((o) => o.textContent!.trim() === member.name)!.value;
    root.querySelector<HTMLInputElement>('#jc-new-step-due')!.value = due;
    root.querySelector<HTMLInputElement>('#jc-new-step-title')!.focus();
    await sendKeys({ type: 'Brief the night shift' });
    const changed = oneEvent(provider, 'jc-step-changed');
    await sendKeys({ press: 'Enter' });
    const event = (await changed) as CustomEvent<{ step: ActivityStep; change: string }>;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.change).to.equal('added');
    expect(event.detail.step).to.deep.include({ title: 'Brief the night shift', dueDate: due });
    expect(event.detail.step.assignee).to.deep.include({ kind: 'user', id: member.id });

    await waitForTitles(el, ['First step', 'Brief the night shift']);
    const added = row(el, 'Brief the night shift');
    expect(added.closest('ol')!.getAttribute('aria-labelledby')).to.equal(root.querySelector('h4.section')!.id);
    expect(added.querySelector<HTMLSelectElement>('select')!.selectedOptions[0]!.textContent!.trim()).to.equal(member.name);
    expect(added.querySelector<HTMLInputElement>('input[type="date"]')!.value).to.equal(due);
    await waitUntil(() => announcement(el) === 'Step added: “Brief the night shift”.', `announced (${announcement(el)})`);
    await waitUntil(() => focused(el)?.id === 'jc-new-step-title', 'focus back in the title, ready for the next');
    expect(root.querySelector<HTMLInputElement>('#jc-new-step-title')!.value).to.equal('');
    const saved = await serverStep(activity.id, 'Brief the night shift');
    expect(saved.sectionId).to.not.equal(null);
    expect(progressText(el)).to.equal('0 of 2 steps done');

    // No title: the field says so, and nothing is sent.
    button(root.querySelector('form.add-step')!, /^Add step$/).click();
    await waitUntil(() => root.querySelector('#jc-new-step-title-error'), 'the title error');
    expect(text(root.querySelector('#jc-new-step-title-error'))).to.equal('Give the step a title');
    expect(root.querySelector('#jc-new-step-title')!.getAttribute('aria-invalid')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('assigns a step to a member, the whole group, or nobody', async () => {
    const { user, member, activity, provider, el } = await mountedWithMember('Assign', ['Canvass the truck stops']);
    const select = () => row(el, 'Canvass the truck stops').querySelector<HTMLSelectElement>('select')!;
    await waitUntil(() => select().options.length === 4, 'nobody, the group and both members');
    expect([...select().options].map((o) => o.textContent!.trim())).to.include.members(['Nobody', 'The whole group', member.name, user.name]);
    expect(select().value).to.equal('');

    const choose = async (label: string) => {
      const s = select();
      s.value = [...s.options].find((o) => o.textContent!.trim() === label)!.value;
      const changed = oneEvent(provider, 'jc-step-changed');
      s.dispatchEvent(new Event('change', { bubbles: true }));
      return ((await changed) as CustomEvent<{ step: ActivityStep; change: string }>).detail;
    };
    const toMember = await choose(member.name);
    expect(toMember.change).to.equal('assigned');
    expect((await serverStep(activity.id, 'Canvass the truck stops')).assignee).to.deep.include({ kind: 'user', id: member.id });
    await waitUntil(() => announcement(el) === `“Canvass the truck stops” assigned to ${member.name}.`, `announced (${announcement(el)})`);

    await choose('The whole group');
    expect((await serverStep(activity.id, 'Canvass the truck stops')).assignee).to.deep.equal({ kind: 'group' });
    await waitUntil(() => announcement(el) === '“Canvass the truck stops” assigned to the whole group.');

    await choose('Nobody');
    expect((await serverStep(activity.id, 'Canvass the truck stops')).assignee).to.equal(null);
    expect(select().value).to.equal('');
  });

  it('reorders by keyboard: Alt+Arrow keys and the Move buttons keep focus on the moved step and announce its place', async () => {
    const { activity } = await ownerWithActivity('Order', ['Alpha', 'Bravo', 'Charlie']);
    const { el } = await mount(activity.id);
    await waitForTitles(el, ['Alpha', 'Bravo', 'Charlie']);

    // Alt+ArrowDown on Alpha's checkbox.
    box(el, 'Alpha').focus();
    await altArrow('ArrowDown');
    await waitForTitles(el, ['Bravo', 'Alpha', 'Charlie']);
    await waitUntil(() => announcement(el) === 'Moved to position 2 of 3.', `announced (${announcement(el)})`);
    expect(focused(el) === box(el, 'Alpha'), 'focus stays on Alpha’s checkbox').to.equal(true);
    expect(await serverTitles(activity.id)).to.deep.equal(['Bravo', 'Alpha', 'Charlie']);

    // Twice more, quickly: each move starts from where the last one left it.
    await altArrow('ArrowDown');
    await altArrow('ArrowDown');
    await waitUntil(() => /already last/.test(announcement(el)), `announced (${announcement(el)})`, { timeout: 5000 });
    expect(titles(el)).to.deep.equal(['Bravo', 'Charlie', 'Alpha']);
    expect(await serverTitles(activity.id)).to.deep.equal(['Bravo', 'Charlie', 'Alpha']);
    expect(focused(el) === box(el, 'Alpha')).to.equal(true);

    // The Move up button, by keyboard.
    const up = row(el, 'Charlie').querySelector<HTMLButtonElement>('[data-control="up"]')!;
    expect(text(up)).to.equal('↑ Move up: Charlie');
    up.focus();
    await sendKeys({ press: 'Enter' });
    await waitForTitles(el, ['Charlie', 'Bravo', 'Alpha']);
    await waitUntil(() => announcement(el) === 'Moved to position 1 of 3.', `announced (${announcement(el)})`);
    const again = row(el, 'Charlie').querySelector<HTMLButtonElement>('[data-control="up"]')!;
    expect(focused(el) === again, 'focus stays on Charlie’s Move up').to.equal(true);
    expect(again.getAttribute('aria-disabled'), 'first: cannot move up').to.equal('true');
    expect(await serverTitles(activity.id)).to.deep.equal(['Charlie', 'Bravo', 'Alpha']);
    await expect(el).to.be.accessible();
  });

  it('checks a step off at once, with who and when, and Undo unchecks it', async () => {
    const { user, activity } = await ownerWithActivity('Done', ['Seize the ledger', 'File the report']);
    const { provider, el } = await mount(activity.id);
    await waitForTitles(el, ['Seize the ledger', 'File the report']);
    const changed = oneEvent(provider, 'jc-step-changed');
    const activityChanged = oneEvent(provider, 'jc-activity-changed');
    // By keyboard: Space on the checkbox.
    box(el, 'Seize the ledger').focus();
    await sendKeys({ press: 'Space' });
    await el.updateComplete;
    // At once (the refusal test below holds the answer back to show it comes first).
    expect(box(el, 'Seize the ledger').checked).to.equal(true);
    expect(progressText(el)).to.equal('1 of 2 steps done');
    const event = (await changed) as CustomEvent<{ step: ActivityStep; change: string }>;
    expect(event.detail.change).to.equal('done');
    expect(event.detail.step).to.deep.include({ title: 'Seize the ledger', done: true });
    expect(((await activityChanged) as CustomEvent<{ activity: Activity }>).detail.activity.progress).to.deep.equal({ done: 1, total: 2 });
    const saved = await serverStep(activity.id, 'Seize the ledger');
    expect(saved.done).to.equal(true);
    expect(saved.doneBy?.id).to.equal(user.id);
    await waitUntil(() => new RegExp(`Done by ${user.name}`).test(text(row(el, 'Seize the ledger').querySelector('.meta'))), 'who did it');

    // The status message, with Undo.
    const status = shadow(el).querySelector('.undo')!;
    expect(status.getAttribute('role')).to.equal('status');
    await waitUntil(() => /Step marked done: “Seize the ledger”\. Undo/.test(text(status)), `the undo message (${text(status)})`);
    await expect(el).to.be.accessible();
    const undone = oneEvent(provider, 'jc-step-changed');
    button(status, /^Undo$/).click();
    await el.updateComplete;
    expect(box(el, 'Seize the ledger').checked).to.equal(false);
    expect(((await undone) as CustomEvent<{ change: string }>).detail.change).to.equal('undone');
    expect((await serverStep(activity.id, 'Seize the ledger')).done).to.equal(false);
    await waitUntil(() => focused(el) === box(el, 'Seize the ledger'), 'focus back on the step');
    await waitUntil(() => announcement(el) === 'Step marked not done: “Seize the ledger”.', `announced (${announcement(el)})`);
    expect(text(status)).to.equal('');
    expect(progressText(el)).to.equal('0 of 2 steps done');
  });

  it('puts a step back, and says why, when the server refuses the check-off', async () => {
    const { activity } = await ownerWithActivity('Refuse', ['Interview the driver']);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    // The real server, except that checking off is refused (after a pause, to see the box flip first).
    const refusing: typeof fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (/\/api\/v1\/steps\/[^/]+\/done$/.test(url) && init?.method === 'PUT') {
        await gate;
        return new Response(JSON.stringify({ error: { code: 'MEMBERSHIP_REQUIRED', message: 'Join this community to do that.' } }), { status: 403, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    const { el } = await mount(activity.id, { fetcher: refusing });
    await waitForTitles(el, ['Interview the driver']);
    box(el, 'Interview the driver').click();
    await el.updateComplete;
    expect(box(el, 'Interview the driver').checked, 'flipped at once').to.equal(true);
    release();
    await waitUntil(() => !box(el, 'Interview the driver').checked, 'flipped back');
    const alert = row(el, 'Interview the driver').querySelector('[role="alert"]');
    expect(text(alert)).to.equal('Could not mark “Interview the driver” done: Join this community to do that.');
    expect(text(shadow(el).querySelector('.undo')), 'no Undo for a refused change').to.equal('');
    expect(progressText(el)).to.equal('0 of 1 step done');
    expect((await serverStep(activity.id, 'Interview the driver')).done).to.equal(false);
  });

  it('shows another member’s check-off live, without a reload', async () => {
    const { crossOriginApi } = await testConfig();
    const { community, activity } = await ownerWithActivity('Live', ['Stake out the warehouse', 'Run the plates']);
    const bob = await createUser(`Live Bob ${stamp()}`, crossOriginApi);
    await activateUser(bob.email);
    await invite(community.slug, bob.email);
    const { reader, other, el } = await mountBesideOtherOrigin<JcActivityTracker>(html`<jc-activity-tracker activity=${activity.id}></jc-activity-tracker>`, crossOriginApi);
    await waitForTitles(el, ['Stake out the warehouse', 'Run the plates']);
    // The reader is on the second step's checkbox.
    box(el, 'Run the plates').focus();

    await signInBeside(reader, other, bob);
    await fullApi(other.context!.api).joinCommunity(community.slug);
    const step = activity.steps.find((s) => s.title === 'Stake out the warehouse')!;
    await fullApi(other.context!.api).setStepDone(step.id, true);

    await waitUntil(() => box(el, 'Stake out the warehouse').checked, 'Bob’s check-off appears', { timeout: 8000 });
    await waitUntil(() => new RegExp(`Done by ${bob.name}`).test(text(row(el, 'Stake out the warehouse').querySelector('.meta'))), 'by Bob');
    expect(progressText(el)).to.equal('1 of 2 steps done');
    expect(focused(el) === box(el, 'Run the plates'), 'focus stays where the reader was').to.equal(true);

    // And his reorder, and his update.
    await fullApi(other.context!.api).moveStep(step.id, { index: 1 });
    await waitForTitles(el, ['Run the plates', 'Stake out the warehouse'], 8000);
    await fullApi(other.context!.api).postActivityUpdate(activity.id, { body: 'Warehouse is **quiet** tonight.' });
    await settled(el, /Warehouse is quiet tonight/, 8000);
    await waitUntil(() => announcement(el) === `New update from ${bob.name}.`, `announced (${announcement(el)})`);
    await other.context!.session.signOut();
  });

  it('does not show a restricted community’s activity to a member of another community, or leak anything about it', async () => {
    const { activity } = await ownerWithActivity('Secret', ['Meet the informant']);
    await signOutPage();
    // A member of a community of their own, not of this one.
    const other = await ownerWithActivity('Elsewhere', ['Their own step']);
    const { el } = await mount(activity.id);
    await settled(el, /This activity is not available/);
    expect(text(shadow(el))).to.not.match(/Secret|informant|Owner/);
    expect(rows(el).length).to.equal(0);
    expect(shadow(el).querySelector('form'), 'no forms').to.equal(null);
    await expect(el).to.be.accessible();
    expect(other.activity.steps.length).to.equal(1);
    // The server refuses it too.
    const step = activity.steps[0]!;
    let refusal = '';
    await apiCall('PUT', `/api/v1/steps/${step.id}/done`).catch((err: Error) => (refusal = err.message));
    expect(refusal).to.match(/answered 404/);
  });

  it('is read-only for an outsider of a public community: checkboxes disabled, no forms, a note why; the server refuses too', async () => {
    const { community, activity } = await ownerWithActivity('Public', ['Set up the checkpoint', 'Debrief'], 'public');
    await signOutPage();
    await ownerWithActivity('Outsider home', ['Elsewhere']);
    const { el } = await mount(activity.id);
    await waitForTitles(el, ['Set up the checkpoint', 'Debrief']);
    const root = shadow(el);
    expect(rows(el).every((r) => r.querySelector<HTMLInputElement>('input[type="checkbox"]')!.disabled), 'every checkbox disabled').to.equal(true);
    expect(root.querySelector('form'), 'no forms').to.equal(null);
    expect(root.querySelector('[data-control="up"]'), 'no move buttons').to.equal(null);
    expect(root.querySelector('select'), 'no assignee choice').to.equal(null);
    const note = root.querySelector('#jc-activity-read-only')!;
    expect(text(note)).to.equal(`You are not a member of ${community.name}: you can follow this activity, but only members check off, assign and add steps or post updates.`);
    expect(box(el, 'Debrief').getAttribute('aria-describedby')).to.include('jc-activity-read-only');
    expect(text(row(el, 'Debrief').querySelector('.meta'))).to.match(/Not assigned/);
    await expect(el).to.be.accessible();
    let refusal = '';
    await apiCall('PUT', `/api/v1/steps/${activity.steps[0]!.id}/done`).catch((err: Error) => (refusal = err.message));
    expect(refusal).to.match(/answered 403.*MEMBERSHIP_REQUIRED/);
  });

  it('shows only the steps assigned to me (or my whole group) with “Assigned to me”', async () => {
    const user = await createActiveUser(`Mine ${stamp()}`);
    await signInPage(user);
    const community = await apiCall<Community>('POST', '/api/v1/communities', { name: `Mine ${stamp()}`, visibility: 'restricted' });
    const activity = await apiCall<Activity>('POST', `/api/v1/communities/${community.slug}/activities`, {
      title: 'Split the work',
      steps: [{ title: 'Mine alone', assignee: { kind: 'user', id: user.id } }, { title: 'Nobody’s' }, { title: 'Everyone’s', assignee: { kind: 'group' } }],
    });
    const { el } = await mount(activity.id);
    await waitForTitles(el, ['Mine alone', 'Nobody’s', 'Everyone’s']);
    const filter = shadow(el).querySelector<HTMLButtonElement>('#jc-mine-only')!;
    expect(filter.getAttribute('aria-pressed')).to.equal('false');
    filter.click();
    await waitForTitles(el, ['Mine alone', 'Everyone’s']);
    expect(filter.getAttribute('aria-pressed')).to.equal('true');
    expect(shadow(el).querySelector('[data-control="up"]'), 'no reordering of a filtered list').to.equal(null);
    expect(progressText(el), 'progress still counts every step').to.equal('0 of 3 steps done');
    filter.click();
    await waitForTitles(el, ['Mine alone', 'Nobody’s', 'Everyone’s']);
  });

  it('marks open steps past their due date as overdue, by today’s date where the user is', async () => {
    const { activity } = await ownerWithActivity('Overdue', [
      { title: 'Was due yesterday', dueDate: localDateIn(-1) },
      { title: 'Due today', dueDate: localDateIn(0) },
      { title: 'Done late', dueDate: localDateIn(-5) },
    ]);
    await apiCall('PUT', `/api/v1/steps/${activity.steps[2]!.id}/done`);
    const { el } = await mount(activity.id);
    await waitForTitles(el, ['Was due yesterday', 'Due today', 'Done late']);
    expect(text(row(el, 'Was due yesterday').querySelector('.badge'))).to.equal('Overdue');
    expect(row(el, 'Was due yesterday').classList.contains('overdue')).to.equal(true);
    expect(row(el, 'Due today').querySelector('.badge'), 'due today is not overdue').to.equal(null);
    expect(row(el, 'Done late').querySelector('.badge'), 'a done step is not overdue').to.equal(null);
    // Changing the due date to next week takes the mark away.
    const date = row(el, 'Was due yesterday').querySelector<HTMLInputElement>('input[type="date"]')!;
    date.value = localDateIn(7);
    date.dispatchEvent(new Event('change', { bubbles: true }));
    await waitUntil(() => !row(el, 'Was due yesterday').querySelector('.badge'), 'no longer overdue');
    expect((await serverStep(activity.id, 'Was due yesterday')).dueDate).to.equal(localDateIn(7));
    await waitUntil(() => /“Was due yesterday” is due /.test(announcement(el)), `announced (${announcement(el)})`);
  });

  it('lists updates oldest first with “Load more”, and posts one about a step with a Markdown preview; script stays inert', async () => {
    const { activity } = await ownerWithActivity('Updates', ['Tail the courier']);
    for (const n of [1, 2, 3]) await apiCall<ActivityUpdate>('POST', `/api/v1/activities/${activity.id}/updates`, { body: `Update ${n}` });
    const { el } = await mount(activity.id, { updatesPageSize: 2 });
    const root = shadow(el);
    const bodies = () => [...root.querySelectorAll('.update .body')].map((b) => text(b));
    await waitUntil(() => bodies().length === 2, 'the first page');
    expect(bodies()).to.deep.equal(['Update 1', 'Update 2']);
    button(root, /Load more updates/).click();
    await waitUntil(() => bodies().length === 3, 'the next page');
    expect(bodies()).to.deep.equal(['Update 1', 'Update 2', 'Update 3']);
    await waitUntil(() => focused(el)?.dataset.update !== undefined && text(focused(el)!.querySelector('.body')) === 'Update 3', 'focus on the first new update');
    expect(/Load more updates/.test(text(root)), 'nothing more to load').to.equal(false);

    // Write about the step, with a preview through the sanitizer.
    window.__jcXss = undefined;
    const about = root.querySelector<HTMLSelectElement>('#jc-update-step')!;
    about.value = activity.steps[0]!.id;
    const body = root.querySelector<HTMLTextAreaElement>('#jc-update-body')!;
    body.value = 'Courier went **north** <img src=x onerror="window.__jcXss=1"><script>window.__jcXss=2</script>';
    body.dispatchEvent(new Event('input', { bubbles: true }));
    root.querySelector<HTMLButtonElement>('[role="tab"][id$="-tab-preview"]')!.click();
    await waitUntil(() => root.querySelector('.md-preview strong'), 'the preview renders');
    expect(text(root.querySelector('.md-preview strong'))).to.equal('north');
    expect(root.querySelector('.md-preview img, .md-preview script'), 'no live HTML').to.equal(null);
    await expect(el).to.be.accessible();
    root.querySelector<HTMLButtonElement>('[role="tab"][id$="-tab-write"]')!.click();
    await el.updateComplete;
    button(root.querySelector('form.update-form')!, /^Post update$/).click();
    await waitUntil(() => bodies().length === 4, 'the new update is listed last');
    const mine = root.querySelectorAll('.update')[3]!;
    expect(text(mine.querySelector('.meta'))).to.match(/About “Tail the courier”/);
    expect(text(mine.querySelector('.body strong'))).to.equal('north');
    expect(mine.querySelector('img, script'), 'inert').to.equal(null);
    await waitUntil(() => focused(el)?.dataset.update !== undefined, 'focus on the new update');
    await waitUntil(() => announcement(el) === 'Your update was posted.');
    expect(root.querySelector<HTMLTextAreaElement>('#jc-update-body')!.value, 'the composer empties').to.equal('');
    expect(window.__jcXss, 'no script ran').to.equal(undefined);
  });

  it('says when there are no steps yet', async () => {
    const { activity } = await ownerWithActivity('Empty', []);
    const { el } = await mount(activity.id);
    await settled(el, /No steps yet\. Add the first one below\./);
    expect(progressText(el)).to.equal('0 of 0 steps done');
    await settled(el, /No updates yet/);
    await expect(el).to.be.accessible();
  });

  it('shows an error with Try again when the activity cannot be loaded (fixtures)', async () => {
    const { el } = await mount('act_demo_peak_times', { fetcher: fixtureFetch({ me: fixtureUsers.optedIn, activitiesFail: true }) });
    await settled(el, /JusticeConnect could not answer just now/);
    expect(shadow(el).querySelector('[role="alert"]')).to.not.equal(null);
    button(shadow(el), /Try again/);
    await expect(el).to.be.accessible();
  });

  it('works out where a step moves, within and across sections (unit)', () => {
    const s = (id: string, sectionId: string | null) => ({ id, sectionId }) as ActivityStep;
    const activity = { sections: [{ id: 'x', title: 'X', position: 0 }, { id: 'y', title: 'Y', position: 1 }], steps: [s('a', null), s('b', 'x'), s('c', 'x')] };
    expect(moveTarget(activity, 'a', -1)).to.equal(null);
    expect(moveTarget(activity, 'a', 1)).to.deep.equal({ index: 0, sectionId: 'x' });
    expect(moveTarget(activity, 'b', 1)).to.deep.equal({ index: 1 });
    expect(moveTarget(activity, 'b', -1)).to.deep.equal({ index: 1, sectionId: null });
    expect(moveTarget(activity, 'c', 1), 'into the empty section below').to.deep.equal({ index: 0, sectionId: 'y' });
  });
});
