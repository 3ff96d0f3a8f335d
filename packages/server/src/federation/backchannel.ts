import type { Context, MiddlewareHandler } from 'hono';
import { appendAudit, audit, origin } from '../audit.ts';
import type { AppEnv } from '../http/context.ts';
import { ApiError, validationError } from '../http/errors.ts';
import { rateLimit } from '../security.ts';
import { endSessions } from '../sessions.ts';
import { claimJti } from './accounts.ts';
import { discover, FederationError, verifyLogoutToken } from './oidc.ts';
import { findProvider, toIdp } from './queries.ts';

/*
 * OpenID Connect Back-Channel Logout 1.0, relying-party side: the IdP posts a
 * signed logout token here, server to server, when one of its users signs
 * out there (or is suspended). The token is checked (oidc.ts
 * verifyLogoutToken), its jti kept against replay, and the sessions that
 * user's federated identity opened through this IdP end with their live
 * streams, in one transaction with the audit row. Sessions are ended per
 * `sub`: JusticeConnect does not record the IdP's `sid`, so a token's `sid`
 * does not narrow it (every session of that user from this IdP ends), and a
 * token naming only `sid` is refused (400: the logout cannot be carried out).
 * Nothing of the token is logged or recorded beyond the outcome.
 */

/** Posted to by the IdP itself (no browser, no Origin): exempt from the CSRF and origin checks; its signed, one-time token is its check. */
const LOGOUT_PATH = /^\/api\/v1\/federation\/[a-z0-9][a-z0-9-]{0,39}\/backchannel-logout$/;

/** `check`, except for the back-channel logout endpoint (app.ts wraps the CSRF and origin checks with it). */
export const exceptBackchannelLogout =
  (check: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
  (c, next) =>
    c.req.method === 'POST' && LOGOUT_PATH.test(c.req.path) ? next() : check(c, next);

const ACTION = 'auth.federation.backchannel-logout';

/** The spec's error answer (OAuth 2.0 error shape), with its audit row. */
async function refuseLogout(c: Context<AppEnv>, id: string, code: string, description: string) {
  await audit(c.get('services').db.kysely, { actorId: null, action: ACTION, target: id, outcome: 'denied', ...origin(c), details: { code } });
  c.set('audited', true);
  c.header('Cache-Control', 'no-store');
  return c.json({ error: 'invalid_request', error_description: description }, 400);
}

/** The enabled OIDC provider `id` names, or our 404 (the spec's error shape is for an IdP's own requests only). */
async function oidcProvider(c: Context<AppEnv>, id: string) {
  const row = await findProvider(c.get('services').db.kysely, id);
  if (!row || row.disabled_at || row.protocol !== 'oidc') throw new ApiError(404, 'NOT_FOUND', 'No OpenID Connect identity provider has that id.');
  return toIdp(row);
}

/**
 * Anyone can post here: each refusal costs a signature check and an audit row, so posts are limited per
 * address (at the write rate, generous for an IdP's back channel signing many users out at once).
 */
const limit = (c: Context<AppEnv>) => rateLimit(c, `federation:logout:${origin(c).ip ?? 'unknown'}`, c.get('services').config.rates.writesPerMinute);

/**
 * The route's validation hook: a bad id is our validation error (no IdP has
 * it), an unknown provider our 404; a known provider's post without a usable
 * `logout_token` gets the spec's 400.
 */
export function badLogoutForm(result: { success: boolean; target?: string; error?: unknown }, c: Context<AppEnv, '/:id/backchannel-logout'>): Promise<Response> | undefined {
  if (result.success) return undefined;
  if (result.target !== 'form') throw validationError(result.error as Parameters<typeof validationError>[0], 'path parameters');
  const id = c.req.param('id');
  return oidcProvider(c, id)
    .then(() => limit(c))
    .then(() => refuseLogout(c, id, 'INVALID_FORM', 'Post logout_token, form-encoded.'));
}

export async function backchannelLogout(c: Context<AppEnv, '/:id/backchannel-logout'>) {
  const id = c.req.param('id');
  const { db, clock } = c.get('services');
  const { logout_token: token } = (c.req as unknown as { valid(target: 'form'): { logout_token: string } }).valid('form');
  const idp = await oidcProvider(c, id);
  await limit(c);
  const at = clock.now();
  try {
    const logout = await verifyLogoutToken(idp, await discover(idp.issuer), token, at);
    if (!logout.sub) return await refuseLogout(c, id, 'SID_ONLY', 'Logout by sid alone is not supported (JusticeConnect does not record sid): send sub.');
    const ended = await db.writes.run(() =>
      db.kysely.transaction().execute(async (trx) => {
        if (!(await claimJti(trx, idp.id, `logout:${logout.jti}`, logout.keepUntil, at))) throw new FederationError(400, 'TOKEN_REPLAYED', 'This logout token was used already.');
        const identity = await trx.selectFrom('federated_identity').select('user_id').where('idp_id', '=', idp.id).where('federation_id', '=', logout.sub!).executeTakeFirst();
        const count = identity ? await endSessions(trx, { idpId: idp.id, userId: identity.user_id }) : 0;
        await appendAudit(trx, {
          actorId: identity?.user_id ?? null,
          action: ACTION,
          target: idp.id,
          outcome: 'success',
          ...origin(c),
          details: { sessionsEnded: count, knownUser: Boolean(identity), sid: Boolean(logout.sid) },
        });
        return count;
      }),
    );
    c.set('audited', true);
    // Live events recorded in the transaction exist now: this process's hub ends the streams.
    if (ended > 0) c.get('services').events.bus.notify();
    c.header('Cache-Control', 'no-store');
    return c.body(null, 200);
  } catch (err) {
    if (!(err instanceof FederationError)) throw err;
    if (err.status === 400) return await refuseLogout(c, id, err.code, err.message);
    // The IdP's keys could not be read: its own retry may work.
    await audit(db.kysely, { actorId: null, action: ACTION, target: id, outcome: 'failure', ...origin(c), details: { code: err.code } });
    c.set('audited', true);
    throw new ApiError(err.status, err.code, err.message);
  }
}
