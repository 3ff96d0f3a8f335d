import { expect, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import { sendKeys } from '@web/test-runner-commands';
import './forum.js';
import { parseTags, type JcForum } from './forum.js';
import type { Forum, Reply, Topic } from '../api/schemas.js';
import { DEMO, activateUser, apiCall, createActiveUser, createUser, signInPage, signOutPage, testConfig } from '../testing/server.js';
import { fixtureFetch, fixtureUsers } from '../testing/fixtures.js';
import { fullApi } from '../testing/full-api.js';
import { announcement, button, expectEmptyState, focused, mountBesideOtherOrigin, mountInProvider, ownerWithCommunity, settled, shadow, signInBeside, stamp, text, listReaders } from '../testing/setup.js';

/*
 * Against the real server (mounted into the test runner), except the error
 * state, which runs on fixtures. Tests that write use fresh accounts and their
 * own communities (with their own forums), so no test depends on another.
 */

interface ForumOptions {
  community: string;
  topicHref?: string;
  pageSize?: number;
  fetcher?: typeof fetch;
}

function mount(options: ForumOptions) {
  return mountInProvider<JcForum>(
    html`<jc-forum community=${options.community} topic-href=${options.topicHref ?? '#topic={id}'} page-size=${options.pageSize ?? 20}></jc-forum>`,
    options,
  );
}

const { rows, waitForTitles } = listReaders<JcForum>('li.topic', '.title', 'topic');

/** A fresh, active user who owns a new public community with forums (signed in on this page). */
async function ownerWithForum(label = 'Forum', forumNames = ['General']) {
  const { user, community } = await ownerWithCommunity(label);
  const forums: Forum[] = [];
  for (const name of forumNames) forums.push(await apiCall<Forum>('POST', `/api/v1/communities/${community.slug}/forums`, { name }));
  return { user, community, forums };
}

async function createTopic(slug: string, body: { forumId: string; title: string; body?: string; tags?: string[]; question?: boolean }) {
  return apiCall<Topic>('POST', `/api/v1/communities/${slug}/topics`, { body: 'Details.', ...body });
}

/** Keeps activity times apart, so "most recent activity first" has one answer. */
const tick = () => new Promise((r) => setTimeout(r, 15));

describe('jc-forum (against the real server)', () => {
  afterEach(signOutPage);

  it('asks a signed-out user to sign in, and axe finds nothing', async () => {
    const { el } = await mount({ community: 'i-35-corridor-task-force' });
    await expectEmptyState(el, /Sign in to JusticeConnect to read and start forum topics/, rows);
  });

  it('shows the task force’s seeded topics to its owner, with badges, author, agency, replies and time', async () => {
    await signInPage(DEMO.dana);
    const { el } = await mount({ community: 'i-35-corridor-task-force' });
    await settled(el, /Patrol schedule for the Memorial Day weekend/);
    expect(text(shadow(el).querySelector('h2'))).to.equal('Forum of I-35 Corridor Drug Trafficking Task Force');
    const answered = rows(el).find((r) => /plate readers/.test(text(r.querySelector('.title'))))!;
    expect(text(answered.querySelector('.badges'))).to.match(/Answered/);
    const meta = text(answered.querySelector('.meta'));
    expect(meta).to.match(/By .+, .+\(demo\)/);
    expect(meta).to.match(/\d+ repl(y|ies)/);
    const time = answered.querySelector('time')!;
    expect(time.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(time.getAttribute('title')).to.match(/\d{4}/);
    // Forum chooser: every forum, with "All forums" first.
    const options = [...shadow(el).querySelectorAll<HTMLOptionElement>('#jc-forum-choice option')].map((o) => text(o));
    expect(options[0]).to.equal('All forums');
    expect(options.some((o) => /^Intelligence sharing/.test(o))).to.equal(true);
    expect(options.some((o) => /^Operations/.test(o))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('lists pinned topics first, then by most recent activity, with text badges', async () => {
    const { community, forums } = await ownerWithForum('Order');
    const forumId = forums[0]!.id;
    const a = await createTopic(community.slug, { forumId, title: 'Alpha (oldest, pinned)' });
    await tick();
    const b = await createTopic(community.slug, { forumId, title: 'Bravo' });
    await tick();
    await createTopic(community.slug, { forumId, title: 'Charlie' });
    await apiCall('PUT', `/api/v1/topics/${a.id}/pin`);
    await apiCall('PUT', `/api/v1/topics/${a.id}/lock`);
    const { provider, el } = await mount({ community: community.slug });
    await waitForTitles(el, ['Alpha (oldest, pinned)', 'Charlie', 'Bravo']);
    const badges = text(rows(el)[0]!.querySelector('.badges'));
    expect(badges).to.match(/Pinned/);
    expect(badges).to.match(/Locked/);
    expect(rows(el)[1]!.querySelector('.badges'), 'no badges on a plain topic').to.equal(null);
    // A reply is activity: Bravo moves up (live), under the pinned topic.
    await waitUntil(() => provider.context!.live.status === 'open', 'the live stream is open', { timeout: 5000 });
    await apiCall<Reply>('POST', `/api/v1/topics/${b.id}/replies`, { body: 'Bumping this.' });
    await waitForTitles(el, ['Alpha (oldest, pinned)', 'Bravo', 'Charlie'], 8000);
    expect(text(rows(el)[1]!.querySelector('.replies'))).to.equal('1 reply');
  });

  it('filters by question state, by forum and by tag', async () => {
    const { community, forums } = await ownerWithForum('Filters', ['Intel', 'Ops']);
    const [intel, ops] = forums as [Forum, Forum];
    await createTopic(community.slug, { forumId: ops.id, title: 'Plain ops note', tags: ['night-shift'] });
    await tick();
    await createTopic(community.slug, { forumId: intel.id, title: 'Open question', question: true, tags: ['alpr'] });
    await tick();
    const answered = await createTopic(community.slug, { forumId: intel.id, title: 'Settled question', question: true, tags: ['alpr', 'i-35'] });
    const reply = await apiCall<Reply>('POST', `/api/v1/topics/${answered.id}/replies`, { body: 'This is the answer.' });
    await apiCall('PUT', `/api/v1/topics/${answered.id}/answer`, { replyId: reply.id });

    const { el } = await mount({ community: community.slug });
    await waitForTitles(el, ['Settled question', 'Open question', 'Plain ops note']);
    expect(text(rows(el)[0]!.querySelector('.badges'))).to.match(/Answered/);
    expect(text(rows(el)[1]!.querySelector('.badges'))).to.match(/Question/);

    const filter = (name: string) => shadow(el).querySelector<HTMLButtonElement>(`[data-filter="${name}"]`)!;
    filter('unanswered').click();
    await waitForTitles(el, ['Open question']);
    expect(filter('unanswered').getAttribute('aria-pressed')).to.equal('true');
    expect(filter('all').getAttribute('aria-pressed')).to.equal('false');
    expect(el.filter).to.equal('unanswered');
    filter('answered').click();
    await waitForTitles(el, ['Settled question']);
    filter('questions').click();
    await waitForTitles(el, ['Settled question', 'Open question']);
    filter('all').click();
    await waitForTitles(el, ['Settled question', 'Open question', 'Plain ops note']);

    // One forum: its topics only (and no "in <forum>" on each row).
    const choice = shadow(el).querySelector<HTMLSelectElement>('#jc-forum-choice')!;
    choice.value = ops.id;
    choice.dispatchEvent(new Event('change'));
    await waitForTitles(el, ['Plain ops note']);
    expect(text(rows(el)[0]!.querySelector('.meta'))).to.not.match(/in Ops/);
    choice.value = '';
    choice.dispatchEvent(new Event('change'));
    await waitForTitles(el, ['Settled question', 'Open question', 'Plain ops note']);
    expect(text(rows(el)[2]!.querySelector('.meta'))).to.match(/in Ops/);

    // A tag chip filters by its tag; "Clear tag filter" undoes it.
    const chip = [...rows(el)[1]!.querySelectorAll<HTMLButtonElement>('button.tag')].find((b) => /alpr/.test(text(b)))!;
    expect(text(chip)).to.equal('Show topics tagged alpr');
    chip.click();
    await waitForTitles(el, ['Settled question', 'Open question']);
    expect(text(shadow(el).querySelector('.tag-filter'))).to.match(/Showing topics tagged alpr/);
    await waitUntil(() => focused(el)?.id === 'jc-clear-tag', 'focus on Clear tag filter');
    await expect(el).to.be.accessible();
    focused(el)!.click();
    await waitForTitles(el, ['Settled question', 'Open question', 'Plain ops note']);

    // Nothing matches: say so, and offer to show everything.
    filter('unanswered').click();
    choice.value = ops.id;
    choice.dispatchEvent(new Event('change'));
    await settled(el, /No topics match these filters/);
    button(shadow(el), /Show all topics/).click();
    await waitForTitles(el, ['Settled question', 'Open question', 'Plain ops note']);
    expect(el.filter).to.equal('all');
  });

  it('starts a topic from the form (with a Markdown preview): it appears, focused and announced, with jc-topic-created', async () => {
    const { community, forums } = await ownerWithForum('Create', ['General', 'Second']);
    await createTopic(community.slug, { forumId: forums[0]!.id, title: 'Already here' });
    const { provider, el } = await mount({ community: community.slug });
    await waitForTitles(el, ['Already here']);
    const root = shadow(el);
    const toggle = root.querySelector<HTMLButtonElement>('#jc-new-topic')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.click();
    await waitUntil(() => focused(el)?.id === 'jc-topic-title', 'focus in the title');
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(toggle.getAttribute('aria-controls')).to.equal('jc-topic-form');

    const form = root.querySelector<HTMLFormElement>('#jc-topic-form')!;
    const forum = root.querySelector<HTMLSelectElement>('#jc-topic-forum')!;
    forum.value = forums[1]!.id;
    forum.dispatchEvent(new Event('change', { bubbles: true }));
    await sendKeys({ type: 'Where do we stage on Friday?' });
    const body = root.querySelector<HTMLTextAreaElement>('#jc-topic-body')!;
    body.value = 'Staging at **MM 240** or the rest area?';
    body.dispatchEvent(new Event('input', { bubbles: true }));
    root.querySelector<HTMLInputElement>('#jc-topic-tags')!.value = 'Staging, i-35';
    root.querySelector<HTMLInputElement>('#jc-topic-question')!.click();

    // Preview renders the Markdown (through the sanitizer); the text stays.
    root.querySelector<HTMLButtonElement>('[role="tab"][id$="-tab-preview"]')!.click();
    await waitUntil(() => root.querySelector('.md-preview strong'), 'the preview renders');
    expect(text(root.querySelector('.md-preview strong'))).to.equal('MM 240');
    await expect(el).to.be.accessible();
    root.querySelector<HTMLButtonElement>('[role="tab"][id$="-tab-write"]')!.click();
    await el.updateComplete;
    expect(root.querySelector<HTMLTextAreaElement>('#jc-topic-body')!.value).to.equal('Staging at **MM 240** or the rest area?');

    const created = oneEvent(provider, 'jc-topic-created');
    button(form, /^Post topic$/).click();
    const event = (await created) as CustomEvent<{ topic: Topic }>;
    expect(event.bubbles && event.composed).to.equal(true);
    const topic = event.detail.topic;
    expect(topic).to.deep.include({ title: 'Where do we stage on Friday?', question: true, forumId: forums[1]!.id });
    expect(topic.tags).to.have.members(['staging', 'i-35']);
    await waitForTitles(el, ['Where do we stage on Friday?', 'Already here']);
    await waitUntil(() => focused(el)?.dataset.id === topic.id, 'focus on the new topic’s link');
    await waitUntil(() => /Your topic “Where do we stage on Friday\?” was posted/.test(announcement(el)), 'announced');
    expect(root.querySelector('#jc-topic-form'), 'the form closed').to.equal(null);
    expect(text(rows(el)[0]!.querySelector('.badges'))).to.match(/Question/);
    // Opening the form again: it is empty.
    root.querySelector<HTMLButtonElement>('#jc-new-topic')!.click();
    await el.updateComplete;
    expect(root.querySelector<HTMLInputElement>('#jc-topic-title')!.value).to.equal('');
    expect(root.querySelector<HTMLTextAreaElement>('#jc-topic-body')!.value).to.equal('');
  });

  it('shows each validation error next to its field, and keeps what was typed', async () => {
    const { community } = await ownerWithForum('Invalid');
    const { el } = await mount({ community: community.slug });
    await settled(el, /No topics yet/);
    const root = shadow(el);
    root.querySelector<HTMLButtonElement>('#jc-new-topic')!.click();
    await el.updateComplete;

    // Nothing typed: the title and the body are named, and focus goes to the first.
    button(root.querySelector('form')!, /^Post topic$/).click();
    await waitUntil(() => root.querySelector('#jc-topic-title-error'), 'the title error');
    const title = root.querySelector<HTMLInputElement>('#jc-topic-title')!;
    expect(title.getAttribute('aria-invalid')).to.equal('true');
    expect(title.getAttribute('aria-describedby')).to.include('jc-topic-title-error');
    expect(text(root.querySelector('#jc-topic-body-error'))).to.match(/Write something/);
    await waitUntil(() => focused(el) === title, 'focus on the title');

    // The server's 400: a bad tag is named by the tags field.
    title.value = 'A topic with a bad tag';
    title.dispatchEvent(new Event('input', { bubbles: true }));
    const body = root.querySelector<HTMLTextAreaElement>('#jc-topic-body')!;
    body.value = 'Body text.';
    body.dispatchEvent(new Event('input', { bubbles: true }));
    const tags = root.querySelector<HTMLInputElement>('#jc-topic-tags')!;
    tags.value = 'good, bad_tag!';
    tags.dispatchEvent(new Event('input', { bubbles: true }));
    button(root.querySelector('form')!, /^Post topic$/).click();
    await waitUntil(() => root.querySelector('#jc-topic-tags-error'), 'the tags error from the server', { timeout: 5000 });
    expect(text(root.querySelector('#jc-topic-tags-error'))).to.match(/lower-case letters, digits and dashes/);
    expect(tags.getAttribute('aria-invalid')).to.equal('true');
    expect(tags.getAttribute('aria-describedby')).to.include('jc-topic-tags-error');
    expect(title.getAttribute('aria-invalid')).to.equal('false');
    expect(root.querySelector('#jc-topic-title-error')).to.equal(null);
    await waitUntil(() => focused(el) === tags, 'focus on the tags');
    expect(title.value).to.equal('A topic with a bad tag');
    expect(body.value).to.equal('Body text.');
    expect(rows(el).length).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('tells a non-member why they cannot start a topic, and shows no form', async () => {
    const { community, forums } = await ownerWithForum('Visited');
    await createTopic(community.slug, { forumId: forums[0]!.id, title: 'Consent searches: new ruling' });
    await signOutPage();
    const visitor = await createActiveUser(`Visitor ${stamp()}`);
    await signInPage(visitor);
    const { el } = await mount({ community: community.slug });
    await waitForTitles(el, ['Consent searches: new ruling']);
    expect(text(shadow(el))).to.match(new RegExp(`You are reading ${community.name} as a visitor. Only members can start topics`));
    expect(shadow(el).querySelector('#jc-new-topic'), 'no New topic button').to.equal(null);
    expect(shadow(el).querySelector('form'), 'no form').to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('does not show a restricted community’s forum to an outsider', async () => {
    const outsider = await createActiveUser(`Outsider ${stamp()}`);
    await signInPage(outsider);
    const { el } = await mount({ community: 'i-35-corridor-task-force' });
    await settled(el, /This community is not available/);
    expect(text(shadow(el))).to.not.match(/I-35|Corridor|Patrol|plate/i);
    expect(rows(el).length).to.equal(0);
  });

  it('renders XSS payloads in titles, excerpts, tags and the preview inert', async () => {
    window.__jcXss = undefined;
    const { community, forums } = await ownerWithForum('XSS');
    const payload = '<img src=x onerror="window.__jcXss=\'title\'"><script>window.__jcXss="script"</script>';
    await createTopic(community.slug, {
      forumId: forums[0]!.id,
      title: payload,
      body: '<img src=x onerror="window.__jcXss=\'body\'"> <svg onload="window.__jcXss=\'svg\'"></svg> [x](javascript:window.__jcXss=1)',
    });
    const { el } = await mount({ community: community.slug });
    await waitUntil(() => rows(el).length === 1, 'the topic renders', { timeout: 5000 });
    const root = shadow(el);
    // The title is shown as the text that was typed.
    expect(text(rows(el)[0]!.querySelector('.title'))).to.equal(payload);

    // Typed into the preview, too, nothing runs.
    root.querySelector<HTMLButtonElement>('#jc-new-topic')!.click();
    await el.updateComplete;
    const body = root.querySelector<HTMLTextAreaElement>('#jc-topic-body')!;
    body.value = '<img src=x onerror="window.__jcXss=\'preview\'"> <iframe src="javascript:window.__jcXss=2"></iframe> [y](javascript:window.__jcXss=3) **ok**';
    body.dispatchEvent(new Event('input', { bubbles: true }));
    root.querySelector<HTMLButtonElement>('[role="tab"][id$="-tab-preview"]')!.click();
    await waitUntil(() => root.querySelector('.md-preview strong'), 'the preview renders');
    await new Promise((r) => setTimeout(r, 500));
    expect(window.__jcXss, 'no payload ran').to.equal(undefined);
    expect(root.querySelectorAll('img, script, svg, iframe').length).to.equal(0);
    for (const node of root.querySelectorAll('*')) for (const attr of node.getAttributeNames()) expect(attr, `${node.tagName} ${attr}`).to.not.match(/^on/i);
    for (const a of root.querySelectorAll<HTMLAnchorElement>('.md-preview a[href]')) expect(a.getAttribute('href')).to.match(/^(https?:|mailto:|tel:)/i);
  });

  it('shows a topic another user starts, live, announced, without losing the form being written', async () => {
    const { crossOriginApi } = await testConfig();
    const { community, forums } = await ownerWithForum('Live');
    await createTopic(community.slug, { forumId: forums[0]!.id, title: 'The topic being read' });
    const bob = await createUser(`Live Bob ${stamp()}`, crossOriginApi);
    await activateUser(bob.email);
    const { reader, other, el } = await mountBesideOtherOrigin<JcForum>(html`<jc-forum community=${community.slug}></jc-forum>`, crossOriginApi);
    await waitForTitles(el, ['The topic being read']);
    const root = shadow(el);
    // The reader is writing a topic of their own, and is on the first topic's link.
    root.querySelector<HTMLButtonElement>('#jc-new-topic')!.click();
    await el.updateComplete;
    const title = root.querySelector<HTMLInputElement>('#jc-topic-title')!;
    title.value = 'Half-written';
    title.dispatchEvent(new Event('input', { bubbles: true }));
    const link = rows(el)[0]!.querySelector<HTMLAnchorElement>('a')!;
    link.focus();

    await signInBeside(reader, other, bob);
    await fullApi(other.context!.api).joinCommunity(community.slug);
    await fullApi(other.context!.api).createTopic(community.slug, { forumId: forums[0]!.id, title: 'Bob’s new topic from the other origin', body: 'Hello.' });

    await waitForTitles(el, ['Bob’s new topic from the other origin', 'The topic being read'], 8000);
    await waitUntil(() => announcement(el) === 'New topic: Bob’s new topic from the other origin', `announced (${announcement(el)})`);
    expect(root.querySelector<HTMLInputElement>('#jc-topic-title')!.value, 'the unsent form stays').to.equal('Half-written');
    expect(focused(el) === link, 'focus stays on the link being read').to.equal(true);
    await other.context!.session.signOut();
  });

  it('links each title by the topic-href template, and fires a cancelable jc-topic-select first', async () => {
    const { community, forums } = await ownerWithForum('Select');
    const topic = await createTopic(community.slug, { forumId: forums[0]!.id, title: 'Pick me' });
    const { el } = await mount({ community: community.slug, topicHref: '#/c/{community}/t/{id}' });
    await waitForTitles(el, ['Pick me']);
    const link = rows(el)[0]!.querySelector<HTMLAnchorElement>('a')!;
    expect(link.getAttribute('href')).to.equal(`#/c/${community.slug}/t/${topic.id}`);
    const before = location.hash;

    // A listener that routes by itself: no navigation.
    const stop = (e: Event) => e.preventDefault();
    document.addEventListener('jc-topic-select', stop);
    const selected = oneEvent(document, 'jc-topic-select');
    link.click();
    const event = (await selected) as CustomEvent<{ topicId: string }>;
    document.removeEventListener('jc-topic-select', stop);
    expect(event.detail.topicId).to.equal(topic.id);
    expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
    expect(location.hash).to.equal(before);

    // Nobody cancels: the link is followed (by keyboard too).
    link.focus();
    const again = oneEvent(document, 'jc-topic-select');
    await sendKeys({ press: 'Enter' });
    await again;
    await waitUntil(() => location.hash === `#/c/${community.slug}/t/${topic.id}`, 'the link was followed');
    history.replaceState(null, '', location.pathname + location.search);
  });

  it('loads more topics by nextCursor, moving focus to the first of them', async () => {
    const { community, forums } = await ownerWithForum('More');
    for (const n of [1, 2, 3]) {
      await createTopic(community.slug, { forumId: forums[0]!.id, title: `Topic ${n}` });
      await tick();
    }
    const { el } = await mount({ community: community.slug, pageSize: 2 });
    await waitForTitles(el, ['Topic 3', 'Topic 2']);
    button(shadow(el), /Load more topics/).click();
    await waitForTitles(el, ['Topic 3', 'Topic 2', 'Topic 1']);
    await waitUntil(() => text(focused(el)) === 'Topic 1', 'focus on the first new topic');
    await waitUntil(() => announcement(el) === '1 more topic shown.');
    expect(/Load more topics/.test(text(shadow(el))), 'no more to load').to.equal(false);
  });

  it('says when there are no topics yet', async () => {
    const { community } = await ownerWithForum('Empty');
    const { el } = await mount({ community: community.slug });
    await settled(el, /No topics yet\. Start the first one with “New topic”\./);
    await expect(el).to.be.accessible();
  });

  it('shows an error with Try again when the forum cannot be loaded (fixtures)', async () => {
    const { el } = await mount({ community: 'i-35-corridor-task-force', fetcher: fixtureFetch({ me: fixtureUsers.optedIn, forumsFail: true }) });
    await settled(el, /JusticeConnect could not answer just now/);
    expect(shadow(el).querySelector('[role="alert"]')).to.not.equal(null);
    button(shadow(el), /Try again/);
    await expect(el).to.be.accessible();
  });

  it('parses tags as the server expects them (unit)', () => {
    expect(parseTags(' ALPR, i-35  #night-shift,,alpr ')).to.deep.equal(['alpr', 'i-35', 'night-shift']);
    expect(parseTags('')).to.deep.equal([]);
  });
});
