import { css } from 'lit';
import { panel, tokens } from '../styles/tokens.js';

/*
 * Banners follow the theme: each severity's surface with the theme's text and
 * its colour on the edge; the emergency banner is its own strong colour with
 * light text. A page's `--jc-announcement-*` properties win over the theme's.
 */
export const announcementsStyles = [
  tokens,
  panel,
  css`
    :host {
      display: block;
      --_emergency: var(--jc-color-emergency, var(--_d-color-emergency));
      --_on-emergency: var(--jc-color-on-emergency, var(--_d-color-on-emergency));
      --_success-bg: var(--jc-color-success-surface, var(--_d-color-success-surface));
      --_warning: var(--jc-color-warning, var(--_d-color-warning));
      --_warning-bg: var(--jc-color-warning-surface, var(--_d-color-warning-surface));
      --_info: var(--jc-color-info, var(--_d-color-info));
      --_info-bg: var(--jc-color-info-surface, var(--_d-color-info-surface));
    }
    p {
      margin: 0;
    }
    .list {
      display: grid;
      gap: 0.5rem;
    }
    .banner {
      --_banner-fg: var(--_fg);
      /* The Dismiss button goes below the text when the banner is too narrow for both (a phone, a side column). */
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: start;
      padding: 0.75rem 1rem;
      border-left: 0.5rem solid var(--_accent);
      border-radius: var(--_radius);
      background: var(--_banner-bg);
      color: var(--_banner-fg);
    }
    .banner:focus {
      outline: var(--_focus);
      outline-offset: 2px;
    }
    /* Inside a banner the focus outline takes the banner's text colour: it stands out on every severity's surface. */
    .banner :focus-visible {
      outline-color: var(--_banner-fg);
    }
    .banner.emergency {
      --_banner-bg: var(--jc-announcement-emergency-bg, var(--_emergency));
      --_banner-fg: var(--jc-announcement-emergency-text, var(--_on-emergency));
      /* A darker shade of its own background, whatever the theme. */
      --_accent: color-mix(in srgb, var(--_banner-bg) 55%, #000000);
    }
    /* Each other severity: its surface (a page's --jc-announcement-*-bg wins) and the colour of its edge. */
    .banner.error { --_banner-bg: var(--jc-announcement-error-bg, var(--_danger-bg)); --_accent: var(--_danger); }
    .banner.warning { --_banner-bg: var(--jc-announcement-warning-bg, var(--_warning-bg)); --_accent: var(--_warning); }
    .banner.information { --_banner-bg: var(--jc-announcement-information-bg, var(--_info-bg)); --_accent: var(--_info); }
    .banner.success { --_banner-bg: var(--jc-announcement-success-bg, var(--_success-bg)); --_accent: var(--_success); }
    .text {
      flex: 1 1 8rem;
    }
    .severity-icon {
      width: 1.5rem;
      height: 1.5rem;
      margin-top: 0.125rem;
    }
    .headline {
      display: flex;
      flex-wrap: wrap;
      gap: 0 0.375rem;
      align-items: baseline;
    }
    .severity {
      font-weight: 700;
    }
    .body {
      margin-top: 0.25rem;
      white-space: pre-line;
      overflow-wrap: anywhere;
    }
    .dismiss {
      margin-left: auto;
      display: inline-flex;
      gap: 0.25rem;
      align-items: center;
      padding: 0.25rem 0.5rem;
      font-size: var(--_font-small);
      background: transparent;
      color: var(--_banner-fg);
      border: 2px solid currentColor;
    }
    .dismiss .icon {
      width: 1rem;
      height: 1rem;
    }
    .dismiss[aria-disabled='true'] {
      opacity: 0.7;
      cursor: progress;
    }
    .banner .error {
      margin-top: 0.5rem;
    }
    .problem {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    .problem .error {
      flex: 1 1 20rem;
    }
    .loading {
      color: var(--_muted);
      font-size: var(--_font-small);
    }
    .loading:empty {
      display: none;
    }
    .announce {
      margin-top: 0.5rem;
      font-size: var(--_font-small);
      color: var(--_muted);
    }
    .announce:empty {
      margin: 0;
    }
    .announce:focus {
      outline: var(--_focus);
    }
  `,
];
