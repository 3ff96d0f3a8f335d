import { css } from 'lit';
import { panel, tokens } from '../styles/tokens.js';

/*
 * Banners keep their light, high-contrast colours in dark mode too (they are
 * meant to stand out from the page); the emergency banner is dark with white text.
 */
export const announcementsStyles = [
  tokens,
  panel,
  css`
    :host {
      display: block;
    }
    p {
      margin: 0;
    }
    .list {
      display: grid;
      gap: 0.5rem;
    }
    .banner {
      --_banner-fg: #1b1b1b;
      display: grid;
      grid-template-columns: auto 1fr auto;
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
    .banner.emergency {
      --_banner-bg: var(--jc-announcement-emergency-bg, #9c3d10);
      --_banner-fg: var(--jc-announcement-emergency-text, #ffffff);
      --_accent: #5c1111;
    }
    .banner.error {
      --_banner-bg: var(--jc-announcement-error-bg, #f4e3db);
      --_accent: #d54309;
    }
    .banner.warning {
      --_banner-bg: var(--jc-announcement-warning-bg, #faf3d1);
      --_accent: #ffbe2e;
    }
    .banner.information {
      --_banner-bg: var(--jc-announcement-information-bg, #e7f6f8);
      --_accent: #00bde3;
    }
    .banner.success {
      --_banner-bg: var(--jc-announcement-success-bg, #ecf3ec);
      --_accent: #00a91c;
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
      display: inline-flex;
      gap: 0.25rem;
      align-items: center;
      padding: 0.25rem 0.5rem;
      font-size: 0.875rem;
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
      font-size: 0.875rem;
    }
    .loading:empty {
      display: none;
    }
    .announce {
      margin-top: 0.5rem;
      font-size: 0.875rem;
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
