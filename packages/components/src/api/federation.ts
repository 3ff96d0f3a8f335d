import * as z from 'zod/mini';
import type { ApiTransport } from './transport.js';

/*
 * Signing in through the state's identity provider from its own portal
 * (packages/server/src/federation/routes.ts): the host page hands over an ID
 * token its IdP issued for JusticeConnect, and RFC 8693 token exchange turns
 * it into this page's bearer session. Only `jc-provider` uses it.
 */

/**
 * What of `POST /api/v1/federation/token-exchange`'s answer the provider uses: the bearer session.
 * (Whether our code step follows, `secondFactor`, the session's state says once it is asked.)
 */
export const TokenExchangeAnswerSchema = z.object({ access_token: z.string() });
export type TokenExchangeAnswer = z.infer<typeof TokenExchangeAnswerSchema>;

/** Where a host page's ID token comes from: the token itself, or a function that answers a fresh one (or null: nobody is signed in at the IdP). */
export type IdTokenSource = string | (() => string | null | undefined | Promise<string | null | undefined>);

/**
 * Exchanges the host page's ID token for a session, kept as this page's bearer token. Open only to an
 * allow-listed portal on another origin (the server's own pages use the redirect and its cookie).
 * Throws an ApiError: 400 INVALID_TOKEN, 401 TOKEN_REPLAYED / UNREGISTERED_ISSUER / an expired or
 * foreign token, 403 ORIGIN_NOT_ALLOWED or an ORI the IdP may not assert, 429 RATE_LIMITED.
 */
export async function exchangeIdToken(api: ApiTransport, idToken: string): Promise<TokenExchangeAnswer> {
  const { data } = await api.request('/api/v1/federation/token-exchange', {
    method: 'POST',
    body: {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    },
    schema: TokenExchangeAnswerSchema,
    // Whoever was signed in here before, the new session replaces theirs.
    bearer: null,
  });
  api.token = data.access_token;
  return data;
}
