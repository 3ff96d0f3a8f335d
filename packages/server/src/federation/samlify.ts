import { createRequire } from 'node:module';

/*
 * samlify, loaded with the schema validator it checks every SAML message
 * against (xmllint compiled to JavaScript: offline, no Java). Loaded through
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
}

export interface SpEntity {
  entityMeta: EntityMetadata;
  createLoginRequest(idp: IdpEntity, binding: 'redirect', options?: { relayState?: string }): { id: string; context: string };
  getMetadata(): string;
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
  };
  Extractor: {
    extract(xml: string, fields: ExtractorField[]): Record<string, unknown>;
    loginResponseStatusFields: ExtractorField[];
  };
}

const require = createRequire(import.meta.url);
const samlify = require('samlify') as Samlify;
const xmllint = require('@authenio/samlify-node-xmllint') as { validate(xml: string): Promise<unknown> };

// The validator prints xmllint's errors, which quote the message's content (names, values of a
// bearer assertion): it is run with console.error silenced. Its check runs synchronously inside
// the promise it returns, so nothing else prints in between.
samlify.setSchemaValidator({
  validate(xml: string) {
    const error = console.error;
    console.error = () => {};
    try {
      return xmllint.validate(xml);
    } finally {
      console.error = error;
    }
  },
});

export default samlify;
