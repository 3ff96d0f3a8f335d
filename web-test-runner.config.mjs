// Element tests: real Chromium against the real JusticeConnect server.
//
// The Hono app (the same createApp() the runtime uses, on a temp SQLite file)
// is mounted into the test runner's dev server, so the widgets under test call
// /api/* on their own origin exactly as they do on the demo page. A second
// server on another origin (127.0.0.1 instead of localhost) serves the
// cross-origin tests: no shared cookies, allow-list and bearer token only. It
// runs in its own process, as a second server on one SQLite file must:
// better-sqlite3 waits for a busy database synchronously, so two connections
// in one process could each stall the other's transaction.
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { getRequestListener } from '@hono/node-server';
import { spawn } from 'node:child_process';
import { register } from 'tsx/esm/api';
import { findChromium, systemChromiums } from './scripts/chromium.mjs';

/*
 * The test files, in an order shuffled by a seed (issue 26): every file must pass whatever ran before
 * it in the same browser and against the same server. JC_WTR_SEED (an integer, 0 to 4294967295)
 * repeats an order; without it each run takes a random seed, printed below, so CI tries a new order
 * on every run and a failure's order can be repeated.
 *
 * What runs in that order: wtr hands `files` to globby, which looks each entry up on its own and
 * keeps their order; every file becomes a session in that order, and the scheduler starts the next
 * scheduled session whenever fewer than `concurrency` run (@web/test-runner-core, TestScheduler).
 * With `concurrency: 1` below, the files run one after another exactly in this order. (With more,
 * the order would only say which files start first and which ones overlap.) Each file is a new page
 * load, so its module state (the chosen locale, the standalone context map, timers) is its own; but
 * @web/test-runner-chrome loads the next file in the same tab (after about:blank), so what one file
 * can leave to the next is the server's database, the browser's cookies and localStorage, the tab's
 * sessionStorage, and media emulated through the DevTools protocol (jc-media). The tests inside a
 * file keep their written order: mocha has no shuffle of its own.
 */
const TEST_ROOT = 'packages/components/src';
/** What the glob `packages/components/src/**\/*.test.ts` finds (no dot folders, as globby), in no particular order. */
function testFiles(dir = TEST_ROOT) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return testFiles(file);
      return entry.isFile() && entry.name.endsWith('.test.ts') ? [file] : [];
    });
}
/** mulberry32: a small seeded PRNG, answering numbers in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** A Fisher-Yates shuffle of a copy of `items`, driven by `seed`. */
function shuffled(items, seed) {
  const out = [...items];
  const random = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
function fileOrderSeed() {
  const given = process.env.JC_WTR_SEED?.trim();
  if (!given) return randomInt(0, 2 ** 32);
  const seed = /^\d{1,10}$/.test(given) ? Number(given) : NaN;
  if (!(seed <= 0xffffffff)) throw new Error(`JC_WTR_SEED must be an integer from 0 to 4294967295 (it is ${JSON.stringify(given)}).`);
  return seed;
}
const SEED = fileOrderSeed();
// Sorted first, so that a seed names one order on any machine.
const FILES = shuffled(testFiles().sort(), SEED);
console.log(`element tests: file order shuffled with JC_WTR_SEED=${SEED} (set it to repeat this order; files named on the command line run in their own order):`);
console.log(FILES.map((file, i) => `  ${String(i + 1).padStart(2)}. ${file.slice(TEST_ROOT.length + 1)}`).join('\n'));

// CHROME_PATH, an installed Chromium or Chrome, or one `npm test` fetched earlier (scripts/chromium.mjs); `npm test` also gets one when there is none.
const chromium = await findChromium();
if (!chromium) {
  throw new Error(`No Chromium found (CHROME_PATH is not set; none at ${systemChromiums().join(', ')}). Run the tests with \`npm test\`, which fetches or installs one, or set CHROME_PATH.`);
}

register();
const { createApp } = await import('./packages/server/src/app.ts');
const { loadConfig } = await import('./packages/server/src/config.ts');
const { seedDemo, demoTotpSecret } = await import('./packages/server/src/seed.ts');
const { currentCode, enrolWithSecret } = await import('./packages/server/src/totp.ts');

// JC_WTR_PORT moves both (the cross-origin server takes the next port), so two checkouts can run their element tests at once.
const PORT = Number(process.env.JC_WTR_PORT ?? 8765);
const CROSS_PORT = PORT + 1;
const PAGE_ORIGIN = `http://localhost:${PORT}`;
const CROSS_ORIGIN_API = `http://127.0.0.1:${CROSS_PORT}`;

const dir = mkdtempSync(path.join(tmpdir(), 'jc-wtr-'));

// A real OpenID provider (oidc-provider, the server tests' own) playing the state's IdP, registered in a
// providers file both servers read: jc-provider's token exchange is tested against it.
const { startIdp, portalIdToken, PORTAL_CALLBACK, CLIENT_ID, CLIENT_SECRET } = await import('./packages/server/test/support/oidc-idp.ts');
const IDP_ID = 'test-state-idp';
// The portal's callback (token exchange), and the cross-origin server's own: jc-sign-in's popup signs in through it.
const idp = await startIdp([PORTAL_CALLBACK, `${CROSS_ORIGIN_API}/api/v1/federation/${IDP_ID}/callback`]);
const providersFile = path.join(dir, 'identity-providers.json');
writeFileSync(
  providersFile,
  JSON.stringify({ providers: [{ id: IDP_ID, displayName: 'Test State IdP', issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oris: ['TXDPS0000'], vettingCounts: true, multiFactor: ['mfa'] }] }),
);

const env = {
  JC_IDENTITY_PROVIDERS_FILE: providersFile,
  JC_DATA_DIR: dir,
  JC_DATABASE_URL: path.join(dir, 'elements.sqlite'),
  JC_LOG_REQUESTS: 'false',
  // Element tests make many accounts from one address; the limits themselves are tested in the server's security tests.
  JC_SIGN_IN_RATE_PER_MINUTE: '100000',
  JC_WRITE_RATE_PER_MINUTE: '1000000',
  JC_AUTH_SECRET: 'element-tests-secret-element-tests-secret',
};
const local = await createApp(loadConfig({ ...env, JC_BASE_URL: PAGE_ORIGIN }));
await seedDemo(local.services);
const remote = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
  env: { ...process.env, ...env, PORT: String(CROSS_PORT), HOST: '127.0.0.1', JC_SEED: 'none', JC_BASE_URL: CROSS_ORIGIN_API, JC_TRUSTED_ORIGINS: PAGE_ORIGIN },
  stdio: ['ignore', 'ignore', 'inherit'],
});
for (let i = 0; ; i++) {
  const up = await fetch(`${CROSS_ORIGIN_API}/api/v1/health`).then((r) => r.ok).catch(() => false);
  if (up) break;
  if (i > 300 || remote.exitCode !== null) throw new Error('The cross-origin test server did not start.');
  await new Promise((r) => setTimeout(r, 100));
}
const listener = getRequestListener(local.app.fetch);

async function cleanup() {
  const exited = new Promise((r) => (remote.exitCode !== null ? r(null) : remote.once('exit', r)));
  remote.kill('SIGTERM');
  await Promise.allSettled([local.close(), exited, idp.close()]);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Test-only: `GET /__jc/id-token?sub=…[&amr=mfa]` signs the officer `sub` (a Texas DPS officer, made up
 * on first use) in at the test IdP as its own portal would, and answers `{ idToken }`: a real ID token
 * for JusticeConnect, for a page to hand to jc-provider.
 */
async function idToken(ctx) {
  const who = officer(ctx);
  if (who) ctx.body = { idToken: await portalIdToken(idp, who) };
}

/**
 * Test-only: `POST /__jc/idp-next?sub=…[&amr=mfa]`: the next sign-in at the test IdP (a popup's) signs
 * the officer `sub` (made up on first use, as above) in, with that `amr`, at once; `DELETE`: nobody,
 * so the IdP refuses.
 */
function idpNext(ctx) {
  if (ctx.method === 'DELETE') {
    idp.next = null;
    ctx.status = 204;
    return;
  }
  const who = officer(ctx);
  if (!who) return;
  idp.next = who;
  ctx.status = 204;
}

/** The Texas DPS officer `?sub=` names at the test IdP (made up on first use), with `?amr=` (mfa unless said); a 400 for a bad sub. */
function officer(ctx) {
  const sub = String(ctx.query.sub ?? '');
  if (!/^[\w:.-]{1,200}$/.test(sub)) {
    ctx.status = 400;
    return null;
  }
  if (!idp.accounts.has(sub)) {
    const n = idp.accounts.size + 1;
    idp.accounts.set(sub, { given_name: 'Fed', family_name: `Officer ${n}`, email: `fed.officer.${n}.${Date.now()}@txdps.example.gov`, employer_ori: 'TXDPS0000' });
  }
  return { sub, amr: String(ctx.query.amr ?? 'mfa').split(',') };
}

/**
 * Test-only: `POST /__jc/activate?email=…[&optedIn=false]` does what an agency
 * administrator's approval (and the user's opt-in) would, straight in the data
 * layer, so a test can make a fresh account able to use communities. Both
 * server instances share the one database file, so this serves the
 * cross-origin instance's users too.
 */
async function activate(ctx) {
  const email = String(ctx.query.email ?? '').trim().toLowerCase();
  const optedIn = ctx.query.optedIn !== 'false';
  const db = local.services.db.kysely;
  const user = await db.selectFrom('user').select('id').where('email', '=', email).executeTakeFirst();
  if (!user) {
    ctx.status = 404;
    ctx.body = { error: { code: 'USER_NOT_FOUND', message: `No user has the email ${email}.` } };
    return;
  }
  const at = new Date().toISOString();
  const res = await db
    .updateTable('profile')
    .set({ status: 'active', opted_in: optedIn ? 1 : 0, opted_in_at: optedIn ? at : null, updated_at: at })
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) {
    ctx.status = 409;
    ctx.body = { error: { code: 'NO_PROFILE', message: `${email} has no profile (was it created through sign-up?).` } };
    return;
  }
  // Like the demo accounts, test accounts get an authenticator whose secret comes from their email.
  await enrolWithSecret(db, local.services.config.authSecret, user.id, demoTotpSecret(email));
  ctx.body = { id: user.id, email, status: 'active', optedIn };
}

/**
 * Test-only: `GET /__jc/totp?email=…` answers the account's current one-time
 * code (as its authenticator app would show it) and forgets the codes it
 * already used, so a test may sign the same account in twice within 30 seconds.
 */
async function totp(ctx) {
  const email = String(ctx.query.email ?? '').trim().toLowerCase();
  const db = local.services.db.kysely;
  const user = await db.selectFrom('user').select('id').where('email', '=', email).executeTakeFirst();
  if (!user) {
    ctx.status = 404;
    ctx.body = { error: { code: 'USER_NOT_FOUND', message: `No user has the email ${email}.` } };
    return;
  }
  await db.deleteFrom('totp_used').where('user_id', '=', user.id).execute();
  ctx.body = { code: await currentCode(demoTotpSecret(email)) };
}

/**
 * Test-only commands for the theme tests (packages/components/src/styles):
 * `jc-screenshot` `{ selector, path }` saves a PNG of the first element the
 * selector finds (in the page's light DOM) under test-output/ (git-ignored);
 * `jc-media` `{ features }` emulates media features, `prefers-contrast` and
 * `forced-colors` too, which `emulateMedia` from @web/test-runner-commands
 * does not know (`[]` resets them).
 */
function themeCommandsPlugin() {
  const outDir = path.resolve('test-output');
  // Puppeteer's emulateMediaFeatures refuses forced-colors: the DevTools protocol itself takes it, on a session kept per page.
  const cdpSessions = new WeakMap();
  return {
    name: 'justiceconnect-theme-commands',
    async executeCommand({ command, payload, session }) {
      if (command !== 'jc-screenshot' && command !== 'jc-media') return undefined;
      if (session.browser.type !== 'puppeteer') throw new Error(`${command} needs Chromium through puppeteer.`);
      const page = session.browser.getPage(session.id);
      if (command === 'jc-media') {
        if (!cdpSessions.has(page)) cdpSessions.set(page, await page.createCDPSession());
        await cdpSessions.get(page).send('Emulation.setEmulatedMedia', { media: '', features: payload?.features ?? [] });
        return true;
      }
      const file = path.resolve(outDir, String(payload?.path ?? ''));
      if (!file.startsWith(outDir + path.sep) || !file.endsWith('.png')) throw new Error('jc-screenshot saves a .png under test-output/ only.');
      const element = await page.$(String(payload?.selector ?? ''));
      if (!element) throw new Error(`jc-screenshot: nothing matches ${payload?.selector}`);
      mkdirSync(path.dirname(file), { recursive: true });
      await element.screenshot({ path: file });
      return true;
    },
  };
}

export default {
  files: FILES,
  nodeResolve: { exportConditions: ['browser', 'development'] },
  port: PORT,
  hostname: 'localhost',
  concurrency: 1,
  // A test's own waits bound it (testing/wait.ts: 8 s each unless a test says more); mocha's timeout only
  // catches a test that hangs. At 10 s it was shorter than two waits in a row, so a wait that failed on a
  // loaded machine was reported as "timed out" instead of by its own message, and which step had stalled
  // was lost (issue 26: one such failure, under seed 1627636368, could not be told apart from a hang).
  testFramework: { config: { timeout: 30000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromium.path,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    }),
  ],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: path.resolve('packages/components/tsconfig.json'), target: 'es2022' }),
    themeCommandsPlugin(),
    {
      name: 'justiceconnect-test-config',
      serverStart() {},
      async serverStop() {
        await cleanup();
      },
    },
  ],
  middleware: [
    async function justiceconnectApi(ctx, next) {
      if (ctx.path === '/__jc/test-config') {
        ctx.body = { crossOriginApi: CROSS_ORIGIN_API };
        return;
      }
      if (ctx.path === '/__jc/activate' && ctx.method === 'POST') {
        await activate(ctx);
        return;
      }
      if (ctx.path === '/__jc/idp-next') {
        idpNext(ctx);
        return;
      }
      if (ctx.path === '/__jc/id-token') {
        await idToken(ctx);
        return;
      }
      if (ctx.path === '/__jc/totp') {
        await totp(ctx);
        return;
      }
      if (!ctx.path.startsWith('/api/')) return next();
      ctx.respond = false;
      await listener(ctx.req, ctx.res);
    },
  ],
};
