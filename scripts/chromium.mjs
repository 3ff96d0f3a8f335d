// Which Chromium the browser tests use: CHROME_PATH, else one installed on the
// machine, else one fetched earlier into the browser cache; `ensureChromium`
// also gets one when there is none (Chrome for Testing through
// @puppeteer/browsers where the network allows, else Debian's "chromium"
// package when running as root on Debian).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { Browser, ChromeReleaseChannel, computeExecutablePath, computeSystemExecutablePath, detectBrowserPlatform, install } from '@puppeteer/browsers';

/** The Chrome for Testing build puppeteer-core (the element tests' driver) is made for, so a fetched one speaks its protocol. */
async function pinnedBuild() {
  try {
    const { PUPPETEER_REVISIONS } = await import('puppeteer-core/internal/revisions.js');
    return PUPPETEER_REVISIONS.chrome;
  } catch {
    return '148.0.7778.97';
  }
}

/** Where a fetched Chrome goes: puppeteer's usual cache, shared by every clone. */
export function browserCache() {
  return process.env.PUPPETEER_CACHE_DIR || path.join(homedir(), '.cache', 'puppeteer');
}

/** The usual places of an installed Chromium or Chrome, in the order they are tried. */
export function systemChromiums() {
  const places = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  try {
    places.push(computeSystemExecutablePath({ browser: Browser.CHROME, channel: ChromeReleaseChannel.STABLE }));
  } catch {
    // No stable Chrome known for this platform.
  }
  if (process.platform === 'darwin') places.push('/Applications/Chromium.app/Contents/MacOS/Chromium');
  return [...new Set(places)];
}

function fetchedChromium(buildId) {
  const platform = detectBrowserPlatform();
  if (!platform) return undefined;
  const file = computeExecutablePath({ browser: Browser.CHROME, buildId, platform, cacheDir: browserCache() });
  return existsSync(file) ? file : undefined;
}

/**
 * The Chromium to use and where it came from, or undefined. A CHROME_PATH
 * that names nothing is an error rather than silently another browser.
 */
export async function findChromium({ places = systemChromiums() } = {}) {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist.`);
    return { path: fromEnv, source: 'CHROME_PATH' };
  }
  const installed = places.find((p) => existsSync(p));
  if (installed) return { path: installed, source: 'installed on this machine' };
  const fetched = fetchedChromium(await pinnedBuild());
  if (fetched) return { path: fetched, source: `fetched earlier into ${browserCache()}` };
  return undefined;
}

/** "Chromium 148.0.7778.97 built on Debian …" (what `--version` says), or '' if it says nothing. */
export function chromiumVersion(file) {
  try {
    return execFileSync(file, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 }).trim();
  } catch {
    return '';
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = () => existsSync('/etc/debian_version') && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;

/** Chrome for Testing `buildId` into the browser cache; gives up when the download makes no progress for `stallMs`. */
export async function fetchChromium({ log, stallMs = 60_000 } = {}) {
  const buildId = await pinnedBuild();
  const platform = detectBrowserPlatform();
  if (!platform) throw new Error(`Chrome for Testing has no build for ${process.platform}-${process.arch}.`);
  let timer;
  let lastShown = -1;
  let giveUp;
  const stalled = new Promise((_, reject) => (giveUp = reject));
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => giveUp(new Error(`the download made no progress for ${stallMs / 1000} s`)), stallMs);
    timer.unref();
  };
  arm();
  const progress = (done, total) => {
    arm();
    const tenth = total ? Math.floor((done / total) * 10) : -1;
    if (tenth !== lastShown && tenth >= 0) {
      lastShown = tenth;
      log(`Chromium: fetching… ${tenth * 10}% of ${Math.round(total / 1e6)} MB`);
    }
  };
  try {
    const browser = await Promise.race([
      install({ browser: Browser.CHROME, buildId, platform, cacheDir: browserCache(), downloadProgressCallback: progress, installDeps: isRoot() && isDebian() }),
      stalled,
    ]);
    return browser.executablePath;
  } finally {
    clearTimeout(timer);
  }
}

/** Debian's "chromium" package (root only): `apt-get update` then `apt-get install -y chromium`. */
export function aptChromium({ log }) {
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    log(`Chromium: apt-get ${args.join(' ')}`);
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
  }
  if (!existsSync('/usr/bin/chromium')) throw new Error('apt-get installed "chromium" but /usr/bin/chromium is missing.');
  return '/usr/bin/chromium';
}

/**
 * A Chromium for the tests: found (see findChromium), else fetched, else from
 * Debian's packages; says what it does before doing it. Throws, saying what to
 * do, when there is no way.
 */
export async function ensureChromium({ log = (line) => console.error(line), places = systemChromiums() } = {}) {
  const found = await findChromium({ places });
  if (found) return found;
  const canApt = isRoot() && isDebian();
  log(
    `Chromium: none found (CHROME_PATH is not set; none at ${places.join(', ')}; none fetched in ${browserCache()}).\n` +
      `Chromium: fetching Chrome for Testing ${await pinnedBuild()} into ${browserCache()} with @puppeteer/browsers` +
      (canApt ? `; if that fails, installing Debian's "chromium" package with apt-get.` : '.'),
  );
  let fetchError;
  try {
    const file = await fetchChromium({ log });
    return { path: file, source: `fetched into ${browserCache()}` };
  } catch (error) {
    fetchError = error;
    log(`Chromium: could not fetch Chrome for Testing: ${error.message}`);
  }
  if (canApt) {
    log(`Chromium: installing Debian's "chromium" package instead.`);
    return { path: aptChromium({ log }), source: `Debian's "chromium" package, installed now` };
  }
  throw new Error(
    `No Chromium for the browser tests, and fetching one failed (${fetchError.message}). ` +
      `Install Chromium or Chrome (on Debian or Ubuntu: sudo apt-get install chromium), or set CHROME_PATH to one.`,
  );
}
