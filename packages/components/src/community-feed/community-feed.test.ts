import { expect, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import './community-feed.js';
import { unsentStorageKey, type JcCommunityFeed } from './community-feed.js';
import { render } from 'lit';
import { markdown } from '../shared/markdown.js';
import type { Comment, Post } from '../api/schemas.js';
import { DEMO, activateUser, apiCall, createActiveUser, createUser, signInPage, signOutPage, testConfig } from '../testing/server.js';
import { fixtureFetch, fixtureUsers, manyFixturePosts } from '../testing/fixtures.js';
import { XSS_PAYLOADS, expectInert } from '../testing/xss.js';
import { fullApi } from '../testing/full-api.js';
import { announcement, articleReaders, button, expectEmptyState, focused, mountBesideOtherOrigin, mountInProvider, ownerWithCommunity, settled, shadow, signInBeside, stamp, text, unreliablePosting, type MountOptions } from '../testing/setup.js';

/*
 * Against the real server (mounted into the test runner), except the
 * 10,000-post test, which runs on fixtures. Tests that write use fresh
 * accounts and their own communities, so no test depends on another.
 */

/*
 * No "ResizeObserver loop completed with undelivered notifications" is
 * expected: the virtualizer's observer waits for the next frame instead
 * (shared/virtual-list.ts), so mocha fails a test on one.
 */

interface FeedOptions extends MountOptions {
  community?: string;
  scope?: 'community' | 'mine';
  pageSize?: number;
}

function mount(options: FeedOptions = {}) {
  return mountInProvider<JcCommunityFeed>(
    html`<jc-community-feed community=${options.community ?? ''} scope=${options.scope ?? 'community'} page-size=${options.pageSize ?? 20}></jc-community-feed>`,
    options,
  );
}

/** The posts; the rendered post whose body matches (`waitForPost`). */
const { articles, bodyText, waitForArticle: waitForPost } = articleReaders<JcCommunityFeed>('.feed > article', 'a post');


async function createPost(slug: string, body: string) {
  return apiCall<Post>('POST', `/api/v1/communities/${slug}/posts`, { type: 'status', body });
}

describe('jc-community-feed (against the real server)', () => {
  afterEach(signOutPage);

  it('asks a signed-out user to sign in, and axe finds nothing', async () => {
    const { el } = await mount({ community: 'highway-interdiction' });
    await expectEmptyState(el, /Sign in to JusticeConnect to see and share posts/, articles);
  });

  it('shows the task force’s seeded posts to its owner, newest first, with author, agency and time', async () => {
    await signInPage(DEMO.dana);
    const { el } = await mount({ community: 'i-35-corridor-task-force' });
    const newest = await waitForPost(el, /no personal identifiers/);
    expect(articles(el)[0] === newest, 'the newest post first').to.equal(true);
    expect(text(shadow(el).querySelector('h2'))).to.equal('Posts in I-35 Corridor Drug Trafficking Task Force');
    expect(text(newest.querySelector('.author'))).to.equal('Det. Marcus Hill');
    expect(text(newest.querySelector('.meta'))).to.match(/Hays County Sheriff/);
    const time = newest.querySelector('time')!;
    expect(new Date(time.getAttribute('datetime')!).toISOString()).to.equal(time.getAttribute('datetime'));
    expect(time.getAttribute('title')).to.match(/\d{4}/);
    expect(text(time)).to.match(/minutes? ago|now/);
    // The blog entry's title and its markdown (bold) body.
    const blog = await waitForPost(el, /Thursday–Sunday/);
    expect(text(blog.querySelector('.title'))).to.equal('Peak trafficking times: first look');
    expect(Boolean(blog.querySelector('.body strong')), '.body strong present').to.equal(true);
    // Dana owns the community: she may delete every post, and edit none of the others'.
    expect(Boolean(newest.querySelector('[data-action="delete"]')), '[data-action=delete] present').to.equal(true);
    expect(Boolean(newest.querySelector('[data-action="edit"]')), 'no Edit on others’ posts').to.equal(false);
    expect(Boolean(shadow(el).querySelector('form.composer textarea')), 'form.composer textarea present').to.equal(true);
    expect(shadow(el).querySelector('[role="feed"]')!.getAttribute('aria-labelledby')).to.equal('jc-feed-title');
    await expect(el).to.be.accessible();
  });

  it('posts (optimistically), reacts, comments, edits and deletes, with the events', async () => {
    const { user, community } = await ownerWithCommunity('Flow');
    await createPost(community.slug, 'An earlier post, already there.');
    const { provider, el } = await mount({ community: community.slug });
    await waitForPost(el, /earlier post/);
    await expect(el).to.be.accessible();

    // Post: at once "Sending…", then published at the top.
    const root = shadow(el);
    root.querySelector<HTMLTextAreaElement>('#jc-post-body')!.value = 'Roadside **checkpoint** moved to MM 240.';
    const created = oneEvent(provider, 'jc-post-created');
    button(root.querySelector('form.composer')!, /^Post$/).click();
    await el.updateComplete;
    expect(text(root.querySelector('.outbox'))).to.match(/Sending…/);
    expect(root.querySelector<HTMLTextAreaElement>('#jc-post-body')!.value).to.equal('');
    const event = (await created) as CustomEvent<{ post: Post }>;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.post.body).to.equal('Roadside **checkpoint** moved to MM 240.');
    const mine = await waitForPost(el, /Roadside checkpoint moved/);
    expect(articles(el)[0] === mine, 'the new post on top').to.equal(true);
    expect(mine.querySelector('.body strong')!.textContent).to.equal('checkpoint');
    expect(text(mine.querySelector('.author'))).to.equal(user.name);
    expect(Boolean(root.querySelector('.outbox')), 'the outbox is empty').to.equal(false);
    await waitUntil(() => announcement(el) === 'Your post was published.');

    // React: aria-pressed and the count follow; the event says what changed.
    const like = mine.querySelector<HTMLButtonElement>('[data-reaction="like"]')!;
    expect(like.getAttribute('aria-pressed')).to.equal('false');
    const reacted = oneEvent(provider, 'jc-reaction-changed');
    like.click();
    const r = ((await reacted) as CustomEvent).detail;
    expect(r).to.deep.include({ postId: event.detail.post.id, kind: 'like', active: true });
    expect(r.reactions.like).to.equal(1);
    await el.updateComplete;
    const likeNow = articles(el)[0]!.querySelector<HTMLButtonElement>('[data-reaction="like"]')!;
    expect(likeNow.getAttribute('aria-pressed')).to.equal('true');
    expect(text(likeNow.querySelector('.count'))).to.equal('1');

    // Comment: open the thread, write, and the count follows.
    const toggle = articles(el)[0]!.querySelector<HTMLButtonElement>('[data-action="comments"]')!;
    expect(text(toggle)).to.equal('0 comments');
    toggle.click();
    await waitUntil(() => /No comments yet/.test(text(articles(el)[0]!.querySelector('.comments'))), 'the empty thread');
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const box = articles(el)[0]!.querySelector<HTMLTextAreaElement>('.comments textarea')!;
    box.value = 'Confirmed by _DPS_ units.';
    button(articles(el)[0]!.querySelector('.comments')!, /^Comment$/).click();
    await waitUntil(() => articles(el)[0]!.querySelector('.comment'), 'the comment shows');
    const comment = articles(el)[0]!.querySelector('.comment')!;
    expect(text(comment.querySelector('.body'))).to.equal('Confirmed by DPS units.');
    expect(Boolean(comment.querySelector('.body em')), '.body em present').to.equal(true);
    await waitUntil(() => text(articles(el)[0]!.querySelector('[data-action="comments"]')) === '1 comment', 'the count follows');
    await expect(el).to.be.accessible();

    // Edit (the author, within 15 minutes).
    articles(el)[0]!.querySelector<HTMLButtonElement>('[data-action="edit"]')!.click();
    await el.updateComplete;
    const editBox = root.querySelector<HTMLTextAreaElement>(`#jc-edit-${event.detail.post.id}`)!;
    expect(focused(el) === editBox, 'focus in the edit box').to.equal(true);
    expect(editBox.value).to.equal('Roadside **checkpoint** moved to MM 240.');
    editBox.value = 'Roadside checkpoint moved to MM 242.';
    button(editBox.closest('form')!, /^Save$/).click();
    await waitForPost(el, /MM 242/);
    expect(text(articles(el)[0]!.querySelector('.meta'))).to.match(/Edited/);

    // Delete, after a confirmation.
    articles(el)[0]!.querySelector<HTMLButtonElement>('[data-action="delete"]')!.click();
    await el.updateComplete;
    const confirm = articles(el)[0]!.querySelector('.confirm')!;
    expect(text(confirm)).to.match(/Delete this post\? This cannot be undone/);
    expect(text(focused(el))).to.equal('Cancel');
    await expect(el).to.be.accessible();
    const deleted = oneEvent(provider, 'jc-post-deleted');
    button(confirm, /Delete post/).click();
    expect(((await deleted) as CustomEvent).detail.postId).to.equal(event.detail.post.id);
    await waitUntil(() => !articles(el).some((a) => /MM 242/.test(bodyText(a))), 'the post is gone');
    expect(announcement(el)).to.equal('The post was deleted.');
    const left = await apiCall<{ items: Post[] }>('GET', `/api/v1/communities/${community.slug}/posts`);
    expect(left.items.map((p) => p.body)).to.deep.equal(['An earlier post, already there.']);
  });

  it('keeps a post that could not be sent, across a reload, and a retry cannot post it twice', async () => {
    const { user, community } = await ownerWithCommunity('Outbox');
    await createPost(community.slug, 'Already posted before.');
    // "Lost answers": the server gets the post, but the page never hears back.
    const connection = unreliablePosting(/\/posts$/, 'lost');
    const { fetcher } = connection;
    let { el } = await mount({ community: community.slug, fetcher });
    await waitForPost(el, /Already posted before/);
    shadow(el).querySelector<HTMLTextAreaElement>('#jc-post-body')!.value = 'Unit 12 back in service.';
    button(shadow(el).querySelector('form.composer')!, /^Post$/).click();
    await settled(el, /Not sent/);
    const unsent = shadow(el).querySelector('.outbox article')!;
    expect(text(unsent)).to.match(/Unit 12 back in service/);
    button(unsent, /Retry/);
    await waitUntil(() => /Your post was not sent/.test(announcement(el)));
    const me = await apiCall<{ id: string }>('GET', '/api/v1/me');
    const key = unsentStorageKey(location.origin, me.id, community.slug);
    const kept = JSON.parse(sessionStorage.getItem(key) ?? '[]');
    expect(kept).to.have.length(1);
    expect(kept[0].body).to.equal('Unit 12 back in service.');
    await expect(el).to.be.accessible();

    // A reload: the unsent post is still there, with the same clientId.
    connection.mode = 'offline';
    fixtureCleanup();
    ({ el } = await mount({ community: community.slug, fetcher }));
    await waitForPost(el, /Already posted before/);
    const again = shadow(el).querySelector('.outbox article')!;
    expect(text(again)).to.match(/Unit 12 back in service.*Not sent/);
    button(again, /Retry/).click();
    await settled(el, /Not sent/);
    await waitUntil(() => !/Sending…/.test(text(shadow(el).querySelector('.outbox'))), 'the retry failed');
    connection.mode = 'online';
    button(shadow(el).querySelector('.outbox article')!, /Retry/).click();
    await waitUntil(() => !shadow(el).querySelector('.outbox'), 'sent: the outbox empties');
    await waitForPost(el, /Unit 12 back in service/);
    expect(sessionStorage.getItem(key)).to.equal(null);
    const stored = await apiCall<{ items: Post[] }>('GET', `/api/v1/communities/${community.slug}/posts`);
    expect(stored.items.filter((p) => p.body === 'Unit 12 back in service.')).to.have.length(1, 'posted once, for all the tries');
    expect(stored.items[0]!.author.name).to.equal(user.name);
  });

  it('uploads and attaches a file, shown as a link with its name and size', async () => {
    const { community } = await ownerWithCommunity('Files');
    const { el } = await mount({ community: community.slug });
    await settled(el, /No posts yet/);
    const root = shadow(el);
    root.querySelector<HTMLTextAreaElement>('#jc-post-body')!.value = 'The plate list.';
    const input = root.querySelector<HTMLInputElement>('#jc-post-file')!;
    const transfer = new DataTransfer();
    transfer.items.add(new File(['ABC1234\nXYZ9876\n'], 'plates.txt', { type: 'text/plain' }));
    input.files = transfer.files;
    button(root.querySelector('form.composer')!, /^Post$/).click();
    const post = await waitForPost(el, /The plate list/);
    const link = post.querySelector<HTMLAnchorElement>('.attachment a')!;
    expect(text(link)).to.equal('plates.txt');
    expect(link.getAttribute('download')).to.equal('plates.txt');
    expect(text(post.querySelector('.attachment'))).to.match(/plates\.txt \(16 bytes\)/);
    const file = await fetch(link.href);
    expect(await file.text()).to.equal('ABC1234\nXYZ9876\n');
  });

  it('shows another user’s new post live as an “N new posts” button, and inserts it only when asked', async () => {
    const { crossOriginApi } = await testConfig();
    const { community } = await ownerWithCommunity('Live');
    await createPost(community.slug, 'What the reader is reading.');
    const bob = await createUser(`Live Bob ${stamp()}`, crossOriginApi);
    await activateUser(bob.email);
    const { reader, other, el } = await mountBesideOtherOrigin<JcCommunityFeed>(html`<jc-community-feed community=${community.slug}></jc-community-feed>`, crossOriginApi);
    const reading = await waitForPost(el, /What the reader is reading/);
    await signInBeside(reader, other, bob);
    await fullApi(other.context!.api).joinCommunity(community.slug);
    const { post } = await fullApi(other.context!.api).createPost(community.slug, { type: 'status', body: 'Bob’s fresh report from the other origin.' });

    await waitUntil(() => shadow(el).querySelector('.pill'), 'the new-posts button appears', { timeout: 5000 });
    const pill = shadow(el).querySelector<HTMLButtonElement>('.pill')!;
    expect(text(pill)).to.equal('↑ 1 new post');
    // Queued, not inserted: what the reader reads has not moved.
    expect(articles(el).length).to.equal(1);
    expect(articles(el)[0] === reading, 'the post being read did not move').to.equal(true);
    // Above the first post, not over its byline (issue 23).
    expect(pill.getBoundingClientRect().bottom).to.be.at.most(reading.getBoundingClientRect().top);
    await waitUntil(() => /1 new post\. Use the/.test(announcement(el)), 'announced politely');
    await expect(el).to.be.accessible();

    pill.click();
    await waitUntil(() => focused(el)?.dataset.id === post.id, 'focus moves to the first new post');
    expect(bodyText(articles(el)[0]!)).to.equal('Bob’s fresh report from the other origin.');
    expect(Boolean(shadow(el).querySelector('.pill')), '.pill absent').to.equal(false);
    expect(articles(el).length).to.equal(2);

    // Bob's reaction reaches the reader's counts live.
    await fullApi(other.context!.api).setReaction(post.id, 'important', true);
    await waitUntil(
      () => text(articles(el)[0]!.querySelector('[data-reaction="important"] .count')) === '1',
      'the reaction count updates live',
      { timeout: 5000 },
    );
    await other.context!.session.signOut();
  });

  it('does not show a restricted community’s feed to an outsider, or leak anything about it', async () => {
    const outsider = await createActiveUser(`Outsider ${stamp()}`);
    await signInPage(outsider);
    const { el } = await mount({ community: 'i-35-corridor-task-force' });
    await settled(el, /This community is not available/);
    const all = text(shadow(el));
    expect(all).to.not.match(/I-35|Corridor|Dana|Marcus|Ray|seizure/i);
    expect(articles(el).length).to.equal(0);
    expect(Boolean(shadow(el).querySelector('form')), 'form absent').to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('lets a non-member read a public community without the composer or reaction buttons; joining brings them, live', async () => {
    const { community } = await ownerWithCommunity('Visited');
    await createPost(community.slug, 'Training on consent searches next week.');
    await signOutPage();
    const visitor = await createActiveUser(`Visitor ${stamp()}`);
    await signInPage(visitor);
    const { provider, el } = await mount({ community: community.slug });
    const post = await waitForPost(el, /consent searches/);
    expect(text(shadow(el))).to.match(new RegExp(`You are reading ${community.name} as a visitor`));
    expect(Boolean(shadow(el).querySelector('form.composer')), 'form.composer absent').to.equal(false);
    expect(Boolean(post.querySelector('button[data-reaction]')), 'no reaction buttons').to.equal(false);
    expect(post.querySelectorAll('.reaction.static').length).to.equal(3);
    await expect(el).to.be.accessible();
    // Joining (here, through the API) brings the composer and the reaction buttons, live.
    await waitUntil(() => provider.context!.live.status === 'open', 'the live stream is open', { timeout: 5000 });
    await apiCall('POST', `/api/v1/communities/${community.slug}/join`);
    await waitUntil(() => shadow(el).querySelector('form.composer'), 'the composer appears', { timeout: 5000 });
    await waitUntil(() => articles(el)[0]?.querySelector('button[data-reaction]'), 'reactions become buttons');
  });

  it('renders XSS payloads in posts and comments inert', async () => {
    window.__jcXss = undefined;
    const { community } = await ownerWithCommunity('XSS');
    const payloads = [
      ...XSS_PAYLOADS,
      'A [safe link](https://www.example.gov/a?b=1) and <form action="https://evil.example"><input name=x></form> and <style>*{display:none}</style>',
    ];
    const posts: Post[] = [];
    for (const body of payloads) posts.push(await createPost(community.slug, body));
    await apiCall<Comment>('POST', `/api/v1/posts/${posts[0]!.id}/comments`, { body: '<img src=x onerror="window.__jcXss=\'comment\'"> [c](javascript:window.__jcXss=\'comment-link\')' });
    await setViewport({ width: 1000, height: 3000 });
    try {
      const { el } = await mount({ community: community.slug });
      await waitUntil(() => articles(el).length === payloads.length, 'every post renders', { timeout: 5000 });
      // Open the thread with the comment payload.
      const first = articles(el).find((a) => a.dataset.id === posts[0]!.id)!;
      first.querySelector<HTMLButtonElement>('[data-action="comments"]')!.click();
      await waitUntil(() => first.querySelector('.comment'), 'the comment renders');
      const root = shadow(el);
      await expectInert(root, {
        dangerous: ['script', 'iframe', 'object', 'embed', 'form', 'input', 'style', 'svg', 'math', 'img', 'details', 'link', 'meta', 'base'],
        scopes: ['.body'],
        content: '.body *',
        safeLink: 'https://www.example.gov/a?b=1',
      });
      expect(root.querySelectorAll('script').length).to.equal(0);
      for (const a of root.querySelectorAll<HTMLAnchorElement>('.body a[href]')) {
        expect(a.getAttribute('rel')).to.equal('noopener noreferrer nofollow');
        expect(a.getAttribute('target')).to.equal('_blank');
      }
      // Raw HTML is shown as the text that was typed.
      expect(bodyText(articles(el).find((a) => a.dataset.id === posts[0]!.id)!)).to.include('<script>window.__jcXss = "script"</script>');
      await expect(el).to.be.accessible();
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('keyboard reaches every action in order: composer, reactions, comments, edit, delete', async () => {
    const { community } = await ownerWithCommunity('Keys');
    const post = await createPost(community.slug, 'Keyboard test post.');
    const { el } = await mount({ community: community.slug });
    await waitForPost(el, /Keyboard test post/);
    const describe = (node: HTMLElement | null) =>
      !node ? 'none' : node.id ? `#${node.id}` : node.dataset.reaction ? `reaction:${node.dataset.reaction}` : node.dataset.action ? `action:${node.dataset.action}` : text(node);
    shadow(el).querySelector<HTMLTextAreaElement>('#jc-post-body')!.focus();
    const order = [describe(focused(el))];
    for (let i = 0; i < 8; i++) {
      await sendKeys({ press: 'Tab' });
      order.push(describe(focused(el)));
    }
    expect(order).to.deep.equal([
      '#jc-post-body',
      '#jc-post-file',
      'Post',
      'reaction:like',
      'reaction:thanks',
      'reaction:important',
      'action:comments',
      'action:edit',
      'action:delete',
    ]);

    // React with the keyboard.
    focused(el)!.blur();
    const like = articles(el)[0]!.querySelector<HTMLButtonElement>('[data-reaction="like"]')!;
    like.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => articles(el)[0]!.querySelector('[data-reaction="like"]')!.getAttribute('aria-pressed') === 'true', 'liked by keyboard');
    expect(focused(el) === articles(el)[0]!.querySelector('[data-reaction="like"]'), 'focus stays on Like').to.equal(true);

    // Open the comments, comment, all by keyboard.
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(describe(focused(el))).to.equal('action:comments');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => /No comments yet/.test(text(articles(el)[0]!.querySelector('.comments'))));
    // Past edit, delete: the comment box.
    for (let i = 0; i < 3; i++) await sendKeys({ press: 'Tab' });
    expect(focused(el)?.id).to.equal(`jc-comment-${post.id}`);
    await sendKeys({ type: 'Typed with keys' });
    await sendKeys({ press: 'Tab' });
    expect(text(focused(el))).to.equal('Comment');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => /Typed with keys/.test(text(articles(el)[0]!.querySelector('.comment'))), 'commented by keyboard');

    // Edit and delete by keyboard (Escape closes the edit box and goes back to Edit).
    articles(el)[0]!.querySelector<HTMLButtonElement>('[data-action="edit"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(focused(el)?.id).to.equal(`jc-edit-${post.id}`);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(describe(focused(el))).to.equal('action:edit');
    await sendKeys({ press: 'Tab' });
    expect(describe(focused(el))).to.equal('action:delete');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(text(focused(el))).to.equal('Cancel');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(text(focused(el))).to.equal('Delete post');
    await sendKeys({ press: 'Enter' });
    await settled(el, /No posts yet/);
    expect(focused(el)?.id).to.equal('jc-feed-title');
  });

  it('loads older posts with the “Load older posts” button and moves focus to the first of them; scrolling loads the rest', async () => {
    const { community } = await ownerWithCommunity('Older');
    // Tall posts: two fill more than the viewport, so the end of the feed is out of sight at first.
    const tall = (n: number) => `Numbered post ${n}.\n\n${Array.from({ length: 30 }, (_, i) => `Line ${i + 1}.`).join('\n\n')}`;
    for (let i = 1; i <= 5; i++) await createPost(community.slug, tall(i));
    const { el } = await mount({ community: community.slug, pageSize: 2 });
    await waitUntil(() => articles(el).length === 2, 'the first page');
    const first = (a: Element) => text(a.querySelector('.body p'));
    expect(articles(el).map(first)).to.deep.equal(['Numbered post 5.', 'Numbered post 4.']);
    const more = button(shadow(el), /Load older posts/);
    expect(more.getBoundingClientRect().top).to.be.greaterThan(window.innerHeight + 600);
    more.click();
    await waitUntil(() => focused(el)?.dataset.id !== undefined, 'focus moves to the first older post');
    expect(first(focused(el)!)).to.equal('Numbered post 3.');
    expect(announcement(el)).to.equal('2 older posts shown.');
    // Scrolling to the end loads the rest.
    await waitUntil(
      () => {
        window.scrollTo(0, document.documentElement.scrollHeight);
        return /You have reached the first post/.test(text(shadow(el)));
      },
      'the rest load as the end comes into view',
      { timeout: 5000 },
    );
    await waitUntil(() => articles(el).some((a) => first(a) === 'Numbered post 1.'), 'the oldest post renders');
    window.scrollTo(0, 0);
  });

  it('shows the combined feed over all of a user’s communities (scope="mine")', async () => {
    await signInPage(DEMO.ray);
    const { el } = await mount({ scope: 'mine' });
    await waitForPost(el, /our academy class/);
    await waitForPost(el, /no personal identifiers/);
    expect(text(shadow(el).querySelector('h2'))).to.equal('Posts from your communities');
    expect(text(shadow(el))).to.match(/in Texas Highway Interdiction/);
    expect(Boolean(shadow(el).querySelector('form.composer')), 'form.composer absent').to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('tells a pending account it waits for the agency administrator', async () => {
    const user = await createUser(`Pending ${stamp()}`);
    await signInPage(user);
    const { el } = await mount({ community: 'highway-interdiction' });
    await expectEmptyState(el, /waiting for your agency administrator/, articles);
  });

  it('asks a user who has not opted in to opt in, then shows the feed', async () => {
    const user = await createUser(`Not Opted ${stamp()}`);
    await activateUser(user.email, { optedIn: false });
    await signInPage(user);
    const { el } = await mount({ community: 'highway-interdiction' });
    await settled(el, /Opt in to JusticeConnect to see and share posts/);
    await expect(el).to.be.accessible();
    button(shadow(el), /Yes, opt in/).click();
    await waitForPost(el, /consent searches/);
  });

  it('shows an error with Try again when the feed cannot be loaded', async () => {
    await signInPage(DEMO.dana);
    let fail = true;
    const fetcher = (input: RequestInfo | URL, init?: RequestInit) =>
      fail && /\/posts(\?|$)/.test(String(input)) ? Promise.reject(new TypeError('offline')) : fetch(input, init);
    const { el } = await mount({ community: 'highway-interdiction', fetcher });
    await settled(el, /Could not reach JusticeConnect/);
    expect(Boolean(shadow(el).querySelector('[role=alert]')), '[role=alert] present').to.equal(true);
    await expect(el).to.be.accessible();
    fail = false;
    button(shadow(el), /Try again/).click();
    await waitForPost(el, /consent searches/);
  });
});

describe('jc-community-feed (fixtures)', () => {
  afterEach(() => sessionStorage.clear());

  it('keeps a 10,000-post feed fast with a small DOM', async () => {
    const { el } = await mount({ community: 'i-35-corridor-task-force', pageSize: 100, fetcher: fixtureFetch({ me: fixtureUsers.optedIn, posts: manyFixturePosts(10_000) }) });
    await waitUntil(() => articles(el).length > 0, 'the first page');
    const start = performance.now();
    for (let i = 0; i < 200 && el.shadowRoot!.querySelector('.more button'); i++) await el.loadOlder();
    await el.updateComplete;
    const loaded = performance.now() - start;
    await waitUntil(() => /You have reached the first post/.test(text(shadow(el))));
    const feed = shadow(el).querySelector<HTMLElement>('[role="feed"]')!;
    expect(feed.getBoundingClientRect().height).to.be.greaterThan(100_000);
    expect(articles(el).length, 'posts in the DOM').to.be.lessThan(80);
    expect(shadow(el).querySelectorAll('*').length, 'elements in the shadow DOM').to.be.lessThan(3000);
    expect(loaded, 'ms to load and render 99 more pages').to.be.lessThan(8000);
    // Jump to the oldest post: it renders, and the DOM stays small.
    const last = articles(el).length;
    window.scrollTo(0, feed.getBoundingClientRect().bottom + window.scrollY - 200);
    await waitUntil(() => articles(el).some((a) => /\(#1\)$/.test(bodyText(a))), 'the oldest post renders', { timeout: 5000 });
    expect(articles(el).length).to.be.lessThan(Math.max(80, last + 10));
    expect(articles(el).find((a) => /\(#1\)$/.test(bodyText(a)))!.getAttribute('aria-posinset')).to.equal('10000');
    window.scrollTo(0, 0);
  });

  it('shows a post left unsent before a reload, and Retry sends it', async () => {
    const key = unsentStorageKey(location.origin, fixtureUsers.optedIn.id, 'i-35-corridor-task-force');
    sessionStorage.setItem(key, JSON.stringify([{ clientId: crypto.randomUUID(), community: 'i-35-corridor-task-force', body: 'Kept **across** the reload.', createdAt: new Date().toISOString() }]));
    const { provider, el } = await mount({ community: 'i-35-corridor-task-force', fetcher: fixtureFetch({ me: fixtureUsers.optedIn }) });
    await settled(el, /Kept across the reload\..*Not sent/);
    await expect(el).to.be.accessible();
    await waitUntil(() => articles(el).length > 0, 'the feed renders');
    await waitUntil(() => shadow(el).querySelector('[role="feed"]')!.getAttribute('aria-busy') === 'false', 'the feed is no longer busy');
    await expect(el).to.be.accessible();
    const created = oneEvent(provider, 'jc-post-created');
    button(shadow(el).querySelector('.outbox')!, /Retry/).click();
    await created;
    await waitForPost(el, /Kept across the reload/);
    expect(sessionStorage.getItem(key)).to.equal(null);
  });

  it('renders markdown safely (unit)', () => {
    // What the feed puts in a post's body: Lit templates, the rendered DOM read back without Lit's comment markers.
    const dom = (s: string) => {
      const div = document.createElement('div');
      render(markdown(s), div);
      return div;
    };
    const out = (s: string) => dom(s).innerHTML.replace(/<!--[^]*?-->/g, '');
    expect(out('**b** _i_')).to.equal('<p><strong>b</strong> <em>i</em></p>');
    expect(out('[x](javascript:alert(1))')).to.not.match(/href/);
    expect(out('[x](JaVaScRiPt:alert(1))')).to.not.match(/href/);
    expect(out('<a href="javascript:alert(1)">x</a>')).to.not.match(/<a /);
    const link = dom('[x](https://example.gov)');
    expect(link.querySelectorAll('*').length).to.equal(2);
    const a = link.querySelector('p > a')!;
    expect(a.textContent).to.equal('x');
    expect(a.getAttributeNames().sort()).to.deep.equal(['href', 'rel', 'target']);
    expect(a.getAttribute('href')).to.equal('https://example.gov');
    expect(a.getAttribute('target')).to.equal('_blank');
    expect(a.getAttribute('rel')).to.equal('noopener noreferrer nofollow');
    expect(out('# Heading')).to.equal('<p><strong>Heading</strong></p>');
    expect(out('<script>alert(1)</script>')).to.equal('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(out('![a](https://example.gov/a.png)')).to.not.match(/<img/);
  });
});
