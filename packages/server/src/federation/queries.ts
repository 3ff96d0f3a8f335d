import { symmetricDecrypt, symmetricEncrypt } from 'better-auth/crypto';
import type { Kysely, Selectable } from 'kysely';
import { now } from '../db/database.ts';
import type { Database, IdentityProviderTable } from '../db/schema.ts';
import { defaultClaims, type ClaimNames, type IdpCreate, type IdpPatch, type IdpView } from './schemas.ts';

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
    ...(input.displayName !== undefined && { display_name: input.displayName }),
    ...(input.issuer !== undefined && { issuer: input.issuer }),
    ...(input.clientId !== undefined && { client_id: input.clientId }),
    ...(input.scopes !== undefined && { scopes: JSON.stringify(input.scopes) }),
    ...(input.claims !== undefined && { claims: JSON.stringify(input.claims) }),
    ...(input.oris !== undefined && { oris: JSON.stringify([...new Set(input.oris)]) }),
    ...(input.vettingCounts !== undefined && { vetting_counts: input.vettingCounts ? 1 : 0 }),
    ...(input.multiFactor !== undefined && { multi_factor: JSON.stringify([...new Set(input.multiFactor)]) }),
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
      client_id: input.clientId,
      client_secret: input.clientSecret ? await encrypt(authSecret, input.clientSecret) : null,
      scopes: JSON.stringify(input.scopes ?? DEFAULT_SCOPES),
      claims: JSON.stringify(input.claims ?? {}),
      oris: JSON.stringify([...new Set(input.oris)]),
      vetting_counts: input.vettingCounts ? 1 : 0,
      multi_factor: JSON.stringify([...new Set(input.multiFactor ?? [])]),
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

export async function setProviderDisabled(db: Kysely<Database>, id: string, disabled: boolean): Promise<void> {
  const at = now(db);
  await db
    .updateTable('identity_provider')
    .set({ disabled_at: disabled ? at : null, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/**
 * The providers file, applied at start: each of its providers is written as
 * the file says (created, or overwritten if it came from the file before); an
 * id or issuer an administrator registered through the API is left alone and
 * reported. Returns the ids it could not apply.
 */
export async function applyProvidersFile(db: Kysely<Database>, authSecret: string, providers: IdpCreate[]): Promise<string[]> {
  const refused: string[] = [];
  for (const p of providers) {
    await db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('identity_provider').select(['id', 'source', 'protocol']).where((eb) => eb.or([eb('id', '=', p.id), eb('issuer', '=', p.issuer)])).execute();
      if (existing.some((r) => r.source !== 'file' || r.id !== p.id)) {
        refused.push(p.id);
        return;
      }
      if (existing.length === 0) {
        await insertProvider(trx, authSecret, p, 'file');
        return;
      }
      await updateProvider(trx, authSecret, p.id, {
        ...p,
        claims: p.claims ?? {},
        scopes: p.scopes ?? DEFAULT_SCOPES,
        vettingCounts: p.vettingCounts ?? false,
        multiFactor: p.multiFactor ?? [],
        clientSecret: p.clientSecret ?? null,
      });
      await trx.updateTable('identity_provider').set({ protocol: p.protocol }).where('id', '=', p.id).execute();
    });
  }
  return refused;
}
