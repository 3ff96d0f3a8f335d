import { betterAuth, type BetterAuthOptions, type BetterAuthPlugin } from 'better-auth';
import { APIError, createAuthEndpoint } from 'better-auth/api';
import { setSessionCookie } from 'better-auth/cookies';
import { bearer, twoFactor } from 'better-auth/plugins';
import * as z from 'zod';
import { TOTP_DIGITS, TOTP_PERIOD } from './totp.ts';
import type { ServerConfig } from './config.ts';
import type { Db } from './db/database.ts';
import { scoped } from './auth-scope.ts';

export const AUTH_BASE_PATH = '/api/auth';
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

export function authOptions(config: ServerConfig, db: Db): BetterAuthOptions {
  return {
    appName: 'JusticeConnect',
    baseURL: config.baseUrl,
    basePath: AUTH_BASE_PATH,
    secret: config.authSecret,
    database: { db: db.kysely as never, type: db.dialect.kind, transaction: true },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      autoSignIn: false,
    },
    session: {
      // The absolute lifetime (12 hours unless configured); the idle timeout is JusticeConnect's (http/context.ts).
      expiresIn: Math.round(config.sessions.hours * 60 * 60),
      disableSessionRefresh: true,
    },
    trustedOrigins: [config.baseUrl, ...config.trustedOrigins],
    databaseHooks: {
      session: {
        create: {
          // A locked, suspended or removed account gets no new session.
          before: async (session) => {
            const p = await db.kysely.selectFrom('profile').select(['status', 'locked_at']).where('user_id', '=', session.userId).executeTakeFirst();
            if (p?.locked_at) {
              throw new APIError('FORBIDDEN', { code: 'ACCOUNT_LOCKED', message: 'This account is locked after too many failed sign-ins. Ask your agency administrator to unlock it.' });
            }
            if (p?.status === 'suspended' || p?.status === 'removed') {
              throw new APIError('FORBIDDEN', { code: 'ACCOUNT_DISABLED', message: 'This account is not active. Contact your agency administrator.' });
            }
          },
        },
      },
    },
    plugins: [
      // Only the signed bearer value handed out in `set-auth-token` works: the token as stored
      // in the database (or in a get-session answer) is not enough on its own.
      bearer({ requireSignature: true }),
      // The second factor is an authenticator app (TOTP), never email; no device is ever trusted.
      // An account with a password confirms it to set up an authenticator; a federated account has none to give
      // (better-auth asks for the password exactly when the account has one).
      twoFactor({ issuer: 'JusticeConnect', allowPasswordless: true, totpOptions: { digits: TOTP_DIGITS, period: TOTP_PERIOD }, backupCodeOptions: { amount: 10, length: 10 } }),
      federatedSessions(),
    ],
    telemetry: { enabled: false },
    logger: { level: 'error' },
    advanced: {
      // Cookies must never be readable by page scripts, and only travel first-party.
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    },
  };
}

/**
 * A session for an account the identity provider vouched for (federation/),
 * made as better-auth makes every session: its session-create hook (locked or
 * disabled accounts get none), its signed cookie, and the bearer plugin's
 * `set-auth-token`. Server-only: never on the HTTP router, reachable only as
 * `auth.api.federatedSession` from the federation routes once they have
 * checked the assertion.
 */
function federatedSessions() {
  return {
    id: 'jc-federated-session',
    endpoints: {
      federatedSession: createAuthEndpoint.serverOnly({ method: 'POST', body: z.object({ userId: z.string().min(1) }) }, async (ctx) => {
        const user = await ctx.context.internalAdapter.findUserById(ctx.body.userId);
        if (!user) throw new APIError('NOT_FOUND', { code: 'USER_NOT_FOUND', message: 'No such account.' });
        const session = await ctx.context.internalAdapter.createSession(user.id, false);
        if (!session) throw new APIError('INTERNAL_SERVER_ERROR', { code: 'FAILED_TO_CREATE_SESSION', message: 'The session could not be made.' });
        await setSessionCookie(ctx, { session, user });
        return ctx.json({ sessionId: session.id, expiresAt: new Date(session.expiresAt).toISOString() });
      }),
    },
  } satisfies BetterAuthPlugin;
}

/** What `federatedSession` answers (its headers: the session cookie and `set-auth-token`). */
export interface FederatedSessionCall {
  federatedSession(input: { body: { userId: string }; headers: Headers; returnHeaders: true }): Promise<{ headers: Headers; response: { sessionId: string; expiresAt: string } }>;
}

export function createAuth(config: ServerConfig, db: Db) {
  return scoped(betterAuth(authOptions(config, db)));
}

export type Auth = ReturnType<typeof createAuth>;
