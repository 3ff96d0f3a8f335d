#!/usr/bin/env node
// Runs a command with what the tests need, set up first (`npm test` runs the
// whole test suite through it):
//
// - PostgreSQL, as JC_TEST_DATABASE_URL: the server that variable already
//   names, else a throw-away cluster of PostgreSQL's own binaries from npm
//   (scripts/postgres.mjs) on a free port in a temp folder, stopped and removed
//   when the command ends, fails or is interrupted (Ctrl-C, SIGTERM, SIGHUP);
// - Chromium, as CHROME_PATH: that one, else an installed one, else one fetched
//   or installed now (scripts/chromium.mjs).
//
// Usage: node scripts/with-test-env.mjs [--needs=postgres,chromium] [--] <command> [args…]
// It exits with the command's exit code (128 + the signal's number if a signal ended it).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { chromiumVersion, ensureChromium } from './chromium.mjs';
import { serverVersion, shortVersion, startTestPostgres } from './postgres.mjs';

const log = (line) => console.error(line);

function parseArgs(argv) {
  let needs = new Set(['postgres', 'chromium']);
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (arg.startsWith('--needs=')) {
      needs = new Set(arg.slice('--needs='.length).split(',').filter(Boolean));
      const unknown = [...needs].filter((n) => n !== 'postgres' && n !== 'chromium');
      if (unknown.length) throw new Error(`--needs: unknown ${unknown.join(', ')} (postgres, chromium).`);
    } else break;
  }
  const command = argv.slice(i);
  if (command.length === 0) throw new Error('Usage: node scripts/with-test-env.mjs [--needs=postgres,chromium] [--] <command> [args…]');
  return { needs, command };
}

/** JC_TEST_DATABASE_URL without its password, for printing. */
function withoutPassword(url) {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(JC_TEST_DATABASE_URL is not a URL)';
  }
}

let cluster;
let child;
let signalled;

async function finish(code) {
  await cluster?.remove();
  process.exit(code);
}

// A Ctrl-C reaches the command's processes too (one process group); the signal is passed on anyway, for one sent to this
// process alone. The cluster is removed once the command has ended; a second signal stops waiting for it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    const code = 128 + constants.signals[signal];
    if (signalled) {
      log(`with-test-env: ${signal} again: not waiting for the command any longer.`);
      child?.kill('SIGKILL');
      void finish(code);
      return;
    }
    signalled = signal;
    if (!child) {
      void finish(code);
      return;
    }
    child.kill(signal);
    // A command that does not end within 30 s is killed.
    setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
  });
}

try {
  const { needs, command } = parseArgs(process.argv.slice(2));
  const env = { ...process.env };

  if (needs.has('postgres')) {
    if (process.env.JC_TEST_DATABASE_URL) {
      const url = process.env.JC_TEST_DATABASE_URL;
      let version;
      try {
        version = await serverVersion(url);
      } catch (error) {
        throw new Error(`JC_TEST_DATABASE_URL=${withoutPassword(url)} cannot be reached (${error.message}). Unset it to let the tests start a PostgreSQL of their own.`);
      }
      log(`PostgreSQL: ${withoutPassword(url)}, from JC_TEST_DATABASE_URL (${shortVersion(version)})`);
    } else {
      cluster = await startTestPostgres({ log, cleanupOnSignal: false });
      if (signalled) await finish(128 + constants.signals[signalled]);
      env.JC_TEST_DATABASE_URL = cluster.url;
      log(`PostgreSQL: ${cluster.display} (${shortVersion(cluster.version)}); JC_TEST_DATABASE_URL=postgres://… would name another server`);
    }
  }

  if (needs.has('chromium')) {
    const chromium = await ensureChromium({ log });
    env.CHROME_PATH = chromium.path;
    log(`Chromium: ${chromium.path}, ${chromium.source} (${chromiumVersion(chromium.path) || 'version unknown'})`);
  }

  if (signalled) await finish(128 + constants.signals[signalled]);
  child = spawn(command[0], command.slice(1), { stdio: 'inherit', env });
  const code = await new Promise((resolve) => {
    child.once('error', (error) => {
      log(`with-test-env: could not run ${command[0]}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (status, signal) => resolve(status ?? 128 + (constants.signals[signal] ?? 0)));
  });
  await finish(signalled ? 128 + constants.signals[signalled] : code);
} catch (error) {
  log(`with-test-env: ${error.message}`);
  await finish(1);
}
