import { css } from 'lit';

/**
 * The shared design tokens. Hosts theme every widget by setting `--jc-*`
 * custom properties on any ancestor (they inherit through shadow roots).
 */
export const tokens = css`
  :host {
    --_bg: var(--jc-color-surface, #ffffff);
    --_fg: var(--jc-color-text, #1b1b1b);
    --_muted: var(--jc-color-text-muted, #565c65);
    --_border: var(--jc-color-border, #a9aeb1);
    --_primary: var(--jc-color-primary, #005ea2);
    --_primary-fg: var(--jc-color-on-primary, #ffffff);
    --_danger: var(--jc-color-danger, #b50909);
    --_danger-bg: var(--jc-color-danger-surface, #f4e3db);
    --_success: var(--jc-color-success, #00a91c);
    --_focus: var(--jc-focus-ring, 0.25rem solid #2491ff);
    --_radius: var(--jc-radius, 0.25rem);
    --_space: var(--jc-space, 1rem);
    font-family: var(--jc-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--jc-font-size, 1rem);
    line-height: 1.5;
    color: var(--_fg);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --_bg: var(--jc-color-surface, #1b1b1b);
      --_fg: var(--jc-color-text, #f0f0f0);
      --_muted: var(--jc-color-text-muted, #c6cace);
      --_border: var(--jc-color-border, #71767a);
      --_primary: var(--jc-color-primary, #73b3e7);
      --_primary-fg: var(--jc-color-on-primary, #1b1b1b);
      --_danger: var(--jc-color-danger, #f8a9a9);
      --_danger-bg: var(--jc-color-danger-surface, #3b1414);
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: var(--_focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--_radius);
    padding: 0.5rem 1rem;
    border: 2px solid var(--_primary);
    background: var(--_primary);
    color: var(--_primary-fg);
    font-weight: 600;
  }
  button.secondary {
    background: transparent;
    color: var(--_primary);
  }
  button[disabled] {
    opacity: 0.6;
    cursor: not-allowed;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
`;

/** The box, heading and error message every widget shares (after `tokens`). */
export const panel = css`
  .panel {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
  }
  h2 {
    font-size: 1.25rem;
    margin: 0 0 0.75rem;
  }
  .error {
    color: var(--_danger);
    background: var(--_danger-bg);
    border-left: 0.25rem solid var(--_danger);
    padding: 0.5rem 0.75rem;
  }
`;
