/**
 * npm run demo:code -- <email>: the current one-time code of a demo account
 * (their authenticator secrets are public, like their password), so a
 * newcomer can sign in without setting up an authenticator app first.
 */
import { DEMO_USERS, demoTotpSecret } from '../src/seed.ts';
import { currentCode } from '../src/totp.ts';

const email = (process.argv[2] ?? '').trim().toLowerCase();
const user = DEMO_USERS.find((u) => u.email === email);
if (!user) {
  console.error(`Usage: npm run demo:code -- <email>\nDemo accounts: ${DEMO_USERS.map((u) => u.email).join(', ')}`);
  process.exit(2);
}
const secret = demoTotpSecret(user.email);
const code = await currentCode(secret);
const left = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${code}   (${user.name}; valid for ${left} more seconds; authenticator secret ${secret})`);
