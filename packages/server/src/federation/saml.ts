import { FederationError, CLOCK_TOLERANCE_SECONDS } from './oidc.ts';
import type { Idp } from './queries.ts';
import type { SamlSigning } from './saml-signing.ts';
import samlify, { type ExtractorField, type IdpEntity, type SpEntity } from './samlify.ts';

/*
 * SAML 2.0, service-provider side, on samlify: the AuthnRequest (HTTP-Redirect,
 * SP-initiated only), our metadata, and the checks of the IdP's Response
 * (HTTP-POST). samlify checks the message against the SAML schemas and the
 * XML signature against the registered certificates, and hands back the
 * assertion as it was signed; every field below is read from that signed
 * assertion alone (what an attacker wraps around it is never read). Times are
 * checked on the server's Clock. Nothing here logs a response or assertion.
 */

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const SKEW_MS = CLOCK_TOLERANCE_SECONDS * 1000;

export const metadataUrl = (baseUrl: string, id: string) => `${baseUrl}/api/v1/federation/${id}/saml/metadata`;
export const acsUrl = (baseUrl: string, id: string) => `${baseUrl}/api/v1/federation/${id}/saml/acs`;
/** Single logout (saml-logout.ts): the IdP's LogoutRequest, HTTP-Redirect or HTTP-POST. */
export const sloUrl = (baseUrl: string, id: string) => `${baseUrl}/api/v1/federation/${id}/saml/slo`;
/** The entity id JusticeConnect is known by at this IdP: the one registered, else our metadata's URL. */
export const spEntityId = (baseUrl: string, idp: Idp) => idp.clientId || metadataUrl(baseUrl, idp.id);

/** Us, to samlify; with our signing key (single logout's answers) when one is configured. */
export function serviceProvider(baseUrl: string, idp: Idp, signing: SamlSigning | null = null): SpEntity {
  const slo = sloUrl(baseUrl, idp.id);
  return samlify.ServiceProvider({
    entityID: spEntityId(baseUrl, idp),
    assertionConsumerService: [{ Binding: POST, Location: acsUrl(baseUrl, idp.id) }],
    singleLogoutService: [{ Binding: REDIRECT, Location: slo }, { Binding: POST, Location: slo }],
    wantAssertionsSigned: true,
    wantLogoutRequestSigned: true,
    ...(signing && { privateKey: signing.privateKey, signingCert: signing.certificate }),
    authnRequestsSigned: false,
    nameIDFormat: [PERSISTENT],
    allowCreate: true,
  });
}

/** IdP entities made, per (entity id, SSO URL, certificates): samlify prints a warning as it makes one (no logout service), once is enough. */
const entities = new Map<string, IdpEntity>();

/** The IdP as samlify sees it, trusting `certificates` (one at a time when checking: see signedAssertion). */
export function identityProvider(idp: Idp, certificates: string[]): IdpEntity {
  if (!idp.saml) throw new FederationError(502, 'IDP_MISCONFIGURED', `${idp.displayName} has no SAML settings.`);
  const key = JSON.stringify([idp.issuer, idp.saml.ssoUrl, idp.saml.sloUrl ?? null, certificates]);
  let entity = entities.get(key);
  if (entity) return entity;
  if (entities.size >= 1000) entities.clear();
  entity = samlify.IdentityProvider({
    entityID: idp.issuer,
    singleSignOnService: [{ Binding: REDIRECT, Location: idp.saml.ssoUrl }],
    ...(idp.saml.sloUrl && { singleLogoutService: [{ Binding: REDIRECT, Location: idp.saml.sloUrl }] }),
    // Our answers to its single logout are signed (samlify signs them when the target wants them so).
    wantLogoutResponseSigned: true,
    signingCert: certificates,
    wantAuthnRequestsSigned: false,
    isAssertionEncrypted: false,
  });
  entities.set(key, entity);
  return entity;
}

/** Our SP metadata for this IdP: entity id, the ACS (HTTP-POST), single logout, signed assertions and logout requests wanted, our signing certificate when configured. */
export function spMetadata(baseUrl: string, idp: Idp, signing: SamlSigning | null = null): string {
  return serviceProvider(baseUrl, idp, signing).getMetadata();
}

/** The AuthnRequest, as the URL to send the browser to (HTTP-Redirect, RelayState = our state), and its ID (the answer's InResponseTo). */
export function authnRequest(baseUrl: string, idp: Idp, relayState: string): { id: string; url: string } {
  const made = serviceProvider(baseUrl, idp).createLoginRequest(identityProvider(idp, idp.saml?.certificates ?? []), 'redirect', { relayState });
  return { id: made.id, url: made.context };
}

export interface CheckedAssertion {
  /** The assertion's ID: kept against replay until keepUntil. */
  id: string;
  keepUntil: Date;
  /** Attribute name → its first value. */
  attributes: Record<string, string>;
  /** The AuthnContextClassRef values of its authentication statements. */
  contexts: string[];
  /** Its subject's NameID (what a LogoutRequest names the user by), when it has one. */
  nameId: string | null;
}

const FIELDS: ExtractorField[] = [
  { key: 'id', localPath: ['Assertion'], attributes: ['ID'] },
  { key: 'issuer', localPath: ['Assertion', 'Issuer'], attributes: [] },
  { key: 'conditions', localPath: ['Assertion', 'Conditions'], attributes: ['NotBefore', 'NotOnOrAfter'] },
  { key: 'audiences', localPath: ['Assertion', 'Conditions', 'AudienceRestriction', 'Audience'], attributes: [] },
  { key: 'confirmations', localPath: ['Assertion', 'Subject', 'SubjectConfirmation'], attributes: [], context: true },
  { key: 'contexts', localPath: ['Assertion', 'AuthnStatement', 'AuthnContext', 'AuthnContextClassRef'], attributes: [] },
  { key: 'nameId', localPath: ['Assertion', 'Subject', 'NameID'], attributes: [] },
  { key: 'attributes', localPath: ['Assertion', 'AttributeStatement', 'Attribute'], index: ['Name'], attributePath: ['AttributeValue'], attributes: [] },
];
const CONFIRMATION: ExtractorField[] = [
  { key: 'method', localPath: ['SubjectConfirmation'], attributes: ['Method'] },
  { key: 'data', localPath: ['SubjectConfirmation', 'SubjectConfirmationData'], attributes: ['Recipient', 'NotOnOrAfter', 'NotBefore', 'InResponseTo'] },
];
const ENVELOPE: ExtractorField[] = [{ key: 'response', localPath: ['Response'], attributes: ['Destination', 'InResponseTo'] }];

/** samlify answers one node as a value and several as an array; none as null or undefined. */
const list = <T>(v: T | T[] | null | undefined): T[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);
const texts = (v: unknown): string[] => list(v as string | string[] | null).filter((s): s is string => typeof s === 'string').map((s) => s.trim());

interface Confirmation {
  recipient?: string;
  notOnOrAfter?: string;
  notBefore?: string;
  inResponseTo?: string;
}

const invalid = (why: string) => new FederationError(400, 'INVALID_RESPONSE', `The identity provider’s answer is not a SAML 2.0 response JusticeConnect can read (${why}).`);

/** The base64 form field, as XML; no document type (nothing for a parser to expand). */
function decode(encoded: string): string {
  const xml = Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (!xml.includes('<')) throw invalid('not base64 XML');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw invalid('a document type declaration');
  return xml;
}

/**
 * Whether an unchecked response says it answers a request at all (for telling
 * an unsolicited, IdP-initiated response from one whose state was lost).
 * Nothing is trusted from it.
 */
export function claimsAnAnswer(encoded: string): boolean {
  try {
    return /\bInResponseTo\s*=\s*["'][^"']+["']/.test(decode(encoded));
  } catch {
    return false;
  }
}

/** Checks the signature with each registered certificate in turn (a rollover may list two); the signed assertion's XML, or a refusal. */
function signedAssertion(idp: Idp, xml: string): string {
  let wrapped = false;
  for (const certificate of idp.saml?.certificates ?? []) {
    let verified: boolean;
    let assertion: string | null;
    try {
      [verified, assertion] = samlify.SamlLib.verifySignature(xml, { metadata: identityProvider(idp, [certificate]).entityMeta });
    } catch (err) {
      // samlify refuses a signature inside the subject's confirmation data (a wrapping), or a KeyInfo certificate not this one.
      if (err instanceof Error && err.message === 'ERR_POTENTIAL_WRAPPING_ATTACK') wrapped = true;
      continue;
    }
    if (!verified) continue;
    if (!assertion) throw new FederationError(401, 'UNSIGNED_ASSERTION', 'The signed response holds no single assertion JusticeConnect can read (encrypted assertions are not supported).');
    return assertion;
  }
  if (wrapped) throw new FederationError(401, 'BAD_SIGNATURE', 'The response is built around its signature in a way that is refused (XML signature wrapping).');
  throw new FederationError(401, 'BAD_SIGNATURE', `Neither the response nor its assertion is signed by ${idp.displayName}’s registered certificate.`);
}

/**
 * Checks a Response from `idp` answering our AuthnRequest `requestId`, and
 * gives the signed assertion's contents. Refusals are FederationErrors with a
 * code: INVALID_RESPONSE (not SAML), IDP_REFUSED (its status), BAD_SIGNATURE,
 * SIGNATURE_WRAPPING, WEAK_SIGNATURE, UNSIGNED_ASSERTION, WRONG_ISSUER,
 * WRONG_DESTINATION, WRONG_AUDIENCE, WRONG_RECIPIENT, UNSOLICITED_RESPONSE,
 * UNKNOWN_REQUEST, ASSERTION_EXPIRED, ASSERTION_NOT_YET_VALID.
 */
export async function checkResponse(baseUrl: string, idp: Idp, encoded: string, requestId: string, now: Date): Promise<CheckedAssertion> {
  const xml = decode(encoded);
  try {
    await samlify.SamlLib.isValidXml(xml);
  } catch {
    throw invalid('it does not follow the SAML 2.0 schemas');
  }
  const status = samlify.Extractor.extract(xml, samlify.Extractor.loginResponseStatusFields) as { top?: string; second?: string };
  if (status.top !== SUCCESS) {
    const said = [status.top, status.second].filter((s): s is string => typeof s === 'string').map((s) => s.split(':').at(-1)!.replace(/[^A-Za-z]/g, '').slice(0, 60));
    throw new FederationError(401, 'IDP_REFUSED', `The identity provider did not sign you in (${said.join(', ') || 'no status'}).`);
  }
  // One assertion, in the clear: a second one (signed or not, anywhere: beside it, inside its
  // subject, in an extension) is how signature-wrapping attacks hide what they forge.
  const count = (name: string) => xml.match(new RegExp(`<([A-Za-z_][\\w.-]*:)?${name}[\\s/>]`, 'g'))?.length ?? 0;
  if (count('EncryptedAssertion') > 0) throw invalid('encrypted assertions are not supported');
  const assertions = count('Assertion');
  if (assertions === 0) throw invalid('no assertion');
  if (assertions > 1) throw new FederationError(401, 'SIGNATURE_WRAPPING', 'The response holds more than one assertion: refused (XML signature wrapping).');
  // SHA-1 (signature or digest) is refused: collisions are practical; IdPs sign with SHA-256 or better.
  if (/Algorithm\s*=\s*["']http:\/\/www\.w3\.org\/2000\/09\/xmldsig#(rsa-sha1|dsa-sha1|hmac-sha1|sha1)["']/.test(xml)) {
    throw new FederationError(401, 'WEAK_SIGNATURE', 'The response is signed with SHA-1, which JusticeConnect does not accept: the IdP must sign with SHA-256 or better.');
  }
  const assertion = signedAssertion(idp, xml);
  const acs = acsUrl(baseUrl, idp.id);
  // The envelope may be unsigned (the assertion is): what it says is checked, never used.
  const envelope = (samlify.Extractor.extract(xml, ENVELOPE).response ?? {}) as { destination?: string; inResponseTo?: string };
  if (envelope.destination !== undefined && envelope.destination !== acs) throw new FederationError(401, 'WRONG_DESTINATION', 'The response was sent to another service (Destination).');
  if (envelope.inResponseTo !== undefined && envelope.inResponseTo !== requestId) throw new FederationError(401, 'UNKNOWN_REQUEST', 'The response does not answer the sign-in begun in this browser (InResponseTo).');

  const a = samlify.Extractor.extract(assertion, FIELDS);
  const id = typeof a.id === 'string' ? a.id : '';
  if (!id || id.length > 200) throw invalid('its assertion has no ID');
  if (texts(a.issuer).join() !== idp.issuer) throw new FederationError(401, 'WRONG_ISSUER', 'The assertion was issued by another provider.');

  const at = now.getTime();
  const time = (v: string | undefined) => (v === undefined ? undefined : Date.parse(v));
  const conditions = list(a.conditions as { notBefore?: string; notOnOrAfter?: string } | null);
  if (conditions.length !== 1) throw invalid('its assertion must have one Conditions element');
  const notBefore = time(conditions[0]!.notBefore);
  const notOnOrAfter = time(conditions[0]!.notOnOrAfter);
  if (Number.isNaN(notBefore) || Number.isNaN(notOnOrAfter)) throw invalid('a time that is not a time');
  if (notBefore !== undefined && at + SKEW_MS < notBefore) throw new FederationError(401, 'ASSERTION_NOT_YET_VALID', 'The assertion is not valid yet (NotBefore): check the clocks.');
  if (notOnOrAfter !== undefined && at - SKEW_MS >= notOnOrAfter) throw new FederationError(401, 'ASSERTION_EXPIRED', 'The assertion has expired. Sign in again.');
  const audiences = texts(a.audiences);
  if (!audiences.includes(spEntityId(baseUrl, idp))) throw new FederationError(401, 'WRONG_AUDIENCE', 'The assertion was not issued to JusticeConnect (Audience).');

  // Web SSO profile: a bearer confirmation for our ACS, answering our request, with an expiry.
  const confirmations = texts(a.confirmations)
    .map((x) => samlify.Extractor.extract(x, CONFIRMATION) as { method?: string; data?: Confirmation | Confirmation[] })
    .filter((x) => x.method === BEARER && x.data !== undefined && !Array.isArray(x.data))
    .map((x) => x.data as Confirmation);
  if (confirmations.length === 0) throw invalid('its subject has no bearer confirmation');
  let refusal: FederationError | null = null;
  let confirmedUntil = 0;
  for (const c of confirmations) {
    const until = time(c.notOnOrAfter);
    const from = time(c.notBefore);
    const problem =
      c.recipient !== acs
        ? new FederationError(401, 'WRONG_RECIPIENT', 'The assertion was meant for another service (Recipient).')
        : c.inResponseTo === undefined
          ? new FederationError(401, 'UNSOLICITED_RESPONSE', 'Sign-ins begun at the identity provider are not accepted: begin at JusticeConnect.')
          : c.inResponseTo !== requestId
            ? new FederationError(401, 'UNKNOWN_REQUEST', 'The assertion does not answer the sign-in begun in this browser (InResponseTo).')
            : until === undefined || Number.isNaN(until)
              ? invalid('its bearer confirmation has no NotOnOrAfter')
              : at - SKEW_MS >= until
                ? new FederationError(401, 'ASSERTION_EXPIRED', 'The assertion has expired. Sign in again.')
                : from !== undefined && (Number.isNaN(from) || at + SKEW_MS < from)
                  ? new FederationError(401, 'ASSERTION_NOT_YET_VALID', 'The assertion is not valid yet: check the clocks.')
                  : null;
    if (!problem) {
      confirmedUntil = Math.max(confirmedUntil, until!);
      refusal = null;
      break;
    }
    refusal ??= problem;
  }
  if (refusal) throw refusal;

  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries((a.attributes ?? {}) as Record<string, unknown>)) {
    const first = texts(value)[0];
    if (first !== undefined && first.length <= 1000) attributes[name] = first;
  }
  // Kept until neither its conditions nor its confirmation would let it in (and the skew).
  const keepUntil = new Date(Math.max(confirmedUntil, notOnOrAfter ?? 0) + SKEW_MS);
  const nameIds = texts(a.nameId);
  const nameId = nameIds.length === 1 && nameIds[0]!.length > 0 && nameIds[0]!.length <= 500 ? nameIds[0]! : null;
  return { id, keepUntil, attributes, contexts: texts(a.contexts), nameId };
}
