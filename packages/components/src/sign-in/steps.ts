import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { Me, SystemUseNotice } from '../api/schemas.js';

/*
 * jc-sign-in's steps as plain templates: the element passes what each shows
 * (`busy` greys its buttons and makes its fields read-only while an action
 * runs) and what its controls call. The enrolment step is in enrol.ts.
 */

export interface FieldOptions {
  id: string;
  name: string;
  label: string;
  type?: string;
  autocomplete: string;
  hint?: string;
  error?: string | null;
  inputmode?: string;
}

/** A labelled text field with its hint and its error (read with it, and announced). */
export function renderField(busy: boolean, options: FieldOptions): TemplateResult {
  const { id, name, label, type = 'text', autocomplete, hint, error, inputmode } = options;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${hint ? html`<span class="hint" id=${`${id}-hint`}>${hint}</span>` : nothing}
    <input
      id=${id}
      part="input"
      name=${name}
      type=${type}
      autocomplete=${autocomplete}
      inputmode=${inputmode ?? nothing}
      spellcheck="false"
      autocapitalize="off"
      required
      aria-describedby=${describedBy || nothing}
      aria-invalid=${error ? 'true' : 'false'}
      ?readonly=${busy}
    />
    ${error ? html`<p class="field-error" part="error" id=${`${id}-error`} role="alert">${error}</p>` : nothing}
  </div>`;
}

/** The step's heading, where focus goes when the step changes. */
export const heading = (text: string) => html`<h2 id="jc-step-title" part="heading" tabindex="-1">${text}</h2>`;

/** Email and password (`after` them: another way in). `ended` says why the user was signed out, if they did not ask to be. */
export function renderPassword(busy: boolean, ended: string | null, emailError: string | undefined, passwordError: string | null | undefined, onSubmit: (e: SubmitEvent) => void, after: unknown) {
  return html`
    <div class="panel" part="panel">
      ${ended ? html`<p class="ended" part="status" id="jc-ended" role="alert" tabindex="-1">${ended}</p>` : nothing}
      ${heading(msg('Sign in to JusticeConnect'))}
      <form part="form" aria-labelledby="jc-step-title" novalidate @submit=${onSubmit}>
        ${renderField(busy, { id: 'jc-email', name: 'email', label: msg('Email'), type: 'email', autocomplete: 'username', error: emailError })}
        ${renderField(busy, {
          id: 'jc-password',
          name: 'password',
          label: msg('Password'),
          type: 'password',
          autocomplete: 'current-password',
          error: passwordError,
        })}
        <p class="muted">${msg('Next, you will enter the one-time code from your authenticator app.')}</p>
        <div class="actions">
          <button part="button" type="submit" aria-disabled=${busy ? 'true' : 'false'}>${busy ? msg('Signing in…') : msg('Sign in')}</button>
        </div>
      </form>
      ${after}
    </div>
  `;
}

/** The authenticator's one-time code, or (`backup`) one of the backup codes instead. */
export function renderCode(busy: boolean, email: string, backup: boolean, error: string | null, onSubmit: (e: SubmitEvent) => void, onToggle: () => void, cancel: TemplateResult) {
  return html`
    <div class="panel" part="panel">
      ${heading(backup ? msg('Enter a backup code') : msg('Enter your one-time code'))}
      <form part="form" aria-labelledby="jc-step-title" novalidate @submit=${onSubmit}>
        ${backup
          ? renderField(busy, {
              id: 'jc-backup-code',
              name: 'code',
              label: msg('Backup code'),
              autocomplete: 'off',
              hint: msg('One of the backup codes you saved when you set up your authenticator app. Each works once.'),
              error,
            })
          : renderField(busy, {
              id: 'jc-code',
              name: 'code',
              label: msg('One-time code'),
              autocomplete: 'one-time-code',
              inputmode: 'numeric',
              hint: msg(str`Open your authenticator app and enter the 6-digit code it shows for JusticeConnect (${email}).`),
              error,
            })}
        <div class="actions">
          <button part="button" type="submit" aria-disabled=${busy ? 'true' : 'false'}>${busy ? msg('Checking…') : msg('Verify')}</button>
          ${cancel}
        </div>
        <button part="button" class="link" type="button" aria-disabled=${busy ? 'true' : 'false'} @click=${onToggle}>
          ${backup ? msg('Use the code from your authenticator app instead') : msg('Use a backup code instead')}
        </button>
      </form>
    </div>
  `;
}

/**
 * Starting to set up an authenticator (an account without one): with the password again, or, for an account
 * that has none of ours (signed in through an identity provider), with a click.
 */
export function renderEnrolPassword(busy: boolean, password: boolean, error: string | null, onSubmit: (e: SubmitEvent) => void, cancel: TemplateResult) {
  return html`
    <div class="panel" part="panel">
      ${heading(msg('Set up your authenticator app'))}
      ${password
        ? html`<p>${msg('Every JusticeConnect sign-in needs a one-time code from an authenticator app on your phone or computer. Enter your password to start setting one up.')}</p>`
        : html`<p>${msg('Every JusticeConnect sign-in needs a one-time code from an authenticator app on your phone or computer.')}</p>
            ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing}`}
      <form part="form" aria-labelledby="jc-step-title" novalidate @submit=${onSubmit}>
        ${password
          ? renderField(busy, {
              id: 'jc-enrol-password',
              name: 'password',
              label: msg('Password'),
              type: 'password',
              autocomplete: 'current-password',
              error,
            })
          : nothing}
        <div class="actions">
          <button part="button" type="submit" aria-disabled=${busy ? 'true' : 'false'}>${msg('Continue')}</button>
          ${cancel}
        </div>
      </form>
    </div>
  `;
}

/** The system-use notice, to accept or decline. */
export function renderNotice(busy: boolean, notice: SystemUseNotice, error: string | null, onAccept: () => void, cancel: TemplateResult) {
  return html`
    <div class="panel" part="panel">
      ${heading(notice.title)}
      <div class="notice-text" part="notice">${notice.paragraphs.map((p) => html`<p>${p}</p>`)}</div>
      ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing}
      <div class="actions">
        <button part="button" type="button" aria-disabled=${busy ? 'true' : 'false'} @click=${onAccept}>${msg('I accept')}</button>
        ${cancel}
      </div>
    </div>
  `;
}

/** Who is signed in, Sign out, the idle warning (`idle`), a pending account's notice and the opt-in. */
export function renderSignedIn(busy: boolean, me: Me, error: string | null, idle: TemplateResult, onSignOut: () => void, onOptIn: () => void) {
  return html`
    <div class="panel" part="panel">
      <div class="who">
        <div>
          <h2 id="jc-step-title" part="heading" tabindex="-1">${msg(str`Signed in as ${me.name}`)}</h2>
          <p class="muted" part="status">${[me.title, me.agency ? `${me.agency.name} (${me.agency.ori})` : null].filter(Boolean).join(' · ')}</p>
        </div>
        <button part="button" class="secondary" type="button" aria-disabled=${busy ? 'true' : 'false'} @click=${onSignOut}>${msg('Sign out')}</button>
      </div>
      ${idle}
      ${me.status === 'pending'
        ? html`<p class="notice" part="status">
            ${msg('Your account is waiting for approval by your agency administrator. Community features open once it is approved.')}
          </p>`
        : nothing}
      ${me.optedIn ? (error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing) : renderOptIn(busy, error, onOptIn)}
    </div>
  `;
}

function renderOptIn(busy: boolean, error: string | null, onOptIn: () => void) {
  return html`
    <section class="opt-in" aria-labelledby="jc-opt-in-title">
      <h3 id="jc-opt-in-title">${msg('Participate in JusticeConnect')}</h3>
      <p>
        ${msg(
          'JusticeConnect lets users across agencies communicate, collaborate and work together in communities of interest, forums and activities. You must opt in before you can use it.',
        )}
      </p>
      ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing}
      <div class="actions">
        <button part="button" type="button" aria-disabled=${busy ? 'true' : 'false'} @click=${onOptIn}>${msg('Yes, opt in to JusticeConnect')}</button>
      </div>
    </section>
  `;
}
