import { css, unsafeCSS } from 'lit';
import { widgetThemeCss } from './themes.js';

/**
 * The shared design tokens. Hosts theme every widget by setting `--jc-*`
 * custom properties on any ancestor (they inherit through shadow roots), or
 * choose a whole theme with `theme="light|dark|high-contrast"` on a widget
 * or its `jc-provider`. The values of each theme are in `themes.ts`; each
 * private `--_x` below is the page's `--jc-*` property if set, else the
 * theme's (`--_d-*`, generated from `themes.ts`: the `theme` attribute's
 * theme, else the reader's system's).
 */
export const tokens = css`
  ${unsafeCSS(widgetThemeCss())}
  :host {
    --_bg: var(--jc-color-surface, var(--_d-color-surface));
    --_fg: var(--jc-color-text, var(--_d-color-text));
    --_muted: var(--jc-color-text-muted, var(--_d-color-text-muted));
    --_border: var(--jc-color-border, var(--_d-color-border));
    --_primary: var(--jc-color-primary, var(--_d-color-primary));
    --_primary-fg: var(--jc-color-on-primary, var(--_d-color-on-primary));
    --_danger: var(--jc-color-danger, var(--_d-color-danger));
    --_danger-bg: var(--jc-color-danger-surface, var(--_d-color-danger-surface));
    --_success: var(--jc-color-success, var(--_d-color-success));
    --_focus-color: var(--jc-color-focus, var(--_d-color-focus));
    --_focus-width: var(--jc-focus-width, var(--_d-focus-width));
    --_focus: var(--jc-focus-ring, var(--_focus-width) solid var(--_focus-color));
    --_radius: var(--jc-radius, var(--_d-radius));
    --_space: var(--jc-space, var(--_d-space));
    --_font: var(--jc-font-family, var(--_d-font-family));
    --_font-heading: var(--jc-font-family-heading, var(--_d-font-family-heading));
    --_font-small: var(--jc-font-size-small, var(--_d-font-size-small));
    --_font-size-heading: var(--jc-font-size-heading, var(--_d-font-size-heading));
    font-family: var(--_font);
    font-size: var(--jc-font-size, var(--_d-font-size));
    line-height: var(--jc-line-height, var(--_d-line-height));
    color: var(--_fg);
    color-scheme: var(--jc-color-scheme, var(--_d-color-scheme));
    accent-color: var(--_primary);
  }
  /*
   * Windows contrast themes and other forced colours: the browser paints
   * every colour in the system's (text, links, buttons, borders), over any
   * theme. What a background alone would show is drawn in system colours here.
   */
  @media (forced-colors: active) {
    :host {
      --_focus: var(--_focus-width) solid Highlight;
      accent-color: auto;
    }
    /* A pressed or selected state drawn only by its background would vanish: draw it in the system's highlight. */
    [aria-pressed='true'],
    [role='tab'][aria-selected='true'] {
      forced-color-adjust: none;
      background: Highlight !important;
      color: HighlightText !important;
      border-color: HighlightText !important;
    }
    button[disabled],
    [aria-disabled='true'] {
      color: GrayText;
      border-color: GrayText;
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: var(--_focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--_radius);
    padding: 0.5rem 1rem;
    border: 2px solid var(--_primary);
    background: var(--_primary);
    color: var(--_primary-fg);
    font-weight: 600;
  }
  button.secondary {
    background: transparent;
    color: var(--_primary);
  }
  button[disabled] {
    opacity: 0.6;
    cursor: not-allowed;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
`;

/** The box, heading and error message every widget shares (after `tokens`). */
export const panel = css`
  .panel {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
  }
  h2 {
    font-size: var(--_font-size-heading);
    margin: 0 0 0.75rem;
  }
  h2,
  h3,
  h4 {
    font-family: var(--_font-heading);
  }
  .error {
    color: var(--_danger);
    background: var(--_danger-bg);
    border-left: 0.25rem solid var(--_danger);
    padding: 0.5rem 0.75rem;
  }
`;
