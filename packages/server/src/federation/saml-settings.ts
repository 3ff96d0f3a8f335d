import { createHash, X509Certificate } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import samlify from './samlify.ts';

/*
 * A SAML 2.0 identity provider's trust, as an administrator or the providers
 * file gives it: its metadata XML, or its SSO URL and signing certificates.
 * Either way it is kept as one shape (SamlSettings): the HTTP-Redirect SSO
 * URL and the certificates (base64 DER) whose keys may sign its assertions.
 * Metadata is read with samlify; certificates with node:crypto.
 */

const isLocalHost = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/** An https URL (http only for a service on this machine), no query, fragment or credentials. */
export const isServiceUrl = (value: string) => {
  if (!URL.canParse(value)) return false;
  const u = new URL(value);
  return (u.protocol === 'https:' || (u.protocol === 'http:' && isLocalHost(u.hostname))) && !u.search && !u.hash && !u.username && !u.password;
};

/** An SSO URL may carry a query (some IdPs route by it), but no fragment or credentials. */
const isSsoUrl = (value: string) => {
  if (!URL.canParse(value)) return false;
  const u = new URL(value);
  return (u.protocol === 'https:' || (u.protocol === 'http:' && isLocalHost(u.hostname))) && !u.hash && !u.username && !u.password;
};

export interface SamlSettings {
  /** Where the AuthnRequest goes (HTTP-Redirect binding). */
  ssoUrl: string;
  /** The IdP's signing certificates, base64 DER (no PEM armour, no spaces). */
  certificates: string[];
  /** Where our LogoutResponse goes (its SingleLogoutService for HTTP-Redirect), when its metadata names one. */
  sloUrl?: string;
}

export interface CertificateInfo {
  sha256: string;
  subject: string;
  notAfter: string;
}


/** A certificate's base64 DER body, from PEM or bare base64 (what metadata holds). */
export function certificateBody(text: string): string {
  return text
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
}

/** The certificate, parsed; null when it is not an X.509 certificate with an RSA key (what XML signature verification here takes). */
function parseCertificate(body: string): X509Certificate | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  try {
    const cert = new X509Certificate(Buffer.from(body, 'base64'));
    return cert.publicKey.asymmetricKeyType === 'rsa' ? cert : null;
  } catch {
    return null;
  }
}

export function certificateInfo(body: string): CertificateInfo {
  const cert = parseCertificate(body);
  return {
    sha256: createHash('sha256').update(Buffer.from(body, 'base64')).digest('hex').replace(/(..)(?!$)/g, '$1:').toUpperCase(),
    subject: cert?.subject.replace(/\n/g, ', ') ?? '',
    notAfter: cert ? new Date(cert.validTo).toISOString() : '',
  };
}

interface ParsedMetadata {
  entityId: string;
  ssoUrl: string | null;
  certificates: string[];
  sloUrl: string | null;
}

/** The IdP metadata's entity id, SSO URL (HTTP-Redirect) and signing certificates; null when it is not IdP metadata samlify can read. */
function parseMetadata(xml: string): ParsedMetadata | null {
  // One EntityDescriptor, no DTD (nothing for an XML parser to expand).
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return null;
  try {
    const idp = samlify.IdentityProvider({ metadata: xml });
    const meta = idp.entityMeta;
    const sso = meta.getSingleSignOnService('redirect');
    const certs = meta.getX509Certificate('signing');
    const slo = meta.getSingleLogoutService('redirect');
    const list = (Array.isArray(certs) ? certs.flat(Infinity as 1) : certs ? [certs] : []) as string[];
    return { entityId: meta.getEntityID(), ssoUrl: typeof sso === 'string' ? sso : null, certificates: list.map(certificateBody), sloUrl: typeof slo === 'string' && isSsoUrl(slo) ? slo : null };
  } catch {
    return null;
  }
}

/** The entity id the metadata names (for the check that it is the registered issuer), or null. */
export function metadataEntityId(xml: string): string | null {
  return parseMetadata(xml)?.entityId ?? null;
}

const Certificate = z.string().min(1).max(10_000);

export const SamlInputSchema = z
  .strictObject({
    metadata: z.string().min(1).max(90_000).optional().openapi({ description: 'The IdP’s SAML 2.0 metadata XML (its entityID must be the issuer); or give ssoUrl and certificates instead' }),
    ssoUrl: z.string().max(1000).optional().openapi({ description: 'The IdP’s SingleSignOnService for the HTTP-Redirect binding', example: 'https://idp.txdps.example.gov/idp/profile/SAML2/Redirect/SSO' }),
    certificates: z.array(Certificate).min(1).max(4).optional().openapi({ description: 'The IdP’s signing certificates (PEM or base64 DER, RSA keys); two during a key rollover' }),
  })
  .superRefine((v, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', message, path: [path] });
    if (v.metadata !== undefined) {
      if (v.ssoUrl !== undefined || v.certificates !== undefined) issue('metadata', 'Give the metadata, or ssoUrl and certificates: not both');
      const parsed = parseMetadata(v.metadata);
      if (!parsed) return issue('metadata', 'Not SAML 2.0 IdP metadata (one EntityDescriptor with an IDPSSODescriptor)');
      if (!parsed.ssoUrl || !isSsoUrl(parsed.ssoUrl)) issue('metadata', 'It names no https SingleSignOnService for the HTTP-Redirect binding');
      if (parsed.certificates.length === 0 || parsed.certificates.some((c) => !parseCertificate(c))) issue('metadata', 'It names no signing certificate, or one that is not an RSA X.509 certificate');
      return;
    }
    if (v.ssoUrl === undefined) issue('ssoUrl', 'Required (or give the metadata)');
    else if (!isSsoUrl(v.ssoUrl)) issue('ssoUrl', 'An https URL without fragment or credentials (http only for localhost)');
    if (v.certificates === undefined) issue('certificates', 'Required (or give the metadata)');
    else v.certificates.forEach((c, i) => parseCertificate(certificateBody(c)) === null && ctx.addIssue({ code: 'custom', message: 'Not an X.509 certificate with an RSA key', path: ['certificates', i] }));
  })
  .openapi('SamlIdentityProviderSettings', { description: 'SAML 2.0 only: the IdP’s metadata, or its SSO URL and signing certificates' });
export type SamlInput = z.infer<typeof SamlInputSchema>;

/** The settings to keep, from input SamlInputSchema accepted. */
export function samlSettings(input: SamlInput): SamlSettings {
  if (input.metadata !== undefined) {
    const parsed = parseMetadata(input.metadata)!;
    return { ssoUrl: parsed.ssoUrl!, certificates: [...new Set(parsed.certificates)], ...(parsed.sloUrl && { sloUrl: parsed.sloUrl }) };
  }
  return { ssoUrl: input.ssoUrl!, certificates: [...new Set(input.certificates!.map(certificateBody))] };
}

const StoredSchema = z.object({ ssoUrl: z.string(), certificates: z.array(z.string()).min(1), sloUrl: z.string().optional() });

/** The stored column, read back (null for OIDC or an unreadable value). */
export function readSamlSettings(text: string | null): SamlSettings | null {
  if (!text) return null;
  try {
    const parsed = StoredSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What an audit row says of SAML settings: the SSO URL and the certificates' fingerprints (not the metadata's text). */
export function samlAudit(input: SamlInput): string {
  const settings = samlSettings(input);
  return JSON.stringify({ ssoUrl: settings.ssoUrl, certificates: settings.certificates.map((c) => certificateInfo(c).sha256) });
}
