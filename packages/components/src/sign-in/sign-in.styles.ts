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
    button[aria-disabled='true'] {
      opacity: 0.6;
      cursor: progress;
    }
    form {
      display: grid;
      gap: 0.75rem;
    }
    h3 {
      font-size: 1rem;
      margin: 0 0 0.25rem;
    }
    .field {
      display: grid;
      gap: 0.25rem;
    }
    label {
      font-weight: 600;
    }
    .hint {
      color: var(--_muted);
      font-size: var(--_font-small);
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
      font-size: var(--_font-small);
      margin: 0;
    }
    .ended {
      margin: 0 0 var(--_space);
      padding: 0.5rem 0.75rem;
      border-left: 0.25rem solid var(--_danger);
      background: var(--_danger-bg);
    }
    .ended:focus {
      outline: var(--_focus);
    }
    button.link {
      justify-self: start;
      padding: 0.25rem 0;
      border: none;
      background: none;
      color: var(--_primary);
      text-decoration: underline;
      font-weight: 400;
    }
    .steps {
      margin: 0;
      padding-left: 1.5rem;
      display: grid;
      gap: var(--_space);
    }
    .steps p {
      margin: 0 0 0.5rem;
    }
    .qr {
      display: block;
      width: 200px;
      height: 200px;
      margin: 0.5rem 0;
    }
    .secret {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.25rem 0.75rem;
      margin: 0 0 0.5rem;
    }
    .secret dt {
      font-weight: 600;
    }
    .secret dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    code {
      font-family: ui-monospace, 'Cascadia Mono', Menlo, Consolas, monospace;
      font-size: 1.0625rem;
      letter-spacing: 0.05em;
    }
    .codes {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr));
      gap: 0.25rem 1rem;
      margin: 0;
      padding-left: 1.25rem;
    }
    .notice-text {
      margin-bottom: var(--_space);
    }
    .notice-text p:first-child {
      margin-top: 0;
    }
    .idle p {
      margin: 0;
    }
    .idle p:not(:empty) {
      margin-top: 0.75rem;
      padding: 0.5rem 0.75rem;
      border-left: 0.25rem solid var(--_primary);
    }
    .idle .actions {
      margin-top: 0.5rem;
    }
    .warn {
      position: fixed;
      inset: auto 1rem 1rem;
      z-index: 9;
      max-width: 30rem;
      padding: 0 0.75rem 0.75rem;
      background: var(--_bg);
      border: 2px solid var(--_primary);
      border-radius: var(--_radius);
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
