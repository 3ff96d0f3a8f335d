import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import './provider.js';
import type { JcProvider } from './provider.js';
import { createActiveUser, signInSession, signOutPage } from '../testing/server.js';

describe('jc-provider (against the real server)', () => {
  afterEach(signOutPage);

  it('renders its children and nothing else', async () => {
    const el = await fixture<JcProvider>(html`<jc-provider><p>Portal content</p></jc-provider>`);
    expect(getComputedStyle(el).display).to.equal('contents');
    expect(el.textContent).to.contain('Portal content');
    await expect(el).to.be.accessible();
  });

  it('defaults the API to the page origin and loads the session from it', async () => {
    const el = await fixture<JcProvider>(html`<jc-provider></jc-provider>`);
    expect(el.context!.api.baseUrl).to.equal(location.origin);
    expect(el.context!.api.crossOrigin).to.equal(false);
    await waitUntil(() => el.context!.session.state.status === 'signed-out');
  });

  it('announces session changes with a bubbling, composed jc-session-change event', async () => {
    const user = await createActiveUser('Event Watcher');
    const el = await fixture<JcProvider>(html`<jc-provider></jc-provider>`);
    await waitUntil(() => el.context!.session.state.status === 'signed-out');
    const fired = oneEvent(el, 'jc-session-change');
    void signInSession(el.context!.session, user);
    let event = (await fired) as CustomEvent;
    while (event.detail.state.status !== 'signed-in') event = (await oneEvent(el, 'jc-session-change')) as CustomEvent;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.state.me.name).to.equal('Event Watcher');
  });

  it('gives a new client when the api attribute changes', async () => {
    const el = await fixture<JcProvider>(html`<jc-provider></jc-provider>`);
    const first = el.context;
    el.api = 'http://127.0.0.1:8766';
    await el.updateComplete;
    expect(el.context).to.not.equal(first);
    expect(el.context!.api.crossOrigin).to.equal(true);
  });
});
