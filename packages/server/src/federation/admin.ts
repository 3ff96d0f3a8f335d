import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { loadActor } from '../authz.ts';
import { auditSuccess } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import { allow } from '../http/authorize.ts';
import { inTransaction, requireUser, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { endSessions } from '../sessions.ts';
import { changeProvider, manageIdentityProviders } from './policy.ts';
import { findProvider, insertProvider, listProviders, providerClash, setProviderDisabled, toView, updateProvider } from './queries.ts';
import { samlAudit, type SamlInput } from './saml-settings.ts';
import { adminRoutes, protocolIssues, type IdpPatch } from './schemas.ts';

/*
 * The site administrator's API for identity providers (mounted at
 * /api/v1/identity-providers). Every change is decided and written in one
 * transaction with its audit row; the client secret is written, never read
 * back, and never in an audit row.
 */

async function admin(c: Context<AppEnv>, db?: Kysely<Database>) {
  const user = await requireUser(c);
  const actor = await loadActor(db ?? c.get('services').db.kysely, user.id);
  allow(manageIdentityProviders(actor));
  return actor;
}

const NOT_FOUND = () => new ApiError(404, 'NOT_FOUND', 'No identity provider has that id.');

/** What changed, for the audit row: field names only for the secret. */
function changed(patch: IdpPatch): Record<string, string | number | boolean | null> {
  const details: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    // The secret by what happened to it; SAML settings by what they now trust (not the metadata's text).
    details[key] =
      key === 'clientSecret'
        ? value === null
          ? 'removed'
          : 'replaced'
        : key === 'saml'
          ? samlAudit(value as SamlInput)
          : typeof value === 'object'
            ? JSON.stringify(value)
            : (value as string | boolean);
  }
  return details;
}

async function setDisabled(c: Context<AppEnv>, id: string, disabled: boolean) {
  const row = await inTransaction(c, async (trx) => {
    const actor = await admin(c, trx);
    const before = await findProvider(trx, id);
    if (!before) throw NOT_FOUND();
    await setProviderDisabled(trx, id, disabled ? 'api' : null);
    // Disabling ends every session the provider opened, and their live streams, with the change.
    const ended = disabled ? await endSessions(trx, { idpId: id }) : 0;
    if (ended > 0) c.set('eventsWritten', true);
    await auditSuccess(c, trx, {
      actorId: actor.userId,
      action: disabled ? 'identity-provider.disabled' : 'identity-provider.enabled',
      target: id,
      ...(disabled && { details: { sessionsEnded: ended } }),
    });
    return (await findProvider(trx, id))!;
  });
  return c.json(toView(row), 200);
}

export const identityProviders = createRouter()
  .openapi(adminRoutes.list, async (c) => {
    await admin(c);
    const rows = await listProviders(c.get('services').db.kysely);
    return c.json({ items: rows.map(toView) }, 200);
  })
  .openapi(adminRoutes.create, async (c) => {
    const body = c.req.valid('json');
    const { config } = c.get('services');
    const row = await inTransaction(c, async (trx) => {
      const actor = await admin(c, trx);
      const clash = await providerClash(trx, body.id, body.issuer);
      const taken = () =>
        clash === 'issuer'
          ? new ApiError(409, 'ISSUER_TAKEN', 'Another identity provider has that issuer.', { issuer: 'Already registered' })
          : new ApiError(409, 'PROVIDER_EXISTS', 'An identity provider has that id.', { id: 'Already in use' });
      if (clash) throw taken();
      // The same id or issuer sent at once: one row; the others answer as a later request would.
      if (!(await insertProvider(trx, config.authSecret, body, 'api'))) throw new ApiError(409, 'PROVIDER_EXISTS', 'An identity provider has that id or issuer.');
      await auditSuccess(c, trx, {
        actorId: actor.userId,
        action: 'identity-provider.created',
        target: body.id,
        details: {
          protocol: body.protocol,
          issuer: body.issuer,
          oris: body.oris.length,
          vettingCounts: body.vettingCounts ?? false,
          multiFactor: JSON.stringify(body.multiFactor ?? []),
          clientSecret: body.clientSecret ? 'set' : 'none',
          ...(body.saml && { saml: samlAudit(body.saml) }),
        },
      });
      return (await findProvider(trx, body.id))!;
    });
    return c.json(toView(row), 201);
  })
  .openapi(adminRoutes.update, async (c) => {
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json');
    const { config } = c.get('services');
    const row = await inTransaction(c, async (trx) => {
      const actor = await admin(c, trx);
      const before = await findProvider(trx, id);
      if (!before) throw NOT_FOUND();
      allow(changeProvider(before));
      // What the provider's protocol needs, checked on the change with the provider it changes.
      const fields: Record<string, string> = {};
      protocolIssues({ ...patch, protocol: before.protocol, issuer: patch.issuer ?? before.issuer }, (path, message) => (fields[path] ??= message), false);
      if (Object.keys(fields).length > 0) {
        throw new ApiError(400, 'VALIDATION_FAILED', `Invalid request body: ${Object.entries(fields).map(([k, v]) => `${k} (${v})`).join(', ')}`, fields);
      }
      if (patch.issuer !== undefined && patch.issuer !== before.issuer && (await trx.selectFrom('identity_provider').select('id').where('issuer', '=', patch.issuer).executeTakeFirst())) {
        throw new ApiError(409, 'ISSUER_TAKEN', 'Another identity provider has that issuer.', { issuer: 'Already registered' });
      }
      await updateProvider(trx, config.authSecret, id, patch);
      await auditSuccess(c, trx, { actorId: actor.userId, action: 'identity-provider.changed', target: id, details: changed(patch) });
      return (await findProvider(trx, id))!;
    });
    return c.json(toView(row), 200);
  })
  .openapi(adminRoutes.disable, (c) => setDisabled(c, c.req.valid('param').id, true) as never)
  .openapi(adminRoutes.enable, (c) => setDisabled(c, c.req.valid('param').id, false) as never);
