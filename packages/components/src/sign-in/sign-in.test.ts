import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../provider/provider.js';
import './sign-in.js';
import type { JcSignIn } from './sign-in.js';
import { createUser, signOutPage, testConfig } from '../testing/server.js';

function shadow(el: HTMLElement) {
  return el.shadowRoot!;
}

async function settled(el: JcSignIn, text: RegExp) {
  await waitUntil(() => text.test(shadow(el).textContent ?? ''), `waiting for ${text}`, { timeout: 5000 });
}

async function signInWith(el: JcSignIn, email: string, password: string) {
  await settled(el, /Sign in to JusticeConnect/);
  const root = shadow(el);
  root.querySelector<HTMLInputElement>('#jc-email')!.value = email;
  root.querySelector<HTMLInputElement>('#jc-password')!.value = password;
  root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
}

describe('jc-sign-in (against the real server)', () => {
  afterEach(signOutPage);

  it('shows a loading state, then the form, and axe finds nothing', async () => {
    const el = await fixture<JcSignIn>(html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`).then((p) => p.querySelector('jc-sign-in')!);
    expect(shadow(el).textContent).to.match(/Checking your sign-in/);
    await settled(el, /Sign in to JusticeConnect/);
    await expect(el).to.be.accessible();
  });

  it('signs a real user in, shows their name, and fires jc-signed-in', async () => {
    const user = await createUser('Officer Jamie Cole');
    const provider = await fixture(html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    const fired = oneEvent(provider, 'jc-signed-in');
    await signInWith(el, user.email, user.password);
    const event = (await fired) as CustomEvent;
    expect(event.detail.user.name).to.equal('Officer Jamie Cole');
    expect(event.composed).to.equal(true);
    await settled(el, /Signed in as Officer Jamie Cole/);
    expect(shadow(el).activeElement?.tagName).to.equal('H2', 'focus moves to the signed-in heading');
    await expect(el).to.be.accessible();
    // The session is real: the server knows this page's cookie.
    const me = await (await fetch('/api/v1/me')).json();
    expect(me.email).to.equal(user.email);
  });

  it('tells a signed-in user whose account is not yet approved that it waits for their agency administrator', async () => {
    const user = await createUser('Pending Officer');
    const el = (await fixture(html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`)).querySelector('jc-sign-in')!;
    await signInWith(el, user.email, user.password);
    await settled(el, /waiting for approval by your agency administrator/);
    await expect(el).to.be.accessible();
  });

  it('keeps the session across a reload of the widget', async () => {
    const user = await createUser('Persistent Officer');
    const first = await fixture(html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`);
    await signInWith(first.querySelector('jc-sign-in')!, user.email, user.password);
    await settled(first.querySelector('jc-sign-in')!, /Signed in as Persistent Officer/);
    const second = await fixture(html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`);
    await settled(second.querySelector('jc-sign-in')!, /Signed in as Persistent Officer/);
  });

  it('says when the password is wrong, in an alert, and keeps the user on the form', async () => {
    const user = await createUser();
    const el = (await fixture(html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`)).querySelector('jc-sign-in')!;
    await signInWith(el, user.email, 'not-the-right-password');
    await settled(el, /do not match an account/);
    const alert = shadow(el).querySelector('[role=alert]');
    expect(alert).to.exist;
    expect(shadow(el).activeElement?.id).to.equal('jc-password');
    await expect(el).to.be.accessible();
  });

  it('asks a user who has not opted in to opt in, and opts them in', async () => {
    const user = await createUser('Not Yet Opted');
    const provider = await fixture(html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    await signInWith(el, user.email, user.password);
    await settled(el, /Participate in JusticeConnect/);
    await expect(el).to.be.accessible();
    const fired = oneEvent(provider, 'jc-opted-in');
    [...shadow(el).querySelectorAll('button')].find((b) => /opt in/i.test(b.textContent ?? ''))!.click();
    expect(((await fired) as CustomEvent).detail.user.optedIn).to.equal(true);
    await waitUntil(() => !/Participate in JusticeConnect/.test(shadow(el).textContent ?? ''));
    const me = await (await fetch('/api/v1/me')).json();
    expect(me.optedIn).to.equal(true);
  });

  it('signs out, ends the server session, and fires jc-signed-out', async () => {
    const user = await createUser('Leaving Officer');
    const provider = await fixture(html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    await signInWith(el, user.email, user.password);
    await settled(el, /Signed in as Leaving Officer/);
    const fired = oneEvent(provider, 'jc-signed-out');
    [...shadow(el).querySelectorAll('button')].find((b) => /Sign out/.test(b.textContent ?? ''))!.click();
    await fired;
    await settled(el, /Sign in to JusticeConnect/);
    expect((await fetch('/api/v1/me')).status).to.equal(401);
  });

  it('shares one session between widgets under one provider', async () => {
    const user = await createUser('Shared Session');
    const provider = await fixture(html`<jc-provider><jc-sign-in id="a"></jc-sign-in><jc-sign-in id="b"></jc-sign-in></jc-provider>`);
    const [a, b] = [provider.querySelector<JcSignIn>('#a')!, provider.querySelector<JcSignIn>('#b')!];
    await signInWith(a, user.email, user.password);
    await settled(b, /Signed in as Shared Session/);
  });

  it('works without a provider, finding the API on the page origin', async () => {
    const user = await createUser('Standalone Widget');
    const el = await fixture<JcSignIn>(html`<jc-sign-in></jc-sign-in>`);
    await signInWith(el, user.email, user.password);
    await settled(el, /Signed in as Standalone Widget/);
    [...shadow(el).querySelectorAll('button')].find((b) => /Sign out/.test(b.textContent ?? ''))!.click();
    await settled(el, /Sign in to JusticeConnect/);
  });

  it('signs in to a server on another, allow-listed origin with a bearer token, not cookies', async () => {
    const { crossOriginApi } = await testConfig();
    const user = await createUser('Cross Origin Analyst', crossOriginApi);
    const provider = await fixture(html`<jc-provider api=${crossOriginApi}><jc-sign-in></jc-sign-in></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    await signInWith(el, user.email, user.password);
    await settled(el, /Signed in as Cross Origin Analyst/);
    expect(sessionStorage.getItem(`jc-token:${crossOriginApi}`)).to.be.a('string');
    // This page's own origin has no session: nothing travelled as a cookie.
    expect((await fetch('/api/v1/me')).status).to.equal(401);
    [...shadow(el).querySelectorAll('button')].find((b) => /Sign out/.test(b.textContent ?? ''))!.click();
    await settled(el, /Sign in to JusticeConnect/);
    expect(sessionStorage.getItem(`jc-token:${crossOriginApi}`)).to.equal(null);
  });

  it('says so in an alert when the server cannot be reached at sign-in', async () => {
    const el = await fixture<JcSignIn>(html`<jc-sign-in api="http://127.0.0.1:9"></jc-sign-in>`);
    await signInWith(el, 'someone@agency.demo.test', 'any-password-at-all');
    await settled(el, /Could not reach JusticeConnect/);
    expect(shadow(el).querySelector('[role=alert]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('shows an error state with a retry when the session cannot be loaded', async () => {
    let fail = true;
    const fetcher = (input: RequestInfo | URL, init?: RequestInit) =>
      fail ? Promise.reject(new TypeError('offline')) : fetch(input, init);
    const provider = await fixture(html`<jc-provider .fetcher=${fetcher}><jc-sign-in></jc-sign-in></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    await settled(el, /Could not reach JusticeConnect/);
    await expect(el).to.be.accessible();
    fail = false;
    [...shadow(el).querySelectorAll('button')].find((b) => /Try again/.test(b.textContent ?? ''))!.click();
    await settled(el, /Sign in to JusticeConnect/);
  });
});
