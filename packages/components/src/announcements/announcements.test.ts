import { expect, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import { sendKeys } from '@web/test-runner-commands';
import './announcements.js';
import { bySeverity, type JcAnnouncements } from './announcements.js';
import { ApiClient } from '../api/client.js';
import type { Announcement } from '../api/service-schemas.js';
import { DEMO, apiCall, createActiveUser, signInPage, signInSession, signOutPage, testConfig } from '../testing/server.js';
import { fixtureFetch, fixtureUsers } from '../testing/fixtures.js';
import { focused, mountInProvider, shadow, stamp, text } from '../testing/setup.js';

/*
 * Against the real server (seeded with one announcement of each severity, for
 * everyone), except the error state, which runs on fixtures. Dismissals are
 * per user, so the tests that dismiss use fresh accounts; the live test's own
 * announcement is withdrawn at its end.
 */

declare global {
  interface Window {
    __jcXss?: unknown;
  }
}

const SEEDED = ['ann_demo_0', 'ann_demo_1', 'ann_demo_2', 'ann_demo_3', 'ann_demo_4'];

function mount(fetcher?: typeof fetch) {
  return mountInProvider<JcAnnouncements>(html`<jc-announcements></jc-announcements>`, { fetcher });
}

const banners = (el: JcAnnouncements) => [...shadow(el).querySelectorAll<HTMLElement>('.banner')];
const banner = (el: JcAnnouncements, id: string) => shadow(el).querySelector<HTMLElement>(`[data-announcement="${id}"]`);
/** The seeded banners' severities, in the order shown. */
const seededSeverities = (el: JcAnnouncements) => banners(el).filter((b) => SEEDED.includes(b.dataset.announcement!)).map((b) => b.dataset.severity);

async function mountReady(fetcher?: typeof fetch) {
  const mounted = await mount(fetcher);
  await waitUntil(() => banners(mounted.el).length > 0, 'the banners show', { timeout: 5000 });
  return mounted;
}

describe('jc-announcements (against the real server)', () => {
  afterEach(signOutPage);

  it('shows the announcements for everyone to a signed-out reader, most severe first, each with its severity as an icon and as text', async () => {
    const { el } = await mountReady();
    expect(seededSeverities(el)).to.deep.equal(['emergency', 'error', 'warning', 'information', 'success']);
    const emergency = banner(el, 'ann_demo_1')!;
    expect(text(emergency.querySelector('.headline'))).to.equal('Emergency: Severe weather along I-35');
    expect(text(emergency.querySelector('.severity'))).to.equal('Emergency:');
    expect(text(emergency.querySelector('.body'))).to.equal('Tornado warnings from Waco to Oklahoma City until 2200. Follow your agency’s severe weather procedures.');
    for (const b of banners(el)) {
      expect(b.querySelector('svg.severity-icon')!.getAttribute('aria-hidden'), 'the icon is decorative').to.equal('true');
      const urgent = b.dataset.severity === 'emergency' || b.dataset.severity === 'error';
      expect(b.getAttribute('role'), `${b.dataset.severity}'s role`).to.equal(urgent ? 'alert' : 'status');
    }
    expect(shadow(el).querySelectorAll('[role="alert"]').length, 'only the emergency and the error are alerts').to.equal(2);
    expect(shadow(el).querySelector('.dismiss') === null, 'nothing to dismiss signed out').to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('dismisses an announcement for this user (focus moves to the next), and never offers to dismiss an emergency', async () => {
    const user = await createActiveUser(`Dismisser ${stamp()}`);
    await signInPage(user);
    const { el } = await mountReady();
    const emergency = banner(el, 'ann_demo_1')!;
    expect(emergency.querySelector('.dismiss') === null, 'no Dismiss on an emergency').to.equal(true);
    const warning = banner(el, 'ann_demo_4')!;
    const dismiss = warning.querySelector<HTMLButtonElement>('.dismiss')!;
    expect(text(dismiss)).to.equal('Dismiss');
    expect(dismiss.getAttribute('aria-describedby')).to.equal(warning.querySelector('.headline')!.id);
    await expect(el).to.be.accessible();

    dismiss.focus();
    const dismissed = oneEvent(el, 'jc-announcement-dismissed');
    await sendKeys({ press: 'Enter' });
    const event = (await dismissed) as CustomEvent<{ announcementId: string }>;
    expect(event.detail.announcementId).to.equal('ann_demo_4');
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => !banner(el, 'ann_demo_4'), 'the warning is gone');
    // Focus goes to the next banner's Dismiss (the information).
    await waitUntil(() => focused(el)?.dataset.dismiss === 'ann_demo_2', `focus on the next Dismiss (${focused(el)?.outerHTML.slice(0, 80)})`);
    expect(text(shadow(el).querySelector('.announce'))).to.equal('Announcement dismissed: Passwords expire every 90 days');

    // The server keeps it dismissed for this user; the emergency cannot be dismissed even by asking.
    const listed = (await apiCall<{ items: Announcement[] }>('GET', '/api/v1/announcements')).items.map((a) => a.id);
    expect(listed).to.not.include('ann_demo_4');
    expect(listed).to.include('ann_demo_1');
    const refused = await fetch('/api/v1/announcements/ann_demo_1/dismiss', { method: 'POST' });
    expect(refused.status).to.equal(409);
    expect((await refused.json()).error.code).to.equal('NOT_DISMISSIBLE');
    const again = await mountReady();
    expect(seededSeverities(again.el)).to.deep.equal(['emergency', 'error', 'information', 'success']);

    // Dismissing the rest: focus ends on the last dismissal's message, the emergency stays.
    for (const id of ['ann_demo_2', 'ann_demo_3', 'ann_demo_0']) {
      banner(again.el, id)!.querySelector<HTMLButtonElement>('.dismiss')!.click();
      await waitUntil(() => !banner(again.el, id), `${id} is gone`);
    }
    expect(seededSeverities(again.el)).to.deep.equal(['emergency']);
    await waitUntil(() => focused(again.el) === banner(again.el, 'ann_demo_1'), 'focus on the emergency that remains');
  });

  it('shows an announcement a site administrator makes, live, as plain text, and takes it away when withdrawn', async () => {
    window.__jcXss = undefined;
    const user = await createActiveUser(`Live reader ${stamp()}`);
    await signInPage(user);
    const { el, provider } = await mountReady();
    await waitUntil(() => provider.context!.live.status === 'open', 'the live stream is open', { timeout: 5000 });

    const { crossOriginApi } = await testConfig();
    const admin = new ApiClient({ baseUrl: crossOriginApi, storage: null });
    await signInSession(admin, DEMO.admin);
    const body = 'Radio <img src=x onerror="window.__jcXss=1"> <b>maintenance</b> tonight.';
    const { data: made } = await admin.request<Announcement>('/api/v1/announcements', {
      method: 'POST',
      body: { severity: 'warning', title: `Live test ${stamp()}`, body, audience: { kind: 'agencies', agencies: ['TXDPS0000'] } },
    });
    try {
      await waitUntil(() => banner(el, made.id), 'the new announcement shows, live', { timeout: 8000 });
      const shown = banner(el, made.id)!;
      expect(text(shown.querySelector('.body'))).to.equal(body);
      expect(shown.querySelector('img, b') === null, 'its text is not HTML').to.equal(true);
      // Among the warnings, below the error.
      const order = banners(el).map((b) => b.dataset.severity);
      expect(order.indexOf('warning')).to.be.greaterThan(order.lastIndexOf('error'));
      expect(order.lastIndexOf('warning')).to.be.lessThan(order.indexOf('information'));
      await new Promise((r) => setTimeout(r, 200));
      expect(window.__jcXss).to.equal(undefined);
    } finally {
      await admin.request(`/api/v1/announcements/${made.id}`, { method: 'DELETE' });
    }
    await waitUntil(() => !banner(el, made.id), 'withdrawn, live', { timeout: 8000 });
    await admin.signOut();
  });

  it('shows an error with Try again when announcements cannot be loaded (fixtures)', async () => {
    const { el } = await mount(fixtureFetch({ me: fixtureUsers.optedIn, announcementsFail: true }));
    await waitUntil(() => /Announcements could not be loaded\. JusticeConnect could not answer just now/.test(text(shadow(el))), text(shadow(el)));
    expect([...shadow(el).querySelectorAll('button')].some((b) => text(b) === 'Try again')).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('shows an agency’s own announcement only when signed in (fixtures), and all of them pass axe', async () => {
    const signedIn = await mountReady(fixtureFetch({ me: fixtureUsers.optedIn }));
    expect(banner(signedIn.el, 'ann_agency')).to.not.equal(null);
    expect(banners(signedIn.el).map((b) => b.dataset.severity)).to.deep.equal(['emergency', 'error', 'warning', 'information', 'information', 'success']);
    await expect(signedIn.el).to.be.accessible();
    const signedOut = await mountReady(fixtureFetch({ me: null }));
    expect(banner(signedOut.el, 'ann_agency') === null, 'no agency announcement signed out').to.equal(true);
  });

  it('orders by severity, keeping the server’s order within one (unit)', () => {
    const a = (id: string, severity: Announcement['severity']) => ({ id, severity }) as Announcement;
    expect(bySeverity([a('1', 'success'), a('2', 'warning'), a('3', 'emergency'), a('4', 'warning'), a('5', 'error')]).map((x) => x.id)).to.deep.equal(['3', '5', '2', '4', '1']);
  });
});
