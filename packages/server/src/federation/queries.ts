import { symmetricDecrypt, symmetricEncrypt } from 'better-auth/crypto';
import type { Kysely, Selectable } from 'kysely';
import { now } from '../db/database.ts';
import type { Database, IdentityProviderTable } from '../db/schema.ts';
import { appendAudit } from '../audit.ts';
import { endSessions } from '../sessions.ts';
import { defaultClaims, type ClaimNames, type IdpCreate, type IdpFileEntry, type IdpPatch, type IdpView } from './schemas.ts';
import { certificateInfo, readSamlSettings, samlSettings, type SamlSettings } from './saml-settings.ts';
import { sentColumns } from '../http/patch.ts';

/*
 * Identity providers in the database: rows to views (never the secret), and
 * the writes the administrator's API and the providers file make. The data
 * layer knows no request: it raises nothing HTTP.
 */

type Row = Selectable<IdentityProviderTable>;

export const DEFAULT_SCOPES = ['openid', 'profile', 'email'];

/** A provider as the federation code uses it (the secret still encrypted; `clientSecret()` opens it). */
export interface Idp {
  id: string;
  displayName: string;
  protocol: 'oidc' | 'saml';
  issuer: string;
  clientId: string;
  scopes: string[];
  claims: ClaimNames;
  oris: string[];
  vettingCounts: boolean;
  multiFactor: string[];
  disabled: boolean;
  encryptedSecret: string | null;
  /** SAML 2.0: its SSO URL and signing certificates (null for OIDC). */
  saml: SamlSettings | null;
}

function parse<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toIdp(row: Row): Idp {
  return {
    id: row.id,
    displayName: row.display_name,
    protocol: row.protocol,
    issuer: row.issuer,
    clientId: row.client_id,
    scopes: parse(row.scopes, DEFAULT_SCOPES),
    claims: { ...defaultClaims(row.protocol), ...parse<Partial<ClaimNames>>(row.claims, {}) },
    oris: parse(row.oris, []),
    vettingCounts: Boolean(row.vetting_counts),
    multiFactor: parse(row.multi_factor, []),
    disabled: row.disabled_at !== null,
    encryptedSecret: row.client_secret,
    saml: readSamlSettings(row.saml),
  };
}

export function toView(row: Row): IdpView {
  const idp = toIdp(row);
  return {
    id: idp.id,
    displayName: idp.displayName,
    protocol: idp.protocol,
    issuer: idp.issuer,
    clientId: idp.clientId,
    hasClientSecret: idp.encryptedSecret !== null,
    scopes: idp.scopes,
    claims: idp.claims,
    oris: idp.oris,
    vettingCounts: idp.vettingCounts,
    multiFactor: idp.multiFactor,
    saml: idp.saml && { ssoUrl: idp.saml.ssoUrl, certificates: idp.saml.certificates.map(certificateInfo) },
    source: row.source,
    disabled: idp.disabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The client secret in the clear, for the token request only. */
export async function clientSecret(idp: Idp, authSecret: string): Promise<string | null> {
  return idp.encryptedSecret ? symmetricDecrypt({ key: authSecret, data: idp.encryptedSecret }) : null;
}

const encrypt = (authSecret: string, secret: string) => symmetricEncrypt({ key: authSecret, data: secret });

export async function listProviders(db: Kysely<Database>): Promise<Row[]> {
  return db.selectFrom('identity_provider').selectAll().orderBy('display_name').orderBy('id').execute();
}

export async function findProvider(db: Kysely<Database>, id: string): Promise<Row | undefined> {
  return db.selectFrom('identity_provider').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findProviderByIssuer(db: Kysely<Database>, issuer: string): Promise<Row | undefined> {
  return db.selectFrom('identity_provider').selectAll().where('issuer', '=', issuer).executeTakeFirst();
}

/** Whether an id or issuer is taken (each is unique). */
export async function providerClash(db: Kysely<Database>, id: string, issuer: string): Promise<'id' | 'issuer' | null> {
  const rows = await db.selectFrom('identity_provider').select(['id', 'issuer']).where((eb) => eb.or([eb('id', '=', id), eb('issuer', '=', issuer)])).execute();
  if (rows.some((r) => r.id === id)) return 'id';
  return rows.length > 0 ? 'issuer' : null;
}

function columns(input: IdpPatch & { protocol?: 'oidc' | 'saml' }) {
  return {
    ...sentColumns(input, { displayName: 'display_name', issuer: 'issuer', clientId: 'client_id' }),
    ...(input.scopes !== undefined && { scopes: JSON.stringify(input.scopes) }),
    ...(input.claims !== undefined && { claims: JSON.stringify(input.claims) }),
    ...(input.oris !== undefined && { oris: JSON.stringify([...new Set(input.oris)]) }),
    ...(input.vettingCounts !== undefined && { vetting_counts: input.vettingCounts ? 1 : 0 }),
    ...(input.multiFactor !== undefined && { multi_factor: JSON.stringify([...new Set(input.multiFactor)]) }),
    ...(input.saml !== undefined && { saml: JSON.stringify(samlSettings(input.saml)) }),
  };
}

/** Inserts a provider (ON CONFLICT DO NOTHING on its id and issuer: false when either is taken). */
export async function insertProvider(db: Kysely<Database>, authSecret: string, input: IdpCreate, source: 'api' | 'file'): Promise<boolean> {
  const at = now(db);
  const inserted = await db
    .insertInto('identity_provider')
    .values({
      id: input.id,
      protocol: input.protocol,
      display_name: input.displayName,
      issuer: input.issuer,
      // SAML: empty means the default entity id (saml.ts).
      client_id: input.clientId ?? '',
      client_secret: input.clientSecret ? await encrypt(authSecret, input.clientSecret) : null,
      scopes: JSON.stringify(input.scopes ?? DEFAULT_SCOPES),
      claims: JSON.stringify(input.claims ?? {}),
      oris: JSON.stringify([...new Set(input.oris)]),
      vetting_counts: input.vettingCounts ? 1 : 0,
      multi_factor: JSON.stringify([...new Set(input.multiFactor ?? [])]),
      saml: input.saml ? JSON.stringify(samlSettings(input.saml)) : null,
      source,
      disabled_at: null,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Applies a change; the secret is replaced (or removed with null) only when given. */
export async function updateProvider(db: Kysely<Database>, authSecret: string, id: string, patch: IdpPatch): Promise<void> {
  const secret = patch.clientSecret === undefined ? {} : { client_secret: patch.clientSecret === null ? null : await encrypt(authSecret, patch.clientSecret) };
  await db
    .updateTable('identity_provider')
    .set({ ...columns(patch), ...secret, updated_at: now(db) })
    .where('id', '=', id)
    .execute();
}

/** Disables a provider (saying who: an administrator or the providers file), or enables it (null). */
export async function setProviderDisabled(db: Kysely<Database>, id: string, by: 'api' | 'file' | null): Promise<void> {
  const at = now(db);
  await db
    .updateTable('identity_provider')
    .set({ disabled_at: by ? at : null, disabled_by: by, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/**
 * The file's say on whether one of its providers is enabled: `disabled` (it
 * says `"disabled": true`) and `removed` (no longer listed) disable it, with
 * the end of every session it opened and an audit row saying how many, in
 * `trx`; listed and not disabled enables it again only if the file had
 * disabled it (an administrator's disabling holds). Returns how many sessions
 * ended, or null when nothing changed.
 */
async function followFile(trx: Kysely<Database>, id: string, off: 'disabled' | 'removed' | null): Promise<number | null> {
  const row = await trx.selectFrom('identity_provider').select(['disabled_at', 'disabled_by']).where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  if (off === null) {
    if (!row.disabled_at || row.disabled_by !== 'file') return null;
    await setProviderDisabled(trx, id, null);
    await appendAudit(trx, { actorId: null, action: 'identity-provider.enabled', target: id, outcome: 'success', details: { by: 'providers-file' } });
    return 0;
  }
  // Already disabled: its sessions ended when it was.
  if (row.disabled_at) return null;
  await setProviderDisabled(trx, id, 'file');
  const ended = await endSessions(trx, { idpId: id });
  await appendAudit(trx, { actorId: null, action: 'identity-provider.disabled', target: id, outcome: 'success', details: { by: 'providers-file', reason: off, sessionsEnded: ended } });
  return ended;
}

export interface FileApplied {
  /** Ids it could not apply (an administrator registered that id or issuer through the API). */
  refused: string[];
  /** Sessions ended because the file disabled or dropped their provider. */
  sessionsEnded: number;
  /** Whether it disabled or enabled a provider (and wrote an audit row). */
  audited: boolean;
}

/**
 * The providers file, applied at start: each of its providers is written as
 * the file says (created, or overwritten if it came from the file before); an
 * id or issuer an administrator registered through the API is left alone and
 * reported. A provider the file marks `disabled`, or no longer lists, is
 * disabled and its sessions end (followFile).
 */
export async function applyProvidersFile(db: Kysely<Database>, authSecret: string, providers: IdpFileEntry[]): Promise<FileApplied> {
  const refused: string[] = [];
  let sessionsEnded = 0;
  let audited = false;
  const count = (ended: number | null) => {
    if (ended === null) return;
    audited = true;
    sessionsEnded += ended;
  };
  for (const p of providers) {
    await db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('identity_provider').select(['id', 'source', 'protocol']).where((eb) => eb.or([eb('id', '=', p.id), eb('issuer', '=', p.issuer)])).execute();
      if (existing.some((r) => r.source !== 'file' || r.id !== p.id)) {
        refused.push(p.id);
        return;
      }
      if (existing.length === 0) {
        await insertProvider(trx, authSecret, p, 'file');
      } else {
        await updateProvider(trx, authSecret, p.id, {
          ...p,
          claims: p.claims ?? {},
          scopes: p.scopes ?? DEFAULT_SCOPES,
          vettingCounts: p.vettingCounts ?? false,
          multiFactor: p.multiFactor ?? [],
          clientSecret: p.clientSecret ?? null,
        });
        // What the file leaves out is reset too: the file says the whole provider.
        await trx
          .updateTable('identity_provider')
          .set({ protocol: p.protocol, client_id: p.clientId ?? '', saml: p.saml ? JSON.stringify(samlSettings(p.saml)) : null })
          .where('id', '=', p.id)
          .execute();
      }
      count(await followFile(trx, p.id, p.disabled ? 'disabled' : null));
    });
  }
  // Providers from the file that it no longer lists stay (accounts refer to them), disabled.
  const listed = new Set(providers.map((p) => p.id));
  const dropped = (await db.selectFrom('identity_provider').select('id').where('source', '=', 'file').execute()).filter((r) => !listed.has(r.id));
  for (const { id } of dropped) {
    count(await db.transaction().execute((trx) => followFile(trx, id, 'removed')));
  }
  return { refused, sessionsEnded, audited };
}
