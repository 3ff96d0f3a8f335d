import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { APIError } from 'better-auth/api';
import { bearer, twoFactor } from 'better-auth/plugins';
import { TOTP_DIGITS, TOTP_PERIOD } from './totp.ts';
import type { ServerConfig } from './config.ts';
import type { Db } from './db/database.ts';

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
      twoFactor({ issuer: 'JusticeConnect', totpOptions: { digits: TOTP_DIGITS, period: TOTP_PERIOD }, backupCodeOptions: { amount: 10, length: 10 } }),
    ],
    telemetry: { enabled: false },
    logger: { level: 'error' },
    advanced: {
      // Cookies must never be readable by page scripts, and only travel first-party.
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    },
  };
}

export function createAuth(config: ServerConfig, db: Db) {
  return betterAuth(authOptions(config, db));
}

export type Auth = ReturnType<typeof createAuth>;
