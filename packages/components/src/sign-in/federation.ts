import { msg, str } from '@lit/localize';
import { html } from 'lit';
import * as z from 'zod/mini';
import { ApiError, type ApiTransport } from '../api/transport.js';
import { errorMessage } from '../shared/localization.js';

/*
 * Signing in through the state's identity provider from a page on another
 * (allow-listed) origin, which cannot use the server's cookie: jc-sign-in
 * offers "Sign in with …" for each provider the server lists, and opens the
 * provider's sign-in in a popup; the server's last page there posts the
 * bearer session to this page's origin only (packages/server/src/federation/
 * popup.ts), and the sign-in carries on from it (the one-time code when the
 * provider's sign-in was not multi-factor, the system-use notice). Only such
 * a page loads this, in a chunk of its own: the server's own pages link to
 * the provider's start and use its cookie.
 */

const ProvidersSchema = z.object({ items: z.array(z.object({ id: z.string(), displayName: z.string() })) });
export type IdentityProvider = z.infer<typeof ProvidersSchema>['items'][number];

/** What the popup's page posts (the server's PopupMessage): the bearer session, or why it refused. */
const MessageSchema = z.union([
  z.object({ type: z.literal('jc-federation'), token: z.string() }),
  z.object({ type: z.literal('jc-federation'), error: z.object({ code: z.string(), message: z.string() }) }),
]);

/** The identity providers a user may sign in through (none: the widget shows only its own sign-in). */
export async function listProviders(api: ApiTransport): Promise<IdentityProvider[]> {
  return (await api.request('/api/v1/federation/providers', { schema: ProvidersSchema })).data.items;
}

/**
 * Opens `id`'s sign-in in a popup (call it in the click's own task, or the
 * browser blocks it) and resolves once the popup has posted the session,
 * which it keeps as this page's bearer token. Only a message from the
 * server's origin, from that popup, in the expected shape counts. Rejects
 * with an ApiError when the popup was blocked, closed before it finished, or
 * brought a refusal (its code and words).
 */
export function popupSignIn(api: ApiTransport, id: string): Promise<void> {
  const start = new URL(`/api/v1/federation/${encodeURIComponent(id)}/start`, api.baseUrl);
  start.searchParams.set('popup', location.origin);
  const popup = open(start, 'jc-federation', 'popup,width=520,height=680');
  return new Promise((resolve, reject) => {
    if (!popup) return reject(new ApiError(0, 'POPUP_BLOCKED', msg('Your browser blocked the sign-in window. Allow pop-ups for this site and try again.')));
    const finish = (error?: ApiError) => {
      clearInterval(watch);
      removeEventListener('message', onMessage);
      if (error) reject(error);
      else resolve();
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== api.baseUrl || event.source !== popup) return;
      const parsed = MessageSchema.safeParse(event.data);
      if (!parsed.success) return;
      const message = parsed.data;
      // The server's words, or the reader's language's for that code, as for any refusal.
      if ('error' in message) return finish(new ApiError(403, message.error.code, errorMessage(403, message.error.code, message.error.message)));
      api.token = message.token;
      finish();
    };
    addEventListener('message', onMessage);
    // Closed without a word: the user gave up (or the provider's page was left).
    const watch = setInterval(() => popup.closed && finish(new ApiError(0, 'POPUP_CLOSED', msg('The sign-in window was closed before you finished signing in.'))), 500);
  });
}

/** "Sign in with …", one button for each provider, below the password form. */
export function renderProviders(providers: IdentityProvider[], busy: boolean, onPick: (id: string) => void) {
  return html`<div class="federation">
    <p class="muted">${msg('Or sign in through your agency’s identity provider:')}</p>
    <div class="actions">
      ${providers.map(
        (p) =>
          html`<button part="button" class="secondary" type="button" aria-disabled=${busy ? 'true' : 'false'} @click=${() => onPick(p.id)}>${msg(str`Sign in with ${p.displayName}`)}</button>`,
      )}
    </div>
  </div>`;
}
