import { css } from 'lit';
import { panel, tokens } from '../styles/tokens.js';

export const signInStyles = [
  tokens,
  panel,
  css`
    :host {
      display: block;
      max-width: var(--jc-sign-in-max-width, 28rem);
    }
    h2:focus {
      outline: none;
    }
    form {
      display: grid;
      gap: 0.75rem;
    }
    label {
      display: grid;
      gap: 0.25rem;
      font-weight: 600;
    }
    input {
      font: inherit;
      padding: 0.5rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_bg);
      color: var(--_fg);
    }
    input[aria-invalid='true'] {
      border: 2px solid var(--_danger);
    }
    .field-error {
      color: var(--_danger);
      font-weight: 400;
      font-size: 0.875rem;
    }
    .error {
      margin: 0;
    }
    .notice {
      margin: 0.75rem 0 0;
      padding: 0.5rem 0.75rem;
      border-left: 0.25rem solid var(--_primary);
    }
    .muted {
      color: var(--_muted);
      margin: 0;
    }
    .who {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: center;
      justify-content: space-between;
    }
    .who p {
      margin: 0;
    }
    .opt-in {
      margin-top: var(--_space);
      padding-top: var(--_space);
      border-top: 1px solid var(--_border);
    }
    .actions {
      display: flex;
      gap: 0.5rem;
      flex-wrap: wrap;
    }
  `,
];
