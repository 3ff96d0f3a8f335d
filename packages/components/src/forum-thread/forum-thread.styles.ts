import { css } from 'lit';
import { announcerStyles } from '../shared/announcer.js';
import { markdownEditorStyles } from '../shared/markdown-editor.js';
import { panel, tokens } from '../styles/tokens.js';

export const forumThreadStyles = [
  tokens,
  panel,
  markdownEditorStyles,
  announcerStyles,
  css`
    :host {
      display: block;
      max-width: var(--jc-forum-thread-max-width, 52rem);
      --_indent: var(--jc-forum-thread-indent, 2rem);
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
    ul {
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .muted {
      color: var(--_muted);
    }
    .error {
      margin: 0 0 0.75rem;
    }
    .hint {
      font-size: var(--_font-small);
      color: var(--_muted);
    }
    .note {
      font-size: 0.9375rem;
      padding: 0.5rem 0.75rem;
      border-left: 0.25rem solid var(--_border);
    }
    .note:focus {
      outline: none;
    }
    .note:focus-visible {
      outline: var(--_focus);
    }
    button.small {
      padding: 0.25rem 0.75rem;
      font-size: var(--_font-small);
    }
    button.danger {
      background: var(--_danger);
      border-color: var(--_danger);
      color: var(--_bg);
    }
    button[aria-disabled='true'] {
      opacity: 0.6;
      cursor: progress;
    }
    button.toggle[aria-pressed='true'] {
      background: var(--_primary);
      color: var(--_primary-fg);
    }
    label,
    legend {
      font-weight: 600;
    }
    input[type='text'],
    select,
    textarea {
      font: inherit;
      padding: 0.375rem 0.5rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_bg);
      color: var(--_fg);
    }
    textarea {
      min-height: 4rem;
      resize: vertical;
      width: 100%;
    }
    input[type='text'] {
      width: 100%;
    }
    [aria-invalid='true'] {
      border: 2px solid var(--_danger);
    }
    a {
      color: var(--_primary);
      text-underline-offset: 0.15em;
    }

    /* The topic */
    .topic {
      padding-bottom: 1rem;
      margin-bottom: 1rem;
      border-bottom: 1px solid var(--_border);
    }
    .forum {
      margin: 0 0 0.25rem;
      font-size: var(--_font-small);
    }
    .badges,
    .tags {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem;
      margin: 0 0 0.5rem;
    }
    .badge,
    .tag {
      display: inline-block;
      padding: 0 0.5rem;
      font-size: 0.8125rem;
      line-height: 1.6;
      border-radius: 999px;
      border: 1px solid var(--_border);
    }
    .badge {
      font-weight: 600;
    }
    .badge.answered,
    .badge.answer {
      border-color: var(--_success);
    }
    .badge.locked {
      border-color: var(--_danger);
    }
    .tag {
      color: var(--_muted);
    }
    .tag::before {
      content: '#';
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0 0.5rem;
      margin: 0 0 0.5rem;
      font-size: var(--_font-small);
      color: var(--_muted);
    }
    .meta > * + *::before {
      content: '·';
      margin-right: 0.5rem;
    }
    .meta .name {
      color: var(--_fg);
    }
    .body {
      overflow-wrap: anywhere;
    }
    .body > :last-child {
      margin-bottom: 0;
    }
    .body p,
    .body ul,
    .body ol,
    .body pre,
    .body blockquote,
    .body table {
      margin: 0 0 0.5rem;
    }
    .body ul {
      list-style: disc;
      padding-left: 1.5rem;
    }
    .body ol {
      padding-left: 1.5rem;
    }
    .body pre {
      overflow-x: auto;
      padding: 0.5rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    .body blockquote,
    .quote {
      padding-left: 0.75rem;
      border-left: 0.25rem solid var(--_border);
      margin: 0 0 0.5rem;
    }
    .quote p {
      margin: 0;
    }
    .quote-author {
      font-size: var(--_font-small);
      font-weight: 600;
    }
    .body table {
      border-collapse: collapse;
    }
    .body th,
    .body td {
      border: 1px solid var(--_border);
      padding: 0.25rem 0.5rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.375rem;
      margin-top: 0.5rem;
    }
    .jump,
    .permalink {
      font-size: var(--_font-small);
      padding: 0.25rem 0.5rem;
    }
    .moderation {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.375rem;
      margin-top: 0.75rem;
      padding: 0.5rem 0.75rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    .group-label {
      font-weight: 600;
      font-size: var(--_font-small);
      margin-right: 0.25rem;
    }
    .move {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.375rem;
    }
    .move label {
      font-size: var(--_font-small);
    }
    .inline-form,
    .confirm {
      display: grid;
      gap: 0.375rem;
      margin-top: 0.75rem;
      padding: 0.75rem;
      border: 1px dashed var(--_border);
      border-radius: var(--_radius);
    }
    .form-actions {
      display: flex;
      gap: 0.5rem;
      flex-wrap: wrap;
      margin-top: 0.25rem;
    }

    /* The replies */
    .replies-head h3 {
      margin-bottom: 0.5rem;
    }
    .thread {
      /* The virtualizer positions each reply; they take the list's full width. */
      width: 100%;
    }
    .thread > article {
      width: 100%;
    }
    .reply {
      display: block;
      padding: 0.75rem 0;
      border-bottom: 1px solid var(--_border);
      background: var(--_bg);
    }
    .reply.nested {
      padding-left: calc(var(--_indent) + 0.75rem);
      background: linear-gradient(to right, transparent var(--_indent), var(--_border) var(--_indent), var(--_border) calc(var(--_indent) + 0.25rem), transparent calc(var(--_indent) + 0.25rem)) no-repeat,
        var(--_bg);
    }
    .reply.answer {
      box-shadow: inset 0.25rem 0 0 var(--_success);
      padding-left: 0.75rem;
    }
    .reply.nested.answer {
      padding-left: calc(var(--_indent) + 0.75rem);
    }
    .reply:focus {
      outline: none;
    }
    .reply:focus-visible {
      outline: var(--_focus);
      outline-offset: -2px;
    }
    .reply .author {
      font-size: 1rem;
      margin: 0;
    }
    .cue {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin: 0;
      font-size: 0.8125rem;
      color: var(--_muted);
    }
    .cue:empty {
      display: none;
    }
    .reply-to {
      margin: 0;
    }
    .tombstone {
      margin: 0;
      font-style: italic;
    }
    .like {
      padding: 0.125rem 0.625rem;
      font-size: var(--_font-small);
      border-radius: 999px;
      background: transparent;
      color: var(--_fg);
      border: 1px solid var(--_border);
      font-weight: 400;
    }
    button.like[aria-pressed='true'] {
      background: var(--_primary);
      border-color: var(--_primary);
      color: var(--_primary-fg);
      font-weight: 600;
    }
    .like .count {
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
    .like.static {
      display: inline-block;
      border-color: transparent;
      padding-left: 0;
    }
    .empty,
    .more {
      margin: 0.75rem 0;
    }
    .sentinel {
      height: 1px;
    }
    .pill-bar {
      position: sticky;
      bottom: 0.5rem;
      z-index: 2;
      display: flex;
      justify-content: center;
      margin-top: 0.5rem;
    }
    .pill {
      border-radius: 999px;
      box-shadow: 0 0.125rem 0.5rem rgb(0 0 0 / 0.3);
    }
    .outbox {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .reply.unsent {
      border-left: 0.25rem solid var(--_border);
      padding-left: 0.75rem;
    }
    .reply.unsent.failed {
      border-left-color: var(--_danger);
    }
    .reply-status {
      margin: 0.5rem 0 0;
      font-size: var(--_font-small);
      font-weight: 600;
      color: var(--_muted);
    }
    .reply-status.failed {
      color: var(--_danger);
    }

    /* The composer */
    .composer {
      display: grid;
      gap: 0.5rem;
      margin-top: 1rem;
      padding-top: 1rem;
      border-top: 1px solid var(--_border);
    }
    .composer-title {
      margin: 0;
    }
    .context {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      margin: 0;
      font-size: 0.9375rem;
    }
    .context.quoting {
      display: grid;
      justify-items: start;
      gap: 0.25rem;
    }
    .context.quoting .quote {
      margin: 0;
    }
    .locked-note {
      margin: 1rem 0 0;
      border-left-color: var(--_danger);
    }
    .composer .locked-note {
      margin: 0;
    }

    /* The flag dialog */
    dialog.flag {
      max-width: min(36rem, calc(100vw - 2rem));
      padding: var(--_space);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_bg);
      color: var(--_fg);
    }
    dialog.flag::backdrop {
      background: rgb(0 0 0 / 0.45);
    }
    .flag-form {
      display: grid;
      gap: 0.5rem;
    }
    .flag-form h3 {
      margin: 0;
    }
    .flag-form p {
      margin: 0;
    }
    fieldset {
      margin: 0;
      padding: 0.5rem 0.75rem 0.75rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    .radio {
      display: flex;
      align-items: flex-start;
      gap: 0.5rem;
      margin-top: 0.375rem;
    }
    .radio input {
      margin-top: 0.3rem;
      flex: none;
    }
    .radio label {
      font-weight: 400;
    }
  `,
];
