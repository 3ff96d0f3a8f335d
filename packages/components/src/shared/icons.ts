import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

/*
 * Inline SVG icons (24×24, drawn with the current colour). Every icon is
 * decorative (aria-hidden): the element around it carries the text.
 */

const ICONS = {
  /* Service icons (the server's SERVICE_ICONS). */
  search: svg`<circle cx="11" cy="11" r="7"/><path d="M21 21l-5-5"/>`,
  database: svg`<ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5"/><path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>`,
  fingerprint: svg`<path d="M5 10a7 7 0 0 1 14 0"/><path d="M8 19a12 12 0 0 0 1-5v-3a3 3 0 0 1 6 0v2"/><path d="M12 11v3a10 10 0 0 1-2 6"/><path d="M15 16a14 14 0 0 1-1 5"/><path d="M5 14a9 9 0 0 0 0-3M19 11v2a16 16 0 0 1-1 5"/>`,
  chart: svg`<path d="M3 3v18h18"/><path d="M8 16v-3M12 16V9M16 16V6"/>`,
  users: svg`<circle cx="9" cy="8" r="4"/><path d="M2 21a7 7 0 0 1 14 0"/><path d="M16 4a4 4 0 0 1 0 8M22 21a7 7 0 0 0-4-6.3"/>`,
  shield: svg`<path d="M12 2l8 3v6c0 5-3.4 9-8 11-4.6-2-8-6-8-11V5z"/>`,
  map: svg`<path d="M9 3L3 6v15l6-3 6 3 6-3V3l-6 3z"/><path d="M9 3v15M15 6v15"/>`,
  book: svg`<path d="M4 19.5A2.5 2.5 0 0 1 6.5 17H20V3H6.5A2.5 2.5 0 0 0 4 5.5z"/><path d="M4 19.5A2.5 2.5 0 0 0 6.5 22H20v-5"/>`,
  message: svg`<path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/>`,
  alert: svg`<path d="M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"/><path d="M12 9v4M12 17h.01"/>`,
  briefcase: svg`<rect x="2" y="7" width="20" height="14" rx="2"/><path d="M16 21V5a2 2 0 0 0-2-2h-4a2 2 0 0 0-2 2v16"/>`,
  globe: svg`<circle cx="12" cy="12" r="10"/><path d="M2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20"/>`,

  /* Status, actions and severities. */
  wrench: svg`<path d="M14.5 6.5a4 4 0 0 0 5 5l-8.5 8.5a2.1 2.1 0 0 1-3-3l8.5-8.5a4 4 0 0 0-2 0z"/><path d="M14.5 6.5L17 4a4 4 0 0 1 3 3l-2.5 2.5"/>`,
  clock: svg`<circle cx="12" cy="12" r="10"/><path d="M12 6v6l4 2"/>`,
  info: svg`<circle cx="12" cy="12" r="10"/><path d="M12 16v-5M12 8h.01"/>`,
  check: svg`<circle cx="12" cy="12" r="10"/><path d="M8 12l3 3 5-6"/>`,
  warning: svg`<path d="M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"/><path d="M12 9v4M12 17h.01"/>`,
  error: svg`<circle cx="12" cy="12" r="10"/><path d="M15 9l-6 6M9 9l6 6"/>`,
  emergency: svg`<path d="M7.9 2h8.2L22 7.9v8.2L16.1 22H7.9L2 16.1V7.9z"/><path d="M12 7v6M12 17h.01"/>`,
  outage: svg`<path d="M7.9 2h8.2L22 7.9v8.2L16.1 22H7.9L2 16.1V7.9z"/><path d="M15 9l-6 6M9 9l6 6"/>`,
  bookmark: svg`<path d="M19 21l-7-5-7 5V5a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2z"/>`,
  up: svg`<path d="M12 19V5M5 12l7-7 7 7"/>`,
  down: svg`<path d="M12 5v14M19 12l-7 7-7-7"/>`,
  grip: svg`<path d="M9 5h.01M15 5h.01M9 12h.01M15 12h.01M9 19h.01M15 19h.01"/>`,
  close: svg`<path d="M18 6L6 18M6 6l12 12"/>`,
} satisfies Record<string, SVGTemplateResult>;

export type IconName = keyof typeof ICONS;

/** An icon as decorative inline SVG (`aria-hidden`, never focusable); `className` styles it (size, colour, fill). */
export function icon(name: IconName, className = ''): TemplateResult {
  return html`<svg
    class="icon ${className}"
    viewBox="0 0 24 24"
    width="24"
    height="24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >
    ${ICONS[name]}
  </svg>`;
}
