/**
 * The whole journey in a real browser, as a new user would take it.
 *
 * The server is the one `npm start` runs: the built `packages/server/dist/main.js`
 * (built first if `dist` is missing), as a child process on a free port, with
 * its demo seed, a temp `JC_DATA_DIR` and otherwise the defaults (request
 * logging on, `JC_BASE_URL` = `http://localhost:PORT`). One fresh server, and
 * database, per journey: on SQLite, and on PostgreSQL too when
 * `JC_TEST_DATABASE_URL` is set (a new database on that server per journey, as
 * the server tests make theirs, dropped afterwards).
 *
 * The journey, in Debian's Chromium through playwright-core, by roles and labels:
 * Ofc. Lena Ortiz (the demo account that has not opted in) opens the state
 * portal, signs in (password, the one-time code from `npm run demo:code`, the
 * notice), opts in, reads and dismisses announcements, favourites a service,
 * opens a maintenance tooltip and sees her communities; Sgt. Dana Reyes, the
 * task force's owner, invites her and the invitation arrives live; Lena
 * accepts, goes to the agency intranet page, posts in the task force's feed,
 * replies in the forum and checks off an activity step, and Dana (a second
 * browser context) sees each arrive live; Lena signs out.
 *
 * Twice per database: on the server's own pages (same origin: the HttpOnly
 * cookie), and on copies of the same pages served from another origin by a tiny
 * static server, loading the widgets by script tag from the server, with only
 * `JC_TRUSTED_ORIGINS` set for it and third-party cookies blocked (a bearer
 * token in the tab's sessionStorage).
 *
 * Screenshots of each step: test-output/e2e/<sqlite|postgres>/NN-step.png, and
 * test-output/e2e/<sqlite|postgres>/cross-origin/NN-step.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DEMO_PASSWORD, DEMO_USERS } from '../../server/src/seed.ts';
import { freePort, spawnServer, type SpawnedServer } from '../../server/test/support/spawn-server.ts';
import { DEMO_IDP_OFFICERS, DEMO_IDP_PASSWORD, demoIdpProviderEntry, startDemoIdp } from '../idp/demo-idp.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SERVER_MAIN = path.join(ROOT, 'packages/server/dist/main.js');
const DEMO_DIST = path.join(ROOT, 'packages/demo/dist');
const BUILT = [SERVER_MAIN, path.join(ROOT, 'packages/components/dist/justiceconnect.js'), path.join(DEMO_DIST, 'index.html'), path.join(DEMO_DIST, 'intranet.html')];
const OUTPUT = path.join(ROOT, 'test-output/e2e');
const CHROMIUM = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Waits for one state of the page (an element appearing, a text changing): generous for a slow 2-vCPU machine, but bounded. */
const STEP_TIMEOUT = 30_000;
/** A whole journey, server start to sign-out. */
const JOURNEY_TIMEOUT = 300_000;

const LENA = demoUser('lena.ortiz@laredo.demo.test');
const DANA = demoUser('dana.reyes@txdps.demo.test');
const TASK_FORCE = 'I-35 Corridor Drug Trafficking Task Force';
const TASK_FORCE_SLUG = 'i-35-corridor-task-force';
const STEP = 'Communicate the schedule to members';

function demoUser(email: string) {
  const user = DEMO_USERS.find((u) => u.email === email);
  assert.ok(user, `${email} is a demo account`);
  return user;
}

// ---------------------------------------------------------------------------
// The server, as `npm start` runs it

interface Database {
  /** JC_DATABASE_URL for the server; undefined: SQLite in JC_DATA_DIR, the default. */
  url?: string;
  drop(): Promise<void>;
}

interface Backend {
  name: 'sqlite' | 'postgres';
  create(): Promise<Database>;
}

const sqlite: Backend = { name: 'sqlite', create: async () => ({ drop: async () => {} }) };

/** A fresh PostgreSQL database per journey on the server JC_TEST_DATABASE_URL names, as the server tests make theirs (test/helpers.ts). */
function postgres(adminUrl: string): Backend {
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    async create() {
      const name = `jc_e2e_${Date.now()}_${randomBytes(4).toString('hex')}`;
      await admin(`CREATE DATABASE "${name}"`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
    },
  };
}

interface RunningServer {
  /** As a newcomer opens it: http://localhost:PORT (the server's default JC_BASE_URL). */
  origin: string;
  stop(): Promise<void>;
}

/**
 * `node packages/server/dist/main.js`, as `npm start` runs it after the build,
 * with the environment it would have but for the port, a temp data folder, the
 * database and `extraEnv`. Its output goes to `logFile`. Ready when it prints
 * its banner.
 */
async function startServer(backend: Backend, logFile: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jc-e2e-'));
  const database = await backend.create();
  // Nothing of the caller's JusticeConnect settings leaks in: only the defaults, and what is set here.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JC_|DATABASE_URL$|BETTER_AUTH_|PORT$|HOST$)/.test(k)));
  const log: WriteStream = createWriteStream(logFile);
  const cleanUp = async () => {
    await new Promise((resolve) => log.end(resolve));
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let server: SpawnedServer;
  try {
    server = await spawnServer({
      args: [SERVER_MAIN],
      cwd: ROOT,
      env: (port) => ({
        ...inherited,
        PORT: String(port),
        // Not on every interface: the demo accounts' passwords are public.
        HOST: '127.0.0.1',
        JC_DATA_DIR: dataDir,
        ...(database.url ? { JC_DATABASE_URL: database.url } : {}),
        ...extraEnv,
      }),
      ready: /JusticeConnect on http/,
      readyMs: 90_000,
      onOutput: (chunk) => log.write(chunk),
    });
  } catch (err) {
    await cleanUp();
    throw new Error(`The server did not start (see ${logFile}): ${err instanceof Error ? err.message : String(err)}`);
  }
  assert.match(server.output(), /Seeded demo agencies and users\./, 'the demo seed ran');
  return {
    origin: `http://localhost:${server.port}`,
    stop: async () => {
      await server.stop(15_000);
      await cleanUp();
    },
  };
}

// ---------------------------------------------------------------------------
// Another origin: the demo pages, copied as a portal team would embed the widgets

interface StaticSite {
  /** The page's origin: http://127.0.0.1:PORT (another site than the server's localhost). */
  origin: string;
  /** The same server by another host name (localhost, the API's host): where the cookie probe answers. */
  probeUrl: string;
  close(): Promise<void>;
}

/**
 * Serves packages/demo/dist with its pages loading the widgets from `api` by
 * script tag and each `jc-provider` pointed at it, as the README's Embedding
 * section says. `/probe` tries to set a third-party cookie.
 */
async function startStaticSite(api: string, port: number): Promise<StaticSite> {
  const page = (file: string) => {
    const original = readFileSync(path.join(DEMO_DIST, file), 'utf8');
    const html = original.replaceAll('src="/widgets/', `src="${api}/widgets/`).replaceAll('<jc-provider>', `<jc-provider api="${api}">`);
    assert.ok(html.includes(`src="${api}/widgets/provider.js"`) && html.includes(`<jc-provider api="${api}">`), `${file} still has the script tags and the jc-provider to point at the server`);
    return html;
  };
  const pages: Record<string, string> = { '/': page('index.html'), '/index.html': page('index.html'), '/intranet.html': page('intranet.html') };
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css' };
  const server: Server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://static.invalid');
    if (url.pathname === '/probe') {
      // Would be a third-party cookie for the page on 127.0.0.1 (this answers on localhost, the API's host).
      res.writeHead(200, {
        'set-cookie': 'jc_probe=1; SameSite=None; Secure; Path=/',
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-credentials': 'true',
        'content-type': 'text/plain',
      });
      res.end('probe');
      return;
    }
    const html = pages[url.pathname];
    if (html) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    const asset = /^\/assets\/[\w.-]+$/.test(url.pathname) ? path.join(DEMO_DIST, url.pathname) : null;
    if (asset && existsSync(asset)) {
      res.writeHead(200, { 'content-type': types[path.extname(asset)] ?? 'application/octet-stream' });
      res.end(readFileSync(asset));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin: `http://127.0.0.1:${port}`,
    probeUrl: `http://localhost:${port}/probe`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

// ---------------------------------------------------------------------------
// The browser side

/** Everything that went wrong in a page's scripts: uncaught errors, unhandled rejections and console errors other than failed loads (a 401 or 403 the widgets expect). */
function watchErrors(page: Page, who: string, errors: string[]) {
  page.on('pageerror', (err) => errors.push(`${who}: uncaught ${err.stack ?? err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of (401|403)\b/.test(message.text())) {
      errors.push(`${who}: console.error ${message.text()}`);
    }
  });
}

class Screenshots {
  #n = 0;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir)) if (file.endsWith('.png')) rmSync(path.join(dir, file));
  }
  /** The whole page; or, given `focus`, the window with that element scrolled to its middle (the intranet page is ten screens long). */
  async take(page: Page, name: string, focus?: Locator): Promise<void> {
    this.#n += 1;
    if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: path.join(this.dir, `${String(this.#n).padStart(2, '0')}-${name}.png`), fullPage: !focus });
  }
}

const exec = promisify(execFile);

/** The one-time code, the way the README tells a newcomer: `npm run demo:code -- <email>`. */
async function demoCode(email: string): Promise<string> {
  const { stdout } = await exec('npm', ['run', '--silent', 'demo:code', '--', email], { cwd: ROOT, timeout: 60_000 });
  const code = /^(\d{6})\s/m.exec(stdout)?.[1];
  assert.ok(code, `npm run demo:code printed a code: ${stdout}`);
  return code;
}

/**
 * Every icon draws all its shapes: none is parsed inside another (as happened
 * when the build's minifier dropped the `/` of `<path/>` in svg`` templates,
 * and each icon showed only its first shape).
 */
async function assertIconsDrawn(page: Page) {
  // (No named functions inside: tsx would wrap them in a helper the page does not have.)
  const nested = await page.evaluate(() => {
    const shapes = 'path, circle, rect, ellipse, line, polyline, polygon';
    const found: string[] = [];
    let icons = 0;
    const roots: (Document | ShadowRoot)[] = [document];
    for (let root = roots.pop(); root; root = roots.pop()) {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) roots.push(el.shadowRoot);
        if (el.localName === 'svg') icons += 1;
        if (el.matches(`svg :is(${shapes})`) && el.querySelector(shapes)) found.push(`${el.localName} in ${(el.getRootNode() as ShadowRoot).host?.localName}`);
      }
    }
    return { icons, found };
  });
  assert.ok(nested.icons > 0, 'the page shows icons');
  assert.deepEqual(nested.found, [], 'no SVG shape inside another');
}

/**
 * The page loaded the widget entries of the jc-* elements it shows, and no
 * other (not justiceconnect.js, which defines all ten): the README's advice to
 * integrators, followed by the demo pages.
 */
async function assertLoadsOnlyItsWidgets(page: Page) {
  const { tags, entries } = await page.evaluate(() => ({
    tags: [...new Set([...document.querySelectorAll('*')].map((el) => el.localName).filter((name) => name.startsWith('jc-')))],
    entries: performance
      .getEntriesByType('resource')
      .map((entry) => /\/widgets\/([\w-]+)\.js$/.exec(new URL(entry.name).pathname)?.[1])
      .filter((name): name is string => Boolean(name)),
  }));
  assert.deepEqual([...new Set(entries)].sort(), tags.map((tag) => tag.slice('jc-'.length)).sort(), `${page.url()} loads one entry per widget it shows`);
}

/** Waits until `locator` is visible (one element: a locator that matches several is a mistake in the test). */
const visible = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden' });

interface SignInShots {
  shots: Screenshots;
  prefix: string;
}

/** Password, one-time code, notice: the sign-in widget's steps, as a user goes through them. */
async function signIn(page: Page, user: typeof LENA, shots?: SignInShots) {
  const signInBox = page.locator('jc-sign-in');
  await visible(signInBox.getByRole('heading', { name: 'Sign in to JusticeConnect' }));
  await signInBox.getByRole('textbox', { name: 'Email' }).fill(user.email);
  await signInBox.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
  if (shots) await shots.shots.take(page, `${shots.prefix}password`);
  await signInBox.getByRole('button', { name: 'Sign in', exact: true }).click();

  const codeField = signInBox.getByRole('textbox', { name: 'One-time code' });
  await visible(signInBox.getByRole('heading', { name: 'Enter your one-time code' }));
  await codeField.fill(await demoCode(user.email));
  if (shots) await shots.shots.take(page, `${shots.prefix}one-time-code`);
  await signInBox.getByRole('button', { name: 'Verify' }).click();

  await visible(signInBox.getByRole('heading', { name: 'U.S. Government information system' }));
  if (shots) await shots.shots.take(page, `${shots.prefix}system-use-notice`);
  await signInBox.getByRole('button', { name: 'I accept' }).click();
  await visible(signInBox.getByRole('heading', { name: `Signed in as ${user.name}` }));
}

interface Site {
  /** The address of one of the demo pages (`/` or `/intranet.html`). */
  url(page: string): string;
  /** The server's origin, for API calls and cookies. */
  api: string;
  /** Another origin than the server's: the widgets must work without any cookie. */
  crossOrigin: boolean;
  probeUrl?: string;
}

async function newUserContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'America/Chicago' });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT * 2);
  return context;
}

/** A new page; on another origin, with third-party cookies blocked (Chromium's off-the-record contexts block them already: this says so rather than relies on it). */
async function newUserPage(context: BrowserContext, site: Site, who: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  watchErrors(page, who, errors);
  if (site.crossOrigin) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setCookieControls', { enableThirdPartyCookieRestriction: true });
  }
  return page;
}

/** A GET to the server from the test itself (127.0.0.1: Node may try localhost's IPv6 address first, where the server does not listen). */
async function apiGet(site: Site, url: string, headers: Record<string, string>) {
  return fetch(new URL(url, site.api.replace('//localhost:', '//127.0.0.1:')), { headers });
}

/** The API's cookies, as the browser holds them. */
async function apiCookies(context: BrowserContext, site: Site) {
  return context.cookies(site.api);
}

async function journey(browser: Browser, site: Site, shots: Screenshots) {
  const errors: string[] = [];
  const lenaContext = await newUserContext(browser);
  const danaContext = await newUserContext(browser);
  let lena: Page | undefined;
  let dana: Page | undefined;
  try {
    lena = await newUserPage(lenaContext, site, 'Lena', errors);

    // --- The state portal, signed out -------------------------------------------------
    await lena.goto(site.url('/'));
    if (site.crossOrigin) {
      // Third-party cookies are blocked here: the cookie the page's own server sets is kept (first party),
      // the same cookie from the API's host (localhost) is refused.
      const probe = (url: string) => lena!.evaluate(async (u) => (await fetch(u, { credentials: 'include' })).text(), url);
      assert.equal(await probe(new URL('/probe', site.url('/')).href), 'probe');
      assert.equal((await lenaContext.cookies(site.url('/'))).length, 1, 'a first-party cookie is kept');
      assert.equal(await probe(site.probeUrl!), 'probe');
      assert.deepEqual(await lenaContext.cookies(site.probeUrl!), [], 'third-party cookies are blocked in this browser context');
    }
    const announcements = lena.locator('jc-announcements');
    const emergency = announcements.getByRole('alert', { name: 'Emergency: Severe weather along I-35' });
    await visible(emergency);
    await visible(lena.locator('jc-service-directory').getByText('Sign in to see your services.'));
    await visible(lena.locator('jc-community-list').getByText('Sign in to JusticeConnect to see your communities.'));
    await shots.take(lena, 'portal-signed-out');
    await assertLoadsOnlyItsWidgets(lena);

    // --- Sign in: password, one-time code, notice ----------------------------------------
    await signIn(lena, LENA, { shots, prefix: 'sign-in-' });
    const signInBox = lena.locator('jc-sign-in');
    await visible(signInBox.getByText('Patrol Officer · Laredo Police Department (demo) (TX2400200)'));
    const optIn = signInBox.getByRole('region', { name: 'Participate in JusticeConnect' });
    await visible(optIn);
    await visible(lena.locator('jc-community-list').getByText('Opt in to JusticeConnect to see and join communities across agencies.'));
    await shots.take(lena, 'signed-in-not-opted-in');
    if (site.crossOrigin) {
      // The README: another origin keeps a bearer token in the tab's sessionStorage, and no cookie.
      const token = await lena.evaluate((api) => sessionStorage.getItem(`jc-token:${api}`), site.api);
      assert.ok(token, 'a bearer token in sessionStorage');
      assert.deepEqual(await apiCookies(lenaContext, site), [], 'the API holds no cookie in this browser');
    } else {
      // Same origin: an HttpOnly session cookie the page's scripts never see, and no token.
      const cookies = await apiCookies(lenaContext, site);
      assert.ok(cookies.some((c) => c.httpOnly && c.name.includes('session_token')), `an HttpOnly session cookie: ${cookies.map((c) => c.name)}`);
      assert.equal(await lena.evaluate(() => document.cookie.includes('session_token')), false);
      assert.equal(await lena.evaluate(() => sessionStorage.length), 0);
    }

    // --- Opt in ------------------------------------------------------------------------
    await optIn.getByRole('button', { name: 'Yes, opt in to JusticeConnect' }).click();
    await gone(optIn);
    const communities = lena.locator('jc-community-list');
    await visible(communities.getByRole('heading', { name: 'Your communities' }));
    await visible(communities.getByText('You are not in any communities yet.'));
    await shots.take(lena, 'opted-in');

    // --- Announcements -----------------------------------------------------------------
    const banner = (role: 'alert' | 'status', name: string) => announcements.getByRole(role, { name });
    await visible(banner('alert', 'Error: ViCAP uploads delayed'));
    await visible(banner('status', 'Warning: Passwords expire every 90 days'));
    await visible(banner('status', 'Information: New JusticeConnect training'));
    const success = banner('status', 'Success: N-DEx search is faster');
    await visible(success);
    assert.equal(await emergency.getByRole('button', { name: 'Dismiss' }).count(), 0, 'an emergency cannot be dismissed');
    await success.getByRole('button', { name: 'Dismiss' }).click();
    await gone(success);
    await shots.take(lena, 'announcement-dismissed');

    // --- The service directory: favourite one, a maintenance tooltip ------------------------
    const directory = lena.locator('jc-service-directory');
    await visible(directory.getByText('7 services'));
    const allServices = directory.getByRole('list', { name: 'All services' });
    // Laredo PD has no ViCAP access: grayed out, with how to get it.
    await visible(allServices.getByRole('heading', { name: 'ViCAP No access' }));
    await visible(allServices.getByRole('button', { name: 'Request access : ViCAP' }));
    const myServices = directory.getByRole('region', { name: 'My Services' });
    await visible(myServices.getByText('Add the services you use most'));
    await directory.getByRole('button', { name: 'Mark N-DEx as favorite' }).first().click();
    await visible(myServices.getByRole('link', { name: 'N-DEx' }));
    await visible(myServices.getByRole('button', { name: 'Mark N-DEx as favorite', pressed: true }));
    await shots.take(lena, 'service-favourited');

    const maintenance = myServices.getByRole('button', { name: 'Maintenance now : N-DEx' });
    await maintenance.hover();
    const tooltip = myServices.getByRole('tooltip').filter({ hasText: 'Quarterly database maintenance: searches are unavailable.' });
    await visible(tooltip);
    assert.match((await tooltip.textContent()) ?? '', /Under maintenance now/);
    await shots.take(lena, 'maintenance-tooltip');
    await assertIconsDrawn(lena);
    await lena.keyboard.press('Escape');
    await gone(tooltip);

    // --- My communities: the task force's owner invites Lena, live ------------------------
    dana = await newUserPage(danaContext, site, 'Dana', errors);
    await dana.goto(site.url('/intranet.html'));
    await signIn(dana, DANA);
    await visible(dana.locator('jc-community-feed').getByRole('textbox', { name: `Share with ${TASK_FORCE}` }));
    // No widget invites yet (jc-community-list finds, joins, requests, approves): Dana's page calls the API,
    // with her session as the page has it (the cookie, or the bearer token on another origin).
    const invited = await dana.evaluate(
      async ({ api, slug, email, crossOrigin }) => {
        const token = crossOrigin ? sessionStorage.getItem(`jc-token:${api}`) : null;
        const res = await fetch(`${api}/api/v1/communities/${slug}/invitations`, {
          method: 'POST',
          credentials: crossOrigin ? 'omit' : 'same-origin',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ email }),
        });
        return res.status;
      },
      { api: site.api, slug: TASK_FORCE_SLUG, email: LENA.email, crossOrigin: site.crossOrigin },
    );
    // By email the answer is the same for every address (202); the invitation reaches Lena alone.
    assert.equal(invited, 202, 'Dana invited Lena');
    const accept = communities.getByRole('button', { name: `Accept invitation ${TASK_FORCE}` });
    await visible(accept);
    await visible(communities.getByRole('link', { name: TASK_FORCE }));
    await shots.take(lena, 'invitation-arrives-live');
    await accept.click();
    await visible(communities.getByText(`You accepted the invitation. You are now a member of ${TASK_FORCE}.`));
    await visible(communities.getByRole('button', { name: `Leave ${TASK_FORCE}` }));
    await shots.take(lena, 'my-communities');

    // --- The agency intranet --------------------------------------------------------------
    await lena.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Agency intranet team page (demo)' }).click();
    await lena.waitForURL(site.url('/intranet.html'));
    await visible(lena.locator('jc-sign-in').getByRole('heading', { name: `Signed in as ${LENA.name}` }));
    const lenaTodos = lena.locator('jc-my-todos');
    await visible(lenaTodos.getByRole('checkbox', { name: STEP, checked: false }));
    const lenaFeed = lena.locator('jc-community-feed');
    const composer = lenaFeed.getByRole('textbox', { name: `Share with ${TASK_FORCE}` });
    await visible(composer);
    await shots.take(lena, 'intranet', composer);
    await assertLoadsOnlyItsWidgets(lena);

    // Post in the task force's feed.
    const postText = `Laredo PD: two northbound rentals stopped at MM 15 tonight (${site.crossOrigin ? 'cross-origin' : 'same-origin'} journey).`;
    await composer.fill(postText.replace('two', '**two**'));
    await lenaFeed.getByRole('button', { name: 'Post', exact: true }).click();
    const lenaPost = lenaFeed.getByRole('article', { name: new RegExp(`^${LENA.name}`) }).filter({ hasText: 'northbound rentals stopped at MM 15' });
    await visible(lenaPost);
    await visible(lenaPost.locator('strong', { hasText: 'two' }));
    assert.equal(await composer.inputValue(), '', 'the composer is empty again');
    await shots.take(lena, 'posted', lenaPost);

    // Dana sees it arrive: "1 new post", then the post.
    const danaFeed = dana.locator('jc-community-feed');
    const newPosts = danaFeed.getByRole('button', { name: '1 new post' });
    await visible(newPosts);
    await shots.take(dana, 'second-user-new-post-arrives', newPosts);
    await newPosts.click();
    const postSeenByDana = danaFeed.getByRole('article', { name: new RegExp(`^${LENA.name}`) }).filter({ hasText: 'northbound rentals stopped at MM 15' });
    await visible(postSeenByDana);
    await shots.take(dana, 'second-user-sees-post', postSeenByDana);

    // Reply in the forum topic the intranet shows (the pinned schedule topic).
    const lenaThread = lena.locator('jc-forum-thread');
    await visible(lenaThread.getByRole('heading', { name: 'Patrol schedule for the Memorial Day weekend', level: 2 }));
    await visible(lenaThread.getByRole('heading', { name: '36 replies' }));
    const replyText = 'Laredo PD can cover MM 0–30 Thursday night.';
    await lenaThread.getByRole('textbox', { name: 'Your reply' }).fill(replyText);
    await lenaThread.getByRole('button', { name: 'Post reply' }).click();
    await visible(lenaThread.getByText('Your reply was posted.'));
    const lenaReply = lenaThread.getByRole('article', { name: new RegExp(`^${LENA.name}`) }).filter({ hasText: replyText });
    await visible(lenaReply);
    await visible(lenaThread.getByRole('heading', { name: '37 replies' }));
    await shots.take(lena, 'replied', lenaReply);

    const danaThread = dana.locator('jc-forum-thread');
    await visible(danaThread.getByText(`New reply from ${LENA.name}.`));
    await visible(danaThread.getByRole('heading', { name: '37 replies' }));
    // The replies are virtualized: Dana scrolls down to the end of the thread, where the new one is.
    await danaThread.getByRole('heading', { name: 'Reply to this topic' }).scrollIntoViewIfNeeded();
    const replySeenByDana = danaThread.getByRole('article', { name: new RegExp(`^${LENA.name}`) }).filter({ hasText: replyText });
    await visible(replySeenByDana);
    await shots.take(dana, 'second-user-sees-reply', replySeenByDana);

    // Check off an activity step (the whole group's, so Lena's too).
    const lenaActivity = lena.locator('jc-activity-tracker');
    await visible(lenaActivity.getByText('1 of 3 steps done'));
    await lenaActivity.getByRole('checkbox', { name: STEP, checked: false }).check();
    await visible(lenaActivity.getByRole('checkbox', { name: STEP, checked: true }));
    await visible(lenaActivity.getByRole('progressbar', { name: '2 of 3 steps done' }));
    await visible(lenaActivity.getByText(`Done by ${LENA.name}`));
    // Her to-dos follow live too.
    await visible(lenaTodos.getByText('Nothing to do.'));
    await shots.take(lena, 'step-checked', lenaActivity.getByRole('list', { name: 'Steps' }));

    const danaActivity = dana.locator('jc-activity-tracker');
    await visible(danaActivity.getByRole('progressbar', { name: '2 of 3 steps done' }));
    await visible(danaActivity.getByRole('checkbox', { name: STEP, checked: true }));
    await visible(danaActivity.getByText(`Done by ${LENA.name}`));
    await visible(dana.locator('jc-my-todos').getByText('Nothing to do.'));
    await shots.take(dana, 'second-user-sees-step', danaActivity.getByRole('list', { name: 'Steps' }));

    // --- Sign out ---------------------------------------------------------------------
    // Lena's credential as her browser holds and sends it, to check afterwards that the server ended her session
    // (a bearer counts only with the Origin of a page on the allow-list, as her browser sends it).
    const credential: Record<string, string> = site.crossOrigin
      ? { authorization: `Bearer ${await lena.evaluate((api) => sessionStorage.getItem(`jc-token:${api}`), site.api)}`, origin: new URL(site.url('/')).origin }
      : { cookie: (await apiCookies(lenaContext, site)).map((c) => `${c.name}=${c.value}`).join('; ') };
    assert.equal((await apiGet(site, '/api/v1/me', credential)).status, 200, 'the credential works before sign-out');
    await lena.locator('jc-sign-in').getByRole('button', { name: 'Sign out' }).click();
    await visible(lena.locator('jc-sign-in').getByRole('heading', { name: 'Sign in to JusticeConnect' }));
    await visible(lenaFeed.getByText('Sign in to JusticeConnect to see and share posts.'));
    await gone(lenaPost);
    // Nothing of her session stays on the screen for the next person: not even the widgets' messages about what she did.
    await gone(lenaFeed.getByText('Your post was published.'));
    await gone(lenaThread.getByText('Your reply was posted.'));
    assert.deepEqual(await lena.getByRole('status').filter({ hasText: /\S/ }).allInnerTexts(), [], 'no status message left');
    await shots.take(lena, 'signed-out');
    if (site.crossOrigin) {
      assert.equal(await lena.evaluate((api) => sessionStorage.getItem(`jc-token:${api}`), site.api), null, 'the token is gone');
      assert.deepEqual(await apiCookies(lenaContext, site), [], 'the API never held a cookie');
      assert.deepEqual(await apiCookies(danaContext, site), [], 'nor for the second user');
    } else {
      const left = await apiCookies(lenaContext, site);
      assert.ok(!left.some((c) => c.name.includes('session_token')), `no session cookie after sign-out: ${left.map((c) => c.name)}`);
    }
    // Her session is over on the server too: the credential she had is refused.
    assert.equal((await apiGet(site, '/api/v1/me', credential)).status, 401, 'the old credential is refused after sign-out');
    assert.deepEqual(errors, [], 'no script errors in either page');
  } catch (err) {
    // What each user saw when it failed, and what their pages' scripts said.
    for (const [who, page] of [['lena', lena], ['dana', dana]] as const) {
      if (page && !page.isClosed()) await shots.take(page, `FAILED-${who}`).catch(() => {});
    }
    if (errors.length) console.error(`# script errors:\n${errors.join('\n')}`);
    throw err;
  } finally {
    await lenaContext.close();
    await danaContext.close();
  }
}

/**
 * The federated path: the demo state IdP (oidc-provider, as `npm start` runs it) beside the server,
 * registered through a providers file. Maria signs in at the IdP from the demo portal (a full
 * redirect and back: the session cookie) and finds herself signed in on the portal and the intranet
 * page; Jordan signs in to the IdP's own portal, whose page embeds the widgets and hands jc-provider
 * ID tokens: they show him signed in without any JusticeConnect sign-in step (only the system-use
 * notice, accepted at every sign-in).
 */
/** The demo IdP's sign-in form (its own portal's, or the one a federated sign-in is sent to). */
async function signInAtIdp(page: Page, officer: (typeof DEMO_IDP_OFFICERS)[number]) {
  await page.getByLabel('Officer').selectOption(officer.sub);
  await page.getByLabel(/^Password/).fill(DEMO_IDP_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** After a federated sign-in: jc-sign-in shows the notice and nothing of our own sign-in (no `absent` field); accepted, the officer is signed in. */
async function acceptNoticeAs(page: Page, officer: (typeof DEMO_IDP_OFFICERS)[number], absent: string) {
  const signInBox = page.locator('jc-sign-in');
  await visible(signInBox.getByRole('heading', { name: 'U.S. Government information system' }));
  assert.equal(await signInBox.getByRole('textbox', { name: absent }).count(), 0, `no ${absent} of JusticeConnect's`);
  await signInBox.getByRole('button', { name: 'I accept' }).click();
  await visible(signInBox.getByRole('heading', { name: `Signed in as ${officer.given_name} ${officer.family_name}` }));
}

async function federatedJourney(browser: Browser, server: RunningServer, idp: string, shots: Screenshots) {
  const [maria, jordan] = [DEMO_IDP_OFFICERS[0], DEMO_IDP_OFFICERS[1]];
  const errors: string[] = [];
  const mariaContext = await newUserContext(browser);
  const jordanContext = await newUserContext(browser);
  try {
    const page = await newUserPage(mariaContext, { url: (p) => server.origin + p, api: server.origin, crossOrigin: false }, 'Maria', errors);
    await page.goto(server.origin + '/');
    await page.getByRole('link', { name: 'Sign in with the demo state IdP' }).click();
    // At the IdP: its own sign-in page (the officer, the IdP's password, the security key).
    await visible(page.getByRole('heading', { name: "Sign in to the state's network" }));
    assert.equal(new URL(page.url()).origin, idp);
    await shots.take(page, 'idp-sign-in');
    await signInAtIdp(page, maria);
    // Back on the portal with the session cookie: the notice, and no code step of ours (the IdP's sign-in was multi-factor).
    await page.waitForURL(server.origin + '/');
    await acceptNoticeAs(page, maria, 'One-time code');
    await shots.take(page, 'portal-signed-in-through-idp');
    // The state vetted her: approved at once, in her agency; the intranet page knows her too.
    const me = (await page.evaluate(async (api) => (await fetch(`${api}/api/v1/me`)).json(), server.origin)) as { status: string; agency: { ori: string } };
    assert.equal(me.status, 'active');
    assert.equal(me.agency.ori, maria.employer_ori);
    await page.goto(server.origin + '/intranet.html');
    await visible(page.locator('jc-sign-in').getByRole('heading', { name: `Signed in as ${maria.given_name} ${maria.family_name}` }));
    await shots.take(page, 'intranet-signed-in-through-idp');

    // The IdP's own portal: the widgets come signed in through token exchange.
    const portal = await newUserPage(jordanContext, { url: (p) => idp + p, api: server.origin, crossOrigin: true }, 'Jordan', errors);
    await portal.goto(idp + '/portal/');
    await signInAtIdp(portal, jordan);
    await visible(portal.getByRole('heading', { name: /^Welcome, / }));
    await acceptNoticeAs(portal, jordan, 'Password');
    await shots.take(portal, 'idp-portal-widgets-signed-in');
    assert.deepEqual(errors, [], 'no script errors');
  } catch (err) {
    if (errors.length) console.error(`# script errors:\n${errors.join('\n')}`);
    throw err;
  } finally {
    await mariaContext.close();
    await jordanContext.close();
  }
}

// ---------------------------------------------------------------------------

function ensureBuilt() {
  const missing = BUILT.filter((file) => !existsSync(file));
  if (missing.length === 0) return;
  console.log(`# e2e: building first (missing: ${missing.map((f) => path.relative(ROOT, f)).join(', ')})`);
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

const backends: Backend[] = [sqlite];
if (process.env.JC_TEST_DATABASE_URL) backends.push(postgres(process.env.JC_TEST_DATABASE_URL));

let browser: Browser;

before(async () => {
  ensureBuilt();
  assert.ok(existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (install Debian's "chromium" package or set CHROME_PATH)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 60_000 });
});

after(async () => {
  await browser?.close();
});

for (const backend of backends) {
  describe(`the journey on ${backend.name}`, () => {
    it('on the demo pages the server serves (same origin: the session cookie)', { timeout: JOURNEY_TIMEOUT }, async () => {
      const dir = path.join(OUTPUT, backend.name);
      const shots = new Screenshots(dir);
      const server = await startServer(backend, path.join(dir, 'server.log'));
      try {
        await journey(browser, { url: (p) => server.origin + p, api: server.origin, crossOrigin: false }, shots);
      } finally {
        await server.stop();
      }
    });

    it('on a page of another origin that embeds the widgets by script tag (allow-list, bearer token, no third-party cookies)', { timeout: JOURNEY_TIMEOUT }, async () => {
      const dir = path.join(OUTPUT, backend.name, 'cross-origin');
      const shots = new Screenshots(dir);
      // The page's port first: its origin goes on the allow-list, the only setting this needs.
      const pagePort = await freePort();
      const server = await startServer(backend, path.join(dir, 'server.log'), { JC_TRUSTED_ORIGINS: `http://127.0.0.1:${pagePort}` });
      let site: StaticSite | undefined;
      try {
        site = await startStaticSite(server.origin, pagePort);
        await journey(browser, { url: (p) => site!.origin + p, api: server.origin, crossOrigin: true, probeUrl: site.probeUrl }, shots);
      } finally {
        await site?.close();
        await server.stop();
      }
    });

    it('through the demo state IdP: a redirect from the portal, and the IdP’s own portal with no JusticeConnect sign-in', { timeout: JOURNEY_TIMEOUT }, async () => {
      const dir = path.join(OUTPUT, backend.name, 'federated');
      const shots = new Screenshots(dir);
      // The IdP's port first: the server reads its issuer from the providers file at start, and allow-lists its portal.
      const idpPort = await freePort();
      const issuer = `http://localhost:${idpPort}`;
      const secret = randomBytes(24).toString('base64url');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'identity-providers.json');
      writeFileSync(file, JSON.stringify({ providers: [demoIdpProviderEntry(issuer, secret)] }));
      const server = await startServer(backend, path.join(dir, 'server.log'), { JC_IDENTITY_PROVIDERS_FILE: file, JC_TRUSTED_ORIGINS: issuer });
      const idp = await startDemoIdp({ port: idpPort, host: '127.0.0.1', issuerHost: 'localhost', jcBaseUrl: server.origin, clientSecret: secret }).catch(async (err) => {
        await server.stop();
        throw err;
      });
      try {
        await federatedJourney(browser, server, issuer, shots);
      } finally {
        await idp.close();
        await server.stop();
        rmSync(file, { force: true });
      }
    });
  });
}
