import { randomUUID } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { appendAudit, audit, origin } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { rateLimit } from '../security.ts';
import { endSessions } from '../sessions.ts';
import { claimJti } from './accounts.ts';
import { CLOCK_TOLERANCE_SECONDS, FederationError } from './oidc.ts';
import { findProvider, toIdp, type Idp } from './queries.ts';
import { identityProvider, serviceProvider, sloUrl } from './saml.ts';
import samlify, { type ExtractorField, type FlowResult } from './samlify.ts';

/*
 * SAML 2.0 single logout, IdP-initiated, service-provider side: the twin of
 * OIDC back-channel logout (backchannel.ts). The IdP's page sends the browser
 * here with a LogoutRequest (HTTP-Redirect, or HTTP-POST), which samlify
 * parses, checks against the SAML schemas and verifies against the IdP's
 * registered certificates (a detached signature over the query for the
 * redirect binding, an enveloped one for POST); an unsigned request is
 * refused. We then check its Issuer, Destination (this endpoint), times and
 * ID (kept against replay as assertion IDs are), find the federated identity
 * by the NameID its last SAML sign-in recorded (federated_identity.saml_name_id),
 * and end every session that IdP opened for it, with their live streams
 * (`end` reason `revoked`), in one transaction with the audit row. The browser
 * goes back to the IdP's SingleLogoutService with our LogoutResponse, signed
 * with our key (JC_SAML_SP_KEY_FILE); without a key or an IdP SLO URL, a plain page.
 *
 * Limits (as backchannel.ts's for `sid`): SessionIndex is not recorded, so it
 * does not narrow the logout (every session of that user from this IdP ends);
 * a user whose last SAML sign-in came before the NameID was recorded is not
 * found (Success, nothing ended); an encrypted NameID (EncryptedID) is not
 * supported (a failure status). Nothing of the request is logged or recorded
 * beyond the outcome.
 */

const ACTION = 'auth.federation.saml-logout';
const SKEW_MS = CLOCK_TOLERANCE_SECONDS * 1000;
/** A LogoutRequest issued longer ago than this is refused (and its ID kept this long). */
const MAX_AGE_MS = 10 * 60_000;
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const REQUESTER = 'urn:oasis:names:tc:SAML:2.0:status:Requester';
/** Largest LogoutRequest read, inflated (a real one is well under 10 KB). */
const MAX_XML_BYTES = 100_000;

/** What the route hands over: the binding, and the message as it came. */
export type SloMessage =
  | { binding: 'redirect'; rawQuery: string }
  | { binding: 'post'; SAMLRequest: string; RelayState?: string | undefined };

/** The NameID a SAML sign-in gave a user, so its single logout finds them (one identity per NameID and IdP: the latest). */
export async function recordNameId(db: Kysely<Database>, idpId: string, userId: string, nameId: string | null): Promise<void> {
  if (nameId) await db.updateTable('federated_identity').set({ saml_name_id: null }).where('idp_id', '=', idpId).where('saml_name_id', '=', nameId).where('user_id', '!=', userId).execute();
  await db.updateTable('federated_identity').set({ saml_name_id: nameId }).where('idp_id', '=', idpId).where('user_id', '=', userId).execute();
}

/** The enabled SAML provider `id` names, or our 404. */
async function samlProvider(c: Context<AppEnv>, id: string): Promise<Idp> {
  const row = await findProvider(c.get('services').db.kysely, id);
  if (!row || row.disabled_at || row.protocol !== 'saml') throw new ApiError(404, 'NOT_FOUND', 'No SAML 2.0 identity provider has that id.');
  return toIdp(row);
}

const invalid = (why: string) => new FederationError(400, 'INVALID_REQUEST', `Not a SAML 2.0 LogoutRequest JusticeConnect can read (${why}).`);

/** The query's parameters as sent (still URL-encoded): the redirect binding's signature is over these bytes. */
function rawParams(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    const at = pair.indexOf('=');
    if (at > 0 && !params.has(pair.slice(0, at))) params.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return params;
}

const decodeParam = (raw: string) => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw invalid('a parameter is not URL-encoded');
  }
};

interface Parsed {
  binding: 'redirect' | 'post';
  /** What samlify takes. */
  request: { query?: Record<string, string>; body?: Record<string, string>; octetString?: string };
  xml: string;
  relayState: string | undefined;
}

/** The message, decoded for our own first look (no document type, a bounded size) and shaped for samlify. */
function read(message: SloMessage): Parsed {
  if (message.binding === 'post') {
    const xml = Buffer.from(message.SAMLRequest.replace(/\s+/g, ''), 'base64').toString('utf8');
    return { binding: 'post', request: { body: { SAMLRequest: message.SAMLRequest, ...(message.RelayState !== undefined && { RelayState: message.RelayState }) } }, xml, relayState: message.RelayState };
  }
  const raw = rawParams(message.rawQuery);
  const encoded = raw.get('SAMLRequest');
  if (!encoded) throw invalid('no SAMLRequest');
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(decodeParam(encoded), 'base64'), { maxOutputLength: MAX_XML_BYTES }).toString('utf8');
  } catch {
    throw invalid('not deflated base64');
  }
  const query: Record<string, string> = {};
  for (const name of ['SAMLRequest', 'RelayState', 'SigAlg', 'Signature']) {
    const value = raw.get(name);
    if (value !== undefined) query[name] = decodeParam(value);
  }
  // SAML bindings 3.4.4.1: the signed octets are the parameters as sent, in this order.
  const octetString = ['SAMLRequest', 'RelayState', 'SigAlg']
    .filter((name) => raw.has(name))
    .map((name) => `${name}=${raw.get(name)}`)
    .join('&');
  return { binding: 'redirect', request: { query, octetString }, xml, relayState: query.RelayState };
}

const SIGNATURE: ExtractorField[] = [
  { key: 'signature', localPath: ['LogoutRequest', 'Signature'], attributes: [], context: true },
  { key: 'reference', localPath: ['LogoutRequest', 'Signature', 'SignedInfo', 'Reference'], attributes: ['URI'] },
  { key: 'request', localPath: ['LogoutRequest'], attributes: ['ID'] },
];
const FIELDS: ExtractorField[] = [
  { key: 'request', localPath: ['LogoutRequest'], attributes: ['ID', 'Destination', 'IssueInstant', 'NotOnOrAfter'] },
  { key: 'issuer', localPath: ['LogoutRequest', 'Issuer'], attributes: [] },
  { key: 'nameId', localPath: ['LogoutRequest', 'NameID'], attributes: [] },
];

const texts = (v: unknown): string[] => (Array.isArray(v) ? v : v === null || v === undefined ? [] : [v]).filter((s): s is string => typeof s === 'string').map((s) => s.trim());

/** samlify's parse with each registered certificate in turn (a rollover may list two): the verified message, or a refusal. */
async function verified(baseUrl: string, idp: Idp, p: Parsed): Promise<FlowResult> {
  if (p.binding === 'redirect') {
    if (!p.request.query?.Signature || !p.request.query.SigAlg) throw new FederationError(401, 'UNSIGNED_REQUEST', 'The LogoutRequest is not signed: JusticeConnect takes only signed ones.');
    if (/sha1$/i.test(p.request.query.SigAlg)) throw new FederationError(401, 'WEAK_SIGNATURE', 'The LogoutRequest is signed with SHA-1, which JusticeConnect does not accept.');
  } else {
    // (samlify answers a field of one attribute as that attribute's value.)
    let sig: { signature?: unknown; reference?: unknown; request?: unknown };
    try {
      sig = samlify.Extractor.extract(p.xml, SIGNATURE);
    } catch {
      throw invalid('not XML');
    }
    if (!sig.signature) throw new FederationError(401, 'UNSIGNED_REQUEST', 'The LogoutRequest is not signed: JusticeConnect takes only signed ones.');
    // The enveloped signature must cover the LogoutRequest itself (not an element hidden inside it).
    if (Array.isArray(sig.signature) || typeof sig.request !== 'string' || !sig.request || sig.reference !== `#${sig.request}`) throw new FederationError(401, 'SIGNATURE_WRAPPING', 'The LogoutRequest’s signature does not cover the request itself: refused.');
    if (/Algorithm\s*=\s*["']http:\/\/www\.w3\.org\/2000\/09\/xmldsig#(rsa-sha1|dsa-sha1|hmac-sha1|sha1)["']/.test(p.xml)) throw new FederationError(401, 'WEAK_SIGNATURE', 'The LogoutRequest is signed with SHA-1, which JusticeConnect does not accept.');
  }
  const sp = serviceProvider(baseUrl, idp);
  for (const certificate of idp.saml?.certificates ?? []) {
    try {
      return await sp.parseLogoutRequest(identityProvider(idp, [certificate]), p.binding, p.request);
    } catch (err) {
      const code = err instanceof Error ? err.message : '';
      if (code === 'ERR_INVALID_XML' || code === 'ERR_EXCEPTION_VALIDATE_XML') throw invalid('it does not follow the SAML 2.0 schemas');
      // Another certificate may have signed it (ERR_FAILED_MESSAGE_SIGNATURE_VERIFICATION, FAILED_TO_VERIFY_SIGNATURE, a KeyInfo certificate not this one).
    }
  }
  throw new FederationError(401, 'BAD_SIGNATURE', `The LogoutRequest is not signed by ${idp.displayName}’s registered certificate.`);
}

interface LogoutRequestSeen {
  id: string;
  keepUntil: Date;
  nameId: string | null;
}

/** The verified request's Issuer, Destination and times, on the server's clock; its ID and NameID. */
function check(baseUrl: string, idp: Idp, xml: string, now: Date): LogoutRequestSeen {
  const f = samlify.Extractor.extract(xml, FIELDS) as { request?: { id?: string; destination?: string; issueInstant?: string; notOnOrAfter?: string }; issuer?: unknown; nameId?: unknown };
  const r = f.request ?? {};
  if (typeof r.id !== 'string' || !r.id || r.id.length > 200) throw invalid('it has no ID');
  if (texts(f.issuer).join() !== idp.issuer) throw new FederationError(401, 'WRONG_ISSUER', 'The LogoutRequest was issued by another provider.');
  // SAML bindings 3.4.5.2, 3.5.5.2: a signed message names where it was sent.
  if (r.destination !== sloUrl(baseUrl, idp.id)) throw new FederationError(401, 'WRONG_DESTINATION', 'The LogoutRequest was sent to another service (Destination).');
  const at = now.getTime();
  const issued = Date.parse(r.issueInstant ?? '');
  const until = r.notOnOrAfter === undefined ? undefined : Date.parse(r.notOnOrAfter);
  if (Number.isNaN(issued) || Number.isNaN(until)) throw invalid('a time that is not a time');
  if (issued > at + SKEW_MS) throw new FederationError(401, 'REQUEST_NOT_YET_VALID', 'The LogoutRequest was issued in the future: check the clocks.');
  if (issued < at - MAX_AGE_MS - SKEW_MS || (until !== undefined && at - SKEW_MS >= until)) throw new FederationError(401, 'REQUEST_EXPIRED', 'The LogoutRequest has expired (NotOnOrAfter, or issued too long ago).');
  const names = texts(f.nameId);
  const nameId = names.length === 1 && names[0]!.length > 0 && names[0]!.length <= 500 ? names[0]! : null;
  return { id: r.id, keepUntil: new Date(Math.max(until ?? 0, issued + MAX_AGE_MS) + SKEW_MS), nameId };
}

/** A refusal: its audit row (never the request), and our error answer. */
async function refuse(c: Context<AppEnv>, id: string, err: FederationError): Promise<never> {
  await audit(c.get('services').db.kysely, { actorId: null, action: ACTION, target: id, outcome: err.status >= 500 ? 'failure' : 'denied', ...origin(c), details: { code: err.code } });
  c.set('audited', true);
  c.header('Cache-Control', 'no-store');
  throw new ApiError(err.status, err.code, err.message);
}

const LOGOUT_RESPONSE =
  '<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}"><saml:Issuer>{Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status></samlp:LogoutResponse>';

/** The browser's way back to the IdP: our signed LogoutResponse by redirect, or (no key, no IdP SLO URL) a plain page. */
function answer(c: Context<AppEnv>, idp: Idp, requestId: string, relayState: string | undefined, status: string, now: Date) {
  const { config } = c.get('services');
  c.header('Cache-Control', 'no-store');
  const target = idp.saml?.sloUrl;
  const plain = () =>
    c.text(status === SUCCESS ? 'You are signed out of JusticeConnect. You may close this page.' : 'JusticeConnect could not sign you out: sign out there, or close your browser.', status === SUCCESS ? 200 : 400);
  if (!config.samlSigning || !target) return plain();
  const sp = serviceProvider(config.baseUrl, idp, config.samlSigning);
  const id = `_${randomUUID()}`;
  let made: { context: string };
  try {
    made = sp.createLogoutResponse(identityProvider(idp, idp.saml!.certificates), { extract: { request: { id: requestId } } }, 'redirect', {
      ...(relayState && { relayState }),
      customTagReplacement: () => ({
        id,
        context: samlify.SamlLib.replaceTagsByValue(LOGOUT_RESPONSE, { ID: id, IssueInstant: now.toISOString(), Destination: target, InResponseTo: requestId, Issuer: sp.entityMeta.getEntityID(), StatusCode: status }),
      }),
    });
  } catch {
    // The logout is done (committed): the browser is told so even when no answer for the IdP can be made.
    return plain();
  }
  return c.redirect(made.context, 302);
}

/** The SLO endpoint, both bindings: the IdP's signed LogoutRequest, checked; that user's sessions from this IdP ended; the IdP answered. */
export async function samlSlo(c: Context<AppEnv>, id: string, message: SloMessage) {
  const { db, config, clock } = c.get('services');
  const idp = await samlProvider(c, id);
  // Anyone can send one here: each refusal costs a signature check and an audit row.
  await rateLimit(c, `federation:saml-logout:${origin(c).ip ?? 'unknown'}`, config.rates.writesPerMinute);
  const at = clock.now();
  try {
    const p = read(message);
    if (/<!DOCTYPE|<!ENTITY/i.test(p.xml) || !p.xml.includes('<')) throw invalid('a document type declaration, or not XML');
    if (p.relayState !== undefined && p.relayState.length > 1000) throw invalid('a RelayState over 1000 characters');
    const flow = await verified(config.baseUrl, idp, p);
    const request = check(config.baseUrl, idp, flow.samlContent, at);
    const ended = await db.writes.run(() =>
      db.kysely.transaction().execute(async (trx) => {
        if (!(await claimJti(trx, idp.id, `saml-logout:${request.id}`, request.keepUntil, at))) throw new FederationError(400, 'REQUEST_REPLAYED', 'This LogoutRequest was used already.');
        const identity = request.nameId ? await trx.selectFrom('federated_identity').select('user_id').where('idp_id', '=', idp.id).where('saml_name_id', '=', request.nameId).executeTakeFirst() : undefined;
        const count = identity ? await endSessions(trx, { idpId: idp.id, userId: identity.user_id }) : 0;
        await appendAudit(trx, {
          actorId: identity?.user_id ?? null,
          action: ACTION,
          target: idp.id,
          outcome: request.nameId ? 'success' : 'denied',
          ...origin(c),
          details: request.nameId ? { sessionsEnded: count, knownUser: Boolean(identity), binding: p.binding } : { code: 'NO_NAME_ID', binding: p.binding },
        });
        return count;
      }),
    );
    c.set('audited', true);
    // Live events recorded in the transaction exist now: this process's hub ends the streams.
    if (ended > 0) c.get('services').events.bus.notify();
    // A signed request whose user we cannot name (an encrypted NameID): a failure status, nothing ended.
    return answer(c, idp, request.id, p.relayState, request.nameId ? SUCCESS : REQUESTER, at);
  } catch (err) {
    if (!(err instanceof FederationError)) throw err;
    return refuse(c, id, err);
  }
}
