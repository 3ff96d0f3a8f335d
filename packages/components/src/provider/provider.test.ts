import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import './provider.js';
import type { JcProvider } from './provider.js';
import { createActiveUser, signInSession, signOutPage } from '../testing/server.js';
import { formatNumber, intlLocale, uiLocaleFor, useLocale } from '../shared/localization.js';
import '../announcements/announcements.js';
import '../sign-in/sign-in.js';
import { fullApi } from '../testing/full-api.js';

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
    expect(fullApi(el.context!.api).baseUrl).to.equal(location.origin);
    expect(fullApi(el.context!.api).crossOrigin).to.equal(false);
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
    el.api = `http://127.0.0.1:${Number(location.port) + 1}`; // the cross-origin test server (web-test-runner.config.mjs)
    await el.updateComplete;
    expect(el.context).to.not.equal(first);
    expect(fullApi(el.context!.api).crossOrigin).to.equal(true);
  });
});

describe('jc-provider locale', () => {
  afterEach(async () => {
    // Every other test speaks English.
    await useLocale('en');
  });

  it('makes every widget inside speak Spanish, with Spanish dates and numbers, and marks the language for screen readers', async () => {
    const el = await fixture<JcProvider>(html`<jc-provider locale="es-MX"><jc-announcements></jc-announcements></jc-provider>`);
    const widget = el.querySelector('jc-announcements')!;
    await waitUntil(() => widget.shadowRoot!.textContent!.includes('Anuncios') || widget.shadowRoot!.querySelector('.loading, .list, .problem'), 'rendered');
    await waitUntil(() => el.getAttribute('lang') === 'es-MX', 'the provider marks its language');
    expect(intlLocale()).to.equal('es-MX');
    expect(formatNumber(1234.5)).to.equal(new Intl.NumberFormat('es-MX').format(1234.5));
    expect(widget.shadowRoot!.textContent).to.not.match(/Loading announcements|Try again/);
  });

  it('shows the server’s refusals in Spanish, from the catalogue loaded with the language, and in its own words in English', async () => {
    const el = await fixture<JcProvider>(html`<jc-provider locale="es"><jc-sign-in></jc-sign-in></jc-provider>`);
    const widget = el.querySelector('jc-sign-in')!;
    await waitUntil(() => /Iniciar sesión/.test(widget.shadowRoot!.textContent ?? ''), 'Spanish sign-in form');
    const refusal = () => fullApi(el.context!.api).request('/api/v1/me').then(() => expect.fail('signed out: refused'), (e: Error) => e);
    // Signed out: the server answers 401 UNAUTHENTICATED, in English.
    expect((await refusal()).message).to.equal('Inicie sesión para usar esta función.');
    el.locale = 'en';
    await waitUntil(() => /Sign in/.test(widget.shadowRoot!.textContent ?? ''), 'English again');
    expect((await refusal()).message).to.equal('Sign in to use this.');
  });

  it('switches language when the attribute changes, and back', async () => {
    const el = await fixture<JcProvider>(html`<jc-provider locale="es"><jc-sign-in></jc-sign-in></jc-provider>`);
    const widget = el.querySelector('jc-sign-in')!;
    await waitUntil(() => /Iniciar sesión/.test(widget.shadowRoot!.textContent ?? ''), 'Spanish sign-in form');
    el.locale = 'en';
    await waitUntil(() => /Sign in/.test(widget.shadowRoot!.textContent ?? ''), 'English again');
    expect(el.hasAttribute('lang')).to.equal(true);
    el.locale = '';
    await waitUntil(() => !el.hasAttribute('lang'), 'no lang of its own without a locale');
  });

  it('follows the nearest lang attribute when it has no locale, and speaks English for a language it does not know', async () => {
    const page = await fixture(html`<div lang="es-US"><jc-provider><jc-sign-in></jc-sign-in></jc-provider></div>`);
    const widget = page.querySelector('jc-sign-in')!;
    await waitUntil(() => /Iniciar sesión/.test(widget.shadowRoot!.textContent ?? ''), 'Spanish from lang');
    expect(intlLocale()).to.equal('es-US');
    expect(uiLocaleFor('fr-CA')).to.equal('en');
    expect(uiLocaleFor('not a tag')).to.equal('en');
    expect(uiLocaleFor('ES')).to.equal('es');
  });
});
