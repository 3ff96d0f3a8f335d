/**
 * The themes: every colour pair's contrast, computed from the definitions
 * (styles/themes.ts, and the USWDS example in themes/uswds.css), and how a
 * widget picks its theme (the page's --jc-* properties, its own `theme`, its
 * provider's, the reader's system, forced colours).
 */
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../provider/provider.js';
import '../sign-in/sign-in.js';
import { baseTokens, colorPairs, contrast, palettes, requiredContrast, themes, type ThemeColors } from './themes.js';

const HEX = /^#[0-9a-f]{6}$/i;

/** Every pair below its minimum, and the lowest text and UI ratios. */
function check(name: string, palette: ThemeColors, highContrast: boolean) {
  const failures: string[] = [];
  let text = Infinity;
  let ui = Infinity;
  for (const pair of colorPairs) {
    const ratio = contrast(palette[pair.fg], palette[pair.bg]);
    const needed = requiredContrast(pair.kind, highContrast);
    if (pair.kind === 'text') text = Math.min(text, ratio);
    else ui = Math.min(ui, ratio);
    if (ratio < needed) failures.push(`${name}: --jc-${pair.fg} on --jc-${pair.bg} (${pair.where}) is ${ratio.toFixed(2)}:1, under ${needed}:1`);
  }
  console.log(`${name}: lowest text contrast ${text.toFixed(2)}:1, lowest UI contrast ${ui.toFixed(2)}:1`);
  return failures;
}

/** The computed value of a colour as #rrggbb. */
function hex(rgb: string): string {
  const m = rgb.match(/rgba?\((\d+),\s*(\d+),\s*(\d+)/);
  if (!m) throw new Error(`Not an rgb() colour: ${rgb}`);
  return '#' + [m[1], m[2], m[3]].map((n) => Number(n).toString(16).padStart(2, '0')).join('');
}

const media = (features: { name: string; value: string }[]) => executeServerCommand('jc-media', { features });
const token = (el: Element, name: string) => getComputedStyle(el).getPropertyValue(name).trim().toLowerCase();

describe('theme definitions', () => {
  it('give every colour in every palette as #rrggbb, and every palette the same keys', () => {
    const keys = Object.keys(palettes.light).sort();
    for (const [name, palette] of Object.entries(palettes)) {
      expect(Object.keys(palette).sort(), name).to.deep.equal(keys);
      for (const [key, value] of Object.entries(palette)) if (key !== 'color-scheme') expect(value, `${name} ${key}`).to.match(HEX);
    }
  });

  it('meet WCAG AA in light and dark (4.5:1 text, 3:1 edges, icons and focus) and 7:1 text in high contrast', () => {
    const failures = Object.entries(palettes).flatMap(([name, palette]) => check(name, palette, name.startsWith('high-contrast')));
    expect(failures).to.deep.equal([]);
  });

  it('draw a focus outline at least 2px wide', () => {
    const probe = document.createElement('div');
    probe.style.width = baseTokens['focus-width'];
    document.body.append(probe);
    expect(probe.getBoundingClientRect().width).to.be.at.least(2);
    probe.remove();
  });

  it('and the USWDS example theme (themes/uswds.css) sets every colour, and meets WCAG AA too', async () => {
    const css = await (await fetch('/packages/components/themes/uswds.css')).text();
    const set = Object.fromEntries([...css.matchAll(/--jc-([\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
    const missing = Object.keys(palettes.light).filter((key) => !(key in set));
    expect(missing, 'colours uswds.css does not set').to.deep.equal([]);
    expect(check('uswds', { ...palettes.light, ...set } as ThemeColors, false)).to.deep.equal([]);
  });
});

describe('choosing a theme', () => {
  afterEach(async () => {
    await media([]);
    document.documentElement.style.removeProperty('--jc-color-primary');
  });

  it("follows the reader's system without a theme: light, dark, more contrast, both", async () => {
    const el = await fixture(html`<jc-sign-in></jc-sign-in>`);
    expect(token(el, '--_bg')).to.equal(themes.light['color-surface']);
    await media([{ name: 'prefers-color-scheme', value: 'dark' }]);
    expect(token(el, '--_bg')).to.equal(themes.dark['color-surface']);
    expect(token(el, '--_fg')).to.equal(themes.dark['color-text']);
    await media([{ name: 'prefers-contrast', value: 'more' }]);
    expect(token(el, '--_primary')).to.equal(themes['high-contrast']['color-primary']);
    await media([
      { name: 'prefers-contrast', value: 'more' },
      { name: 'prefers-color-scheme', value: 'dark' },
    ]);
    expect(token(el, '--_bg')).to.equal(palettes['high-contrast-dark']['color-surface']);
  });

  it("takes its provider's theme over the system's, and its own over its provider's", async () => {
    await media([{ name: 'prefers-color-scheme', value: 'dark' }]);
    const provider = await fixture(html`<jc-provider theme="light"><jc-sign-in></jc-sign-in><jc-sign-in theme="high-contrast"></jc-sign-in></jc-provider>`);
    const [inherits, own] = provider.querySelectorAll('jc-sign-in');
    expect(token(inherits!, '--_bg')).to.equal(themes.light['color-surface']);
    expect(token(inherits!, '--_danger')).to.equal(themes.light['color-danger']);
    expect(token(own!, '--_primary')).to.equal(themes['high-contrast']['color-primary']);
    provider.setAttribute('theme', 'dark');
    expect(token(inherits!, '--_bg')).to.equal(themes.dark['color-surface']);
    own!.setAttribute('theme', 'light');
    expect(token(own!, '--_bg')).to.equal(themes.light['color-surface']);
  });

  it("lets the page's --jc-* properties win over every theme: on the page, the provider or the widget", async () => {
    document.documentElement.style.setProperty('--jc-color-primary', '#123456');
    const provider = await fixture(html`<jc-provider theme="dark" style="--jc-color-surface: #222233"><jc-sign-in theme="high-contrast" style="--jc-color-text: #fefefe"></jc-sign-in></jc-provider>`);
    const el = provider.querySelector('jc-sign-in')!;
    expect(token(el, '--_primary')).to.equal('#123456');
    expect(token(el, '--_bg')).to.equal('#222233');
    expect(token(el, '--_fg')).to.equal('#fefefe');
    expect(token(el, '--_danger')).to.equal(themes['high-contrast']['color-danger']);
  });

  it("draws the focus outline at least 2px wide and at 3:1 against the panel in every theme, and in the system's highlight under forced colours", async () => {
    for (const name of Object.keys(themes) as (keyof typeof themes)[]) {
      const el = await fixture(html`<jc-sign-in theme=${name}></jc-sign-in>`);
      const button = document.createElement('button');
      button.textContent = 'Probe';
      el.shadowRoot!.append(button);
      button.focus({ focusVisible: true } as FocusOptions);
      const style = getComputedStyle(button);
      expect(style.outlineStyle, name).to.equal('solid');
      expect(parseFloat(style.outlineWidth), name).to.be.at.least(2);
      expect(contrast(hex(style.outlineColor), themes[name]['color-surface']), name).to.be.at.least(3);
    }
    await media([{ name: 'forced-colors', value: 'active' }]);
    const el = await fixture(html`<jc-sign-in theme="light"></jc-sign-in>`);
    expect(token(el, '--_focus')).to.contain('highlight');
  });

  it('stops animations and transitions for a reader who prefers reduced motion', async () => {
    const el = await fixture(html`<jc-sign-in></jc-sign-in>`);
    const probe = document.createElement('p');
    probe.style.transition = 'opacity 1s';
    el.shadowRoot!.append(probe);
    expect(getComputedStyle(probe).transitionDuration).to.equal('1s');
    await media([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    expect(getComputedStyle(probe).transitionDuration).to.not.equal('1s');
  });
});
