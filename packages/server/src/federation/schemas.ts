import { createRoute, z } from '@hono/zod-openapi';
import { ErrorBodySchema } from '../http/errors.ts';
import { jsonBody, jsonContent } from '../http/openapi.ts';
import { OriSchema } from '../routes/me.ts';

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

const isLocalHost = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/** An issuer: an https URL (http only for a provider on this machine), no query or fragment. */
const IssuerSchema = z
  .url()
  .max(500)
  .refine((value) => {
    const u = new URL(value);
    return (u.protocol === 'https:' || (u.protocol === 'http:' && isLocalHost(u.hostname))) && !u.search && !u.hash && !u.username && !u.password;
  }, 'An https URL without query, fragment or credentials (http only for localhost)');

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
  issuer: IssuerSchema.openapi({ description: 'OIDC: the issuer (its discovery document is at /.well-known/openid-configuration); SAML: the entity id', example: 'https://idp.txdps.example.gov' }),
  clientId: z.string().min(1).max(500).openapi({ description: 'JusticeConnect’s client id at the IdP: the audience its ID tokens must name' }),
  clientSecret: Secret.optional().openapi({ description: 'Written only: never returned nor logged. Without one, the code exchange authenticates by PKCE alone (a public client).' }),
  scopes: z.array(Scope).min(1).max(20).optional().openapi({ description: 'OIDC scopes asked for (default openid profile email); must include openid' }),
  claims: ClaimsSchema.optional(),
  oris: z.array(OriSchema).min(1).max(5000).openapi({ description: 'The ORIs this IdP may assert; any other is refused' }),
  vettingCounts: z.boolean().optional().openapi({ description: 'true: its users arrive approved; false (default): pending until their agency administrator approves' }),
  multiFactor: z.array(AuthContext).max(50).optional().openapi({ description: 'amr or acr values (OIDC; SAML AuthnContextClassRef) that show a multi-factor sign-in; our own TOTP step follows when none is present', example: ['mfa', 'otp', 'hwk'] }),
};

export const IdpCreateSchema = z
  .strictObject({ id: IdpIdSchema, protocol: z.enum(['oidc', 'saml']).default('oidc'), ...fields })
  .refine((v) => !v.scopes || v.scopes.includes('openid'), { message: 'Scopes must include openid', path: ['scopes'] })
  .openapi('IdentityProviderCreate');
export type IdpCreate = z.infer<typeof IdpCreateSchema>;

export const IdpPatchSchema = z
  .strictObject({ ...fields, clientSecret: Secret.nullable().optional().openapi({ description: 'A new secret, or null to remove it' }) })
  .partial()
  .refine((v) => !v.scopes || v.scopes.includes('openid'), { message: 'Scopes must include openid', path: ['scopes'] })
  .openapi('IdentityProviderPatch');
export type IdpPatch = z.infer<typeof IdpPatchSchema>;

/** A provider in the file: as the create API takes it, and `disabled` (true: no sign-in, and its sessions end at start). */
export const IdpFileEntrySchema = z
  .strictObject({ id: IdpIdSchema, protocol: z.enum(['oidc', 'saml']).default('oidc'), ...fields, disabled: z.boolean().optional() })
  .refine((v) => !v.scopes || v.scopes.includes('openid'), { message: 'Scopes must include openid', path: ['scopes'] });
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

export const federationRoutes = {
  choices: createRoute({ method: 'get', path: '/providers', tags: fedTags, summary: 'The identity providers a user may sign in through', responses: { 200: jsonContent(z.object({ items: z.array(IdpPublicSchema) }), 'Providers') } }),
  start: createRoute({
    method: 'get',
    path: '/{id}/start',
    tags: fedTags,
    summary: 'Begin signing in at an identity provider: a redirect to it (OIDC authorization code with PKCE)',
    request: { params: IdParams, query: z.object({ returnTo: ReturnToSchema }) },
    responses: { 302: { description: 'To the identity provider' }, ...errors, 501: jsonContent(ErrorBodySchema, 'Protocol not supported yet (SAML)') },
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
    responses: { 302: { description: 'Signed in: to the page that began it' }, ...errors },
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
