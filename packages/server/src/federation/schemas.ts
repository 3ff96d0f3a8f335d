import { createRoute, z } from '@hono/zod-openapi';
import { ErrorBodySchema } from '../http/errors.ts';
import { jsonBody, jsonContent } from '../http/openapi.ts';
import { OriSchema } from '../http/openapi.ts';
import { isServiceUrl, metadataEntityId, SamlInputSchema, type SamlInput } from './saml-settings.ts';

/*
 * Identity providers as data, and the federation endpoints: every shape that
 * crosses a boundary (the administrator's API, the providers file read at
 * start, the IdP's discovery document and token answer, the token-exchange
 * request) is one of these schemas.
 */

/** The claim (OIDC) or attribute (SAML) names JusticeConnect reads an account from. */
export interface ClaimNames {
  federationId: string;
  ori: string;
  givenName: string;
  surname: string;
  email: string;
}

/** OIDC: the standard claims, and `employer_ori` for the agency (no OIDC standard names one). */
export const OIDC_CLAIMS: ClaimNames = { federationId: 'sub', ori: 'employer_ori', givenName: 'given_name', surname: 'family_name', email: 'email' };

/** SAML: the GFIPM / NIEF user attributes. */
export const GFIPM_CLAIMS: ClaimNames = {
  federationId: 'gfipm:2.0:user:FederationId',
  ori: 'gfipm:2.0:user:EmployerORI',
  givenName: 'gfipm:2.0:user:GivenName',
  surname: 'gfipm:2.0:user:SurName',
  email: 'gfipm:2.0:user:EmailAddressText',
};

export const defaultClaims = (protocol: 'oidc' | 'saml'): ClaimNames => (protocol === 'saml' ? GFIPM_CLAIMS : OIDC_CLAIMS);

export const IdpIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'Lower-case letters, digits and hyphens, at most 40')
  .openapi({ description: 'The provider’s key in URLs', example: 'txdps' });

/**
 * OIDC: an issuer is a service URL (its discovery document is fetched from it).
 * SAML: an entity id is a name, not fetched: any absolute URI (https, http as
 * ADFS names itself, or a URN), no spaces.
 */
export function issuerProblem(protocol: 'oidc' | 'saml', issuer: string): string | null {
  if (protocol === 'oidc') return isServiceUrl(issuer) ? null : 'An https URL without query, fragment or credentials (http only for localhost)';
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/.test(issuer) ? null : 'An absolute URI (the IdP’s SAML entity id)';
}

const IssuerSchema = z.string().trim().min(1).max(500);

const ClaimName = z.string().trim().min(1).max(200);
const ClaimsSchema = z
  .strictObject({ federationId: ClaimName, ori: ClaimName, givenName: ClaimName, surname: ClaimName, email: ClaimName })
  .partial()
  .openapi({ description: 'Claim (OIDC) or attribute (SAML) names; any left out take the protocol’s defaults (OIDC: sub, employer_ori, given_name, family_name, email; SAML: the GFIPM names)' });

const AuthContext = z.string().trim().min(1).max(200);
const Secret = z.string().min(1).max(2000);
const Scope = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/, 'A scope token');

const fields = {
  displayName: z.string().trim().min(1).max(100).openapi({ description: 'Shown to users: “Sign in with …”', example: 'Texas DPS' }),
  issuer: IssuerSchema.openapi({
    description: 'OIDC: the issuer, an https URL (its discovery document is at /.well-known/openid-configuration); SAML: the IdP’s entity id (an absolute URI)',
    example: 'https://idp.txdps.example.gov',
  }),
  clientId: z.string().min(1).max(500).optional().openapi({
    description: 'OIDC (required): JusticeConnect’s client id at the IdP, the audience its ID tokens must name. SAML (optional): the entity id JusticeConnect is known by at this IdP, the audience its assertions must name; default <JC_BASE_URL>/api/v1/federation/<id>/saml/metadata',
  }),
  clientSecret: Secret.optional().openapi({ description: 'Written only: never returned nor logged. Without one, the code exchange authenticates by PKCE alone (a public client).' }),
  scopes: z.array(Scope).min(1).max(20).optional().openapi({ description: 'OIDC scopes asked for (default openid profile email); must include openid' }),
  claims: ClaimsSchema.optional(),
  oris: z.array(OriSchema).min(1).max(5000).openapi({ description: 'The ORIs this IdP may assert; any other is refused' }),
  vettingCounts: z.boolean().optional().openapi({ description: 'true: its users arrive approved; false (default): pending until their agency administrator approves' }),
  multiFactor: z.array(AuthContext).max(50).optional().openapi({ description: 'amr or acr values (OIDC; SAML AuthnContextClassRef) that show a multi-factor sign-in; our own TOTP step follows when none is present', example: ['mfa', 'otp', 'hwk'] }),
  saml: SamlInputSchema.optional(),
};

type Checked = { protocol: 'oidc' | 'saml'; issuer?: string | undefined; clientId?: string | undefined; clientSecret?: string | null | undefined; scopes?: string[] | undefined; saml?: SamlInput | undefined };
type Issue = (path: string, message: string) => void;

/**
 * What each protocol needs beside the common fields: OIDC a client id (and
 * openid among its scopes), no SAML settings; SAML its settings (metadata, or
 * SSO URL and certificates, whose entity id is the issuer), no secret nor
 * scopes. The create API and the file check a whole provider; a change is
 * checked merged with the provider it changes (admin.ts).
 */
export function protocolIssues(v: Checked, issue: Issue, whole: boolean): void {
  if (v.issuer !== undefined) {
    const problem = issuerProblem(v.protocol, v.issuer);
    if (problem) issue('issuer', problem);
  }
  if (v.protocol === 'oidc') {
    if (whole && v.clientId === undefined) issue('clientId', 'Required');
    if (v.scopes && !v.scopes.includes('openid')) issue('scopes', 'Scopes must include openid');
    if (v.saml !== undefined) issue('saml', 'Only for a SAML 2.0 provider');
    return;
  }
  if (whole && v.saml === undefined) issue('saml', 'Required: the IdP’s metadata, or its SSO URL and signing certificates');
  if (v.clientSecret != null) issue('clientSecret', 'A SAML 2.0 provider has no client secret');
  if (v.scopes !== undefined) issue('scopes', 'Only for an OIDC provider');
  if (v.saml?.metadata !== undefined && v.issuer !== undefined) {
    const entityId = metadataEntityId(v.saml.metadata);
    if (entityId !== null && entityId !== v.issuer) issue('saml.metadata', 'Its entityID is not the issuer');
  }
}

const refineProtocol = (v: Checked, ctx: z.RefinementCtx) =>
  protocolIssues(v, (path, message) => ctx.addIssue({ code: 'custom', message, path: path.split('.') }), true);

export const IdpCreateSchema = z
  .strictObject({ id: IdpIdSchema, protocol: z.enum(['oidc', 'saml']).default('oidc'), ...fields })
  .superRefine(refineProtocol)
  .openapi('IdentityProviderCreate');
export type IdpCreate = z.infer<typeof IdpCreateSchema>;

export const IdpPatchSchema = z
  .strictObject({ ...fields, clientSecret: Secret.nullable().optional().openapi({ description: 'A new secret, or null to remove it' }) })
  .partial()
  .openapi('IdentityProviderPatch');
export type IdpPatch = z.infer<typeof IdpPatchSchema>;

/** A provider in the file: as the create API takes it, and `disabled` (true: no sign-in, and its sessions end at start). */
export const IdpFileEntrySchema = z
  .strictObject({ id: IdpIdSchema, protocol: z.enum(['oidc', 'saml']).default('oidc'), ...fields, disabled: z.boolean().optional() })
  .superRefine(refineProtocol);
export type IdpFileEntry = z.infer<typeof IdpFileEntrySchema>;

/** JC_IDENTITY_PROVIDERS_FILE: `{ "providers": [ … ] }`, each as the create API takes it (and `disabled`). */
export const IdpFileSchema = z.strictObject({ providers: z.array(IdpFileEntrySchema).max(200) });

export const IdpViewSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    protocol: z.enum(['oidc', 'saml']),
    issuer: z.string(),
    clientId: z.string(),
    hasClientSecret: z.boolean(),
    scopes: z.array(z.string()),
    claims: z.object({ federationId: z.string(), ori: z.string(), givenName: z.string(), surname: z.string(), email: z.string() }),
    oris: z.array(z.string()),
    vettingCounts: z.boolean(),
    multiFactor: z.array(z.string()),
    saml: z
      .object({
        ssoUrl: z.string(),
        certificates: z.array(z.object({ sha256: z.string(), subject: z.string(), notAfter: z.string() })),
      })
      .nullable()
      .openapi({ description: 'SAML 2.0: where sign-in requests go (HTTP-Redirect) and the certificates that may sign its assertions (fingerprints); null for OIDC' }),
    source: z.enum(['api', 'file']).openapi({ description: 'file: from JC_IDENTITY_PROVIDERS_FILE, changed only there' }),
    disabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('IdentityProvider');
export type IdpView = z.infer<typeof IdpViewSchema>;

/** What a signed-out page needs to offer “Sign in with …”. */
export const IdpPublicSchema = z.object({ id: z.string(), displayName: z.string(), protocol: z.enum(['oidc', 'saml']) }).openapi('IdentityProviderChoice');

/** The part of an OIDC discovery document we use. */
export const DiscoverySchema = z
  .object({
    issuer: z.string(),
    authorization_endpoint: z.url(),
    token_endpoint: z.url(),
    jwks_uri: z.url(),
    code_challenge_methods_supported: z.array(z.string()).optional(),
  })
  .loose();

/** The token endpoint's answer (only the ID token is used; nothing of it is logged). */
export const TokenAnswerSchema = z.object({ id_token: z.string().min(1).max(20_000), token_type: z.string().optional() }).loose();

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange' as const;
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token' as const;
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token' as const;

/** RFC 8693: the host page's ID token for JusticeConnect, exchanged for a session. Form-encoded (as the RFC has it) or JSON. */
export const TokenExchangeSchema = z
  .strictObject({
    grant_type: z.literal(TOKEN_EXCHANGE_GRANT),
    subject_token: z.string().min(1).max(20_000),
    subject_token_type: z.literal(ID_TOKEN_TYPE),
    requested_token_type: z.literal(ACCESS_TOKEN_TYPE).optional(),
    audience: z.string().max(500).optional(),
    resource: z.string().max(500).optional(),
  })
  .openapi('TokenExchange');

export const TokenExchangeAnswerSchema = z
  .object({
    access_token: z.string().openapi({ description: 'The bearer credential (also in `set-auth-token`), for this allow-listed origin only' }),
    issued_token_type: z.literal(ACCESS_TOKEN_TYPE),
    token_type: z.literal('Bearer'),
    expires_in: z.number(),
    secondFactor: z.enum(['done', 'required']).openapi({ description: 'required: the IdP showed no multi-factor sign-in, so our TOTP step follows' }),
    user: z.object({ id: z.string(), status: z.string() }),
  })
  .openapi('TokenExchangeAnswer');

const errors = {
  400: jsonContent(ErrorBodySchema, 'Invalid input'),
  401: jsonContent(ErrorBodySchema, 'Not signed in, or the assertion was refused (the code says why)'),
  403: jsonContent(ErrorBodySchema, 'Not allowed (the code says why)'),
  404: jsonContent(ErrorBodySchema, 'No such identity provider'),
  409: jsonContent(ErrorBodySchema, 'Conflicts with the current state'),
};

const adminTags = ['identity providers'];
const IdParams = z.object({ id: IdpIdSchema });

export const adminRoutes = {
  list: createRoute({ method: 'get', path: '/', tags: adminTags, summary: 'Registered identity providers (site administrators)', responses: { 200: jsonContent(z.object({ items: z.array(IdpViewSchema) }), 'Providers'), ...errors } }),
  create: createRoute({ method: 'post', path: '/', tags: adminTags, summary: 'Register an identity provider (site administrators)', request: jsonBody(IdpCreateSchema), responses: { 201: jsonContent(IdpViewSchema, 'Registered'), ...errors } }),
  update: createRoute({ method: 'patch', path: '/{id}', tags: adminTags, summary: 'Change an identity provider (site administrators)', request: { params: IdParams, ...jsonBody(IdpPatchSchema) }, responses: { 200: jsonContent(IdpViewSchema, 'Changed'), ...errors } }),
  disable: createRoute({ method: 'post', path: '/{id}/disable', tags: adminTags, summary: 'Stop signing in through an identity provider and end the sessions it opened (site administrators)', request: { params: IdParams }, responses: { 200: jsonContent(IdpViewSchema, 'Disabled'), ...errors } }),
  enable: createRoute({ method: 'post', path: '/{id}/enable', tags: adminTags, summary: 'Sign in through a disabled identity provider again (site administrators)', request: { params: IdParams }, responses: { 200: jsonContent(IdpViewSchema, 'Enabled'), ...errors } }),
};

const fedTags = ['federation'];
/** Where to land after signing in: a path on this server only (never another site). */
export const ReturnToSchema = z
  .string()
  .max(2000)
  .refine((p) => /^\/(?![/\\])/.test(p) && !/[\u0000-\u001f\u007f\\]/.test(p), 'A path on this site, starting with a single /')
  .optional();

/** What the IdP's page posts to the ACS (HTTP-POST binding). */
export const SamlPostSchema = z
  .object({
    SAMLResponse: z.string().min(1).max(90_000).openapi({ description: 'The Response, base64 (never logged)' }),
    RelayState: z.string().max(80).optional().openapi({ description: 'Our state, as the AuthnRequest sent it' }),
  })
  .openapi('SamlPost');

/** What an IdP posts to our back-channel logout URI (OpenID Connect Back-Channel Logout 1.0 §2.5). */
export const LogoutPostSchema = z
  .object({ logout_token: z.string().min(1).max(20_000).openapi({ description: 'The IdP’s signed logout token (never logged)' }) })
  .openapi('BackchannelLogoutPost');

/** SAML single logout: the IdP's LogoutRequest, by HTTP-Redirect (query) or HTTP-POST (form). */
export const SamlLogoutQuerySchema = z
  .object({
    SAMLRequest: z.string().min(1).max(20_000).openapi({ description: 'The LogoutRequest, deflated and base64 (never logged)' }),
    RelayState: z.string().max(1000).optional().openapi({ description: 'The IdP’s state, sent back with our LogoutResponse' }),
    SigAlg: z.string().max(200).optional().openapi({ description: 'The signature algorithm (required: unsigned requests are refused)' }),
    Signature: z.string().max(4000).optional().openapi({ description: 'The signature over SAMLRequest, RelayState and SigAlg (required)' }),
  })
  .openapi('SamlLogoutRedirect');
export const SamlLogoutPostSchema = z
  .object({
    SAMLRequest: z.string().min(1).max(90_000).openapi({ description: 'The signed LogoutRequest, base64 (never logged)' }),
    RelayState: z.string().max(1000).optional().openapi({ description: 'The IdP’s state, sent back with our LogoutResponse' }),
  })
  .openapi('SamlLogoutPost');

/** The spec's error answer (OAuth 2.0 §5.2 shape), which an IdP's back channel reads. */
export const LogoutErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).openapi('BackchannelLogoutError');

/** What either SAML single-logout binding answers: a plain page (described by each), or the way back to the IdP with our LogoutResponse. */
const sloResponses = (page: string) => ({
  200: { description: page, content: { 'text/plain': { schema: z.string() } } },
  302: { description: 'Logged out (or a failure status): to the IdP’s SingleLogoutService with our signed LogoutResponse' },
  ...errors,
});

export const federationRoutes = {
  choices: createRoute({ method: 'get', path: '/providers', tags: fedTags, summary: 'The identity providers a user may sign in through', responses: { 200: jsonContent(z.object({ items: z.array(IdpPublicSchema) }), 'Providers') } }),
  start: createRoute({
    method: 'get',
    path: '/{id}/start',
    tags: fedTags,
    summary: 'Begin signing in at an identity provider: a redirect to it (OIDC authorization code with PKCE, or a SAML 2.0 AuthnRequest by HTTP-Redirect)',
    request: {
      params: IdParams,
      query: z.object({
        returnTo: ReturnToSchema,
        popup: z.string().max(300).optional().openapi({ description: 'A page on another allow-listed origin signing in through a popup: its exact origin, which alone receives the bearer credential (postMessage) at the callback; no cookie session is set', example: 'https://portal.example.gov' }),
      }),
    },
    responses: { 302: { description: 'To the identity provider' }, ...errors },
  }),
  callback: createRoute({
    method: 'get',
    path: '/{id}/callback',
    tags: fedTags,
    summary: 'Where the identity provider sends the browser back: the code is exchanged, the ID token checked, and a session begun',
    request: {
      params: IdParams,
      query: z.object({ code: z.string().max(2000).optional(), state: z.string().max(200).optional(), iss: z.string().max(500).optional(), error: z.string().max(200).optional(), error_description: z.string().max(1000).optional(), session_state: z.string().max(500).optional() }),
    },
    responses: {
      200: { description: 'A popup sign-in (begun with `popup`): a page that posts `{ type: "jc-federation", token, secondFactor }`, or `{ type: "jc-federation", error: { code, message } }`, to its opener at that origin only, then closes', content: { 'text/html': { schema: z.string() } } },
      302: { description: 'Signed in: to the page that began it' },
      ...errors,
    },
  }),
  samlMetadata: createRoute({
    method: 'get',
    path: '/{id}/saml/metadata',
    tags: fedTags,
    summary: 'JusticeConnect’s SAML 2.0 service-provider metadata for this identity provider (its entity id, the ACS, signed assertions wanted)',
    request: { params: IdParams },
    responses: { 200: { description: 'SAML 2.0 metadata', content: { 'application/samlmetadata+xml': { schema: z.string() } } }, ...errors },
  }),
  samlAcs: createRoute({
    method: 'post',
    path: '/{id}/saml/acs',
    tags: fedTags,
    summary: 'The assertion consumer service (HTTP-POST): the IdP’s signed answer to our AuthnRequest is checked, and a session begun',
    request: { params: IdParams, body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: SamlPostSchema } } } },
    responses: { 303: { description: 'Signed in: to the page that began it' }, ...errors },
  }),
  samlSloRedirect: createRoute({
    method: 'get',
    path: '/{id}/saml/slo',
    tags: fedTags,
    summary: 'SAML 2.0 single logout (HTTP-Redirect): the IdP’s signed LogoutRequest ends the sessions that IdP opened for that user; register it as our SingleLogoutService (it is in our metadata)',
    request: { params: IdParams, query: SamlLogoutQuerySchema },
    responses: sloResponses('Logged out; the IdP registered no SLO URL (or JusticeConnect has no signing key): a plain page'),
  }),
  samlSloPost: createRoute({
    method: 'post',
    path: '/{id}/saml/slo',
    tags: fedTags,
    summary: 'SAML 2.0 single logout (HTTP-POST): as the HTTP-Redirect binding, the LogoutRequest signed in the XML',
    request: { params: IdParams, body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: SamlLogoutPostSchema } } } },
    responses: sloResponses('Logged out; a plain page (see the HTTP-Redirect binding)'),
  }),
  backchannelLogout: createRoute({
    method: 'post',
    path: '/{id}/backchannel-logout',
    tags: fedTags,
    summary: 'OpenID Connect Back-Channel Logout: the IdP (server to server) ends the sessions of one of its users here; register it as the IdP’s backchannel_logout_uri',
    request: { params: IdParams, body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: LogoutPostSchema } } } },
    responses: {
      200: { description: 'Logged out: the sessions that user opened through this IdP ended' },
      400: jsonContent(LogoutErrorSchema, 'The logout token was refused, or names only sid (error_description says why)'),
      404: jsonContent(ErrorBodySchema, 'No such enabled OpenID Connect identity provider'),
    },
  }),
  tokenExchange: createRoute({
    method: 'post',
    path: '/token-exchange',
    tags: fedTags,
    summary: 'RFC 8693 token exchange: the IdP’s ID token for JusticeConnect (from an allow-listed portal) for a bearer session',
    request: {
      body: {
        // Each type is checked when sent (a route's `required` would check every type on every request); a request with neither is refused.
        required: false,
        content: { 'application/x-www-form-urlencoded': { schema: TokenExchangeSchema }, 'application/json': { schema: TokenExchangeSchema } },
      },
    },
    responses: { 200: jsonContent(TokenExchangeAnswerSchema, 'A session'), ...errors },
  }),
};
