import type { Generated } from 'kysely';

/** The federation's tables (federation/): identity providers, the identities they assert, sign-ins under way, used token ids. */

export interface IdentityProviderTable {
  /** Its key in URLs (`/api/v1/federation/{id}/start`). */
  id: string;
  display_name: string;
  protocol: 'oidc' | 'saml';
  issuer: string;
  client_id: string;
  /** Encrypted with the auth secret (better-auth's symmetricEncrypt); never returned. */
  client_secret: string | null;
  /** JSON arrays / objects. */
  scopes: string;
  claims: string;
  oris: string;
  vetting_counts: number;
  multi_factor: string;
  source: 'api' | 'file';
  disabled_at: string | null;
  /** Who disabled it: an administrator ('api') or the providers file at start ('file'). */
  disabled_by: Generated<'api' | 'file' | null>;
  /** SAML 2.0 only: JSON `{ ssoUrl, certificates }` (federation/saml.ts); null for OIDC. */
  saml: Generated<string | null>;
  created_at: string;
  updated_at: string;
}

export interface FederatedIdentityTable {
  idp_id: string;
  federation_id: string;
  user_id: string;
  /** The email the IdP asserted (the account's own may differ when that one was taken). */
  email: string | null;
  created_at: string;
  last_sign_in_at: string;
  /** SAML 2.0: the NameID of its last sign-in, by which a LogoutRequest names it (null for OIDC). */
  saml_name_id: string | null;
}

export interface FederationStateTable {
  state_hash: string;
  browser_hash: string;
  idp_id: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  /** A popup sign-in: the allow-listed origin of the page that opened it (null: a same-origin redirect). */
  popup_origin: string | null;
  expires_at: string;
}

export interface FederationJtiTable {
  idp_id: string;
  jti: string;
  expires_at: string;
}
