import { msg } from '@lit/localize';
import { html, svg, type TemplateResult } from 'lit';
import type { Enrolment } from '../api/client.js';
import { heading, renderField } from './steps.js';

/*
 * Setting up an authenticator, which a user sees once: a chunk of its own,
 * loaded when the enrolment step is near (sign-in.ts imports this module only
 * dynamically). The server makes the QR code; this draws it.
 */

/** A Base32 secret in groups of four, easier to read and type. */
function grouped(secret: string): string {
  return secret.replace(/=+$/, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** The QR code the server made of the `otpauth://` URI (rows of `0` and `1`) as one SVG path: dark modules on white, whatever the theme. */
function qrCode(rows: string[], label: string): TemplateResult {
  let d = '';
  rows.forEach((row, y) => [...row].forEach((module, x) => (d += module === '1' ? `M${x} ${y}h1v1h-1z` : '')));
  const size = rows.length;
  return html`<svg class="qr" part="qr" role="img" aria-label=${label} viewBox=${`0 0 ${size} ${size}`} width="200" height="200" shape-rendering="crispEdges">
    ${svg`<rect width=${size} height=${size} fill="#ffffff"></rect><path d=${d} fill="#000000"></path>`}
  </svg>`;
}

/**
 * Setting up an authenticator: the QR code, the key to copy (`copied` says
 * how that went), the backup codes, and the first code from the app.
 */
export function renderEnrol(
  busy: boolean,
  email: string,
  enrolment: Enrolment,
  copied: string,
  error: string | null,
  onSubmit: (e: SubmitEvent) => void,
  onCopy: (secret: string) => void,
  cancel: TemplateResult,
) {
  return html`
    <div class="panel" part="panel">
      ${heading(msg('Set up your authenticator app'))}
      <p>${msg('Every JusticeConnect sign-in needs a one-time code from an authenticator app on your phone or computer.')}</p>
      <ol class="steps">
        <li>
          <h3>${msg('Add JusticeConnect to the app')}</h3>
          <p>${msg('Scan this QR code with the app, or type the key below into it.')}</p>
          ${qrCode(enrolment.qr, msg('QR code that adds JusticeConnect to an authenticator app. The key written out below does the same.'))}
          <dl class="secret">
            <dt>${msg('Key')}</dt>
            <dd><code id="jc-secret">${grouped(enrolment.secret)}</code></dd>
            <dt>${msg('Account')}</dt>
            <dd>${email}</dd>
            <dt>${msg('Type')}</dt>
            <dd>${msg('Time-based, 6 digits')}</dd>
          </dl>
          <button part="button" class="secondary" type="button" @click=${() => onCopy(enrolment.secret)}>${msg('Copy the key')}</button>
          <p class="muted" part="status" role="status">${copied}</p>
        </li>
        <li>
          <h3>${msg('Save your backup codes')}</h3>
          <p>${msg('If you lose your authenticator app, each of these codes signs you in once. Keep them somewhere safe, apart from this computer: they are not shown again.')}</p>
          <ul class="codes" aria-label=${msg('Backup codes')}>
            ${enrolment.backupCodes.map((c) => html`<li><code>${c}</code></li>`)}
          </ul>
        </li>
        <li>
          <h3 id="jc-confirm-title">${msg('Enter the code the app shows')}</h3>
          <form part="form" aria-labelledby="jc-confirm-title" novalidate @submit=${onSubmit}>
            ${renderField(busy, {
              id: 'jc-enrol-code',
              name: 'code',
              label: msg('One-time code'),
              autocomplete: 'one-time-code',
              inputmode: 'numeric',
              hint: msg('The 6-digit code the app shows for JusticeConnect now.'),
              error,
            })}
            <div class="actions">
              <button part="button" type="submit" aria-disabled=${busy ? 'true' : 'false'}>${busy ? msg('Checking…') : msg('Confirm')}</button>
              ${cancel}
            </div>
          </form>
        </li>
      </ol>
    </div>
  `;
}
