import { expect, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import './forum-thread.js';
import { unsentReplyKey, type JcForumThread } from './forum-thread.js';
import { ApiClient } from '../api/client.js';
import type { Community, Forum, ForumFlag, Reply, ReplyPage, Topic, TopicPage } from '../api/schemas.js';
import { DEMO, activateUser, apiCall, createActiveUser, createUser, signInPage, signInSession, signOutPage, testConfig, type TestUser } from '../testing/server.js';
import { expectInert } from '../testing/xss.js';
import { LONG_TOPIC_ID, THREAD_TOPIC_ID, fixtureFetch, fixtureUsers } from '../testing/fixtures.js';
import { announcement, articleReaders, button, expectEmptyState, focused, mountInProvider, settled, shadow, stamp, text, unreliablePosting, type MountOptions } from '../testing/setup.js';

/*
 * Against the real server (mounted into the test runner), except the
 * 10,000-reply tests, which run on fixtures. Tests that write use fresh
 * accounts and their own community, so no test depends on another.
 */

/*
 * No "ResizeObserver loop completed with undelivered notifications" is
 * expected: the virtualizer's observer waits for the next frame instead
 * (shared/virtual-list.ts), so mocha fails a test on one.
 */

interface ThreadOptions extends MountOptions {
  topic?: string;
  pageSize?: number;
}

function mount(options: ThreadOptions = {}) {
  return mountInProvider<JcForumThread>(html`<jc-forum-thread topic=${options.topic ?? ''} page-size=${options.pageSize ?? 50}></jc-forum-thread>`, options);
}

/** The replies; the rendered reply whose body matches (`waitForReply`). */
const { articles, bodyText, waitForArticle: waitForReply } = articleReaders<JcForumThread>('.thread > article', 'a reply');

function article(el: JcForumThread, id: string): HTMLElement | undefined {
  return articles(el).find((a) => a.dataset.id === id);
}

function action(root: ParentNode, name: string): HTMLElement {
  const found = root.querySelector<HTMLElement>(`[data-action="${name}"]`);
  if (!found) throw new Error(`no [data-action=${name}] in: ${text(root as Element)}`);
  return found;
}

/** The reply's article, once rendered (the virtualizer may re-render it after a change above it). */
async function rendered(el: JcForumThread, id: string): Promise<HTMLElement> {
  await waitUntil(() => article(el, id), `reply ${id} renders`);
  return article(el, id)!;
}

function composerBox(el: JcForumThread) {
  return shadow(el).querySelector<HTMLTextAreaElement>('#jc-reply-body');
}

/** Types into the composer as a user would (the editor keeps what `input` events tell it). */
function typeInto(box: HTMLTextAreaElement | HTMLInputElement, value: string) {
  box.value = value;
  box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

async function postReply(el: JcForumThread, body: string) {
  typeInto(composerBox(el)!, body);
  button(shadow(el).querySelector('form.composer')!, /^Post reply$/).click();
}

/** A reply body taller than the viewport. */
const tall = (first: string) => `${first}\n\n${Array.from({ length: 30 }, (_, i) => `Line ${i + 1}.`).join('\n\n')}`;

interface Forum_ {
  owner: TestUser & { id: string };
  member: TestUser & { id: string };
  community: Community;
  forum: Forum;
  topic: Topic;
}

/**
 * A fresh community of its own: an owner (who creates it, a forum and a topic)
 * and a member who joined. The page is left signed in as `signedInAs`.
 */
async function forumWith(options: { question?: boolean; title?: string; body?: string; signedInAs?: 'owner' | 'member' } = {}): Promise<Forum_> {
  const owner = await createActiveUser(`Thread Owner ${stamp()}`);
  const member = await createActiveUser(`Thread Member ${stamp()}`);
  await signInPage(owner);
  const community = await apiCall<Community>('POST', '/api/v1/communities', { name: `Thread ${stamp()}` });
  const forum = await apiCall<Forum>('POST', `/api/v1/communities/${community.slug}/forums`, { name: 'Operations', description: 'Patrols' });
  const topic = await apiCall<Topic>('POST', `/api/v1/communities/${community.slug}/topics`, {
    forumId: forum.id,
    title: options.title ?? 'Patrol schedule for the long weekend',
    body: options.body ?? 'Draft schedule: **Friday 1800** to Monday 2359.',
    question: options.question ?? false,
    tags: ['patrol', 'i-35'],
  });
  await signInPage(member);
  await apiCall('POST', `/api/v1/communities/${community.slug}/join`);
  if ((options.signedInAs ?? 'member') === 'owner') await signInPage(owner);
  return { owner, member, community, forum, topic };
}

/** Posts a reply as whoever the page is signed in as. */
async function reply(topicId: string, body: string, extra: { parentId?: string; quoteId?: string } = {}) {
  return apiCall<Reply>('POST', `/api/v1/topics/${topicId}/replies`, { body, ...extra });
}

/** A client for the cross-origin server instance, signed in as `user` (a bearer token; it shares the page's database). */
async function otherOrigin(user: TestUser): Promise<ApiClient> {
  const { crossOriginApi } = await testConfig();
  const client = new ApiClient({ baseUrl: crossOriginApi, storage: null });
  await signInSession(client, user);
  return client;
}

function clearHash() {
  history.replaceState(null, '', location.pathname + location.search);
}

describe('jc-forum-thread (against the real server)', () => {
  afterEach(async () => {
    clearHash();
    await signOutPage();
  });

  it('asks a signed-out user to sign in, and axe finds nothing', async () => {
    const { el } = await mount({ topic: 'top_anything' });
    await expectEmptyState(el, /Sign in to JusticeConnect to read and join this discussion/, articles);
  });

  it('shows a seeded thread: title, badges, tags, author, agency, time, body, reply count, nesting and quotes', async () => {
    await signInPage(DEMO.ray);
    const topics = await apiCall<TopicPage>('GET', '/api/v1/communities/i-35-corridor-task-force/topics?limit=100');
    const memorial = topics.items.find((t) => /Memorial Day/.test(t.title))!;
    const { el } = await mount({ topic: memorial.id });
    await settled(el, /Patrol schedule for the Memorial Day weekend/);
    const root = shadow(el);
    expect(text(root.querySelector('h2'))).to.equal('Patrol schedule for the Memorial Day weekend');
    expect(text(root.querySelector('.forum'))).to.equal('In Operations');
    expect(text(root.querySelector('#jc-replies-title'))).to.equal(`${memorial.replyCount} replies`);
    const time = root.querySelector('.topic time')!;
    expect(new Date(time.getAttribute('datetime')!).toISOString()).to.equal(time.getAttribute('datetime'));
    expect(time.getAttribute('title')).to.match(/\d{4}/);
    await waitUntil(() => articles(el).length > 3, 'replies render');
    const first = articles(el)[0]!;
    expect(first.getAttribute('aria-posinset')).to.equal('1');
    expect(first.id).to.match(/^reply-/);
    expect(first.getAttribute('tabindex')).to.equal('-1');
    expect(root.querySelector('[role="feed"]')!.getAttribute('aria-labelledby')).to.equal('jc-replies-title');
    // One level of nesting, with a "replying to" cue, and a quote, somewhere in the seeded thread.
    const page = await apiCall<ReplyPage>('GET', `/api/v1/topics/${memorial.id}/replies?limit=100`);
    const nested = page.items.find((r) => r.parentId && !r.deleted)!;
    const quoted = page.items.find((r) => r.quote && !r.deleted)!;
    expect(nested, 'the seed has a nested reply').to.not.equal(undefined);
    expect(quoted, 'the seed has a quote').to.not.equal(undefined);
    await setViewport({ width: 900, height: 4000 });
    try {
      await el.showReply(nested.id);
      const n = article(el, nested.id)!;
      expect(n.classList.contains('nested')).to.equal(true);
      const parent = page.items.find((r) => r.id === nested.parentId)!;
      expect(text(n.querySelector('.reply-to'))).to.equal(`↳ Replying to ${parent.author!.name}`);
      expect(n.getAttribute('aria-describedby')).to.equal(`jc-r-cue-${nested.id}`);
      await el.showReply(quoted.id);
      const q = article(el, quoted.id)!;
      expect(text(q.querySelector('.quote'))).to.equal(`${quoted.quote!.authorName} wrote: ${quoted.quote!.excerpt}`);
      // Ray is a member: Like, Reply, Quote; no moderator tools.
      expect(Boolean(q.querySelector('button[data-action="like"]')), 'like button').to.equal(true);
      expect(Boolean(root.querySelector('.moderation')), 'no moderator tools').to.equal(false);
      expect(Boolean(root.querySelector('form.composer')), 'the composer').to.equal(true);
      await expect(el).to.be.accessible();
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('marks the seeded answered question and jumps to its accepted answer', async () => {
    await signInPage(DEMO.ray);
    const topics = await apiCall<TopicPage>('GET', '/api/v1/communities/i-35-corridor-task-force/topics?filter=answered');
    const question = topics.items.find((t) => /plate readers/.test(t.title))!;
    const full = await apiCall<Topic>('GET', `/api/v1/topics/${question.id}`);
    const { el } = await mount({ topic: question.id });
    await settled(el, /Which plate readers cover/);
    const badges = [...shadow(el).querySelectorAll('.topic .badge')].map(text);
    expect(badges).to.include.members(['? Question', '✓ Answered']);
    const jump = shadow(el).querySelector<HTMLAnchorElement>('a.jump')!;
    expect(text(jump)).to.equal('Jump to the accepted answer');
    expect(jump.getAttribute('href')).to.equal(`#reply-${full.answerReplyId}`);
    jump.click();
    await waitUntil(() => focused(el)?.dataset.id === full.answerReplyId, 'focus on the accepted answer');
    const answer = focused(el)!;
    expect(answer.classList.contains('answer')).to.equal(true);
    expect(text(answer.querySelector('.badge.answer'))).to.equal('✓ Accepted answer');
    expect(location.hash).to.equal(`#reply-${full.answerReplyId}`);
    await expect(el).to.be.accessible();
  });

  it('replies (optimistically, with the event), previews, replies to a reply, quotes and likes', async () => {
    const { owner, topic, member } = await forumWith();
    await signInPage(owner);
    const first = await reply(topic.id, 'Hays County can cover **Friday** night.');
    await signInPage(member);
    const { provider, el } = await mount({ topic: topic.id });
    await waitForReply(el, /Hays County can cover Friday night/);
    const root = shadow(el);
    expect(text(root.querySelector('.badges'))).to.equal('');
    expect([...root.querySelectorAll('.tag')].map(text)).to.deep.equal(['patrol', 'i-35']);

    // Write, preview (Markdown rendered safely), back to write.
    typeInto(composerBox(el)!, 'OHP takes **Saturday**.');
    const previewTab = root.querySelector<HTMLButtonElement>('#jc-reply-body-tab-preview')!;
    previewTab.click();
    await el.updateComplete;
    expect(previewTab.getAttribute('aria-selected')).to.equal('true');
    const preview = root.querySelector('#jc-reply-body-panel-preview')!;
    expect(preview.hasAttribute('hidden')).to.equal(false);
    expect(preview.querySelector('strong')!.textContent).to.equal('Saturday');
    expect(root.querySelector('#jc-reply-body-panel-write')!.hasAttribute('hidden')).to.equal(true);
    await expect(el).to.be.accessible();
    root.querySelector<HTMLButtonElement>('#jc-reply-body-tab-write')!.click();
    await el.updateComplete;
    expect(composerBox(el)!.value).to.equal('OHP takes **Saturday**.');

    // Post: at once "Sending…", then in the thread, and the event.
    const created = oneEvent(provider, 'jc-reply-created');
    button(root.querySelector('form.composer')!, /^Post reply$/).click();
    await el.updateComplete;
    expect(text(root.querySelector('.outbox'))).to.match(/Sending…/);
    expect(composerBox(el)!.value).to.equal('');
    const event = (await created) as CustomEvent<{ reply: Reply }>;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.reply.body).to.equal('OHP takes **Saturday**.');
    const mine = await waitForReply(el, /OHP takes Saturday/);
    expect(mine.querySelector('.body strong')!.textContent).to.equal('Saturday');
    expect(text(mine.querySelector('.author'))).to.equal(member.name);
    await waitUntil(() => announcement(el) === 'Your reply was posted.');
    await waitUntil(() => text(root.querySelector('#jc-replies-title')) === '2 replies', 'the count follows');

    // Reply to a reply: the composer says to whom, and focus moves into it.
    (action(article(el, first.id)!, 'reply') as HTMLButtonElement).click();
    await waitUntil(() => focused(el) === composerBox(el), 'focus in the composer');
    expect(text(root.querySelector('.composer .context'))).to.match(new RegExp(`Replying to ${owner.name}`));
    await postReply(el, 'Nested: confirmed with dispatch.');
    const nested = await waitForReply(el, /confirmed with dispatch/);
    expect(nested.classList.contains('nested')).to.equal(true);
    expect(text(nested.querySelector('.reply-to'))).to.equal(`↳ Replying to ${owner.name}`);
    expect(articles(el).map((a) => a.dataset.id)[1]).to.equal(nested.dataset.id, 'right under its parent');

    // Quote: the composer shows what is quoted; the reply carries it.
    (action(article(el, first.id)!, 'quote') as HTMLButtonElement).click();
    await waitUntil(() => focused(el) === composerBox(el), 'focus in the composer');
    expect(text(root.querySelector('.composer .quoting'))).to.match(new RegExp(`Quoting ${owner.name}: Hays County can cover Friday night\\.`));
    await expect(el).to.be.accessible();
    await postReply(el, 'Agreed with this.');
    const quoting = await waitForReply(el, /Agreed with this/);
    expect(text(quoting.querySelector('.quote'))).to.match(new RegExp(`^${owner.name} wrote: Hays County can cover`));
    expect(Boolean(root.querySelector('.composer .quoting')), 'the quote is cleared').to.equal(false);

    // Like: aria-pressed and the count follow, and the server agrees.
    const like = action(article(el, first.id)!, 'like') as HTMLButtonElement;
    expect(like.getAttribute('aria-pressed')).to.equal('false');
    like.click();
    await waitUntil(() => action(article(el, first.id)!, 'like').getAttribute('aria-pressed') === 'true', 'liked');
    expect(text(action(article(el, first.id)!, 'like').querySelector('.count'))).to.equal('1');
    await waitUntil(async () => (await apiCall<Reply>('GET', `/api/v1/replies/${first.id}`)).liked, 'the server has the like');
    const stored = await apiCall<ReplyPage>('GET', `/api/v1/topics/${topic.id}/replies`);
    expect(stored.items.filter((r) => r.author?.id === member.id).map((r) => r.body)).to.have.members([
      'OHP takes **Saturday**.',
      'Nested: confirmed with dispatch.',
      'Agreed with this.',
    ]);
    await expect(el).to.be.accessible();
  });

  it('flags a reply as sensitive information through an accessible dialog; “other” needs a note', async () => {
    const { owner, topic, member, community } = await forumWith();
    await signInPage(owner);
    const target = await reply(topic.id, 'Suspect DOB 04/12/1988, SSN on file.');
    await signInPage(member);
    const { el } = await mount({ topic: topic.id });
    const art = await waitForReply(el, /Suspect DOB/);
    const flag = action(art, 'flag') as HTMLButtonElement;
    expect(flag.getAttribute('aria-haspopup')).to.equal('dialog');
    flag.click();
    const dialog = shadow(el).querySelector<HTMLDialogElement>('dialog.flag')!;
    await waitUntil(() => dialog.open, 'the dialog opens');
    expect(text(dialog.querySelector('#jc-flag-title'))).to.equal(`Flag ${owner.name}’s reply`);
    const radios = [...dialog.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios.map((r) => r.value)).to.deep.equal(['sensitive-information', 'off-topic', 'abusive', 'spam', 'other']);
    expect(text(dialog.querySelector('label[for="jc-flag-sensitive-information"]'))).to.equal(
      'Contains personal or criminal-justice information that should not be shared',
    );
    expect(text(dialog.querySelector('legend'))).to.equal('Why are you flagging it?');
    expect(focused(el) === radios[0], 'focus on the first reason').to.equal(true);
    await expect(el).to.be.accessible();

    // No reason: an error. "Other" without a note: the note is required.
    button(dialog, /^Send flag$/).click();
    await el.updateComplete;
    expect(text(dialog.querySelector('#jc-flag-error'))).to.equal('Choose why you are flagging it.');
    radios[4]!.click();
    await el.updateComplete;
    const note = dialog.querySelector<HTMLTextAreaElement>('#jc-flag-note')!;
    expect(note.required).to.equal(true);
    expect(text(dialog.querySelector('label[for="jc-flag-note"]'))).to.equal('Note (required)');
    button(dialog, /^Send flag$/).click();
    await el.updateComplete;
    expect(note.getAttribute('aria-invalid')).to.equal('true');
    expect(focused(el) === note, 'focus on the note').to.equal(true);
    await expect(el).to.be.accessible();

    // The sensitive-information reason, with an optional note.
    shadow(el).querySelector<HTMLInputElement>('#jc-flag-sensitive-information')!.click();
    typeInto(note, 'Date of birth and SSN.');
    await el.updateComplete;
    expect(note.required).to.equal(false);
    button(dialog, /^Send flag$/).click();
    await waitUntil(() => !dialog.open, 'the dialog closes');
    await waitUntil(() => /The reply was flagged/.test(announcement(el)), 'announced');
    await waitUntil(() => focused(el)?.dataset.action === 'flag', 'focus back on Flag');

    await signInPage(owner);
    const flags = await apiCall<{ items: ForumFlag[] }>('GET', `/api/v1/communities/${community.slug}/forum-flags`);
    expect(flags.items).to.have.length(1);
    expect(flags.items[0]).to.deep.include({ reason: 'sensitive-information', note: 'Date of birth and SSN.' });
    expect(flags.items[0]!.target).to.deep.include({ kind: 'reply', replyId: target.id });
    expect(flags.items[0]!.reporter.id).to.equal(member.id);
  });

  it('lets the asker mark an answer: the reply is marked, the topic is answered, with the event', async () => {
    const { topic, member, owner } = await forumWith({ question: true, title: 'Which readers cover MM 180?', signedInAs: 'member' });
    const answerReply = await reply(topic.id, 'TxDOT has a fixed reader at MM 184.');
    await signInPage(owner);
    const { provider, el } = await mount({ topic: topic.id });
    const art = await waitForReply(el, /fixed reader at MM 184/);
    expect([...shadow(el).querySelectorAll('.topic .badge')].map(text)).to.deep.equal(['? Question']);
    const mark = action(art, 'answer') as HTMLButtonElement;
    expect(text(mark)).to.equal('Mark as answer');
    const changed = oneEvent(provider, 'jc-topic-changed');
    mark.click();
    const event = (await changed) as CustomEvent<{ topic: Topic }>;
    expect(event.detail.topic.answerReplyId).to.equal(answerReply.id);
    await el.updateComplete;
    const marked = article(el, answerReply.id)!;
    expect(text(marked.querySelector('.badge.answer'))).to.equal('✓ Accepted answer');
    expect(text(action(marked, 'answer'))).to.equal('Unmark as answer');
    expect([...shadow(el).querySelectorAll('.topic .badge')].map(text)).to.deep.equal(['? Question', '✓ Answered']);
    expect(shadow(el).querySelector('a.jump')!.getAttribute('href')).to.equal(`#reply-${answerReply.id}`);
    await waitUntil(() => announcement(el) === 'Marked as the accepted answer.', 'announced');
    expect((await apiCall<Topic>('GET', `/api/v1/topics/${topic.id}`)).answerReplyId).to.equal(answerReply.id);
    await expect(el).to.be.accessible();
    // A member who did not ask cannot mark one.
    await signInPage(member);
    fixtureCleanup();
    const again = await mount({ topic: topic.id });
    await waitForReply(again.el, /fixed reader/);
    expect(Boolean(shadow(again.el).querySelector('[data-action="answer"]')), 'no Mark as answer for others').to.equal(false);
  });

  it('follows the topic; the author edits the topic, edits a reply and deletes it (a tombstone stays)', async () => {
    const { topic } = await forumWith({ signedInAs: 'owner' });
    const mine = await reply(topic.id, 'First draft of the reply.');
    const { provider, el } = await mount({ topic: topic.id });
    await waitForReply(el, /First draft/);
    const root = shadow(el);

    // Follow: a toggle button.
    const follow = action(root, 'follow') as HTMLButtonElement;
    const wasFollowing = follow.getAttribute('aria-pressed') === 'true';
    follow.click();
    await waitUntil(() => action(root, 'follow').getAttribute('aria-pressed') === String(!wasFollowing), 'the toggle follows');
    expect((await apiCall<Topic>('GET', `/api/v1/topics/${topic.id}`)).following).to.equal(!wasFollowing);

    // Edit the topic: title, text and tags.
    (action(root, 'edit-topic') as HTMLButtonElement).click();
    await el.updateComplete;
    const title = root.querySelector<HTMLInputElement>('#jc-topic-title-input')!;
    expect(focused(el) === title, 'focus in the title').to.equal(true);
    typeInto(title, 'Patrol schedule (final)');
    typeInto(root.querySelector<HTMLInputElement>('#jc-topic-tags-input')!, 'patrol, Memorial-Day');
    await expect(el).to.be.accessible();
    const changed = oneEvent(provider, 'jc-topic-changed');
    button(root.querySelector('.topic form.inline-form')!, /^Save$/).click();
    expect(((await changed) as CustomEvent<{ topic: Topic }>).detail.topic.title).to.equal('Patrol schedule (final)');
    await el.updateComplete;
    expect(text(root.querySelector('h2'))).to.equal('Patrol schedule (final)');
    expect([...root.querySelectorAll('.tag')].map(text)).to.deep.equal(['patrol', 'memorial-day']);
    expect(text(root.querySelector('.topic .meta'))).to.match(/Edited/);
    expect(focused(el)?.dataset.action).to.equal('edit-topic');

    // Edit a reply (Escape cancels, back to Edit), then save.
    (action(await rendered(el, mine.id), 'edit') as HTMLButtonElement).click();
    await waitUntil(() => focused(el)?.id === `jc-edit-${mine.id}`, 'focus in the edit box');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => focused(el)?.dataset.action === 'edit', 'focus back on Edit');
    (action(await rendered(el, mine.id), 'edit') as HTMLButtonElement).click();
    await waitUntil(() => focused(el)?.id === `jc-edit-${mine.id}`, 'focus in the edit box');
    typeInto(root.querySelector<HTMLTextAreaElement>(`#jc-edit-${mine.id}`)!, 'Final version of the reply.');
    button((await rendered(el, mine.id)).querySelector('form')!, /^Save$/).click();
    await waitForReply(el, /Final version of the reply/);
    expect(text((await rendered(el, mine.id)).querySelector('.meta'))).to.match(/Edited/);

    // Delete it, after a confirmation: a tombstone keeps its place (and its link).
    (action(await rendered(el, mine.id), 'delete') as HTMLButtonElement).click();
    await waitUntil(() => text(focused(el)) === 'Cancel', 'focus on Cancel');
    expect(text((await rendered(el, mine.id)).querySelector('.confirm p'))).to.equal('Delete this reply? This cannot be undone.');
    button((await rendered(el, mine.id)).querySelector('.confirm')!, /^Delete reply$/).click();
    await waitUntil(() => text(article(el, mine.id)) === 'This reply was deleted.', 'a tombstone');
    expect((await rendered(el, mine.id)).id).to.equal(`reply-${mine.id}`);
    await waitUntil(() => focused(el)?.dataset.id === mine.id, 'focus on the tombstone');
    expect(announcement(el)).to.equal('The reply was deleted.');
    await expect(el).to.be.accessible();
  });

  it('moderator lock: the composer disappears for a member, live; a moderator still sees it and may reply', async () => {
    const { topic, owner } = await forumWith({ signedInAs: 'member' });
    await reply(topic.id, 'Before the lock.');
    const { provider, el } = await mount({ topic: topic.id });
    await waitForReply(el, /Before the lock/);
    expect(Boolean(shadow(el).querySelector('form.composer')), 'the member has the composer').to.equal(true);
    await waitUntil(() => provider.context!.live.status === 'open', 'the live stream is open', { timeout: 5000 });

    // The owner (a moderator) locks the topic from another origin.
    const mod = await otherOrigin(owner);
    await mod.setTopicLocked(topic.id, true);
    await waitUntil(() => !shadow(el).querySelector('form.composer'), 'the composer disappears, live', { timeout: 5000 });
    expect(text(shadow(el).querySelector('.locked-note'))).to.equal('🔒 This topic is locked. No new replies can be added.');
    expect([...shadow(el).querySelectorAll('.topic .badge')].map(text)).to.include('🔒 Locked');
    expect(Boolean(article(el, articles(el)[0]!.dataset.id!)!.querySelector('[data-action="reply"]')), 'no Reply buttons').to.equal(false);
    await waitUntil(() => announcement(el) === 'This topic was locked.', 'announced');
    await expect(el).to.be.accessible();

    // The moderator's own view: the composer stays, with the note.
    await signInPage(owner);
    fixtureCleanup();
    const modView = await mount({ topic: topic.id });
    await waitForReply(modView.el, /Before the lock/);
    const root = shadow(modView.el);
    expect(Boolean(root.querySelector('form.composer')), 'the moderator has the composer').to.equal(true);
    expect(text(root.querySelector('.composer .locked-note'))).to.equal('🔒 This topic is locked. As a moderator you can still reply.');
    expect(text(action(root, 'lock'))).to.equal('Unlock');
    await postReply(modView.el, 'Locked: see the new schedule topic.');
    await waitForReply(modView.el, /see the new schedule topic/);
    await expect(modView.el).to.be.accessible();
    await mod.signOut();
  });

  it('moderator tools: pin, move to another forum, delete (after a confirmation)', async () => {
    const { topic, community } = await forumWith({ signedInAs: 'owner' });
    const other = await apiCall<Forum>('POST', `/api/v1/communities/${community.slug}/forums`, { name: 'Intelligence sharing' });
    const { provider, el } = await mount({ topic: topic.id });
    await settled(el, /Moderator tools/);
    const root = shadow(el);
    const tools = root.querySelector('.moderation')!;
    expect(tools.getAttribute('role')).to.equal('group');
    (action(tools, 'pin') as HTMLButtonElement).click();
    await waitUntil(() => [...root.querySelectorAll('.topic .badge')].map(text).includes('📌 Pinned'), 'pinned');
    expect(text(action(tools, 'pin'))).to.equal('Unpin');

    await waitUntil(() => root.querySelector('#jc-move-forum'), 'the forums load');
    const select = root.querySelector<HTMLSelectElement>('#jc-move-forum')!;
    const options = [...select.options].map((o) => o.textContent!.trim());
    expect(options[0]).to.equal('Choose a forum');
    expect(options).to.include('Intelligence sharing');
    expect(options, 'not the forum it is in').to.not.include('Operations');
    select.value = other.id;
    select.dispatchEvent(new Event('change'));
    const moved = oneEvent(provider, 'jc-topic-changed');
    button(root.querySelector('form.move')!, /^Move$/).click();
    expect(((await moved) as CustomEvent<{ topic: Topic }>).detail.topic.forumId).to.equal(other.id);
    await settled(el, /In Intelligence sharing/);
    await expect(el).to.be.accessible();

    (action(root, 'delete-topic') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(text(root.querySelector('.topic .confirm p'))).to.equal('Delete this topic and all its replies? This cannot be undone.');
    expect(text(focused(el))).to.equal('Cancel');
    const deleted = oneEvent(provider, 'jc-topic-changed');
    button(root.querySelector('.topic .confirm')!, /^Delete topic$/).click();
    expect(((await deleted) as CustomEvent<{ deleted: boolean }>).detail.deleted).to.equal(true);
    await settled(el, /This topic was deleted/);
    expect(focused(el)?.id).to.equal('jc-thread-title');
    await expect(el).to.be.accessible();
  });

  it('shows a second user’s reply live: appended at the end, or behind “N new replies” when the end is not loaded', async () => {
    const { topic, owner } = await forumWith({ signedInAs: 'member' });
    // Tall replies: two fill more than the viewport, so with a page of two the end of the thread is out of sight.
    for (let i = 1; i <= 4; i++) await reply(topic.id, tall(`Earlier reply ${i}.`));
    const { provider, el } = await mount({ topic: topic.id });
    await waitForReply(el, /^Earlier reply 1\./);
    await waitUntil(() => provider.context!.live.status === 'open', 'the live stream is open', { timeout: 5000 });
    const other = await otherOrigin(owner);

    // The end of the thread is loaded: the reply appears at the end, announced politely.
    const { reply: live1 } = await other.createReply(topic.id, { body: 'Live from the other origin.' });
    await waitUntil(() => announcement(el) === `New reply from ${owner.name}.`, 'announced', { timeout: 5000 });
    let shown: HTMLElement | undefined;
    await waitUntil(
      () => {
        window.scrollTo(0, document.documentElement.scrollHeight);
        return (shown = article(el, live1.id));
      },
      'the new reply renders at the end',
    );
    expect(articles(el).at(-1) === shown, 'appended at the end').to.equal(true);
    expect(shown!.getAttribute('aria-posinset')).to.equal('5');
    await waitUntil(() => text(shadow(el).querySelector('#jc-replies-title')) === '5 replies', 'the count follows');

    // A like and a deletion by the other user show live.
    await other.setReplyLiked(live1.id, true);
    await waitUntil(() => text(article(el, live1.id)?.querySelector('.like .count')) === '1', 'the like count updates live', { timeout: 5000 });
    await other.deleteReply(live1.id);
    await waitUntil(() => /This reply was deleted/.test(text(article(el, live1.id))), 'a tombstone, live', { timeout: 5000 });

    // Only two replies loaded: a new one waits behind a button.
    window.scrollTo(0, 0);
    fixtureCleanup();
    const small = await mount({ topic: topic.id, pageSize: 2 });
    await waitUntil(() => articles(small.el).length === 2, 'the first page');
    await waitUntil(() => small.provider.context!.live.status === 'open', 'the live stream is open', { timeout: 5000 });
    const { reply: live2 } = await other.createReply(topic.id, { body: 'Past the loaded page.' });
    await waitUntil(() => shadow(small.el).querySelector('.pill'), 'the new-replies button appears', { timeout: 5000 });
    const pill = shadow(small.el).querySelector<HTMLButtonElement>('.pill')!;
    expect(text(pill)).to.equal('↓ 1 new reply');
    expect(articles(small.el).length).to.equal(2, 'nothing moved');
    await waitUntil(() => /1 new reply\. Use the/.test(announcement(small.el)), 'announced');
    await expect(small.el).to.be.accessible();
    pill.click();
    await waitUntil(() => focused(small.el)?.dataset.id === live2.id, 'focus on the new reply');
    expect(Boolean(shadow(small.el).querySelector('.pill')), 'the button is gone').to.equal(false);
    await other.signOut();
  });

  it('deep link: #reply-ID opens the thread at that reply and focuses it, also one not on the first page; hashchange too', async () => {
    const { topic } = await forumWith({ signedInAs: 'member' });
    const made: Reply[] = [];
    for (let i = 1; i <= 9; i++) made.push(await reply(topic.id, tall(`Numbered reply ${i}.`)));
    made.push(await reply(topic.id, 'Nested under 9.', { parentId: made[8]!.id }));
    const first = (a: Element) => text(a.querySelector('.body p'));
    history.replaceState(null, '', `#reply-${made[7]!.id}`);
    const { el } = await mount({ topic: topic.id, pageSize: 3 });
    await waitUntil(() => focused(el)?.id === `reply-${made[7]!.id}`, 'focus on reply 8', { timeout: 5000 });
    expect(first(focused(el)!)).to.equal('Numbered reply 8.');
    expect(articles(el).some((a) => a.dataset.id === made[0]!.id), 'the first page is not loaded').to.equal(false);
    expect(Boolean(button(shadow(el), /^Load earlier replies$/)), 'earlier replies can be loaded').to.equal(true);
    expect(focused(el)!.hasAttribute('aria-posinset'), 'no position while the start is not loaded').to.equal(false);
    await expect(el).to.be.accessible();

    // A link to a nested reply, by hashchange: focus on it.
    location.hash = `#reply-${made[9]!.id}`;
    await waitUntil(() => focused(el)?.id === `reply-${made[9]!.id}`, 'focus on the nested reply');
    // And back up to the first reply, not loaded now: its page loads.
    location.hash = `#reply-${made[0]!.id}`;
    await waitUntil(() => focused(el)?.id === `reply-${made[0]!.id}`, 'focus on reply 1', { timeout: 5000 });
    expect(first(focused(el)!)).to.equal('Numbered reply 1.');
    expect(focused(el)!.getAttribute('aria-posinset')).to.equal('1');

    // Each reply links to itself.
    const link = focused(el)!.querySelector<HTMLAnchorElement>('a.permalink')!;
    expect(link.getAttribute('href')).to.equal(`#reply-${made[0]!.id}`);
    expect(text(link)).to.equal('Copy link');

    // "Load earlier replies" on a page opened at a link moves focus to the first of them.
    clearHash();
    fixtureCleanup();
    history.replaceState(null, '', `#reply-${made[6]!.id}`);
    const again = await mount({ topic: topic.id, pageSize: 3 });
    await waitUntil(() => focused(again.el)?.id === `reply-${made[6]!.id}`, 'focus on reply 7', { timeout: 5000 });
    button(shadow(again.el), /^Load earlier replies$/).click();
    await waitUntil(() => announcement(again.el) === '3 earlier replies shown.', 'earlier replies shown');
    expect(first(focused(again.el)!)).to.equal('Numbered reply 4.');
  });

  it('renders XSS payloads in replies and quotes inert', async () => {
    window.__jcXss = undefined;
    const { topic } = await forumWith({ signedInAs: 'member' });
    const payloads = [
      '<script>window.__jcXss = "script"</script> plain <b>bold?</b>',
      '<img src=x onerror="window.__jcXss = \'img\'"> and <svg onload="window.__jcXss = \'svg\'"><circle r=1></circle></svg>',
      '[click me](javascript:window.__jcXss=\'md-link\') [entity](javascript&#58;window.__jcXss=\'entity\') <javascript:alert(1)>',
      '<a href="javascript:window.__jcXss=\'raw-a\'">raw link</a> <iframe src="javascript:window.__jcXss=\'iframe\'"></iframe>',
      'A [safe link](https://www.example.gov/a?b=1) and <form action="https://evil.example"><input name=x></form> <style>*{display:none}</style>',
    ];
    const made: Reply[] = [];
    for (const body of payloads) made.push(await reply(topic.id, body));
    // Quotes of the payloads (the server's excerpt is the raw text).
    await reply(topic.id, 'Quoting the img.', { quoteId: made[1]!.id });
    await reply(topic.id, 'Quoting the script.', { quoteId: made[0]!.id, parentId: made[0]!.id });
    await setViewport({ width: 1000, height: 4000 });
    try {
      const { el } = await mount({ topic: topic.id });
      await waitUntil(() => articles(el).length === payloads.length + 2, 'every reply renders', { timeout: 5000 });
      // The composer's quote preview and Markdown preview of a payload.
      (action(article(el, made[1]!.id)!, 'quote') as HTMLButtonElement).click();
      typeInto(composerBox(el)!, payloads[1]! + ' ' + payloads[2]!);
      shadow(el).querySelector<HTMLButtonElement>('#jc-reply-body-tab-preview')!.click();
      await el.updateComplete;
      const root = shadow(el);
      await expectInert(root, {
        dangerous: ['script', 'iframe', 'object', 'embed', 'form', 'input:not([type="radio"])', 'style', 'svg', 'img', 'link', 'meta', 'base'],
        scopes: ['.thread', '.md-preview', '.quote'],
        content: '.body *, .quote *',
        safeLink: 'https://www.example.gov/a?b=1',
      });
      // Raw HTML is text, as typed, in bodies and in quotes.
      expect(bodyText(article(el, made[0]!.id)!)).to.include('<script>window.__jcXss = "script"</script>');
      const quotes = [...root.querySelectorAll('.thread .quote')].map(text);
      expect(quotes.some((q) => q.includes('<img src=x onerror='))).to.equal(true);
      expect(text(root.querySelector('.composer .quoting'))).to.match(/Quoting/);
      await expect(el).to.be.accessible();
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('keeps a reply that could not be sent, and a retry cannot post it twice; a refused text comes back with the field error', async () => {
    const { topic } = await forumWith({ signedInAs: 'member' });
    const connection = unreliablePosting(/\/replies$/, 'offline');
    const { el } = await mount({ topic: topic.id, fetcher: connection.fetcher });
    await settled(el, /No replies yet — be the first/);
    await postReply(el, 'Unit 12 back in service.');
    await settled(el, /Not sent/);
    const unsent = shadow(el).querySelector('.outbox article')!;
    expect(text(unsent)).to.match(/Unit 12 back in service/);
    await waitUntil(() => /Your reply was not sent/.test(announcement(el)), 'announced');
    const me = await apiCall<{ id: string }>('GET', '/api/v1/me');
    const key = unsentReplyKey(location.origin, me.id, topic.id);
    const kept = JSON.parse(sessionStorage.getItem(key) ?? '[]');
    expect(kept).to.have.length(1);
    await expect(el).to.be.accessible();
    // The retry reaches the server, but its answer is lost: still not sent, as far as the page knows…
    connection.mode = 'lost';
    button(unsent, /Retry/).click();
    // …until the live event says the reply is there after all (the same clientId): it moves into the thread.
    await waitForReply(el, /Unit 12 back in service/, 5000);
    await waitUntil(() => !shadow(el).querySelector('.outbox'), 'the outbox empties');
    expect(sessionStorage.getItem(key)).to.equal(null);
    // A retry of the same clientId would not post twice either.
    connection.mode = 'online';
    await apiCall('POST', `/api/v1/topics/${topic.id}/replies`, { body: 'Unit 12 back in service.', clientId: kept[0].clientId });
    const stored = await apiCall<ReplyPage>('GET', `/api/v1/topics/${topic.id}/replies`);
    expect(stored.items.filter((r) => r.body === 'Unit 12 back in service.')).to.have.length(1, 'posted once, for all the tries');

    // Too long for the server (the box's maxlength stops typing, not pasting through script): the field error.
    await postReply(el, 'x'.repeat(20_001));
    await waitUntil(() => shadow(el).querySelector('#jc-reply-body-error'), 'the field error shows');
    expect(composerBox(el)!.value).to.have.length(20_001);
    expect(composerBox(el)!.getAttribute('aria-invalid')).to.equal('true');
    expect(composerBox(el)!.getAttribute('aria-describedby')).to.include('jc-reply-body-error');
    expect(Boolean(shadow(el).querySelector('.outbox')), 'nothing left unsent').to.equal(false);
  });

  it('keyboard: reply actions in order, Reply moves focus to the composer, the tabs follow the arrow keys, Escape closes the flag dialog', async () => {
    const { topic, owner } = await forumWith({ signedInAs: 'owner' });
    const theirs = await reply(topic.id, 'From the owner.');
    await signOutPage();
    const member = await createActiveUser(`Keys ${stamp()}`);
    await signInPage(member);
    await apiCall('POST', `/api/v1/communities/${(await apiCall<Topic>('GET', `/api/v1/topics/${topic.id}`)).communitySlug}/join`);
    const { el } = await mount({ topic: topic.id });
    const art = await waitForReply(el, /From the owner/);
    action(art, 'like').focus();
    const order = [focused(el)?.dataset.action];
    for (let i = 0; i < 4; i++) {
      await sendKeys({ press: 'Tab' });
      order.push(focused(el)?.dataset.action);
    }
    expect(order).to.deep.equal(['like', 'reply', 'quote', 'flag', 'link']);
    // Reply by keyboard: focus into the composer.
    action(art, 'reply').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused(el) === composerBox(el), 'focus in the composer');
    await sendKeys({ type: 'Typed **by keys**' });
    // Shift+Tab twice: the Write tab; the right arrow selects Preview.
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(focused(el)?.id).to.equal('jc-reply-body-tab-write');
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(focused(el)?.id).to.equal('jc-reply-body-tab-preview');
    expect(text(shadow(el).querySelector('#jc-reply-body-panel-preview strong'))).to.equal('by keys');
    await sendKeys({ press: 'ArrowLeft' });
    await el.updateComplete;
    expect(focused(el)?.id).to.equal('jc-reply-body-tab-write');
    await sendKeys({ press: 'Tab' });
    expect(focused(el) === composerBox(el), 'back in the box').to.equal(true);
    // Flag by keyboard; Escape closes and returns focus to Flag.
    action(art, 'flag').focus();
    await sendKeys({ press: 'Enter' });
    const dialog = shadow(el).querySelector<HTMLDialogElement>('dialog.flag')!;
    await waitUntil(() => dialog.open, 'the dialog opens');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open, 'Escape closes it');
    await waitUntil(() => focused(el)?.dataset.action === 'flag', 'focus back on Flag');
    expect(theirs.author!.name).to.equal(owner.name);
  });

  it('tells a pending account it waits for the agency administrator, and a not-opted-in one to opt in', async () => {
    const { topic } = await forumWith();
    const pending = await createUser(`Pending ${stamp()}`);
    await signInPage(pending);
    const { el } = await mount({ topic: topic.id });
    await settled(el, /waiting for your agency administrator/);
    await expect(el).to.be.accessible();
    await signOutPage();
    fixtureCleanup();
    const notOpted = await createUser(`Not Opted ${stamp()}`);
    await activateUser(notOpted.email, { optedIn: false });
    await signInPage(notOpted);
    const again = await mount({ topic: topic.id });
    await settled(again.el, /Opt in to JusticeConnect to read and join discussions/);
    await expect(again.el).to.be.accessible();
  });

  it('shows an error with Try again when the topic cannot be loaded, and “not available” for a topic one may not see', async () => {
    const { topic } = await forumWith({ signedInAs: 'member' });
    let fail = true;
    const fetcher = (input: RequestInfo | URL, init?: RequestInit) =>
      fail && /\/topics\//.test(String(input)) ? Promise.reject(new TypeError('offline')) : fetch(input, init);
    const { el } = await mount({ topic: topic.id, fetcher });
    await settled(el, /Could not reach JusticeConnect/);
    expect(Boolean(shadow(el).querySelector('[role=alert]')), '[role=alert] present').to.equal(true);
    await expect(el).to.be.accessible();
    fail = false;
    button(shadow(el), /Try again/).click();
    await settled(el, /No replies yet — be the first/);
    // The task force is restricted: its topics do not exist for an outsider.
    await signInPage(DEMO.ray);
    const seeded = (await apiCall<TopicPage>('GET', '/api/v1/communities/i-35-corridor-task-force/topics')).items[0]!;
    const outsider = await createActiveUser(`Outsider ${stamp()}`);
    await signInPage(outsider);
    fixtureCleanup();
    const hidden = await mount({ topic: seeded.id });
    await settled(hidden.el, /This topic is not available/);
    expect(text(shadow(hidden.el))).to.not.match(/I-35|Corridor|Dana|Marcus|Ray/i);
    await expect(hidden.el).to.be.accessible();
  });
});

describe('jc-forum-thread (fixtures)', () => {
  afterEach(() => {
    clearHash();
    sessionStorage.clear();
  });

  it('keeps a 10,000-reply thread fast with a small DOM, loaded to the end', async () => {
    const { el } = await mount({ topic: LONG_TOPIC_ID, pageSize: 100, fetcher: fixtureFetch({ me: fixtureUsers.optedIn }) });
    await waitUntil(() => articles(el).length > 0, 'the first page');
    expect(text(shadow(el).querySelector('#jc-replies-title'))).to.match(/^9,900 replies$/);
    const start = performance.now();
    for (let i = 0; i < 200 && shadow(el).querySelector('.more:not(.before) button'); i++) await el.loadMore();
    await el.updateComplete;
    const loaded = performance.now() - start;
    const thread = shadow(el).querySelector<HTMLElement>('[role="feed"]')!;
    expect(thread.getBoundingClientRect().height).to.be.greaterThan(100_000);
    expect(articles(el).length, 'replies in the DOM').to.be.lessThan(80);
    expect(shadow(el).querySelectorAll('*').length, 'elements in the shadow DOM').to.be.lessThan(3000);
    expect(loaded, 'ms to load and render 99 more pages').to.be.lessThan(10_000);
    // The last reply renders, and the DOM stays small.
    window.scrollTo(0, thread.getBoundingClientRect().bottom + window.scrollY - 200);
    // (#10,000 is a tombstone: every hundredth is.)
    await waitUntil(() => articles(el).some((a) => /\(#9999\)$/.test(bodyText(a))), 'the last replies render', { timeout: 5000 });
    expect(articles(el).at(-1)!.getAttribute('aria-posinset')).to.equal('10000');
    expect(articles(el).length).to.be.lessThan(80);
    expect(shadow(el).querySelectorAll('*').length).to.be.lessThan(3000);
    window.scrollTo(0, 0);
  });

  it('opens a 10,000-reply thread at a deep link far down, with a small DOM', async () => {
    history.replaceState(null, '', '#reply-rpl_top_long_009001');
    const { el } = await mount({ topic: LONG_TOPIC_ID, fetcher: fixtureFetch({ me: fixtureUsers.optedIn }) });
    await waitUntil(() => focused(el)?.id === 'reply-rpl_top_long_009001', 'focus on reply 9,001', { timeout: 5000 });
    expect(bodyText(focused(el)!)).to.match(/\(#9001\)$/);
    expect(shadow(el).querySelectorAll('*').length).to.be.lessThan(3000);
    window.scrollTo(0, 0);
  });

  it('shows the fixture question: nesting, the quote, the tombstone and the accepted answer; axe finds nothing', async () => {
    await setViewport({ width: 900, height: 3000 });
    const { el } = await mount({ topic: THREAD_TOPIC_ID, fetcher: fixtureFetch({ me: fixtureUsers.owner, longThread: 0 }) });
    await waitUntil(() => articles(el).length >= 10, 'the replies');
    await setViewport({ width: 800, height: 600 });
    expect(text(article(el, 'rpl_pr_06'))).to.equal('This reply was deleted.');
    expect(article(el, 'rpl_pr_06')!.getAttribute('aria-label')).to.equal('Deleted reply');
    expect(article(el, 'rpl_pr_07')!.classList.contains('answer')).to.equal(true);
    expect(article(el, 'rpl_pr_03')!.classList.contains('nested')).to.equal(true);
    await waitUntil(() => shadow(el).querySelector('[role="feed"]')!.getAttribute('aria-busy') === 'false', 'the list is no longer busy');
    await expect(el).to.be.accessible();
  });

  it('shows loading, then the empty thread, for a topic without replies', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const inner = fixtureFetch({ me: fixtureUsers.optedIn, longThread: 0 });
    const fetcher: typeof fetch = async (input, init) => {
      if (/\/topics\//.test(String(input instanceof Request ? input.url : input))) await gate;
      return inner(input, init);
    };
    const { el } = await mount({ topic: 'top_reefer', fetcher });
    await settled(el, /Loading the topic…/);
    await expect(el).to.be.accessible();
    release();
    await settled(el, /No replies yet — be the first/);
  });
});
