import { css } from 'lit';
import { announcerStyles } from '../shared/announcer.js';
import { formFieldStyles } from '../shared/form-field.js';
import { markdownEditorStyles } from '../shared/markdown-editor.js';
import { panel, tokens } from '../styles/tokens.js';

export const forumStyles = [
  tokens,
  panel,
  formFieldStyles,
  markdownEditorStyles,
  announcerStyles,
  css`
    :host {
      display: block;
      max-width: var(--jc-forum-max-width, 48rem);
    }
    h2:focus,
    h3:focus {
      outline: none;
    }
    h3 {
      font-size: 1.0625rem;
      margin: 0 0 0.5rem;
    }
    p {
      margin: 0 0 0.75rem;
    }
    .muted {
      color: var(--_muted);
    }
    .note {
      font-size: var(--_font-small);
      color: var(--_muted);
    }
    button.small {
      padding: 0.25rem 0.75rem;
      font-size: var(--_font-small);
    }
    button[aria-disabled='true'] {
      opacity: 0.6;
      cursor: progress;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: end;
      margin-bottom: 0.75rem;
    }
    .forum-choice select {
      min-width: 12rem;
    }
    /* Four toggle buttons, each with its own border: on a narrow column they wrap to a second row. */
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
    }
    .filters button {
      background: transparent;
      color: var(--_primary);
    }
    .filters button[aria-pressed='true'] {
      background: var(--_primary);
      color: var(--_primary-fg);
    }
    .new-topic {
      margin-left: auto;
    }
    .tag-filter {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    .topic-form {
      display: grid;
      gap: 0.75rem;
      margin: 0 0 1rem;
      padding: 0.75rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    .topic-form h3 {
      margin: 0;
    }
    .md-panel textarea {
      width: 100%;
    }
    .field.check {
      grid-template-columns: auto 1fr;
      align-items: center;
      column-gap: 0.5rem;
    }
    .field.check .hint,
    .field.check .field-error {
      grid-column: 2;
    }
    .field.check input {
      width: 1.25rem;
      height: 1.25rem;
      margin: 0;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .topics-title {
      margin-top: 0.5rem;
    }
    .topic {
      border-top: 1px solid var(--_border);
      padding: 0.75rem 0;
    }
    .topic:first-child {
      border-top: 0;
      padding-top: 0.25rem;
    }
    .title {
      font-size: 1rem;
      margin: 0;
    }
    a {
      color: var(--_primary);
      font-weight: 600;
      text-underline-offset: 0.15em;
    }
    a:hover {
      text-decoration-thickness: 2px;
    }
    .badges,
    .tags {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem;
      margin: 0.375rem 0 0;
    }
    .badge {
      display: inline-block;
      border: 1px solid currentColor;
      border-radius: var(--_radius);
      padding: 0 0.375rem;
      font-size: 0.8125rem;
      font-weight: 600;
      color: var(--_fg);
    }
    .badge.answered {
      border-color: var(--_success);
      border-width: 2px;
    }
    .badge.locked {
      border-style: dashed;
    }
    .excerpt {
      margin: 0.375rem 0 0;
      font-size: 0.9375rem;
      overflow-wrap: anywhere;
    }
    .tag {
      font-size: 0.8125rem;
      font-weight: 400;
      padding: 0 0.5rem;
      border: 1px solid var(--_border);
      border-radius: 999px;
      background: transparent;
      color: var(--_fg);
    }
    .tag[aria-pressed='true'] {
      border-color: var(--_primary);
      border-width: 2px;
      font-weight: 600;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.75rem;
      margin: 0.375rem 0 0;
      font-size: var(--_font-small);
      color: var(--_muted);
    }
    .more {
      margin-top: 0.75rem;
    }
    .body p:last-child {
      margin-bottom: 0;
    }
    .body pre {
      overflow-x: auto;
    }
    .body table {
      border-collapse: collapse;
    }
    .body th,
    .body td {
      border: 1px solid var(--_border);
      padding: 0.25rem 0.5rem;
    }
  `,
];
