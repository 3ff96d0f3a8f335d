import { expect, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import './community-list.js';
import type { JcCommunityList } from './community-list.js';
import type { Community } from '../api/schemas.js';
import { announcement, announcer, button, mountInProvider, settled, shadow, stamp, text } from '../testing/setup.js';
import { DEMO, activateUser, apiCall, createActiveUser, createUser, signInPage, signInSession, signOutPage } from '../testing/server.js';

/*
 * The demo database is shared by every test file of a run, so tests that
 * change data use fresh accounts (createActiveUser) and their own communities,
 * and read-only tests use the seeded demo users. No test depends on another.
 */

function mount(options: { scope?: 'mine' | 'all'; pageSize?: number; hrefTemplate?: string; fetcher?: typeof fetch } = {}) {
  return mountInProvider<JcCommunityList>(
    html`<jc-community-list
      scope=${options.scope ?? 'mine'}
      page-size=${options.pageSize ?? 25}
      href-template=${options.hrefTemplate ?? '#community/{slug}'}
    ></jc-community-list>`,
    options,
  );
}

/** The list item of the community named `name` (its own link, not a subcommunity's). */
function item(el: JcCommunityList, name: string): HTMLLIElement | undefined {
  return [...shadow(el).querySelectorAll<HTMLLIElement>('li.item')].find((li) => text(li.querySelector(':scope > a')) === name);
}

async function waitForItem(el: JcCommunityList, name: string, pattern: RegExp = /./) {
  let found: HTMLLIElement | undefined;
  await waitUntil(
    () => {
      const li = item(el, name);
      if (li && pattern.test(text(li.querySelector(':scope > .meta')))) found = li;
      return Boolean(found);
    },
    `waiting for ${name} (${pattern}) in: ${text(shadow(el)).slice(0, 400)}`,
    { timeout: 5000 },
  );
  return found!;
}

function itemButton(li: HTMLLIElement, pattern: RegExp) {
  return button(li.querySelector(':scope > .actions')!, pattern);
}

function topLevelNames(el: JcCommunityList) {
  return [...shadow(el).querySelectorAll('ul.list > li.item > a')].map((a) => text(a));
}

async function createCommunity(body: Record<string, unknown>) {
  return apiCall<Community>('POST', '/api/v1/communities', body);
}

describe('jc-community-list (against the real server)', () => {
  afterEach(signOutPage);

  it('asks a signed-out user to sign in, and axe finds nothing', async () => {
    const { el } = await mount();
    await settled(el, /Sign in to JusticeConnect to see your communities/);
    await expect(el).to.be.accessible();
  });

  it('shows a demo user’s seeded communities, most recently updated first, subcommunities under their parent', async () => {
    await signInPage(DEMO.dana);
    const { el } = await mount();
    expect(text(shadow(el))).to.match(/Checking your sign-in|Loading communities/);
    await waitForItem(el, 'Texas Highway Interdiction');
    const seeded = ['I-35 Corridor Drug Trafficking Task Force', 'Texas Highway Interdiction', 'Laredo Port of Entry Working Group'];
    expect(topLevelNames(el).filter((n) => seeded.includes(n))).to.deep.equal(['I-35 Corridor Drug Trafficking Task Force', 'Texas Highway Interdiction']);
    const taskForce = item(el, 'I-35 Corridor Drug Trafficking Task Force')!;
    const sub = taskForce.querySelector(':scope > ul > li.item')!;
    expect(text(sub.querySelector(':scope > a'))).to.equal('Laredo Port of Entry Working Group');
    expect(text(taskForce.querySelector(':scope > .meta'))).to.equal('Restricted 3 members Owner');
    expect(text(sub.querySelector(':scope > .meta'))).to.equal('Restricted 2 members Owner');
    expect(text(item(el, 'Texas Highway Interdiction')!.querySelector(':scope > .meta'))).to.match(/^Public \d+ members? Owner$/);
    // Dana owns them: the restricted one offers its requests to join; the public one has none (anyone joins it at once).
    expect(itemButton(taskForce, /Requests to join/).getAttribute('aria-expanded')).to.equal('false');
    const interdiction = item(el, 'Texas Highway Interdiction')!;
    expect([...interdiction.querySelectorAll(':scope > .actions button')].map((b) => text(b)).filter((t) => /Requests to join/.test(t))).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('a user asks to join a moderated community, its owner approves in the widget, and the requester is then a member', async () => {
    // A moderated community of its own, the newest one: "Find communities" lists the most recently
    // updated first, and the communities other test files made before may put a seeded one past the first page.
    const owner = await createActiveUser(`Moderator ${stamp()}`);
    await signInPage(owner);
    const { name } = await createCommunity({ name: `Intelligence Exchange ${stamp()}`, visibility: 'moderated' });
    await signOutPage();
    const requester = await createActiveUser(`Requester ${stamp()}`);
    await signInPage(requester);
    const { provider, el } = await mount({ scope: 'all' });
    let exchange = await waitForItem(el, name, /Moderated .* Not a member/);
    const joined = oneEvent(provider, 'jc-community-joined');
    itemButton(exchange, /Request to join/).click();
    const event = (await joined) as CustomEvent;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.requested).to.equal(true);
    expect(event.detail.community.membership).to.deep.equal({ role: 'member', state: 'requested' });
    exchange = await waitForItem(el, name, /Request pending/);
    expect(announcement(el)).to.include(`request to join ${name} was sent`);
    expect(shadow(el).querySelector('.announce')!.getAttribute('role')).to.equal('status');
    expect(itemButton(exchange, /Cancel request/)).to.exist;
    await expect(el).to.be.accessible();

    // The owner signs in on the same page: the widget reloads for them.
    const session = provider.context!.session;
    await session.signOut();
    await settled(el, /Sign in to JusticeConnect to see your communities/);
    await signInSession(session, owner);
    exchange = await waitForItem(el, name, /Owner/);
    const count = Number(/(\d+) members?/.exec(text(exchange.querySelector(':scope > .meta')))![1]);
    const toggle = itemButton(exchange, /Requests to join/);
    toggle.click();
    await waitUntil(() => text(exchange.querySelector('.requests')).includes(requester.name), 'the request is listed');
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    // Said to a screen reader, and not shown a second time at the foot of the widget (issue 23): the list is the message.
    await waitUntil(() => announcement(el) === `1 request to join ${name} is waiting.`, `announced (${announcement(el)})`);
    expect(announcer(el).getBoundingClientRect().width).to.be.at.most(1);
    await expect(el).to.be.accessible();
    const row = [...exchange.querySelectorAll<HTMLLIElement>('.request')].find((li) => text(li).includes(requester.name))!;
    button(row, /Approve/).click();
    await waitUntil(() => announcement(el).includes(`${requester.name} is now a member of ${name}`), 'approval announced');
    expect(text(exchange.querySelector('.requests'))).to.not.include(requester.name);
    expect(text(exchange.querySelector(':scope > .meta'))).to.include(`${count + 1} members`);

    // The requester, back again, finds it among their communities.
    await session.signOut();
    await signInSession(session, requester);
    await waitForItem(el, name, /Member/);
    button(shadow(el), /My communities/).click();
    await settled(el, /Your communities/);
    const mine = await waitForItem(el, name, /Moderated .* Member/);
    expect(itemButton(mine, /Leave/)).to.exist;
    await expect(el).to.be.accessible();
  });

  it('an owner denies a request to join', async () => {
    const owner = await createActiveUser(`Owner ${stamp()}`);
    const asker = await createActiveUser(`Asker ${stamp()}`);
    await signInPage(owner);
    const mod = await createCommunity({ name: `Deny Test ${stamp()}`, visibility: 'moderated' });
    await signOutPage();
    await signInPage(asker);
    await apiCall('POST', `/api/v1/communities/${mod.slug}/join`);
    await signOutPage();
    await signInPage(owner);
    const { el } = await mount();
    const li = await waitForItem(el, mod.name, /Owner/);
    itemButton(li, /Requests to join/).click();
    await waitUntil(() => text(li.querySelector('.requests')).includes(asker.name));
    button(li.querySelector('.requests')!, /Deny/).click();
    await waitUntil(() => /No requests are waiting/.test(text(li.querySelector('.requests'))));
    expect(announcement(el)).to.match(new RegExp(`You denied ${asker.name}’s request`));
    // Focus goes back to the requests button, not lost with the removed row.
    expect(shadow(el).activeElement?.getAttribute('data-requests-toggle')).to.equal(mod.id);
    const requests = await apiCall<{ items: unknown[] }>('GET', `/api/v1/communities/${mod.slug}/members?state=requested`);
    expect(requests.items).to.have.length(0);
  });

  it('joins a public community and leaves it, firing jc-community-joined and jc-community-left', async () => {
    const owner = await createActiveUser(`Public Owner ${stamp()}`);
    await signInPage(owner);
    const pub = await createCommunity({ name: `Open Forum ${stamp()}` });
    await signOutPage();
    const joiner = await createActiveUser(`Joiner ${stamp()}`);
    await signInPage(joiner);
    const { provider, el } = await mount({ scope: 'all' });
    let li = await waitForItem(el, pub.name, /Public 1 member Not a member/);
    const joined = oneEvent(provider, 'jc-community-joined');
    itemButton(li, /^Join/).click();
    expect(((await joined) as CustomEvent).detail.requested).to.equal(false);
    li = await waitForItem(el, pub.name, /Public 2 members Member/);
    expect(announcement(el)).to.equal(`You joined ${pub.name}.`);
    expect(shadow(el).activeElement?.textContent).to.match(/Leave/);
    const left = oneEvent(provider, 'jc-community-left');
    itemButton(li, /Leave/).click();
    expect(((await left) as CustomEvent).detail.community.slug).to.equal(pub.slug);
    await waitForItem(el, pub.name, /Public 1 member Not a member/);
    expect(announcement(el)).to.equal(`You left ${pub.name}.`);
  });

  it('tells a sole owner who leaves how: make another member owner, which a site administrator can do for them', async () => {
    const owner = await createActiveUser(`Sole Owner ${stamp()}`);
    await signInPage(owner);
    const mine = await createCommunity({ name: `Sole Owned ${stamp()}`, visibility: 'moderated' });
    const { el } = await mount();
    const li = await waitForItem(el, mine.name, /Owner/);
    itemButton(li, /Leave/).click();
    await waitUntil(() => /would be left without an owner: make another member its owner first \(a site administrator can do that for you\)\./.test(text(shadow(el))), text(shadow(el)));
  });

  it('creates a community that copies another’s settings, and fires jc-community-created', async () => {
    const user = await createActiveUser(`Creator ${stamp()}`);
    await signInPage(user);
    const source = await createCommunity({
      name: `Template Source ${stamp()}`,
      visibility: 'moderated',
      settings: { descriptionTemplate: 'Purpose and points of contact:', forums: [{ name: 'Operations' }] },
    });
    const { provider, el } = await mount();
    await waitForItem(el, source.name);
    button(shadow(el), /New community/).click();
    const root = shadow(el);
    await waitUntil(() => root.querySelector(`#jc-copy-from option[value="${source.slug}"]`), 'the copy-from choices load');
    expect(root.activeElement?.id).to.equal('jc-name');
    await expect(el).to.be.accessible();
    const name = `Copied Community ${stamp()}`;
    root.querySelector<HTMLInputElement>('#jc-name')!.value = name;
    const copyFrom = root.querySelector<HTMLSelectElement>('#jc-copy-from')!;
    copyFrom.value = source.slug;
    copyFrom.dispatchEvent(new Event('change'));
    expect(root.querySelector<HTMLSelectElement>('#jc-visibility')!.value).to.equal('moderated');
    const created = oneEvent(provider, 'jc-community-created');
    button(root.querySelector('form')!, /Create community/).click();
    const community = ((await created) as CustomEvent).detail.community as Community;
    expect(community.name).to.equal(name);
    expect(community.visibility).to.equal('moderated');
    expect(community.settings.forums).to.deep.equal([{ name: 'Operations' }]);
    expect(community.description).to.equal('Purpose and points of contact:');
    await waitForItem(el, name, /Moderated 1 member Owner/);
    expect(topLevelNames(el)[0]).to.equal(name);
    expect(root.activeElement?.textContent).to.equal(name);
    expect(announcement(el)).to.match(/You created Copied Community/);
    const stored = await apiCall<Community>('GET', `/api/v1/communities/${community.slug}`);
    expect(stored.settings.descriptionTemplate).to.equal('Purpose and points of contact:');
  });

  it('creates a subcommunity of a community the user owns, shown under its parent', async () => {
    const user = await createActiveUser(`Sub Creator ${stamp()}`);
    await signInPage(user);
    const parent = await createCommunity({ name: `Parent ${stamp()}` });
    const { el } = await mount();
    await waitForItem(el, parent.name);
    button(shadow(el), /New community/).click();
    const root = shadow(el);
    await waitUntil(() => root.querySelector(`#jc-parent option[value="${parent.slug}"]`), 'the parent choices load');
    const name = `Working Group ${stamp()}`;
    root.querySelector<HTMLInputElement>('#jc-name')!.value = name;
    root.querySelector<HTMLSelectElement>('#jc-parent')!.value = parent.slug;
    root.querySelector<HTMLSelectElement>('#jc-visibility')!.value = 'restricted';
    button(root.querySelector('form')!, /Create community/).click();
    await waitForItem(el, name, /Restricted 1 member Owner/);
    const sub = item(el, parent.name)!.querySelector(':scope > ul > li.item > a');
    expect(text(sub)).to.equal(name);
    await expect(el).to.be.accessible();
  });

  it('shows the API’s field errors next to the fields', async () => {
    const user = await createActiveUser(`Error Maker ${stamp()}`);
    await signInPage(user);
    const { el } = await mount();
    await settled(el, /You are not in any communities yet/);
    button(shadow(el), /New community/).click();
    const root = shadow(el);
    await waitUntil(() => root.querySelector('#jc-name'));
    button(root.querySelector('form')!, /Create community/).click();
    await waitUntil(() => root.querySelector('#jc-name-error'), 'an empty name is refused');
    expect(root.activeElement?.id).to.equal('jc-name');
    root.querySelector<HTMLInputElement>('#jc-name')!.value = 'Another interdiction group';
    root.querySelector<HTMLInputElement>('#jc-slug')!.value = 'highway-interdiction';
    button(root.querySelector('form')!, /Create community/).click();
    await waitUntil(() => root.querySelector('#jc-slug-error'), 'the taken address is refused');
    const slug = root.querySelector<HTMLInputElement>('#jc-slug')!;
    expect(text(root.querySelector('#jc-slug-error'))).to.equal('Already in use');
    expect(slug.getAttribute('aria-invalid')).to.equal('true');
    expect(slug.getAttribute('aria-describedby')).to.include('jc-slug-error');
    expect(root.querySelector('#jc-name-error')).to.equal(null);
    expect(root.activeElement).to.equal(slug);
    await expect(el).to.be.accessible();
    slug.value = 'Not A Valid Address!';
    button(root.querySelector('form')!, /Create community/).click();
    await waitUntil(() => /lowercase letters, digits and dashes/.test(text(root.querySelector('#jc-slug-error'))), 'the bad address is refused');
  });

  it('tells a pending account it waits for the agency administrator', async () => {
    const user = await createUser(`Pending ${stamp()}`);
    await signInPage(user);
    const { el } = await mount();
    await settled(el, /waiting for your agency administrator/);
    expect(shadow(el).querySelector('ul')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('asks a user who has not opted in to opt in, then shows their (empty) list', async () => {
    // A public community made now, so that it is on the first page of "Find communities" (newest first) whatever ran before.
    const owner = await createActiveUser(`Public Owner ${stamp()}`);
    await signInPage(owner);
    const pub = await createCommunity({ name: `Open to Find ${stamp()}` });
    await signOutPage();
    const user = await createUser(`Not Opted ${stamp()}`);
    await activateUser(user.email, { optedIn: false });
    await signInPage(user);
    const { el } = await mount();
    await settled(el, /Opt in to JusticeConnect to see and join communities/);
    await expect(el).to.be.accessible();
    button(shadow(el), /Yes, opt in/).click();
    await settled(el, /You are not in any communities yet/);
    expect(announcement(el)).to.equal('You opted in to JusticeConnect.');
    const me = await apiCall<{ optedIn: boolean }>('GET', '/api/v1/me');
    expect(me.optedIn).to.equal(true);
    await expect(el).to.be.accessible();
    // The empty state leads to "Find communities".
    button(shadow(el), /Find communities to join/).click();
    await waitForItem(el, pub.name, /Not a member/);
    expect(el.scope).to.equal('all');
    expect(button(shadow(el), /^Find communities$/).getAttribute('aria-pressed')).to.equal('true');
  });

  it('links each name by href-template and fires a cancelable jc-community-select', async () => {
    await signInPage(DEMO.dana);
    const { provider, el } = await mount({ hrefTemplate: '#jc-test/{slug}' });
    const li = await waitForItem(el, 'Texas Highway Interdiction');
    const link = li.querySelector<HTMLAnchorElement>(':scope > a')!;
    expect(link.getAttribute('href')).to.equal('#jc-test/highway-interdiction');
    const before = location.hash;

    const stop = (e: Event) => e.preventDefault();
    provider.addEventListener('jc-community-select', stop);
    const selected = oneEvent(provider, 'jc-community-select');
    link.click();
    const event = (await selected) as CustomEvent;
    expect(event.detail).to.deep.include({ slug: 'highway-interdiction', name: 'Texas Highway Interdiction' });
    expect(event.detail.id).to.be.a('string');
    expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
    expect(location.hash).to.equal(before, 'prevented: no navigation');
    provider.removeEventListener('jc-community-select', stop);

    link.click();
    expect(location.hash).to.equal('#jc-test/highway-interdiction', 'not prevented: the link navigates');
    history.replaceState(null, '', location.pathname + location.search);

    el.hrefTemplate = '/communities/{slug}?id={id}';
    await el.updateComplete;
    expect(link.getAttribute('href')).to.equal(`/communities/highway-interdiction?id=${event.detail.id}`);
  });

  it('loads older communities with Show more', async () => {
    await signInPage(DEMO.dana);
    // The task force has the newest post, so a one-community page holds it alone.
    const { el } = await mount({ pageSize: 1 });
    await waitForItem(el, 'I-35 Corridor Drug Trafficking Task Force');
    expect(item(el, 'Texas Highway Interdiction') === undefined, 'not on the first page').to.equal(true);
    button(shadow(el), /Show more/).click();
    const li = await waitForItem(el, 'Texas Highway Interdiction');
    expect(shadow(el).activeElement).to.equal(li.querySelector(':scope > a'));
    expect(announcement(el)).to.match(/more communit(y|ies) shown/);
  });

  it('shows an error with Try again when the list cannot be loaded', async () => {
    await signInPage(DEMO.dana);
    let fail = true;
    const fetcher = (input: RequestInfo | URL, init?: RequestInit) =>
      fail && String(input).includes('/api/v1/communities') ? Promise.reject(new TypeError('offline')) : fetch(input, init);
    const { el } = await mount({ fetcher });
    await settled(el, /Could not reach JusticeConnect/);
    expect(shadow(el).querySelector('[role=alert]')).to.exist;
    await expect(el).to.be.accessible();
    fail = false;
    button(shadow(el), /Try again/).click();
    await waitForItem(el, 'Texas Highway Interdiction');
  });
});
