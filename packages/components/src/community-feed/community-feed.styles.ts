import { css } from 'lit';
import { announcerStyles } from '../shared/announcer.js';
import { panel, tokens } from '../styles/tokens.js';

export const communityFeedStyles = [
  tokens,
  panel,
  announcerStyles,
  css`
    :host {
      display: block;
      max-width: var(--jc-community-feed-max-width, 48rem);
    }
    h2:focus {
      outline: none;
    }
    p {
      margin: 0 0 0.75rem;
    }
    .muted {
      color: var(--_muted);
    }
    /* Checking the sign-in and loading the posts hold about the room of a post or two, so what is below the feed does not jump when they arrive. */
    [role='status'].muted {
      min-height: 14rem;
    }
    .note {
      font-size: var(--_font-small);
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
    label {
      font-weight: 600;
    }
    .hint {
      font-size: var(--_font-small);
      color: var(--_muted);
    }
    textarea,
    input[type='file'] {
      /* Never wider than the composer's column (reflow at 320 px). */
      max-width: 100%;
      font: inherit;
      padding: 0.5rem;
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
    [aria-invalid='true'] {
      border: 2px solid var(--_danger);
    }
    .composer,
    .inline-form {
      display: grid;
      gap: 0.375rem;
    }
    .composer {
      grid-template-columns: 100%;
      margin-bottom: 1rem;
      padding-bottom: 1rem;
      border-bottom: 1px solid var(--_border);
    }
    .composer .file-label {
      margin-top: 0.25rem;
    }
    .inline-form,
    .confirm {
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
    /* Above the first post (it covered its byline), and over the posts once they scroll up under it. */
    .pill-bar {
      position: sticky;
      top: 0.5rem;
      z-index: 2;
      display: flex;
      justify-content: center;
      margin-bottom: 0.5rem;
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
    .feed {
      /* The virtualizer positions each post; they take the feed's full width. */
      width: 100%;
    }
    .feed > article {
      width: 100%;
    }
    .post {
      padding: 0.75rem 0;
      border-bottom: 1px solid var(--_border);
      background: var(--_bg);
    }
    .post:focus {
      outline: none;
    }
    .post:focus-visible {
      outline: var(--_focus);
      outline-offset: -2px;
    }
    .post.unsent {
      border-left: 0.25rem solid var(--_border);
      padding-left: 0.75rem;
    }
    .post.unsent.failed {
      border-left-color: var(--_danger);
    }
    .post.deleted p {
      margin: 0;
      font-style: italic;
    }
    .author {
      font-size: 1rem;
      margin: 0;
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
    .title {
      font-weight: 700;
      font-size: 1.0625rem;
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
    .body pre {
      overflow-x: auto;
      padding: 0.5rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    .body blockquote {
      padding-left: 0.75rem;
      border-left: 0.25rem solid var(--_border);
      margin-left: 0;
    }
    .body table {
      border-collapse: collapse;
    }
    .body th,
    .body td {
      border: 1px solid var(--_border);
      padding: 0.25rem 0.5rem;
    }
    a {
      color: var(--_primary);
      text-underline-offset: 0.15em;
    }
    .attachment {
      margin: 0.5rem 0 0;
    }
    .attachment a {
      font-weight: 600;
    }
    .reactions,
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem;
      margin-top: 0.5rem;
    }
    .reaction {
      padding: 0.125rem 0.625rem;
      font-size: var(--_font-small);
      border-radius: 999px;
      background: transparent;
      color: var(--_fg);
      border: 1px solid var(--_border);
      font-weight: 400;
    }
    button.reaction[aria-pressed='true'] {
      background: var(--_primary);
      border-color: var(--_primary);
      color: var(--_primary-fg);
      font-weight: 600;
    }
    .reaction .count {
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
    .reaction.static {
      border-color: transparent;
      padding-left: 0;
    }
    .comments {
      margin-top: 0.75rem;
      padding-left: 0.75rem;
      border-left: 0.25rem solid var(--_border);
    }
    .comment-list {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .comment {
      padding: 0.5rem 0;
    }
    .comment + .comment {
      border-top: 1px solid var(--_border);
    }
    .comment .meta {
      margin-bottom: 0.25rem;
    }
    .comment .name {
      color: var(--_fg);
    }
    .post-status {
      margin: 0.5rem 0 0;
      font-size: var(--_font-small);
      font-weight: 600;
      color: var(--_muted);
    }
    .post-status.failed {
      color: var(--_danger);
    }
    .more,
    .end {
      margin-top: 0.75rem;
    }
    .sentinel {
      height: 1px;
    }
  `,
];
