// The test set-up itself (scripts/with-test-env.mjs, postgres.mjs,
// chromium.mjs): a real throw-away PostgreSQL, a real wrapper process, real
// signals.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestPostgres } from './postgres.mjs';
import { findChromium } from './chromium.mjs';

const WRAPPER = fileURLToPath(new URL('./with-test-env.mjs', import.meta.url));
const quiet = () => {};

/** The environment of a fresh machine's shell: no JC_TEST_DATABASE_URL (`npm test` sets one for the steps it runs). */
function freshEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  if (!('JC_TEST_DATABASE_URL' in extra)) delete env.JC_TEST_DATABASE_URL;
  return env;
}

/** Runs the wrapper; `onOutput` sees its output as it comes. */
function runWrapper(args, { env = freshEnv(), detached = false, onOutput = quiet } = {}) {
  const child = spawn(process.execPath, [WRAPPER, ...args], { env, detached, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    onOutput(stdout, child);
  });
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** The temp folder the wrapper printed for its cluster. */
const clusterDir = (stderr) => stderr.match(/throw-away cluster postgres:\/\/\S+ in (\S+)/)?.[1];

async function reachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** The command of a child that prints the JC_TEST_DATABASE_URL it was given, checks it answers, then exits with `code` (or waits). */
function probe(code) {
  const source = `import pg from ${JSON.stringify(import.meta.resolve('pg'))};
const url = process.env.JC_TEST_DATABASE_URL;
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows } = await client.query('SELECT current_database() AS db');
await client.end();
console.log(JSON.stringify({ url, db: rows[0].db }));
${code === 'wait' ? 'setInterval(() => {}, 1000);' : `process.exit(${code});`}`;
  return [process.execPath, '--input-type=module', '-e', source];
}

describe('the throw-away PostgreSQL (scripts/postgres.mjs)', () => {
  it('listens on a port of its own, does LISTEN/NOTIFY and advisory locks, recovers from a crash, and leaves nothing after remove()', { timeout: 120_000 }, async () => {
    const cluster = await startTestPostgres({ log: quiet });
    try {
      assert.notEqual(cluster.port, 5432);
      assert.match(cluster.version, /^PostgreSQL \d+/);
      const listener = new pg.Client({ connectionString: cluster.url });
      const talker = new pg.Client({ connectionString: cluster.url });
      await Promise.all([listener.connect(), talker.connect()]);
      const heard = new Promise((resolve) => listener.once('notification', (n) => resolve(n.payload)));
      await listener.query('LISTEN jc_setup');
      await talker.query(`SELECT pg_notify('jc_setup', 'hello')`);
      assert.equal(await heard, 'hello');
      await listener.query('SELECT pg_advisory_lock(42)');
      assert.equal((await talker.query('SELECT pg_try_advisory_lock(42) AS got')).rows[0].got, false);
      await talker.query('CREATE TABLE kept (n int)');
      await talker.query('INSERT INTO kept VALUES (1)');
      await Promise.all([listener.end(), talker.end()]);

      await cluster.stop({ mode: 'immediate' });
      assert.equal(await reachable(cluster.url), false, 'down after the crash');
      await cluster.start();
      const after = new pg.Client({ connectionString: cluster.url });
      await after.connect();
      assert.deepEqual((await after.query('SELECT n FROM kept')).rows, [{ n: 1 }], 'committed rows survive the crash');
      await after.end();
    } finally {
      await cluster.remove();
    }
    assert.equal(existsSync(cluster.dir), false, `${cluster.dir} removed`);
    assert.equal(await reachable(cluster.url), false, 'stopped');
  });
});

describe('npm test set-up (scripts/with-test-env.mjs)', () => {
  it('without JC_TEST_DATABASE_URL, gives the command a throw-away cluster with a database "test", and removes it when the command fails', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runWrapper(['--needs=postgres', '--', ...probe(3)]).done;
    assert.equal(code, 3, `the command's exit code; output: ${stderr}`);
    const seen = JSON.parse(stdout.trim());
    assert.equal(seen.db, 'test');
    assert.notEqual(new URL(seen.url).port, '5432');
    assert.match(stderr, /PostgreSQL: throw-away cluster postgres:\/\/postgres@127\.0\.0\.1:\d+\/test in \S+ \(PostgreSQL \d+/);
    assert.doesNotMatch(stderr, new RegExp(new URL(seen.url).password), 'the password is not printed');
    const dir = clusterDir(stderr);
    assert.ok(dir, 'it says where the cluster is');
    assert.equal(existsSync(dir), false, `${dir} removed`);
    assert.equal(await reachable(seen.url), false, 'the cluster is stopped');
  });

  it('a Ctrl-C during the tests stops the throw-away cluster and removes its folder', { timeout: 120_000 }, async () => {
    let interrupted = false;
    // Its own process group, as a terminal's foreground job: the Ctrl-C goes to the whole group.
    const { done } = runWrapper(['--needs=postgres', '--', ...probe('wait')], {
      detached: true,
      onOutput: (stdout, child) => {
        // Once the command has used the database (it prints after its query): the tests are running.
        if (!interrupted && stdout.includes('\n')) {
          interrupted = true;
          process.kill(-child.pid, 'SIGINT');
        }
      },
    });
    const { code, stdout, stderr } = await done;
    assert.equal(code, 130, `exit code 128 + SIGINT; output: ${stderr}`);
    const seen = JSON.parse(stdout.trim());
    const dir = clusterDir(stderr);
    assert.equal(existsSync(dir), false, `${dir} removed`);
    assert.equal(await reachable(seen.url), false, 'the cluster is stopped');
  });

  it('a SIGTERM sent to the test run alone is passed on to the tests, and the cluster is removed once they stop', { timeout: 120_000 }, async () => {
    let terminatedAt = 0;
    const { done } = runWrapper(['--needs=postgres', '--', ...probe('wait')], {
      onOutput: (stdout, child) => {
        if (!terminatedAt && stdout.includes('\n')) {
          terminatedAt = Date.now();
          child.kill('SIGTERM');
        }
      },
    });
    const { code, stdout, stderr } = await done;
    assert.equal(code, 143, `exit code 128 + SIGTERM; output: ${stderr}`);
    // Not the 30 s after which a command that ignores the signal is killed: the tests got the SIGTERM.
    assert.ok(Date.now() - terminatedAt < 25_000, `ended ${Date.now() - terminatedAt} ms after the SIGTERM`);
    const seen = JSON.parse(stdout.trim());
    const dir = clusterDir(stderr);
    assert.equal(existsSync(dir), false, `${dir} removed`);
    assert.equal(await reachable(seen.url), false, 'the cluster is stopped');
  });

  it('JC_TEST_DATABASE_URL names the server instead, and says which one and its version', { timeout: 120_000 }, async () => {
    const own = await startTestPostgres({ log: quiet });
    try {
      const { code, stdout, stderr } = await runWrapper(['--needs=postgres', '--', ...probe(0)], { env: freshEnv({ JC_TEST_DATABASE_URL: own.url }) }).done;
      assert.equal(code, 0, stderr);
      assert.equal(JSON.parse(stdout.trim()).url, own.url, 'the command gets the same URL');
      assert.match(stderr, new RegExp(`PostgreSQL: postgres://postgres@127\\.0\\.0\\.1:${own.port}/test, from JC_TEST_DATABASE_URL \\(PostgreSQL \\d+`));
      assert.doesNotMatch(stderr, /throw-away cluster/);
    } finally {
      await own.remove();
    }
  });
});

describe('which Chromium (scripts/chromium.mjs)', () => {
  it('CHROME_PATH comes first, and one that names nothing is an error rather than another browser', async () => {
    const saved = process.env.CHROME_PATH;
    try {
      process.env.CHROME_PATH = process.execPath;
      assert.deepEqual(await findChromium({ places: ['/usr/bin/chromium'] }), { path: process.execPath, source: 'CHROME_PATH' });
      process.env.CHROME_PATH = '/nonexistent/chromium';
      await assert.rejects(findChromium(), /CHROME_PATH=\/nonexistent\/chromium does not exist/);
      delete process.env.CHROME_PATH;
      assert.deepEqual(await findChromium({ places: ['/nonexistent/a', process.execPath] }), { path: process.execPath, source: 'installed on this machine' });
    } finally {
      if (saved === undefined) delete process.env.CHROME_PATH;
      else process.env.CHROME_PATH = saved;
    }
  });
});
