import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../testing/wait.js';
import '../provider/provider.js';
import '../community-list/community-list.js';
import './sign-in.js';
import type { JcSignIn } from './sign-in.js';
import type { JcProvider } from '../provider/provider.js';
import type { IdleClock } from '../api/session.js';
import {
  DEMO,
  activateUser,
  createActiveUser,
  createUser,
  signInPage,
  signOutPage,
  testConfig,
  totpCode,
  totpFromSecret,
  type TestUser,
} from '../testing/server.js';
import { fullApi } from '../testing/full-api.js';
import { button as shadowButton, settled, shadow, text } from '../testing/setup.js';

function focusedId(el: HTMLElement): string | undefined {
  return shadow(el).activeElement?.id;
}

/** The widget's button whose text matches `label`. */
const button = (el: HTMLElement, label: RegExp): HTMLButtonElement => shadowButton(shadow(el), label);

/**
 * The provider as the fixture itself, not testing/setup.ts's mountInProvider
 * (a page div around it): with that, "refuses a code already used" timed out
 * at its second sign-in in 3 runs of 3 on a loaded machine, and passed so.
 * Not understood yet.
 */
async function mount(api?: string): Promise<{ provider: JcProvider; el: JcSignIn }> {
  const provider = await fixture<JcProvider>(api ? html`<jc-provider api=${api}><jc-sign-in></jc-sign-in></jc-provider>` : html`<jc-provider><jc-sign-in></jc-sign-in></jc-provider>`);
  return { provider, el: provider.querySelector('jc-sign-in')! };
}

/** The password step, as a person fills it in. */
async function enterPassword(el: JcSignIn, email: string, password: string) {
  await settled(el, /Sign in to JusticeConnect/);
  const root = shadow(el);
  // The form shows as soon as the session is signed out, while the step that signed it out may still be
  // finishing ("Signing in…", aria-disabled): a click then is ignored, as a person's would be.
  await waitUntil(() => root.querySelector('button[type=submit]')?.getAttribute('aria-disabled') === 'false', 'the password form takes a sign-in');
  root.querySelector<HTMLInputElement>('#jc-email')!.value = email;
  root.querySelector<HTMLInputElement>('#jc-password')!.value = password;
  root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
}

/** Types a code into the step's field and submits it. */
function enterCode(el: JcSignIn, code: string, field = '#jc-code') {
  const input = shadow(el).querySelector<HTMLInputElement>(field)!;
  input.value = code;
  input.form!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
}

/** A six-digit code that is not `code` (nor, almost surely, the one of a neighbouring 30 seconds). */
function wrongCode(code: string): string {
  return code.slice(0, 5) + String((Number(code[5]) + 5) % 10);
}

/** Every step through the widget: password, code, notice, signed in. */
async function signInThroughWidget(el: JcSignIn, user: TestUser) {
  await enterPassword(el, user.email, user.password);
  await settled(el, /Enter your one-time code/);
  enterCode(el, await totpCode(user.email));
  await settled(el, /U\.S\. Government information system/);
  button(el, /I accept/).click();
  await settled(el, new RegExp(`Signed in as ${user.name}`));
}

/** A clock the test moves by hand, for the idle warning's timers. */
class ManualClock implements IdleClock {
  t = Date.now();
  #timers: { at: number; fn: () => void }[] = [];
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.t + ms, fn };
    this.#timers.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown) {
    this.#timers = this.#timers.filter((t) => t !== handle);
  }
  /** Moves time on, running each timer that comes due (in order). */
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
  }
}

describe('jc-sign-in (against the real server)', () => {
  afterEach(signOutPage);

  it('shows a loading state, then the password form, and axe finds nothing', async () => {
    const { el } = await mount();
    expect(text(shadow(el))).to.match(/Checking your sign-in/);
    await settled(el, /Sign in to JusticeConnect/);
    await expect(el).to.be.accessible();
  });

  it('signs a demo account in: password, then the TOTP code, then the system-use notice, then signed in', async () => {
    const user: TestUser = { ...DEMO.ray };
    const { provider, el } = await mount();
    await enterPassword(el, user.email, user.password);

    // The code step: a numeric one-time-code field, focused, with a way to use a backup code.
    await settled(el, /Enter your one-time code/);
    const code = shadow(el).querySelector<HTMLInputElement>('#jc-code')!;
    expect(code.getAttribute('inputmode')).to.equal('numeric');
    expect(code.getAttribute('autocomplete')).to.equal('one-time-code');
    expect(code.labels?.[0]?.textContent).to.match(/One-time code/);
    expect(focusedId(el)).to.equal('jc-code', 'focus moves to the code field');
    expect(button(el, /Use a backup code instead/)).to.exist;
    expect(text(shadow(el))).to.not.match(/remember|trust this device/i);
    await expect(el).to.be.accessible();
    expect((await fetch('/api/v1/me')).status).to.equal(401, 'no session before the code');

    // The notice: its text, "I accept", and nothing else answers until then.
    enterCode(el, await totpCode(user.email));
    await settled(el, /U\.S\. Government information system/);
    expect(focusedId(el)).to.equal('jc-step-title', 'focus moves to the notice’s heading');
    expect(text(shadow(el))).to.match(/no reasonable expectation of privacy/);
    await expect(el).to.be.accessible();
    const blocked = await fetch('/api/v1/me');
    expect(blocked.status).to.equal(403);
    expect((await blocked.json()).error.code).to.equal('NOTICE_REQUIRED');

    const fired = oneEvent(provider, 'jc-signed-in');
    button(el, /I accept/).click();
    const event = (await fired) as CustomEvent;
    expect(event.detail.user.email).to.equal(user.email);
    expect(event.composed).to.equal(true);
    await settled(el, new RegExp(`Signed in as ${user.name}`));
    expect(shadow(el).activeElement?.tagName).to.equal('H2', 'focus moves to the signed-in heading');
    await expect(el).to.be.accessible();
    const me = await (await fetch('/api/v1/me')).json();
    expect(me.email).to.equal(user.email);
  });

  it('refuses a wrong code with its message next to the field, and keeps the user on the code step', async () => {
    const user = await createActiveUser('Wrong Code Officer');
    const { el } = await mount();
    await enterPassword(el, user.email, user.password);
    await settled(el, /Enter your one-time code/);
    enterCode(el, '12345');
    await settled(el, /Enter the 6 digits your authenticator app shows/);
    enterCode(el, wrongCode(await totpCode(user.email)));
    await settled(el, /That code is not right/);
    const field = shadow(el).querySelector<HTMLInputElement>('#jc-code')!;
    expect(field.getAttribute('aria-invalid')).to.equal('true');
    const error = shadow(el).querySelector('#jc-code-error')!;
    expect(error.getAttribute('role')).to.equal('alert');
    expect(field.getAttribute('aria-describedby')).to.contain('jc-code-error');
    expect(focusedId(el)).to.equal('jc-code');
    await expect(el).to.be.accessible();
    // The right code still works.
    enterCode(el, await totpCode(user.email));
    await settled(el, /U\.S\. Government information system/);
  });

  it('refuses a code already used, saying to wait for the next one', async () => {
    const user = await createActiveUser('Code Reuser');
    const { el } = await mount();
    await enterPassword(el, user.email, user.password);
    await settled(el, /Enter your one-time code/);
    const code = await totpCode(user.email);
    enterCode(el, code);
    await settled(el, /U\.S\. Government information system/);
    button(el, /Decline and sign out/).click();
    await settled(el, /Sign in to JusticeConnect/);
    await enterPassword(el, user.email, user.password);
    await settled(el, /Enter your one-time code/);
    enterCode(el, code);
    // The server's own words (English): the one error table (api/error-text.ts) has its translation.
    await settled(el, /That code was already used\. Wait for the next one/);
    expect(focusedId(el)).to.equal('jc-code');
    await expect(el).to.be.accessible();
  });

  it('sets up an authenticator for a new account: QR code and key, backup codes, then a code computed from the key, then the notice', async () => {
    const user = await createUser('New Enrollee');
    const { el, provider } = await mount();
    const announced: unknown[] = [];
    provider.addEventListener('jc-session-change', (e) => announced.push((e as CustomEvent).detail.state));
    await enterPassword(el, user.email, user.password);
    await settled(el, /Set up your authenticator app/);
    await waitUntil(() => shadow(el).querySelector('svg.qr'), 'the QR code');
    expect(focusedId(el)).to.equal('jc-step-title');
    const qr = shadow(el).querySelector('svg.qr')!;
    expect(qr.getAttribute('role')).to.equal('img');
    expect(qr.getAttribute('aria-label')).to.match(/QR code.*key written out below/);
    expect(/^M\d/.test(qr.querySelector('path')!.getAttribute('d') ?? ''), 'the QR code is drawn').to.equal(true);
    const key = shadow(el).querySelector('#jc-secret')!.textContent!;
    // (Assertions here never print the key or the codes.)
    expect(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/.test(key), 'the key in groups of four').to.equal(true);
    const backupCodes = [...shadow(el).querySelectorAll('.codes code')].map((c) => c.textContent!);
    expect(backupCodes.length).to.equal(10);
    const field = shadow(el).querySelector<HTMLInputElement>('#jc-enrol-code')!;
    expect(field.getAttribute('inputmode')).to.equal('numeric');
    expect(field.getAttribute('autocomplete')).to.equal('one-time-code');
    await expect(el).to.be.accessible();
    // The page hears that enrolment is under way, never the secret or the backup codes.
    const enrolling = announced.filter((state) => (state as { status?: string })?.status === 'enrol-required');
    expect(enrolling.length).to.be.greaterThan(0);
    expect(enrolling.every((state) => (state as { enrolment: unknown }).enrolment === null)).to.equal(true);
    expect(JSON.stringify(announced)).not.to.include(key.replace(/ /g, ''));

    enterCode(el, wrongCode(await totpFromSecret(key)), '#jc-enrol-code');
    await settled(el, /That code is not right/);
    enterCode(el, await totpFromSecret(key), '#jc-enrol-code');
    await settled(el, /U\.S\. Government information system/);
    expect(focusedId(el)).to.equal('jc-step-title');
    button(el, /I accept/).click();
    // A new account waits for its agency administrator.
    await settled(el, /waiting for approval by your agency administrator/);
    await expect(el).to.be.accessible();

    // Its next sign-in asks for a code; a saved backup code works instead, once.
    button(el, /Sign out/).click();
    await enterPassword(el, user.email, user.password);
    await settled(el, /Enter your one-time code/);
    button(el, /Use a backup code instead/).click();
    await settled(el, /Enter a backup code/);
    expect(focusedId(el)).to.equal('jc-backup-code');
    await expect(el).to.be.accessible();
    enterCode(el, backupCodes[0]!, '#jc-backup-code');
    await settled(el, /U\.S\. Government information system/);
  });

  it('says the account is locked after 5 wrong passwords, whatever the password then', async () => {
    const user = await createUser('Locked Out');
    const { el } = await mount();
    for (let i = 0; i < 4; i++) {
      await enterPassword(el, user.email, `wrong-password-${i}-attempt`);
      await settled(el, /do not match an account/);
      await waitUntil(() => shadow(el).querySelector('button[type=submit]')!.getAttribute('aria-disabled') === 'false');
    }
    await enterPassword(el, user.email, 'wrong-password-last-attempt');
    await settled(el, /This account is locked after too many failed sign-ins\. Ask your agency administrator/);
    expect(shadow(el).querySelector('#jc-password-error')!.getAttribute('role')).to.equal('alert');
    await expect(el).to.be.accessible();
    await waitUntil(() => shadow(el).querySelector('button[type=submit]')!.getAttribute('aria-disabled') === 'false');
    await enterPassword(el, user.email, user.password);
    await waitUntil(() => shadow(el).querySelector('button[type=submit]')!.getAttribute('aria-disabled') === 'false');
    await settled(el, /This account is locked/);
    expect(shadow(el).querySelector('#jc-code'), 'no code step for a locked account').to.equal(null);
  });

  it('warns politely, then assertively, before the idle timeout; Stay signed in keeps the session; at the deadline it signs out visibly', async () => {
    const user = await createActiveUser('Idle Officer');
    await signInPage(user);
    const { provider, el } = await mount();
    await settled(el, /Signed in as Idle Officer/);
    const session = provider.context!.session;
    // The session's limits and the live stream are round trips to the real server: a loaded machine's time (it once took over 5 s).
    await waitUntil(() => session.idle.deadline !== null && provider.context!.live.status === 'open', 'the idle deadline is known', { timeout: 15_000 });
    const clock = new ManualClock();
    session.clock = clock;
    const deadline = session.idle.deadline!;
    expect(session.idleTimeoutMinutes).to.equal(30);
    const status = () => shadow(el).querySelector('#jc-idle-status')!.textContent!.trim();
    const alert = () => shadow(el).querySelector('#jc-idle-alert')!.textContent!.trim();
    expect(status() + alert()).to.equal('');

    clock.advance(deadline - clock.now() - 115_000);
    await waitUntil(() => /you will be signed out in about 2 minutes/i.test(status()), 'the polite warning');
    expect(shadow(el).querySelector('#jc-idle-status')!.getAttribute('role')).to.equal('status');
    expect(alert()).to.equal('');
    await expect(el).to.be.accessible();

    clock.advance(60_000);
    await waitUntil(() => /You will be signed out in 1 minute\. Choose Stay signed in/.test(alert()), 'the assertive warning');
    expect(shadow(el).querySelector('#jc-idle-alert')!.getAttribute('role')).to.equal('alert');
    await expect(el).to.be.accessible();
    // Seen by a reader anywhere on the page, not only beside the sign-in panel (issue 23): with the panel scrolled out of view, the warning is in the window.
    const spacer = document.body.appendChild(Object.assign(document.createElement('div'), { style: 'height: 300vh' }));
    scrollTo(0, document.documentElement.scrollHeight);
    expect(el.getBoundingClientRect().bottom, 'the panel is out of view').to.be.lessThan(0);
    const warning = shadow(el).querySelector('.idle')!.getBoundingClientRect();
    expect(warning.top >= 0 && warning.bottom <= innerHeight, `the warning is in the window (${warning.top}–${warning.bottom} of ${innerHeight})`).to.equal(true);
    spacer.remove();
    scrollTo(0, 0);

    button(el, /Stay signed in/).click();
    // Staying signed in is a round trip to the real server: give it a loaded machine's time, not waitUntil's 1 s.
    await waitUntil(() => status() === 'You are still signed in.' && alert() === '', 'kept alive', { timeout: 10_000 });
    expect(session.idle.phase).to.equal('none');
    expect(focusedId(el)).to.equal('jc-step-title');
    expect(session.idle.deadline! - clock.now()).to.be.greaterThan(25 * 60_000, 'a new half hour');

    const signedOut = oneEvent(provider, 'jc-signed-out');
    clock.advance(session.idle.deadline! - clock.now() + 1);
    expect(((await signedOut) as CustomEvent).detail.reason).to.equal('idle');
    await settled(el, /You were signed out after 30 minutes without activity/);
    expect(focusedId(el)).to.equal('jc-ended', 'focus moves to what happened');
    await expect(el).to.be.accessible();
    await waitUntil(async () => (await fetch('/api/v1/me')).status === 401, 'the server session ended too', { timeout: 10_000 });
  });

  it('moves to signed out with its reason when any request finds the session timed out', async () => {
    const user = await createActiveUser('Expired Elsewhere');
    await signInPage(user);
    let expire = false;
    const fetcher = (input: RequestInfo | URL, init?: RequestInit) =>
      expire && String(input).includes('/api/v1/communities')
        ? Promise.resolve(new Response(JSON.stringify({ error: { code: 'SESSION_EXPIRED', message: 'Signed out.' } }), { status: 401, headers: { 'content-type': 'application/json' } }))
        : fetch(input, init);
    const provider = await fixture<JcProvider>(html`<jc-provider .fetcher=${fetcher}><jc-sign-in></jc-sign-in><jc-community-list></jc-community-list></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    await settled(el, /Signed in as Expired Elsewhere/);
    expire = true;
    await fullApi(provider.context!.api).listCommunities().catch(() => null);
    await settled(el, /You were signed out after 30 minutes without activity/);
    await settled(provider.querySelector('jc-community-list')!, /You were signed out after 30 minutes without activity/);
  });

  it('signs out visibly, as the idle timeout, when the live stream ends with reason idle', async () => {
    const user = await createActiveUser('Idle Stream');
    await signInPage(user);
    // The server's stream, held open until the test ends it the way the server does at the idle deadline.
    let stream: ReadableStreamDefaultController<Uint8Array> | null = null;
    const encoder = new TextEncoder();
    const fetcher = (input: RequestInfo | URL, init?: RequestInit) =>
      String(input).includes('/api/v1/events')
        ? Promise.resolve(
            new Response(
              new ReadableStream<Uint8Array>({
                start(controller) {
                  stream = controller;
                  controller.enqueue(encoder.encode('event: ready\ndata: {"lastEventId":0}\n\n'));
                },
              }),
              { status: 200, headers: { 'content-type': 'text/event-stream' } },
            ),
          )
        : fetch(input, init);
    const provider = await fixture<JcProvider>(html`<jc-provider .fetcher=${fetcher}><jc-sign-in></jc-sign-in></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    await settled(el, /Signed in as Idle Stream/);
    await waitUntil(() => stream !== null && provider.context!.live.status === 'open', 'the live stream to open');
    const signedOut = oneEvent(el, 'jc-signed-out');
    stream!.enqueue(encoder.encode('event: end\ndata: {"reason":"idle"}\n\n'));
    stream!.close();
    expect((await signedOut).detail).to.deep.equal({ reason: 'idle' });
    await settled(el, /You were signed out after 30 minutes without activity/);
    expect(provider.context!.live.status).to.equal('closed', 'no reconnecting to a session that is over');
    await expect(el).to.be.accessible();
  });

  it('keeps every other widget at "Finish signing in" until the notice is accepted', async () => {
    const user = await createActiveUser('Half Signed');
    const provider = await fixture<JcProvider>(html`<jc-provider><jc-sign-in></jc-sign-in><jc-community-list></jc-community-list></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    const list = provider.querySelector('jc-community-list')!;
    await enterPassword(el, user.email, user.password);
    await settled(el, /Enter your one-time code/);
    await settled(list, /Finish signing in/);
    enterCode(el, await totpCode(user.email));
    await settled(el, /I accept/);
    await settled(list, /Finish signing in/);
    await expect(list).to.be.accessible();
    button(el, /I accept/).click();
    await waitUntil(() => !/Finish signing in/.test(text(shadow(list))), 'the list loads once signed in');
  });

  it('keeps the session across a reload of the widget', async () => {
    const user = await createActiveUser('Persistent Officer');
    const first = await mount();
    await signInThroughWidget(first.el, user);
    const second = await mount();
    await settled(second.el, /Signed in as Persistent Officer/);
  });

  it('says when the password is wrong, in an alert next to the field, and keeps the user on the form', async () => {
    const user = await createUser();
    const { el } = await mount();
    await enterPassword(el, user.email, 'not-the-right-password');
    await settled(el, /do not match an account/);
    expect(shadow(el).querySelector('#jc-password-error[role=alert]')).to.exist;
    expect(shadow(el).querySelector('#jc-password')!.getAttribute('aria-describedby')).to.contain('jc-password-error');
    expect(focusedId(el)).to.equal('jc-password');
    await expect(el).to.be.accessible();
  });

  it('asks a user who has not opted in to opt in, and opts them in', async () => {
    const user = await createUser('Not Yet Opted');
    await activateUser(user.email, { optedIn: false });
    const { provider, el } = await mount();
    await signInThroughWidget(el, user);
    await settled(el, /Participate in JusticeConnect/);
    await expect(el).to.be.accessible();
    const fired = oneEvent(provider, 'jc-opted-in');
    button(el, /opt in/i).click();
    expect(((await fired) as CustomEvent).detail.user.optedIn).to.equal(true);
    await waitUntil(() => !/Participate in JusticeConnect/.test(text(shadow(el))));
    const me = await (await fetch('/api/v1/me')).json();
    expect(me.optedIn).to.equal(true);
  });

  it('signs out, ends the server session, and fires jc-signed-out', async () => {
    const user = await createActiveUser('Leaving Officer');
    const { provider, el } = await mount();
    await signInThroughWidget(el, user);
    const fired = oneEvent(provider, 'jc-signed-out');
    button(el, /Sign out/).click();
    expect(((await fired) as CustomEvent).detail.reason).to.equal('user');
    await settled(el, /Sign in to JusticeConnect/);
    expect(focusedId(el)).to.equal('jc-email');
    expect((await fetch('/api/v1/me')).status).to.equal(401);
  });

  it('shares one session between widgets under one provider', async () => {
    const user = await createActiveUser('Shared Session');
    const provider = await fixture(html`<jc-provider><jc-sign-in id="a"></jc-sign-in><jc-sign-in id="b"></jc-sign-in></jc-provider>`);
    const [a, b] = [provider.querySelector<JcSignIn>('#a')!, provider.querySelector<JcSignIn>('#b')!];
    await signInThroughWidget(a, user);
    await settled(b, /Signed in as Shared Session/);
    expect(shadow(b).activeElement, 'focus stays in the widget used').to.equal(null);
  });

  it('works without a provider, finding the API on the page origin', async () => {
    const user = await createActiveUser('Standalone Widget');
    const el = await fixture<JcSignIn>(html`<jc-sign-in></jc-sign-in>`);
    await signInThroughWidget(el, user);
    button(el, /Sign out/).click();
    await settled(el, /Sign in to JusticeConnect/);
  });

  it('signs in to a server on another, allow-listed origin: the challenge in the body, then a bearer token, never cookies', async () => {
    const { crossOriginApi } = await testConfig();
    // The runner may load this file in a tab an earlier file used (a feed's unsent draft can be there): start empty.
    sessionStorage.clear();
    const user = await createUser('Cross Origin Analyst', crossOriginApi);
    await activateUser(user.email);
    const { el } = await mount(crossOriginApi);
    await enterPassword(el, user.email, user.password);
    await settled(el, /Enter your one-time code/);
    expect(Object.keys(sessionStorage), 'the challenge is held in memory only').to.deep.equal([]);
    await expect(el).to.be.accessible();
    enterCode(el, await totpCode(user.email));
    await settled(el, /U\.S\. Government information system/);
    await expect(el).to.be.accessible();
    button(el, /I accept/).click();
    await settled(el, /Signed in as Cross Origin Analyst/);
    expect(Object.keys(sessionStorage)).to.deep.equal([`jc-token:${crossOriginApi}`]);
    // This page's own origin has no session: nothing travelled as a cookie.
    expect((await fetch('/api/v1/me')).status).to.equal(401);
    button(el, /Sign out/).click();
    await settled(el, /Sign in to JusticeConnect/);
    expect(sessionStorage.getItem(`jc-token:${crossOriginApi}`) === null, 'the token is gone').to.equal(true);
  });

  it('sets up an authenticator across origins too: the confirmed one’s bearer token replaces the password-only one', async () => {
    const { crossOriginApi } = await testConfig();
    const user = await createUser('Cross Origin Enrollee', crossOriginApi);
    const { provider, el } = await mount(crossOriginApi);
    await enterPassword(el, user.email, user.password);
    await waitUntil(() => shadow(el).querySelector('#jc-secret'), 'the key is shown', { timeout: 5000 });
    const passwordOnly = sessionStorage.getItem(`jc-token:${crossOriginApi}`);
    expect(typeof passwordOnly === 'string', 'a password-only session, to set up the authenticator').to.equal(true);
    const key = shadow(el).querySelector('#jc-secret')!.textContent!;
    enterCode(el, await totpFromSecret(key), '#jc-enrol-code');
    await settled(el, /U\.S\. Government information system/);
    expect(sessionStorage.getItem(`jc-token:${crossOriginApi}`) !== passwordOnly, 'a new token').to.equal(true);
    button(el, /I accept/).click();
    await settled(el, /Signed in as Cross Origin Enrollee/);
    expect(provider.context!.session.me!.email).to.equal(user.email);
    button(el, /Sign out/).click();
    await settled(el, /Sign in to JusticeConnect/);
  });

  it('says so in an alert when the server cannot be reached at sign-in', async () => {
    const el = await fixture<JcSignIn>(html`<jc-sign-in api="http://127.0.0.1:9"></jc-sign-in>`);
    await enterPassword(el, 'someone@agency.demo.test', 'any-password-at-all');
    await settled(el, /Could not reach JusticeConnect/);
    expect(shadow(el).querySelector('[role=alert]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('shows an error state with a retry when the session cannot be loaded', async () => {
    let fail = true;
    const fetcher = (input: RequestInfo | URL, init?: RequestInit) => (fail ? Promise.reject(new TypeError('offline')) : fetch(input, init));
    const provider = await fixture(html`<jc-provider .fetcher=${fetcher}><jc-sign-in></jc-sign-in></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    await settled(el, /Could not reach JusticeConnect/);
    await expect(el).to.be.accessible();
    fail = false;
    button(el, /Try again/).click();
    await settled(el, /Sign in to JusticeConnect/);
  });
});
