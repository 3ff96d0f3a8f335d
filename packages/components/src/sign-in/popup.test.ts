import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import type { JcProvider } from '../provider/provider.js';
import { testConfig } from '../testing/server.js';
import { button, settled, shadow, text } from '../testing/setup.js';
import { waitUntil } from '../testing/wait.js';
import './sign-in.js';
import type { JcSignIn } from './sign-in.js';

/*
 * Signing in through the state's identity provider in a popup, from a page of another origin (this
 * page, allow-listed by the cross-origin server): jc-sign-in offers the provider, the popup goes
 * through the cross-origin server's start, a real OpenID provider (oidc-provider, started by
 * web-test-runner.config.mjs, signing in whoever /__jc/idp-next names at once) and the server's
 * callback, whose page posts the bearer session to this page's origin only.
 */

let n = 0;
/** Makes a new officer the one the test IdP signs in next (`amr`: how the IdP says they signed in). */
async function nextAtIdp(amr = 'mfa'): Promise<string> {
  const sub = `NIEF:IDP:TEST:USER:popup-${Date.now()}-${++n}`;
  const res = await fetch(`/__jc/idp-next?${new URLSearchParams({ sub, amr })}`, { method: 'POST' });
  expect(res.status).to.equal(204);
  return sub;
}

async function mount(api: string): Promise<{ provider: JcProvider; el: JcSignIn }> {
  const provider = await fixture<JcProvider>(html`<jc-provider api=${api}><jc-sign-in></jc-sign-in></jc-provider>`);
  return { provider, el: provider.querySelector('jc-sign-in')! };
}

/** Chooses the provider as a person does (a key press: a popup opens only in the user's own gesture). */
async function choose(el: JcSignIn) {
  await settled(el, /Sign in with Test State IdP/);
  button(shadow(el), /Sign in with Test State IdP/).focus();
  await sendKeys({ press: 'Enter' });
}

describe('jc-sign-in through the state IdP in a popup (a page of another origin, against the real server and a real OpenID provider)', () => {
  let api: string;
  before(async () => {
    api = (await testConfig()).crossOriginApi;
    // The runner may load this file in a tab an earlier file used: start from this origin's empty session storage.
    sessionStorage.clear();
  });
  afterEach(() => sessionStorage.clear());

  it('offers the provider below the password form; the popup signs the officer in and the sign-in carries on here, with no password', async () => {
    await nextAtIdp('mfa');
    const { provider, el } = await mount(api);
    await settled(el, /Sign in with Test State IdP/);
    expect(text(shadow(el))).to.match(/Or sign in through your agency’s identity provider/);
    await expect(el).to.be.accessible();
    await choose(el);
    // Multi-factor at the IdP: no code step of ours; the system-use notice is the only one left.
    await settled(el, /U\.S\. Government information system/, 15000);
    expect(Object.keys(sessionStorage), 'a bearer session of this origin’s own').to.deep.equal([`jc-token:${api}`]);
    expect((await fetch('/api/v1/me')).status, 'nothing travelled as a cookie to this page’s origin').to.equal(401);
    const fired = oneEvent(provider, 'jc-signed-in');
    button(shadow(el), /I accept/).click();
    const event = (await fired) as CustomEvent<{ user: { agency: { ori: string } | null } }>;
    expect(event.detail.user.agency?.ori).to.equal('TXDPS0000');
    await settled(el, /Signed in as Fed Officer/);
  });

  it('says why when the IdP refuses, and stays on the password form', async () => {
    // Nobody to sign in: the test IdP answers access_denied, and the server's page posts that refusal.
    expect((await fetch('/__jc/idp-next', { method: 'DELETE' })).status).to.equal(204);
    const { provider, el } = await mount(api);
    await choose(el);
    await waitUntil(() => shadow(el).querySelector('[role=alert]'), `an alert (${text(shadow(el)).slice(0, 300)})`, { timeout: 15000 });
    expect(provider.context!.session.state.status).to.equal('signed-out');
    expect(sessionStorage.length).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('takes no session from a message that is not the popup’s: another origin, or another window', async () => {
    const { provider, el } = await mount(api);
    await settled(el, /Sign in with Test State IdP/);
    await nextAtIdp('mfa');
    await choose(el);
    // This page posting a forged session to itself: its origin is not the server's, so it is ignored.
    postMessage({ type: 'jc-federation', token: 'forged', secondFactor: 'done' }, location.origin);
    await settled(el, /U\.S\. Government information system/, 15000);
    expect(provider.context!.api.token).to.not.equal('forged');
  });

  it('offers no popup on the server’s own origin (the portal links to the start and uses the cookie)', async () => {
    const provider = await fixture<JcProvider>(html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    await settled(el, /Sign in to JusticeConnect/);
    await el.updateComplete;
    expect(text(shadow(el))).to.not.match(/Sign in with/);
  });
});
