import { css } from 'lit';
import { announcerStyles } from '../shared/announcer.js';
import { formFieldStyles } from '../shared/form-field.js';
import { stepCompletionStyles } from '../shared/step-completion.js';
import { panel, tokens } from '../styles/tokens.js';

/** The widget's styles; the update form's Markdown editor brings its own when it loads (step-editor.ts). */
export const activityTrackerStyles = [
  tokens,
  panel,
  formFieldStyles,
  announcerStyles,
  stepCompletionStyles,
  css`
    :host {
      display: block;
      max-width: var(--jc-activity-max-width, 48rem);
    }
    h3 {
      font-size: 1.0625rem;
      margin: 1rem 0 0.5rem;
    }
    h4 {
      font-size: 1rem;
      margin: 0.75rem 0 0.375rem;
    }
    .note,
    .facts dt {
      color: var(--_muted);
      font-size: var(--_font-small);
    }
    button[aria-disabled='true'] {
      opacity: 0.6;
      cursor: not-allowed;
    }
    .goal {
      overflow-wrap: anywhere;
    }
    .facts {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1.5rem;
      margin: 0 0 0.75rem;
    }
    .facts div {
      display: flex;
      gap: 0.375rem;
      align-items: baseline;
    }
    .facts dd {
      margin: 0;
    }
    .progress {
      display: grid;
      gap: 0.25rem;
      margin: 0 0 0.75rem;
    }
    progress {
      appearance: none;
      width: 100%;
      height: 0.75rem;
      border: 1px solid var(--_border);
      border-radius: 999px;
      background: var(--_bg);
      overflow: hidden;
    }
    progress::-webkit-progress-bar {
      background: var(--_bg);
    }
    progress::-webkit-progress-value {
      background: var(--jc-progress-color, var(--_primary));
    }
    progress::-moz-progress-bar {
      background: var(--jc-progress-color, var(--_primary));
    }
    /* Forced colours would paint the bar's fill as the page's background: draw it in the system's highlight. */
    @media (forced-colors: active) {
      progress {
        forced-color-adjust: none;
        border-color: CanvasText;
        background: Canvas;
      }
      progress::-webkit-progress-bar {
        background: Canvas;
      }
      progress::-webkit-progress-value {
        background: Highlight;
      }
      progress::-moz-progress-bar {
        background: Highlight;
      }
    }
    .steps-head {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      justify-content: space-between;
      gap: 0.5rem;
    }
    #jc-mine-only[aria-pressed='true'] {
      background: var(--_primary);
      color: var(--_primary-fg);
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.5rem 0.75rem;
      margin: 0.375rem 0 0 1.75rem;
    }
    .control {
      display: grid;
      gap: 0.125rem;
      font-size: var(--_font-small);
    }
    .control label {
      color: var(--_muted);
    }
    /* The rest of their look is the form fields' (formFieldStyles). */
    .control select,
    .control input {
      padding: 0.25rem 0.375rem;
    }
    .move {
      display: flex;
      gap: 0.25rem;
    }
    .forms {
      display: grid;
      gap: 0.75rem;
      margin-top: 1rem;
    }
    form {
      display: grid;
      grid-template-columns: 100%;
      gap: 0.5rem;
      padding: 0.75rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    form h4 {
      margin: 0;
    }
    form .row {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.5rem 0.75rem;
    }
    form .row .field:first-child {
      flex: 1 1 14rem;
    }
    .update {
      border-top: 1px solid var(--_border);
      padding: 0.625rem 0;
    }
    .update:first-child {
      border-top: 0;
    }
    .update article:focus {
      outline: var(--_focus);
      outline-offset: 2px;
    }
    .update .meta {
      margin-left: 0;
    }
    .update-form {
      margin-top: 0.75rem;
    }
    .body {
      overflow-wrap: anywhere;
    }
    .body p:last-child {
      margin-bottom: 0;
    }
    .body pre {
      overflow-x: auto;
    }
    /* Links take stepCompletionStyles' colour. */
  `,
];
