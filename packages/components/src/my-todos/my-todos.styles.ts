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
    .summary {
      color: var(--_muted);
      font-size: var(--_font-small);
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    /* Their colour is stepCompletionStyles'. */
    a {
      font-weight: 600;
    }
    a:hover {
      text-decoration-thickness: 2px;
    }
  `,
];
