/**
 * The widgets' themes: the one place their token values are written.
 *
 * Every key is a public custom property without its `--jc-` prefix
 * (`color-surface` is `--jc-color-surface`). From these objects
 * `styles/tokens.ts` and the provider's styles generate the CSS (static,
 * trusted strings only), `themes.test.ts` checks every colour pair's contrast,
 * and the README's token table is written from them.
 *
 * A widget's colours come, first found wins, from: a `--jc-*` custom property
 * set by the page (on the widget, its provider or any ancestor); the theme the
 * widget's own `theme` attribute names, or else its nearest provider's
 * `theme`; the reader's system: `light`, `dark` under `prefers-color-scheme:
 * dark`, `high-contrast` under `prefers-contrast: more` (and its dark variant,
 * `highContrastDark`, when the reader asks for both). Under `forced-colors:
 * active` (Windows contrast themes) the system colours win over all of them.
 */

/** The colours a theme sets. */
export interface ThemeColors {
  /** Native controls (checkboxes, selects, scrollbars): `light` or `dark`. */
  'color-scheme': 'light' | 'dark';
  /** The panel's and fields' background. */
  'color-surface': string;
  /** Text. */
  'color-text': string;
  /** Secondary text: author and date lines, hints, counts, loading text. */
  'color-text-muted': string;
  /** Borders of the panel, fields, buttons and dividers (3:1 against the surface: fields' edges must be seen). */
  'color-border': string;
  /** Buttons, links, selected items, the progress bar. */
  'color-primary': string;
  /** Text and icons on the primary colour. */
  'color-on-primary': string;
  /** The focus outline's colour. */
  'color-focus': string;
  /** Errors: messages, fields in error, outage icons, destructive buttons. */
  'color-danger': string;
  /** Error messages' and error banners' background. */
  'color-danger-surface': string;
  /** Success: the edge of the message that announces an action's result, the answered badge. */
  'color-success': string;
  /** Success banners' background. */
  'color-success-surface': string;
  /** Warnings: the maintenance icons' fill, the warning banners' edge. */
  'color-warning': string;
  /** Warning banners' background. */
  'color-warning-surface': string;
  /** Icons on the warning and caution fills. */
  'color-on-warning': string;
  /** Degraded service: its icon's fill. */
  'color-caution': string;
  /** Information: the information banners' edge. */
  'color-info': string;
  /** Information banners' background. */
  'color-info-surface': string;
  /** The emergency banner's background. */
  'color-emergency': string;
  /** The emergency banner's text and icon. */
  'color-on-emergency': string;
  /** A service the reader has no access to: its background. */
  'color-locked-surface': string;
  /** Icon-only indicators, the drag grip, a locked service's icon. */
  'color-icon-muted': string;
  /** A tooltip's background. */
  'tooltip-bg': string;
  /** A tooltip's text. */
  'tooltip-text': string;
}

/** Type, spacing, shape and focus: the same in every theme. */
export interface BaseTokens {
  /** The font. */
  'font-family': string;
  /** Headings' font (the body font unless set). */
  'font-family-heading': string;
  /** The base font size. */
  'font-size': string;
  /** Small text: author and date lines, hints, small buttons. */
  'font-size-small': string;
  /** The widget's heading. */
  'font-size-heading': string;
  /** The body's line height. */
  'line-height': string;
  /** The panel's padding. */
  space: string;
  /** Corner radius of the panel, buttons and fields. */
  radius: string;
  /** The focus outline's width (at least 2px: WCAG 2.4.11 and 2.4.13). */
  'focus-width': string;
}

export type ThemeName = 'light' | 'dark' | 'high-contrast';

/** Light, from USWDS system colours: ink on white, blue-60v primary. */
const light: ThemeColors = {
  'color-scheme': 'light',
  'color-surface': '#ffffff',
  'color-text': '#1b1b1b',
  'color-text-muted': '#565c65',
  'color-border': '#8d9297',
  'color-primary': '#005ea2',
  'color-on-primary': '#ffffff',
  'color-focus': '#0076d6',
  'color-danger': '#b50909',
  'color-danger-surface': '#f4e3db',
  'color-success': '#00a91c',
  'color-success-surface': '#ecf3ec',
  'color-warning': '#ffbe2e',
  'color-warning-surface': '#faf3d1',
  'color-on-warning': '#1b1b1b',
  'color-caution': '#e5a000',
  'color-info': '#00bde3',
  'color-info-surface': '#e7f6f8',
  'color-emergency': '#9c3d10',
  'color-on-emergency': '#ffffff',
  'color-locked-surface': '#f0f0f0',
  'color-icon-muted': '#565c65',
  'tooltip-bg': '#1b1b1b',
  'tooltip-text': '#ffffff',
};

/** Dark: light text on ink, lighter grades of the same families. */
const dark: ThemeColors = {
  'color-scheme': 'dark',
  'color-surface': '#1b1b1b',
  'color-text': '#f0f0f0',
  'color-text-muted': '#c6cace',
  'color-border': '#8d9297',
  'color-primary': '#73b3e7',
  'color-on-primary': '#1b1b1b',
  'color-focus': '#58b4ff',
  'color-danger': '#f8a9a9',
  'color-danger-surface': '#3b1414',
  'color-success': '#70e17b',
  'color-success-surface': '#19311e',
  'color-warning': '#ffbe2e',
  'color-warning-surface': '#3b2b15',
  'color-on-warning': '#1b1b1b',
  'color-caution': '#e5a000',
  'color-info': '#52daf2',
  'color-info-surface': '#093b44',
  'color-emergency': '#9c3d10',
  'color-on-emergency': '#ffffff',
  'color-locked-surface': '#2d2e2f',
  'color-icon-muted': '#c6cace',
  'tooltip-bg': '#f0f0f0',
  'tooltip-text': '#1b1b1b',
};

/** High contrast: black on white, the darkest grades; every text pair at least 7:1. */
const highContrast: ThemeColors = {
  'color-scheme': 'light',
  'color-surface': '#ffffff',
  'color-text': '#000000',
  'color-text-muted': '#2d2e2f',
  'color-border': '#000000',
  'color-primary': '#0b4778',
  'color-on-primary': '#ffffff',
  'color-focus': '#0050d8',
  'color-danger': '#8b0a03',
  'color-danger-surface': '#fff3f2',
  'color-success': '#154c21',
  'color-success-surface': '#e3f5e1',
  'color-warning': '#ffbe2e',
  'color-warning-surface': '#fef0c8',
  'color-on-warning': '#000000',
  'color-caution': '#e5a000',
  'color-info': '#0e4f5c',
  'color-info-surface': '#e5faff',
  'color-emergency': '#8b0a03',
  'color-on-emergency': '#ffffff',
  'color-locked-surface': '#f0f0f0',
  'color-icon-muted': '#2d2e2f',
  'tooltip-bg': '#000000',
  'tooltip-text': '#ffffff',
};

/**
 * High contrast for a reader whose system asks for both more contrast and a
 * dark scheme: white on black. Not a `theme` value (a host that sets
 * `theme="high-contrast"` gets the light one); the system's choice only.
 */
const highContrastDark: ThemeColors = {
  'color-scheme': 'dark',
  'color-surface': '#000000',
  'color-text': '#ffffff',
  'color-text-muted': '#dfe1e2',
  'color-border': '#ffffff',
  'color-primary': '#a1d3ff',
  'color-on-primary': '#000000',
  'color-focus': '#ffbe2e',
  'color-danger': '#fdb8ae',
  'color-danger-surface': '#1b1616',
  'color-success': '#70e17b',
  'color-success-surface': '#1a1f1a',
  'color-warning': '#ffbe2e',
  'color-warning-surface': '#191714',
  'color-on-warning': '#000000',
  'color-caution': '#e5a000',
  'color-info': '#52daf2',
  'color-info-surface': '#111819',
  'color-emergency': '#5c1111',
  'color-on-emergency': '#ffffff',
  'color-locked-surface': '#1b1b1b',
  'color-icon-muted': '#dfe1e2',
  'tooltip-bg': '#ffffff',
  'tooltip-text': '#000000',
};

/** The themes a host chooses with `theme="…"`. */
export const themes: Record<ThemeName, ThemeColors> = { light, dark, 'high-contrast': highContrast };

/** Every palette, the system-only high-contrast dark one too (for the contrast checks). */
export const palettes: Record<ThemeName | 'high-contrast-dark', ThemeColors> = { light, dark, 'high-contrast': highContrast, 'high-contrast-dark': highContrastDark };

/** Type, spacing, shape and focus defaults. `var(--_…)` values refer to the widget's own resolved tokens. */
export const baseTokens: BaseTokens = {
  'font-family': "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  'font-family-heading': 'var(--_font)',
  'font-size': '1rem',
  'font-size-small': '0.875rem',
  'font-size-heading': '1.25rem',
  'line-height': '1.5',
  space: '1rem',
  radius: '0.25rem',
  'focus-width': '0.25rem',
};

/** The contrast a pair needs: `text` 4.5:1 (7:1 in high contrast), `ui` 3:1 (WCAG 1.4.3, 1.4.6, 1.4.11). */
export type PairKind = 'text' | 'ui';

/** A foreground and the background it is drawn on, both theme keys, and where the widgets draw it. */
export interface ColorPair {
  fg: keyof ThemeColors;
  bg: keyof ThemeColors;
  kind: PairKind;
  where: string;
}

/** Every foreground/background pair the widgets draw. */
export const colorPairs: ColorPair[] = [
  { fg: 'color-text', bg: 'color-surface', kind: 'text', where: 'text' },
  { fg: 'color-text-muted', bg: 'color-surface', kind: 'text', where: 'secondary text' },
  { fg: 'color-primary', bg: 'color-surface', kind: 'text', where: 'links, secondary buttons' },
  { fg: 'color-on-primary', bg: 'color-primary', kind: 'text', where: 'primary buttons, pressed toggles' },
  { fg: 'color-danger', bg: 'color-surface', kind: 'text', where: 'field errors, failed posts' },
  { fg: 'color-surface', bg: 'color-danger', kind: 'text', where: 'destructive buttons, outage icons' },
  { fg: 'color-danger', bg: 'color-danger-surface', kind: 'text', where: 'error messages' },
  { fg: 'color-text', bg: 'color-danger-surface', kind: 'text', where: 'error banners, sign-out notice' },
  { fg: 'color-text', bg: 'color-success-surface', kind: 'text', where: 'success banners' },
  { fg: 'color-text', bg: 'color-warning-surface', kind: 'text', where: 'warning banners' },
  { fg: 'color-text', bg: 'color-info-surface', kind: 'text', where: 'information banners' },
  { fg: 'color-on-emergency', bg: 'color-emergency', kind: 'text', where: 'the emergency banner' },
  { fg: 'color-text', bg: 'color-locked-surface', kind: 'text', where: 'a locked service' },
  { fg: 'color-text-muted', bg: 'color-locked-surface', kind: 'text', where: "a locked service's text" },
  { fg: 'tooltip-text', bg: 'tooltip-bg', kind: 'text', where: 'tooltips' },
  { fg: 'color-border', bg: 'color-surface', kind: 'ui', where: "fields' and buttons' edges" },
  { fg: 'color-focus', bg: 'color-surface', kind: 'ui', where: 'the focus outline' },
  { fg: 'color-focus', bg: 'color-locked-surface', kind: 'ui', where: "the focus outline in a locked service" },
  { fg: 'color-primary', bg: 'color-locked-surface', kind: 'ui', where: "a locked service's buttons" },
  { fg: 'color-success', bg: 'color-surface', kind: 'ui', where: 'success edges, the answered badge' },
  { fg: 'color-icon-muted', bg: 'color-surface', kind: 'ui', where: 'icon-only indicators' },
  { fg: 'color-icon-muted', bg: 'color-locked-surface', kind: 'ui', where: "a locked service's icon" },
  { fg: 'color-on-warning', bg: 'color-warning', kind: 'ui', where: 'maintenance icons' },
  { fg: 'color-on-warning', bg: 'color-caution', kind: 'ui', where: 'the degraded-service icon' },
];

/** The contrast each kind of pair needs, by theme. */
export function requiredContrast(kind: PairKind, highContrast: boolean): number {
  if (kind === 'ui') return 3;
  return highContrast ? 7 : 4.5;
}

/** WCAG 2 relative luminance of a `#rrggbb` or `#rgb` colour. */
export function luminance(hex: string): number {
  let h = hex.replace('#', '');
  if (h.length === 3) h = [...h].map((c) => c + c).join('');
  if (!/^[0-9a-f]{6}$/i.test(h)) throw new Error(`Not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG 2 contrast ratio of two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const declarations = (prefix: string, tokens: object) =>
  Object.entries(tokens)
    .map(([key, value]) => `${prefix}${key}: ${value};`)
    .join(' ');

const colorKeys = Object.keys(light) as (keyof ThemeColors)[];

/** `--_t-*` declarations: a theme chosen by a `theme` attribute (inherited by everything inside). */
export function themeDeclarations(name: ThemeName): string {
  return declarations('--_t-', themes[name]);
}

/**
 * Each widget's defaults (`--_d-*`, read by the shared tokens): the theme its
 * `theme` attribute or an ancestor's chose (`--_t-*`), or else the reader's
 * system's (`--_s-*`); and the type, spacing and shape defaults.
 */
export function widgetThemeCss(): string {
  const rules = [
    `:host { ${declarations('--_s-', light)} ${colorKeys.map((k) => `--_d-${k}: var(--_t-${k}, var(--_s-${k}));`).join(' ')} ${declarations('--_d-', baseTokens)} }`,
    `@media (prefers-color-scheme: dark) { :host { ${declarations('--_s-', dark)} } }`,
    `@media (prefers-contrast: more) { :host { ${declarations('--_s-', highContrast)} } }`,
    `@media (prefers-contrast: more) and (prefers-color-scheme: dark) { :host { ${declarations('--_s-', highContrastDark)} } }`,
    providerThemeCss(),
  ];
  return rules.join('\n');
}

/** The provider's theme rules: `--_t-*` on `jc-provider[theme]`, inherited by every widget inside. */
export function providerThemeCss(): string {
  return (Object.keys(themes) as ThemeName[]).map((name) => `:host([theme='${name}']) { ${themeDeclarations(name)} }`).join('\n');
}
