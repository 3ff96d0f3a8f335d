import { css } from 'lit';
import { announcerStyles } from '../shared/announcer.js';
import { tooltipStyles } from '../shared/tooltip.js';
import { panel, tokens } from '../styles/tokens.js';

export const serviceDirectoryStyles = [
  tokens,
  panel,
  tooltipStyles,
  announcerStyles,
  css`
    :host {
      display: block;
      max-width: var(--jc-service-directory-max-width, 52rem);
      --_warning: var(--jc-color-warning, var(--_d-color-warning));
      --_on-warning: var(--jc-color-on-warning, var(--_d-color-on-warning));
      --_caution: var(--jc-color-caution, var(--_d-color-caution));
      --_locked-bg: var(--jc-color-locked-surface, var(--_d-color-locked-surface));
      --_icon-muted: var(--jc-color-icon-muted, var(--_d-color-icon-muted));
    }
    h3 {
      font-size: 1.0625rem;
      margin: 0 0 0.5rem;
    }
    p {
      margin: 0 0 0.75rem;
    }
    .muted,
    .note,
    .count {
      color: var(--_muted);
    }
    .note,
    .count {
      font-size: var(--_font-small);
    }
    button.small {
      padding: 0.25rem 0.75rem;
      font-size: var(--_font-small);
    }
    button[aria-disabled='true'] {
      opacity: 0.6;
      cursor: not-allowed;
    }
    a {
      color: var(--_primary);
      text-underline-offset: 0.15em;
    }

    /* Search and filters */
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem 1rem;
      align-items: end;
      margin: 0 0 0.5rem;
    }
    .field {
      display: grid;
      gap: 0.25rem;
    }
    .field.search {
      flex: 1 1 14rem;
    }
    label {
      font-weight: 600;
      font-size: 0.9375rem;
    }
    input,
    select,
    textarea {
      font: inherit;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 0.375rem 0.5rem;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      padding-bottom: 0.375rem;
    }
    .check input {
      width: 1.25rem;
      height: 1.25rem;
      margin: 0;
    }

    /* Sections and services */
    .group {
      margin-top: 1rem;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .service {
      display: grid;
      grid-template-columns: auto 1fr auto;
      grid-template-areas: 'icon main actions';
      gap: 0 0.75rem;
      align-items: start;
      padding: 0.75rem 0.5rem;
      border-top: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    .service.reorder {
      grid-template-columns: auto auto 1fr auto;
      grid-template-areas: 'grip icon main actions';
    }
    .service:first-child {
      border-top-color: transparent;
    }
    .service.drop-target {
      outline: 2px dashed var(--_primary);
      outline-offset: -2px;
    }
    .grip {
      grid-area: grip;
      cursor: grab;
      color: var(--_icon-muted);
      padding-top: 0.125rem;
    }
    .service-icon {
      grid-area: icon;
      display: inline-flex;
      padding: 0.375rem;
      border-radius: 50%;
      color: var(--_primary);
      border: 2px solid currentColor;
    }
    .main {
      grid-area: main;
      min-width: 0;
    }
    .actions {
      grid-area: actions;
      display: flex;
      gap: 0.25rem;
      align-items: center;
    }
    .name {
      font-size: 1rem;
      margin: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.5rem;
      align-items: baseline;
    }
    .name:focus {
      outline: none;
    }
    .name a {
      font-weight: 700;
    }
    .label {
      font-size: 0.8125rem;
      font-weight: 600;
      border: 1px solid currentColor;
      border-radius: var(--_radius);
      padding: 0 0.375rem;
    }
    .description {
      margin: 0.25rem 0 0;
      font-size: 0.9375rem;
      overflow-wrap: anywhere;
    }
    /* No access: grayed out, and still readable. */
    .service.locked {
      background: var(--_locked-bg);
      color: var(--_muted);
    }
    .service.locked .service-icon {
      color: var(--_icon-muted);
      border-style: dashed;
    }

    /* Status icons */
    .icon {
      width: 1.25rem;
      height: 1.25rem;
      flex: none;
    }
    .indicators {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem 0.75rem;
      margin: 0.375rem 0 0;
    }
    .indicator {
      display: inline-flex;
      gap: 0.375rem;
      align-items: center;
      font: inherit;
      font-size: var(--_font-small);
      font-weight: 600;
      color: var(--_fg);
      background: transparent;
      border: 1px solid var(--_border);
      border-radius: 999px;
      padding: 0.125rem 0.625rem 0.125rem 0.25rem;
      text-decoration: none;
    }
    .indicator.icon-only {
      padding: 0.25rem;
      color: var(--_icon-muted);
      border-color: transparent;
    }
    .indicator.icon-only:hover,
    .indicator:hover {
      border-color: currentColor;
    }
    .badge {
      border-radius: 50%;
      padding: 0.125rem;
      width: 1.5rem;
      height: 1.5rem;
    }
    .badge.warning {
      background: var(--_warning);
      color: var(--_on-warning);
    }
    .badge.caution {
      background: var(--_caution);
      color: var(--_on-warning);
    }
    .badge.danger {
      background: var(--_danger);
      color: var(--_bg);
    }
    .indicator.major-outage,
    .indicator.partial-outage {
      border-color: var(--_danger);
    }

    /* Access */
    .access {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
      margin: 0.5rem 0 0;
      font-size: 0.9375rem;
    }
    .access.requested {
      font-weight: 600;
      color: var(--_fg);
    }
    .access.requested:focus {
      outline: var(--_focus);
    }
    .request-form {
      display: grid;
      gap: 0.375rem;
      margin: 0.5rem 0 0;
      max-width: 28rem;
    }
    .form-actions {
      display: flex;
      gap: 0.5rem;
    }
    .service .error {
      margin: 0.5rem 0 0;
    }

    /* Favourite and move buttons */
    .icon-button {
      display: inline-flex;
      padding: 0.375rem;
      background: transparent;
      color: var(--_primary);
      border: 2px solid transparent;
    }
    .icon-button:hover {
      border-color: currentColor;
    }
    .favorite .icon.filled {
      fill: currentColor;
    }
    /* First up, last down: kept in place (and focusable, so focus never drops), visibly inactive. */
    .move[aria-disabled='true'] {
      opacity: 0.4;
      border-color: transparent;
    }
    .service.locked .icon-button {
      color: var(--_fg);
    }
    .empty {
      margin-top: 0.75rem;
    }

    @media (max-width: 30rem) {
      .service.reorder {
        grid-template-columns: auto 1fr auto;
        grid-template-areas: 'icon main actions';
      }
      .grip {
        display: none;
      }
      .actions {
        flex-direction: column;
      }
    }
  `,
];
