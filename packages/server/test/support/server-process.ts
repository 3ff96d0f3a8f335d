import assert from 'node:assert/strict';
import type { Db } from '../../src/db/database.ts';
import { NOTICE } from '../../src/routes/notice.ts';
import { currentCode, enrolWithSecret } from '../../src/totp.ts';
import { PASSWORD, TEST_ORI, testSecret, uniqueEmail } from '../helpers.ts';
import { cookieNamed, request, type ServerProcess } from './processes.ts';

/*
 * Accounts for tests that run real server processes (`src/main.ts`, each its
 * own OS process, so its memory is its own): the processes themselves are
 * started and spoken to through ./processes.ts.
 */
export { request, startServer, type Reply, type ServerProcess } from './processes.ts';

/**
 * An active, signed-in account made through `on`: signed up over HTTP, given
 * its authenticator and vetted in the database (as an agency administrator
 * would), then signed in the whole way. Returns its id and session cookie.
 */
export async function signedInAccount(on: ServerProcess, db: Db, secret: string, name: string): Promise<{ id: string; email: string; cookie: string }> {
  const email = uniqueEmail('proc');
  const up = await request(on, 'POST', '/api/auth/sign-up/email', { body: { name, email, password: PASSWORD, agencyOri: TEST_ORI } });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  const { id } = await db.kysely.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  await enrolWithSecret(db.kysely, secret, id, testSecret(email));
  await db.kysely.updateTable('profile').set({ status: 'active', opted_in: 1 }).where('user_id', '=', id).execute();
  const first = await request(on, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
  assert.equal(first.status, 200, `password step: ${JSON.stringify(first.body)}`);
  const challenge = cookieNamed(first, 'two_factor=');
  assert.ok(challenge, 'a two-factor challenge');
  const second = await request(on, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challenge, body: { code: await currentCode(testSecret(email)) } });
  assert.equal(second.status, 200, `code step: ${JSON.stringify(second.body)}`);
  const cookie = cookieNamed(second, 'session_token=');
  assert.ok(cookie, 'a session cookie');
  const accepted = await request(on, 'POST', '/api/v1/notice/accept', { cookie, body: { version: NOTICE.version } });
  assert.equal(accepted.status, 200);
  return { id, email, cookie };
}
