import { css, unsafeCSS } from 'lit';
import { providerThemeCss } from '../styles/themes.js';

/**
 * The provider draws nothing (`display: contents`). With a `theme` it sets
 * the theme's values (private `--_t-*` custom properties, from
 * `styles/themes.ts`), which every widget inside inherits; a widget's own
 * `theme` sets its own, and a page's `--jc-*` properties win over both.
 */
export const providerStyles = css`
  :host {
    display: contents;
  }
  ${unsafeCSS(providerThemeCss())}
`;
