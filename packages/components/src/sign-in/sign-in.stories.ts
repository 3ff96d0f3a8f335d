import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../provider/provider.js';
import './sign-in.js';
import { FIXTURE_CODE, fixtureUsers, type FixtureOptions } from '../testing/fixtures.js';
import { attr, inFixtures, widgetArgTypes, widgetArgs, type WidgetArgs } from '../testing/story-args.js';

interface Args extends WidgetArgs {
  fixture: FixtureOptions;
}

/** Waits for an element inside the widget's shadow root (the stories' steps run on the rendered widget). */
async function inWidget<T extends Element>(canvas: HTMLElement, selector: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = canvas.querySelector('jc-sign-in')?.shadowRoot?.querySelector<T>(selector);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${selector} did not appear`);
}

/** Fills in the password step as a person would (the fixtures' demo password). */
async function enterPassword(canvas: HTMLElement, email = fixtureUsers.optedIn.email) {
  (await inWidget<HTMLInputElement>(canvas, '#jc-email')).value = email;
  (await inWidget<HTMLInputElement>(canvas, '#jc-password')).value = 'corridor-demo-2026';
  (await inWidget<HTMLButtonElement>(canvas, 'button[type=submit]')).click();
}

/**
 * `jc-sign-in` signs a user in — email and password, then the one-time code
 * from their authenticator app (or a backup code), then the system-use
 * notice — and sets up an authenticator for an account without one. These
 * stories run on recorded fixtures: sign in as `dana.reyes@txdps.demo.test` /
 * `corridor-demo-2026`, with the code `123456` (`111111` "was already used").
 */
const meta: Meta<Args> = {
  title: 'Widgets/Sign in',
  component: 'jc-sign-in',
  args: widgetArgs,
  argTypes: widgetArgTypes,
  render: ({ fixture, theme, api }) => inFixtures(fixture, html`<jc-sign-in theme=${attr(theme)} api=${attr(api)}></jc-sign-in>`),
};
export default meta;

type Story = StoryObj<Args>;

/** Step 1: email and password. */
export const Password: Story = { args: { fixture: { me: null, delay: 300 } } };

/** Step 2: the 6-digit code from the authenticator app (`123456` here), or a backup code instead. */
export const Code: Story = {
  args: { fixture: { me: null } },
  play: async ({ canvasElement }) => enterPassword(canvasElement),
};

/** An account without an authenticator sets one up: the QR code and the key to type, the backup codes, then a code to confirm (`123456`). */
export const Enrol: Story = {
  args: { fixture: { me: null, signIn: 'enrol' } },
  play: async ({ canvasElement }) => enterPassword(canvasElement),
};

/** Step 3: the system-use notice, accepted before anything else answers. */
export const Notice: Story = { args: { fixture: { me: fixtureUsers.optedIn, stage: 'notice' } } };

/** Five failed sign-ins lock the account until an administrator unlocks it. */
export const Locked: Story = {
  args: { fixture: { me: null, signIn: 'locked' } },
  play: async ({ canvasElement }) => enterPassword(canvasElement),
};

/** A wrong code, said next to the field. */
export const WrongCode: Story = {
  args: { fixture: { me: null } },
  play: async ({ canvasElement }) => {
    await enterPassword(canvasElement);
    const code = await inWidget<HTMLInputElement>(canvasElement, '#jc-code');
    code.value = FIXTURE_CODE.split('').reverse().join('');
    code.form!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
  },
};

/** About 2 minutes before the idle timeout (here a 150-second one): a polite warning and "Stay signed in"; an assertive one in the last minute. */
export const IdleWarning: Story = { args: { fixture: { me: fixtureUsers.optedIn, idleTimeoutSeconds: 150 } } };

export const SignedIn: Story = { args: { fixture: { me: fixtureUsers.optedIn } } };
export const NeedsOptIn: Story = { args: { fixture: { me: fixtureUsers.notOptedIn } } };
export const Loading: Story = { args: { fixture: { pending: true } } };
export const Offline: Story = { args: { fixture: { offline: true } } };
