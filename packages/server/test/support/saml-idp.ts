import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import samlify, { type IdpEntity, type SpEntity } from '../../src/federation/samlify.ts';

/*
 * A real SAML 2.0 identity provider for the federation tests: samlify's
 * IdentityProvider, with an RSA key pair and a self-signed certificate made
 * now by openssl. It reads our AuthnRequest from the redirect our start
 * answers, trusts our SP metadata as the server publishes it, and answers
 * with a Response the test shapes (who, which ORI, how they signed in, the
 * times, and, for the attacker's cases, what is wrong with it). No network:
 * the test plays the browser between the two.
 */

export const IDP_ENTITY_ID = 'https://idp.saml.test/idp/shibboleth';
export const SSO_URL = 'https://idp.saml.test/idp/profile/SAML2/Redirect/SSO';
export const SLO_URL = 'https://idp.saml.test/idp/profile/SAML2/Redirect/SLO';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
export const PASSWORD_CONTEXT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
export const MFA_CONTEXT = 'https://refeds.org/profile/mfa';

export interface KeyPair {
  privateKey: string;
  /** PEM. */
  certificate: string;
}

/** A 2048-bit RSA key and a certificate for it, valid two days (openssl, as an IdP's operator would make one). */
export function makeKeyPair(commonName = 'Test SAML IdP'): KeyPair {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-saml-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${commonName}`], { stdio: 'ignore' });
    return { privateKey: readFileSync(key, 'utf8'), certificate: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The certificate's base64 DER (what metadata and KeyInfo hold). */
export const certBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

export interface AuthnRequestSeen {
  /** Its ID: the Response's InResponseTo. */
  id: string;
  relayState: string;
  issuer: string;
  acs: string;
}

export interface Answer {
  /** Who: the GFIPM attributes (names to values). */
  attributes: Record<string, string>;
  /** How they signed in (AuthnContextClassRef). */
  context?: string;
  /** The server's time, which the times below are taken from (default: now). */
  now?: Date;
  /** InResponseTo in the confirmation data and the envelope; null leaves it out (unsolicited). */
  inResponseTo?: string | null;
  audience?: string;
  recipient?: string;
  destination?: string;
  issuer?: string;
  assertionId?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  /** Which element is signed (default: the assertion, as samlify's IdP does when the SP wants signed assertions). */
  sign?: 'assertion' | 'response' | 'none';
  /** Sign with this key instead of the IdP's. */
  key?: KeyPair;
}

/** A LogoutRequest the IdP sends (IdP-initiated single logout), shaped by the test. */
export interface LogoutAsk {
  nameId: string;
  sessionIndex?: string;
  /** Our SLO URL (the Destination). */
  destination: string;
  /** The server's time (IssueInstant). */
  now: Date;
  notOnOrAfter?: Date;
  issuer?: string;
  id?: string;
  relayState?: string;
}

export interface SamlTestIdp {
  entityId: string;
  keys: KeyPair;
  entity: IdpEntity;
  /** Its metadata, as a deployment would register it. */
  metadata: string;
  /** Reads our AuthnRequest from the URL our start redirected to (samlify's IdP parses it). */
  read(location: string, sp: SpEntity): Promise<AuthnRequestSeen>;
  /** The Response XML for `request`, shaped by `answer`, signed as it says (samlify). */
  respond(sp: SpEntity, request: AuthnRequestSeen, answer: Answer): Promise<string>;
  /**
   * Its LogoutRequest for our SP, signed by samlify as the SP's metadata asks
   * (`sp` made with wantLogoutRequestSigned): by redirect, the URL on our SP
   * (path and query); by POST, the form's SAMLRequest (base64). `id` is the request's ID.
   */
  logoutRequest(sp: SpEntity, binding: 'redirect' | 'post', ask: LogoutAsk): { id: string; context: string };
  /** Reads our LogoutResponse from the URL we redirected to (samlify's IdP checks our signature): its status and InResponseTo. */
  readLogoutResponse(location: string, sp: SpEntity): Promise<{ status: string; inResponseTo: string; relayState: string | null }>;
}

/** The LogoutRequest XML (unsigned: samlify signs it). */
export function logoutRequestXml(idp: { entityId: string }, ask: LogoutAsk, id: string): string {
  const until = ask.notOnOrAfter ? ` NotOnOrAfter="${ask.notOnOrAfter.toISOString()}"` : '';
  return (
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${escape(id)}" Version="2.0" IssueInstant="${ask.now.toISOString()}" Destination="${escape(ask.destination)}"${until}>` +
    `<saml:Issuer>${escape(ask.issuer ?? idp.entityId)}</saml:Issuer><saml:NameID Format="${PERSISTENT}">${escape(ask.nameId)}</saml:NameID>` +
    (ask.sessionIndex ? `<samlp:SessionIndex>${escape(ask.sessionIndex)}</samlp:SessionIndex>` : '') +
    `</samlp:LogoutRequest>`
  );
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const newId = () => `_${randomBytes(16).toString('hex')}`;

/** The Response, unsigned (the template samlify's own follows, with every value the test's). */
export function responseXml(idp: { entityId: string }, request: AuthnRequestSeen, a: Answer, ids = { response: newId(), assertion: a.assertionId ?? newId() }): string {
  const now = a.now ?? new Date();
  const iso = (d: Date) => d.toISOString();
  const until = a.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  const from = a.notBefore ?? new Date(now.getTime() - 30_000);
  const inResponseTo = a.inResponseTo === undefined ? request.id : a.inResponseTo;
  const irt = inResponseTo === null ? '' : ` InResponseTo="${escape(inResponseTo)}"`;
  const issuer = escape(a.issuer ?? idp.entityId);
  const attributes = Object.entries(a.attributes)
    .map(([name, value]) => `<saml:Attribute Name="${escape(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue xsi:type="xs:string">${escape(value)}</saml:AttributeValue></saml:Attribute>`)
    .join('');
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${ids.response}" Version="2.0" IssueInstant="${iso(now)}" Destination="${escape(a.destination ?? request.acs)}"${irt}>` +
    `<saml:Issuer>${issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${escape(ids.assertion)}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${PERSISTENT}">${escape(a.attributes['gfipm:2.0:user:FederationId'] ?? 'anonymous')}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(until)}" Recipient="${escape(a.recipient ?? request.acs)}"${irt}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(from)}" NotOnOrAfter="${iso(until)}"><saml:AudienceRestriction><saml:Audience>${escape(a.audience ?? request.issuer)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>${escape(a.context ?? PASSWORD_CONTEXT)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` +
    `</saml:Assertion></samlp:Response>`
  );
}

/** Signs the assertion, or the whole response, with `key` (samlify's signing, as its IdP does). */
export function sign(xml: string, what: 'assertion' | 'response', key: KeyPair, signatureAlgorithm?: string): string {
  const common = { rawSamlMessage: xml, privateKey: key.privateKey, signingCert: certBody(key.certificate), isBase64Output: false, ...(signatureAlgorithm && { signatureAlgorithm }) };
  return what === 'assertion'
    ? samlify.SamlLib.constructSAMLSignature({
        ...common,
        referenceTagXPath: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']",
        signatureConfig: { prefix: 'ds', location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } },
      })
    : samlify.SamlLib.constructSAMLSignature({
        ...common,
        isMessageSigned: true,
        signatureConfig: { prefix: 'ds', location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: 'after' } },
      });
}

export function startSamlIdp(keys: KeyPair = makeKeyPair()): SamlTestIdp {
  const entity = samlify.IdentityProvider({
    entityID: IDP_ENTITY_ID,
    privateKey: keys.privateKey,
    signingCert: certBody(keys.certificate),
    singleSignOnService: [{ Binding: REDIRECT, Location: SSO_URL }],
    singleLogoutService: [{ Binding: REDIRECT, Location: SLO_URL }],
    // Our answers to its single logout must be signed (samlify checks them against our metadata's certificate).
    wantLogoutResponseSigned: true,
    nameIDFormat: [PERSISTENT],
    wantAuthnRequestsSigned: false,
    isAssertionEncrypted: false,
  });
  const idp: SamlTestIdp = {
    entityId: IDP_ENTITY_ID,
    keys,
    entity,
    metadata: (entity as unknown as { getMetadata(): string }).getMetadata(),
    async read(location, sp) {
      const url = new URL(location);
      if (`${url.origin}${url.pathname}` !== SSO_URL) throw new Error(`the start redirected to ${url.origin}${url.pathname}, not the IdP`);
      const parsed = await entity.parseLoginRequest(sp, 'redirect', { query: Object.fromEntries(url.searchParams) });
      const request = parsed.extract.request;
      return { id: request.id, relayState: url.searchParams.get('RelayState') ?? '', issuer: parsed.extract.issuer, acs: request.assertionConsumerServiceUrl ?? '' };
    },
    async respond(sp, request, answer) {
      const xml = responseXml(idp, request, answer);
      const how = answer.sign ?? 'assertion';
      if (how === 'none') return xml;
      if (how === 'response' || answer.key) return sign(xml, how, answer.key ?? keys);
      // The IdP's own path: samlify signs what the SP's metadata asks for (signed assertions).
      const made = await entity.createLoginResponse(sp, { extract: { request: { id: request.id } } }, 'post', {}, { customTagReplacement: () => ({ id: newId(), context: xml }) });
      return Buffer.from(made.context, 'base64').toString('utf8');
    },
    logoutRequest(sp, binding, ask) {
      const id = ask.id ?? newId();
      const made = entity.createLogoutRequest(sp, binding, { logoutNameID: ask.nameId }, { ...(ask.relayState && { relayState: ask.relayState }), customTagReplacement: () => ({ id, context: logoutRequestXml(idp, ask, id) }) });
      if (binding === 'post') return { id, context: made.context };
      const url = new URL(made.context);
      return { id, context: `${url.pathname}${url.search}` };
    },
    async readLogoutResponse(location, sp) {
      const url = new URL(location);
      if (`${url.origin}${url.pathname}` !== SLO_URL) throw new Error(`our answer went to ${url.origin}${url.pathname}, not the IdP's SLO URL`);
      const octetString = url.search.slice(1).split('&').filter((p) => !p.startsWith('Signature=')).join('&');
      const parsed = await entity.parseLogoutResponse(sp, 'redirect', { query: Object.fromEntries(url.searchParams), octetString });
      const status = samlify.Extractor.extract(parsed.samlContent, [{ key: 'top', localPath: ['LogoutResponse', 'Status', 'StatusCode'], attributes: ['Value'] }]) as { top?: string };
      const response = parsed.extract.response as { inResponseTo?: string } | undefined;
      return { status: status.top ?? '', inResponseTo: response?.inResponseTo ?? '', relayState: url.searchParams.get('RelayState') };
    },
  };
  return idp;
}
