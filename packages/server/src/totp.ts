import { base32 } from '@better-auth/utils/base32';
import { createOTP } from '@better-auth/utils/otp';
import { symmetricEncrypt } from 'better-auth/crypto';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { dialectOf } from './db/dialect.ts';
import type { Database } from './db/schema.ts';

/**
 * TOTP helpers beside better-auth's two-factor plugin: the code an
 * authenticator shows for a secret (demo accounts, tests, `npm run
 * demo:code`), and enrolling an account with a known secret (demo data only).
 */

export const TOTP_DIGITS = 6;
export const TOTP_PERIOD = 30;

/** The current code for a Base32 secret, as an authenticator app shows it. */
export async function currentCode(base32Secret: string): Promise<string> {
  return createOTP(base32.decode(base32Secret.toUpperCase()), { digits: TOTP_DIGITS, period: TOTP_PERIOD }).totp();
}

/** A fresh random Base32 secret (test accounts). */
export function randomSecret(): string {
  return base32.encode(randomBytes(20), { padding: false });
}

/**
 * Enrols an account in TOTP with a secret given in Base32, as if it had
 * scanned the code and confirmed it (better-auth keeps secrets given this way
 * as `base32:<secret>`, encrypted with the server's secret). For demo and
 * test accounts only: real accounts enrol through /api/auth/two-factor/enable.
 */
export async function enrolWithSecret(db: Kysely<Database>, authSecret: string, userId: string, base32Secret: string): Promise<void> {
  // better-auth keeps booleans as 0/1 on SQLite and as booleans on PostgreSQL.
  const yes = dialectOf(db).true;
  const secret = await symmetricEncrypt({ key: authSecret, data: `base32:${base32Secret.toUpperCase()}` });
  const codes = Array.from({ length: 10 }, () => randomBytes(5).toString('hex'));
  const backupCodes = await symmetricEncrypt({ key: authSecret, data: JSON.stringify(codes) });
  await db.deleteFrom('twoFactor').where('userId', '=', userId).execute();
  await db
    .insertInto('twoFactor')
    .values({ id: randomBytes(16).toString('hex'), userId, secret, backupCodes, verified: yes })
    .execute();
  await db.updateTable('user').set({ twoFactorEnabled: yes }).where('id', '=', userId).execute();
}
