import { css } from 'lit';
import { announcerStyles } from '../shared/announcer.js';
import { panel, tokens } from '../styles/tokens.js';
import { formFieldStyles } from '../shared/form-field.js';

export const communityListStyles = [
  tokens,
  panel,
  formFieldStyles,
  announcerStyles,
  css`
    :host {
      display: block;
      max-width: var(--jc-community-list-max-width, 40rem);
    }
    h3 {
      font-size: 1.0625rem;
      margin: 0 0 0.5rem;
    }
    h2:focus,
    h3:focus {
      outline: none;
    }
    p {
      margin: 0 0 0.75rem;
    }
    .muted {
      color: var(--_muted);
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      justify-content: space-between;
      align-items: center;
      margin-bottom: 0.75rem;
    }
    .scopes {
      display: inline-flex;
      gap: 0;
    }
    .scopes button {
      background: transparent;
      color: var(--_primary);
    }
    .scopes button:first-child {
      border-radius: var(--_radius) 0 0 var(--_radius);
    }
    .scopes button:last-child {
      border-radius: 0 var(--_radius) var(--_radius) 0;
      border-left-width: 0;
    }
    .scopes button[aria-pressed='true'] {
      background: var(--_primary);
      color: var(--_primary-fg);
    }
    button.small {
      padding: 0.25rem 0.75rem;
      font-size: var(--_font-small);
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .item {
      border-top: 1px solid var(--_border);
      padding: 0.75rem 0;
    }
    ul ul {
      margin: 0.5rem 0 0 1rem;
      padding-left: 0.75rem;
      border-left: 0.25rem solid var(--_border);
    }
    ul ul .item {
      padding-bottom: 0.25rem;
    }
    .list > .item:first-child {
      border-top: 0;
      padding-top: 0;
    }
    a {
      color: var(--_primary);
      font-weight: 600;
      text-underline-offset: 0.15em;
    }
    a:hover {
      text-decoration-thickness: 2px;
    }
    .context {
      display: block;
      font-size: var(--_font-small);
      color: var(--_muted);
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.5rem;
      align-items: center;
      margin: 0.25rem 0 0;
      font-size: var(--_font-small);
      color: var(--_muted);
    }
    .badge,
    .role {
      font-weight: 600;
      color: var(--_fg);
    }
    .badge {
      border: 1px solid currentColor;
      border-radius: var(--_radius);
      padding: 0 0.375rem;
    }
    .description {
      margin: 0.25rem 0 0;
      font-size: var(--_font-small);
    }
    .actions {
      display: flex;
      gap: 0.5rem;
      flex-wrap: wrap;
      margin-top: 0.5rem;
    }
    .actions:empty {
      display: none;
    }
    .requests {
      margin-top: 0.5rem;
      padding: 0.5rem 0.75rem;
      border: 1px dashed var(--_border);
      border-radius: var(--_radius);
    }
    .requests p {
      margin: 0;
    }
    .request {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
      justify-content: space-between;
      padding: 0.25rem 0;
    }
    .request + .request {
      border-top: 1px solid var(--_border);
    }
    .more {
      margin-top: 0.75rem;
    }
    form {
      display: grid;
      grid-template-columns: 100%;
      gap: 0.75rem;
      margin-top: 0.75rem;
      padding-top: 0.75rem;
      border-top: 1px solid var(--_border);
    }
  `,
];
