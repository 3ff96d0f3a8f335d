import { css } from 'lit';
import { announcerStyles } from '../shared/announcer.js';
import { stepCompletionStyles } from '../shared/step-completion.js';
import { panel, tokens } from '../styles/tokens.js';

export const myTodosStyles = [
  tokens,
  panel,
  announcerStyles,
  stepCompletionStyles,
  css`
    :host {
      display: block;
      max-width: var(--jc-todos-max-width, 36rem);
    }
    h2:focus {
      outline: none;
    }
    p {
      margin: 0 0 0.75rem;
    }
    .muted,
    .summary {
      color: var(--_muted);
    }
    .summary {
      font-size: var(--_font-small);
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
    .todo {
      border-top: 1px solid var(--_border);
      padding: 0.625rem 0;
    }
    .todo:first-child {
      border-top: 0;
    }
    .todo.overdue {
      border-left: 0.25rem solid var(--jc-overdue-color, var(--_danger));
      padding-left: 0.5rem;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.75rem;
      margin: 0.25rem 0 0 1.75rem;
      font-size: var(--_font-small);
      color: var(--_muted);
    }
    a {
      color: var(--_primary);
      font-weight: 600;
      text-underline-offset: 0.15em;
    }
    a:hover {
      text-decoration-thickness: 2px;
    }
    .todo .error {
      margin: 0.375rem 0 0 1.75rem;
    }
  `,
];
