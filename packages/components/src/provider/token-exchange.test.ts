import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { acceptNotice } from '../api/sign-in-steps.js';
import type { ApiError } from '../api/transport.js';
import '../sign-in/sign-in.js';
import type { JcSignIn } from '../sign-in/sign-in.js';
import { testConfig, totpFromSecret } from '../testing/server.js';
import { button, settled, shadow } from '../testing/setup.js';
import { waitUntil } from '../testing/wait.js';
import './provider.js';
import type { JcProvider } from './provider.js';

/*
 * On the state IdP's own portal, with no click: the host page hands jc-provider an ID token its IdP (a
 * real oidc-provider, started by web-test-runner.config.mjs) issued for JusticeConnect; the provider
 * exchanges it with the cross-origin server (this page's origin is allow-listed there) before any
 * widget asks who is signed in.
 */

let n = 0;
/** A fresh ID token for a new officer at the test IdP (`amr`: how the IdP says they signed in). */
async function idTokenFor(amr = 'mfa', sub = `NIEF:IDP:TEST:USER:${Date.now()}-${++n}`): Promise<{ sub: string; idToken: string }> {
  const res = await fetch(`/__jc/id-token?sub=${encodeURIComponent(sub)}&amr=${amr}`);
  return { sub, ...((await res.json()) as { idToken: string }) };
}

/** Every state the provider's session went through, from the start. */
function statesOf(el: JcProvider): string[] {
  const seen: string[] = [];
  el.addEventListener('jc-session-change', (e) => seen.push((e as CustomEvent<{ state: { status: string } }>).detail.state.status));
  return seen;
}

describe('jc-provider token exchange (the IdP’s own portal, against the real server and a real OpenID provider)', () => {
  let api: string;
  before(async () => {
    api = (await testConfig()).crossOriginApi;
  });
  afterEach(() => sessionStorage.clear());

  it('signs the officer in with no JusticeConnect sign-in step: the widgets never show the password form', async () => {
    const { idToken } = await idTokenFor('mfa');
    const provider = document.createElement('jc-provider') as JcProvider;
    const seen = statesOf(provider);
    provider.api = api;
    provider.idToken = idToken;
    provider.innerHTML = '<jc-sign-in></jc-sign-in>';
    const el = await fixture<JcProvider>(html`<div></div>`);
    el.append(provider);
    const signIn = provider.querySelector<JcSignIn>('jc-sign-in')!;
    // The system-use notice is accepted at every sign-in, federated ones too: the only step left.
    await waitUntil(() => provider.context!.session.state.status === 'notice-required', 'the notice, straight after the exchange');
    await signIn.updateComplete;
    expect(signIn.shadowRoot!.querySelector('input[type=password]'), 'no password form').to.equal(null);
    expect(seen).to.not.include('signed-out');
    const state = await acceptNotice(provider.context!.session);
    expect(state.status).to.equal('signed-in');
    if (state.status === 'signed-in') expect(state.me.agency?.ori).to.equal('TXDPS0000');
    // A bearer session of this origin's own, as any cross-origin sign-in.
    expect(provider.context!.api.token).to.be.a('string');
    await waitUntil(() => signIn.shadowRoot!.textContent!.includes('Fed Officer'), 'the sign-in widget shows who is signed in');
    provider.remove();
  });

  it('takes a function that answers a fresh token; when the IdP’s sign-in was not multi-factor, our authenticator is set up without a password (the account has none), and asked for at the next sign-in', async () => {
    const { sub, idToken } = await idTokenFor('pwd');
    let asked = 0;
    const provider = await fixture<JcProvider>(
      html`<jc-provider .api=${api} .idToken=${() => (asked++, Promise.resolve(idToken))}><jc-sign-in></jc-sign-in></jc-provider>`,
    );
    const el = provider.querySelector<JcSignIn>('jc-sign-in')!;
    await waitUntil(() => provider.context!.session.state.status === 'enrol-required', 'our own authenticator step');
    expect(asked).to.equal(1);
    await settled(el, /Set up your authenticator app/);
    expect(shadow(el).querySelector('input[type=password]'), 'no password to give').to.equal(null);
    await expect(el).to.be.accessible();
    button(shadow(el), /Continue/).click();
    await waitUntil(() => shadow(el).querySelector('#jc-secret'), 'the new authenticator’s key');
    const key = shadow(el).querySelector('#jc-secret')!.textContent!;
    const backupCode = shadow(el).querySelector('.codes code')!.textContent!;
    const code = shadow(el).querySelector<HTMLInputElement>('#jc-enrol-code')!;
    code.value = await totpFromSecret(key);
    code.form!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await settled(el, /U\.S\. Government information system/);
    provider.remove();
    sessionStorage.clear();

    // The same officer again, still without multi-factor at the IdP: the code of the authenticator set up (a
    // backup code here, since the app's code of these 30 seconds was used just now).
    const again = await idTokenFor('pwd', sub);
    const next = await fixture<JcProvider>(html`<jc-provider .api=${api} .idToken=${again.idToken}><jc-sign-in></jc-sign-in></jc-provider>`);
    const el2 = next.querySelector<JcSignIn>('jc-sign-in')!;
    await waitUntil(() => next.context!.session.state.status === 'code-required', 'the code step, not a second authenticator');
    await settled(el2, /Enter your one-time code/);
    button(shadow(el2), /Use a backup code instead/).click();
    await el2.updateComplete;
    const backup = shadow(el2).querySelector<HTMLInputElement>('#jc-backup-code')!;
    backup.value = backupCode;
    backup.form!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await settled(el2, /U\.S\. Government information system/);
    next.remove();
  });

  it('says why a token is refused (used already), and leaves the widgets signed out to offer their own sign-in', async () => {
    const { idToken } = await idTokenFor('mfa');
    const first = await fixture<JcProvider>(html`<jc-provider .api=${api} .idToken=${idToken}></jc-provider>`);
    await waitUntil(() => first.context!.session.state.status === 'notice-required');
    first.remove();
    sessionStorage.clear();
    const provider = document.createElement('jc-provider') as JcProvider;
    provider.api = api;
    provider.idToken = idToken;
    const refused = oneEvent(provider, 'jc-federation-error');
    document.body.append(provider);
    const event = (await refused) as CustomEvent<{ error: ApiError }>;
    expect(event.detail.error.code).to.equal('TOKEN_REPLAYED');
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => provider.context!.session.state.status === 'signed-out');
    provider.remove();
  });
});
