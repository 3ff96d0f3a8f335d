import { expect, fixture, html as testHtml } from '@open-wc/testing';
import { html } from 'lit';
import { property } from 'lit/decorators.js';
import { ApiError } from '../api/client.js';
import { communityEndpoints } from '../api/communities.js';
import type { Community } from '../api/schemas.js';
import type { SessionStore } from '../api/session.js';
import type { LiveEvent } from '../api/events.js';
import type { JcController } from '../context.js';
import { LiveController } from '../live.js';
import '../provider/provider.js';
import type { JcProvider } from '../provider/provider.js';
import { activateUser, createActiveUser, createUser, signInSession, signOutPage } from '../testing/server.js';
import { waitUntil } from '../testing/wait.js';
import { JcElement, customElement, define } from './element.js';
import type { FrameOptions } from './frame.js';
import type { Resource } from './resource.js';

/*
 * The widget kernel, in Chromium. What the server decides (who is signed in,
 * a 401 once the session is gone, OPT_IN_REQUIRED, 404) comes from the real
 * server; what only the kernel decides (which of two answers wins, a quiet
 * refresh's failure) from loads the test holds and lets go of.
 */

declare module './element.js' {
  interface JcEventMap {
    'jc-kernel-test': { n: number };
  }
}

const text = (el: Element) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** A load the test answers (or fails) when it likes. */
interface Pending {
  input: string;
  signal: AbortSignal;
  resolve: (value: string) => void;
  reject: (error: unknown) => void;
}

/** A widget on the kernel whose load is held by the test, or goes to the real server (`source`). */
@customElement('jc-kernel-test')
class KernelTest extends JcElement<[typeof communityEndpoints]> {
  static override resources = [communityEndpoints];
  @property() input = 'a';
  @property({ attribute: false }) source: 'held' | 'communities' | 'community' = 'held';
  frameOptions: FrameOptions<string> = { signedOut: 'Sign in to test.', optIn: 'Opt in to test.', loading: 'Loading the test…', notAvailable: 'This test is not available.', empty: (v) => (v === '' ? html`<p class="empty">Nothing.</p>` : null) };
  pending: Pending[] = [];
  resets = 0;

  readonly data: Resource<string, [string]> = this.resource({
    args: () => [this.input] as [string],
    load: ([input], signal) => {
      if (this.source === 'communities') return this.jc.api.listCommunities({ scope: 'mine', limit: 5 }).then((page) => page.items.map((c: Community) => c.name).join(','));
      if (this.source === 'community') return this.jc.api.getCommunity(input).then((c: Community) => c.name);
      return new Promise<string>((resolve, reject) => this.pending.push({ input, signal, resolve, reject }));
    },
    onReset: () => this.resets++,
  });

  fire(n: number) {
    return this.emit('jc-kernel-test', { n });
  }

  fail(err: unknown) {
    return this.failed(err);
  }

  override render() {
    return html`${this.frame(this.data, this.frameOptions, (v) => html`<p class="ready">${v}</p>`)}`;
  }
}

async function mount(source: KernelTest['source'] = 'held', input = 'a') {
  const page = await fixture<HTMLDivElement>(testHtml`<div><jc-provider><jc-kernel-test .source=${source} input=${input}></jc-kernel-test></jc-provider></div>`);
  const provider = page.querySelector<JcProvider>('jc-provider')!;
  const el = page.querySelector<KernelTest>('jc-kernel-test')!;
  await waitUntil(() => provider.context!.session.state.status !== 'idle' && provider.context!.session.state.status !== 'loading', 'the session is known');
  return { provider, el, session: provider.context!.session };
}

const settled = (el: KernelTest, pattern: RegExp) => waitUntil(() => pattern.test(text(el)), `waiting for ${pattern} in: ${text(el)}`, { timeout: 5000 });

describe('widget kernel (against the real server)', () => {
  afterEach(signOutPage);

  it('loads for whoever is signed in: nothing signed out, a load once signed in, the data dropped again at sign-out', async () => {
    const { el, session } = await mount();
    expect(text(el)).to.equal('Sign in to test.');
    expect(el.pending, 'no load for nobody').to.have.length(0);
    await signInSession(session, await createActiveUser('Kernel Tester'));
    await settled(el, /Loading the test…/);
    expect(el.pending).to.have.length(1);
    el.pending[0]!.resolve('first');
    await settled(el, /^first$/);
    expect(el.data.status).to.equal('ready');
    await session.signOut();
    await settled(el, /^Sign in to test\.$/);
    expect(el.data.value, 'signed out, the data is gone').to.equal(undefined);
    expect(el.resets).to.be.greaterThan(0);
  });

  it('drops an answer that a newer load (a changed input, or Try again) superseded, and aborts its signal', async () => {
    const { el, session } = await mount();
    await signInSession(session, await createActiveUser('Kernel Stale'));
    await waitUntil(() => el.pending.length === 1, 'the first load');
    el.input = 'b';
    await waitUntil(() => el.pending.length === 2, 'the second load');
    const [first, second] = el.pending as [Pending, Pending];
    expect(first.signal.aborted, 'the first load is aborted').to.equal(true);
    second.resolve('for b');
    await settled(el, /^for b$/);
    first.resolve('for a, late');
    await new Promise((r) => setTimeout(r, 50));
    expect(text(el), 'the late answer is dropped').to.equal('for b');
    el.data.reload();
    await settled(el, /Loading the test…/);
    el.pending[2]!.reject(new ApiError(500, 'INTERNAL', 'boom'));
    await settled(el, /Try again/);
    expect(el.shadowRoot!.querySelector('[part="error"][role="alert"]')).to.exist;
    el.shadowRoot!.querySelector<HTMLButtonElement>('button')!.click();
    await waitUntil(() => el.pending.length === 4, 'Try again loads again');
    el.pending[3]!.resolve('');
    await settled(el, /^Nothing\.$/);
  });

  it('refreshes quietly: what is shown stays on failure (the failure is answered), and a refresh a load overtook answers undefined', async () => {
    const { el, session } = await mount();
    await signInSession(session, await createActiveUser('Kernel Quiet'));
    await waitUntil(() => el.pending.length === 1, 'the load');
    el.pending[0]!.resolve('shown');
    await settled(el, /^shown$/);
    const failing = el.data.refresh();
    await waitUntil(() => el.pending.length === 2, 'the refresh');
    expect(text(el), 'no Loading during a refresh').to.equal('shown');
    el.pending[1]!.reject(new ApiError(0, 'NETWORK', 'offline'));
    expect((await failing)?.code).to.equal('NETWORK');
    expect(text(el)).to.equal('shown');
    expect(el.data.status).to.equal('ready');
    const overtaken = el.data.refresh();
    await waitUntil(() => el.pending.length === 3, 'the second refresh');
    el.data.reload();
    expect(await overtaken, 'superseded').to.equal(undefined);
    el.pending[3]!.resolve('reloaded');
    await settled(el, /^reloaded$/);
    const ok = el.data.refresh();
    await waitUntil(() => el.pending.length === 5, 'the third refresh');
    el.pending[4]!.resolve('refreshed');
    expect(await ok).to.equal(null);
    expect(el.data.value).to.equal('refreshed');
  });

  it('asks a user who has not opted in to opt in (the server says OPT_IN_REQUIRED), and loads once they do', async () => {
    const user = await createUser('Kernel Opt-in');
    await activateUser(user.email, { optedIn: false });
    const { el, session } = await mount('communities');
    await signInSession(session, user);
    await settled(el, /Opt in to test\./);
    el.shadowRoot!.querySelector<HTMLButtonElement>('button')!.click();
    await settled(el, /^Nothing\.$/);
    expect(session.me?.optedIn).to.equal(true);
  });

  it('shows "not available" for a 404 from the server', async () => {
    const { el, session } = await mount('community', `no-such-community-${Date.now()}`);
    await signInSession(session, await createActiveUser('Kernel 404'));
    await settled(el, /^This test is not available\.$/);
  });

  it('leaves a session the server ended to the session store: the 401s sign the widget out with no second check', async () => {
    const { provider, el, session } = await mount('communities');
    await signInSession(session, await createActiveUser('Kernel 401'));
    await waitUntil(() => el.data.status === 'ready', 'loaded');
    // The server forgets the session; the widget does not know yet (nor does the live stream, stopped so it cannot tell).
    provider.context!.live.stop();
    await signOutPage();
    const counted = countRefreshes(session);
    try {
      await Promise.all([1, 2, 3].map(() => el.data.refresh()));
      await settled(el, /^Sign in to test\.$/);
      expect(el.data.value, 'the data went with the session').to.equal(undefined);
      expect(counted.n, 'the session store signed out on the 401 itself').to.equal(0);
    } finally {
      counted.restore();
    }
  });

  it('checks the session once for 401s the session store did not act on, however many came at once', async () => {
    const { el, session } = await mount('communities');
    await signInSession(session, await createActiveUser('Kernel 401 once'));
    await waitUntil(() => el.data.status === 'ready', 'loaded');
    const counted = countRefreshes(session);
    try {
      for (let i = 0; i < 3; i++) el.fail(new ApiError(401, 'UNHEARD', 'a 401 no one acted on'));
      expect(counted.n).to.equal(1);
      await waitUntil(() => session.state.status === 'signed-in', 'the check finds the session alive');
      await waitUntil(() => el.data.status === 'ready', 'and the data loads again for the same user');
    } finally {
      counted.restore();
    }
  });
});

/** Counts the session's re-checks (its refresh()). */
function countRefreshes(session: SessionStore) {
  const refresh = session.refresh.bind(session);
  const counted = {
    n: 0,
    restore: () => {
      session.refresh = refresh;
    },
  };
  session.refresh = () => {
    counted.n++;
    return refresh();
  };
  return counted;
}

describe('widget kernel (in the page)', () => {
  it('fires typed jc-* events that bubble out of shadow roots', async () => {
    const page = await fixture<HTMLDivElement>(testHtml`<div><jc-kernel-test></jc-kernel-test></div>`);
    const el = page.querySelector<KernelTest>('jc-kernel-test')!;
    let heard: CustomEvent<{ n: number }> | null = null;
    page.addEventListener('jc-kernel-test', (e) => (heard = e as CustomEvent<{ n: number }>));
    expect(el.fire(7)).to.equal(true);
    expect(heard!.detail.n).to.equal(7);
    expect(heard!.composed && heard!.bubbles).to.equal(true);
  });

  it('LiveController: one refresh for a burst of events (those onEvent declines aside) and for a resync; none after the widget leaves', async () => {
    const listeners: ((e: LiveEvent) => void)[] = [];
    const stream = Object.assign(new EventTarget(), {
      subscribe: (_topics: string[], listener: (e: LiveEvent) => void) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    });
    const page = await fixture<HTMLDivElement>(testHtml`<div><jc-kernel-test></jc-kernel-test></div>`);
    const el = page.querySelector<KernelTest>('jc-kernel-test')!;
    let refreshes = 0;
    new LiveController(el, { value: { live: stream } } as unknown as JcController, {
      topics: () => ['*'],
      onEvent: (e) => e.type !== 'ignored',
      refresh: () => refreshes++,
      debounce: 30,
    });
    expect(listeners).to.have.length(1);
    const event = (type: string) => ({ type, payload: {} }) as unknown as LiveEvent;
    for (let i = 0; i < 5; i++) listeners[0]!(event('step.changed'));
    await new Promise((r) => setTimeout(r, 10));
    listeners[0]!(event('step.changed'));
    await new Promise((r) => setTimeout(r, 80));
    expect(refreshes, 'one refresh for the burst').to.equal(1);
    listeners[0]!(event('ignored'));
    await new Promise((r) => setTimeout(r, 80));
    expect(refreshes, 'a declined event schedules nothing').to.equal(1);
    stream.dispatchEvent(new Event('resync'));
    await new Promise((r) => setTimeout(r, 80));
    expect(refreshes, 'a resync refreshes').to.equal(2);
    listeners[0]!(event('step.changed'));
    el.remove();
    await new Promise((r) => setTimeout(r, 80));
    expect(refreshes, 'nothing after the widget left').to.equal(2);
    expect(listeners, 'unsubscribed').to.have.length(0);
  });

  it('defines a tag once: a second bundle defining it again does not throw', () => {
    class Again extends HTMLElement {}
    expect(() => define('jc-kernel-test', Again)).not.to.throw();
    expect(customElements.get('jc-kernel-test')).to.equal(KernelTest);
    expect(() => customElement('jc-kernel-test')(Again)).not.to.throw();
    define('jc-kernel-fresh', Again);
    expect(customElements.get('jc-kernel-fresh')).to.equal(Again);
  });
});
