import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { FederationError } from './oidc.ts';
import type { SignedIn } from './sign-in.ts';

/*
 * The popup way in, for a page on another allow-listed origin (which cannot
 * use our cookie): it opens the start route in a popup with `popup=<its
 * origin>`; the IdP signs the user in there; our callback makes a bearer
 * session (as token exchange does) and answers a tiny page whose one script
 * posts it to `window.opener` with targetOrigin = exactly the origin kept
 * with the state, then closes. No cookie session is set. A refusal after the
 * state is known is posted to that origin likewise.
 */

/** What the popup page posts to its opener (the client checks the same shape). */
export type PopupMessage =
  | { type: 'jc-federation'; token: string; secondFactor: 'done' | 'required' }
  | { type: 'jc-federation'; error: { code: string; message: string } };

/** The start's `popup`: exactly one of the allow-listed origins, never our own (a same-origin page redirects and uses the cookie). */
export function popupOrigin(trustedOrigins: string[], baseUrl: string, popup: string | undefined): string | null {
  if (popup === undefined) return null;
  if (popup === baseUrl || !trustedOrigins.includes(popup)) {
    throw new FederationError(403, 'ORIGIN_NOT_ALLOWED', 'Signing in through a popup is open only to the allow-listed portals on other origins.');
  }
  return popup;
}

/**
 * The popup's browsing context must stay in its opener's group, or
 * `window.opener` is null and nothing can be posted back: the answers of a
 * popup sign-in (the start's redirect and the callback's page) say
 * `unsafe-none` instead of the `same-origin` every other answer has
 * (app.ts). The opener page and the IdP are other origins either way; what
 * crosses is only the message, to the one origin named.
 */
export function keepOpener(c: Context<AppEnv>): void {
  c.header('Cross-Origin-Opener-Policy', 'unsafe-none');
}

/** The page's one script: reads the message and its target from the JSON beside it, posts, closes. Constant, so its CSP hash is too. */
const SCRIPT =
  "var d=JSON.parse(document.getElementById('jc').textContent);if(window.opener)window.opener.postMessage(d.message,d.origin);window.close();";
const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`;

/** JSON inside a <script type="application/json">: nothing in it can close the element. */
const inScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** The popup's answer: a no-store page that posts `message` to `origin` only. Never logged (the request log has the path alone). */
export function popupPage(c: Context<AppEnv>, origin: string, message: PopupMessage, status: 200 | FederationError['status'] = 200): Response {
  keepOpener(c);
  // Only this page's own script runs; it loads nothing, and no other page may frame it.
  c.header('Content-Security-Policy', `default-src 'none'; script-src ${SCRIPT_HASH}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  const page =
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>JusticeConnect</title>' +
    `<script type="application/json" id="jc">${inScript({ origin, message })}</script>` +
    `<script>${SCRIPT}</script><p>You can close this window.</p></html>`;
  return c.html(page, status);
}

/** Signed in: the bearer session for the opener (no cookie), and whether our TOTP step follows. */
export function popupSignedIn(c: Context<AppEnv>, origin: string, signedIn: SignedIn): Response {
  const token = signedIn.headers.get('set-auth-token');
  if (!token) throw new Error('better-auth made a session without a bearer token');
  c.set('audited', true);
  return popupPage(c, origin, { type: 'jc-federation', token, secondFactor: signedIn.multiFactor ? 'done' : 'required' });
}

/** A refusal, posted to the opener (the audit row is written by the caller). */
export const popupRefusal = (c: Context<AppEnv>, origin: string, err: FederationError): Response =>
  popupPage(c, origin, { type: 'jc-federation', error: { code: err.code, message: err.message } }, err.status);
