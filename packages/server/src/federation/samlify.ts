import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/*
 * samlify, loaded with the schema validator it checks every SAML message
 * against (xmllint compiled to JavaScript: offline, no Java; see below). Loaded through
 * require with the part of its API we use typed here: its own declarations
 * pull in @xmldom's `lib="dom"`, which would retype the whole server (Blob,
 * fetch) as a browser's.
 */

export interface SsoService {
  Binding: string;
  Location: string;
}

export interface EntityMetadata {
  getEntityID(): string;
  /** By samlify's short name ('redirect', 'post'): the URL, or (none for it) every service. */
  getSingleSignOnService(binding: 'redirect' | 'post'): string | object;
  getX509Certificate(use: 'signing' | 'encryption'): string | string[];
  getSingleLogoutService(binding: 'redirect' | 'post'): string | object;
}

export interface IdpEntity {
  entityMeta: EntityMetadata;
  entitySetting: Record<string, unknown>;
  createLoginResponse(
    sp: SpEntity,
    requestInfo: Record<string, unknown>,
    binding: 'post',
    user: Record<string, unknown>,
    options?: { customTagReplacement?: (template: string) => { id: string; context: string }; relayState?: string },
  ): Promise<{ id: string; context: string }>;
  parseLoginRequest(sp: SpEntity, binding: 'redirect', request: { query: Record<string, string>; octetString?: string }): Promise<{ extract: { request: { id: string; destination?: string; assertionConsumerServiceUrl?: string }; issuer: string } }>;
  /** Redirect: `context` is the URL (signed when the SP wants logout requests signed); post: the base64 message. */
  createLogoutRequest(
    sp: SpEntity,
    binding: 'redirect' | 'post',
    user: { logoutNameID: string; sessionIndex?: string },
    options?: { relayState?: string; customTagReplacement?: TagReplacement },
  ): { id: string; context: string; relayState?: string; entityEndpoint?: string };
  parseLogoutResponse(sp: SpEntity, binding: 'redirect', request: { query: Record<string, string>; octetString?: string }): Promise<{ samlContent: string; extract: Record<string, unknown> }>;
}

/** samlify's template hook: the template (and its tags) in, the message's ID and XML out. */
export type TagReplacement = (template: string, tags?: Record<string, string>) => { id: string; context: string };

/** What samlify's inbound flow hands back: the message as received (its signature checked) and its extracted fields. */
export interface FlowResult {
  samlContent: string;
  extract: Record<string, unknown>;
}

export interface SpEntity {
  entityMeta: EntityMetadata;
  createLoginRequest(idp: IdpEntity, binding: 'redirect', options?: { relayState?: string }): { id: string; context: string };
  getMetadata(): string;
  entitySetting: Record<string, unknown>;
  parseLogoutRequest(idp: IdpEntity, binding: 'redirect' | 'post', request: { query?: Record<string, string>; body?: Record<string, string>; octetString?: string }): Promise<FlowResult>;
  createLogoutResponse(idp: IdpEntity, requestInfo: { extract: { request: { id: string } } }, binding: 'redirect', options: { relayState?: string; customTagReplacement?: TagReplacement }): { id: string; context: string };
}

export interface SignatureOptions {
  rawSamlMessage: string;
  referenceTagXPath?: string;
  privateKey: string;
  privateKeyPass?: string;
  signatureAlgorithm?: string;
  signingCert: string;
  isMessageSigned?: boolean;
  isBase64Output?: boolean;
  signatureConfig?: { prefix?: string; location?: { reference: string; action: 'append' | 'prepend' | 'before' | 'after' } };
}

export interface ExtractorField {
  key: string;
  localPath: string[];
  attributes: string[];
  index?: string[];
  attributePath?: string[];
  context?: boolean;
}

interface Samlify {
  IdentityProvider(settings: Record<string, unknown>): IdpEntity;
  ServiceProvider(settings: Record<string, unknown>): SpEntity;
  setSchemaValidator(validator: { validate(xml: string): Promise<unknown> }): void;
  SamlLib: {
    /** [verified, the signed assertion's XML (null when the signed element holds none, or more than one)]. */
    verifySignature(xml: string, options: { metadata: EntityMetadata; signatureAlgorithm?: string }): [boolean, string | null];
    isValidXml(xml: string): Promise<unknown>;
    constructSAMLSignature(options: SignatureOptions): string;
    replaceTagsByValue(template: string, values: Record<string, string>): string;
    defaultLogoutResponseTemplate: { context: string };
  };
  Extractor: {
    extract(xml: string, fields: ExtractorField[]): Record<string, unknown>;
    loginResponseStatusFields: ExtractorField[];
  };
}

const require = createRequire(import.meta.url);
const samlify = require('samlify') as Samlify;

/*
 * The schema check runs in a worker thread: node-xmllint instantiates the
 * whole of libxml2 (compiled to JavaScript) on every call, synchronously, adds
 * a process listener each time that keeps that instance alive, and prints
 * xmllint's errors, which quote the message (names and values of a bearer
 * assertion). In the worker the request's thread is never blocked, the
 * listeners are dropped after each check (and the worker replaced every
 * RECYCLE_AFTER checks), nothing it prints is printed, and a hostile
 * message meets a time and memory limit.
 */
const VALIDATOR = require.resolve('@authenio/samlify-node-xmllint');
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
// Nothing it prints leaves the worker (xmllint quotes the message in its errors).
console.log = console.info = console.warn = console.error = () => {};
process.stdout.write = process.stderr.write = () => true;
const { validate } = require(workerData.validator);
parentPort.on('message', ({ id, xml }) => {
  validate(xml).then(() => true, () => false).then((valid) => {
    process.removeAllListeners('uncaughtException');
    parentPort.postMessage({ id, valid });
  });
});
`;
const RECYCLE_AFTER = 200;
const VALIDATION_TIMEOUT_MS = 15_000;

interface Validator {
  worker: Worker;
  uses: number;
  pending: Map<number, (valid: boolean) => void>;
}
let current: Validator | null = null;
let nextId = 0;

function retire(v: Validator) {
  if (current === v) current = null;
  for (const settle of v.pending.values()) settle(false);
  v.pending.clear();
  void v.worker.terminate();
}

function validator(): Validator {
  if (current && current.uses < RECYCLE_AFTER) return current;
  if (current && current.pending.size === 0) retire(current);
  const worker = new Worker(WORKER, { eval: true, workerData: { validator: VALIDATOR }, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 512 } });
  const v: Validator = { worker, uses: 0, pending: new Map() };
  worker.on('message', ({ id, valid }: { id: number; valid: boolean }) => {
    v.pending.get(id)?.(valid === true);
    v.pending.delete(id);
    if (v.pending.size > 0) return;
    // Idle: it keeps no process alive (a listener refs it, so this comes after them).
    worker.unref();
    if (v.uses >= RECYCLE_AFTER) retire(v);
  });
  worker.once('error', () => retire(v));
  worker.once('exit', () => retire(v));
  worker.unref();
  current = v;
  return v;
}

function validate(xml: string): Promise<string> {
  const v = validator();
  v.uses += 1;
  const id = nextId++;
  v.worker.ref();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => retire(v), VALIDATION_TIMEOUT_MS);
    v.pending.set(id, (valid) => {
      clearTimeout(timer);
      if (valid) resolve('SUCCESS_VALIDATE_XML');
      else reject(new Error('ERR_EXCEPTION_VALIDATE_XML'));
    });
    v.worker.postMessage({ id, xml });
  });
}

samlify.setSchemaValidator({ validate });

export default samlify;
