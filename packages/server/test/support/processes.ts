import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openDatabase, type Db } from '../../src/db/database.ts';
import { NOTICE } from '../../src/routes/notice.ts';
import { BASE_URL, PASSWORD, TEST_ORI, type Backend } from '../helpers.ts';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';

/* Real server processes (src/main.ts) for the tests that need several on one database: scale-out, concurrency. */

const MAIN = path.join(import.meta.dirname, '../../src/main.ts');
export const SECRET = 'scale-out-test-secret-scale-out-test-secret';

export { freePort } from './spawn-server.ts';
export type ServerProcess = SpawnedServer;

export async function startServer(env: Record<string, string>, ready = /JusticeConnect on /, readyMs = 60_000): Promise<ServerProcess> {
  return spawnServer({
    args: ['--import', 'tsx', MAIN],
    env: (port) => ({ ...process.env, HOST: '127.0.0.1', PORT: String(port), JC_LOG_REQUESTS: 'false', JC_BASE_URL: BASE_URL, ...env }),
    ready,
    // A cold start (tsx compiling every source file, two processes on two cores, one migrating) can take far longer than a warm one.
    readyMs,
  });
}

/**
 * A suite's set-up failed: prints what went wrong and what each server process
 * said to stderr at once (the test runner shows it before the cancelled tests,
 * where a cut-down CI log still has it), and returns the error to throw.
 */
export function explainSetupFailure(what: string, err: unknown, servers: (ServerProcess | undefined)[]): Error {
  const tails = servers
    .filter((s): s is ServerProcess => Boolean(s))
    .map((s, i) => `--- server process ${i + 1} (${s.base}), last of its output ---\n${s.output().slice(-3000)}`)
    .join('\n');
  const message = `${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}${tails ? `\n${tails}` : ''}`;
  console.error(message);
  return new Error(message, { cause: err });
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/** One request to a server process, as a page on BASE_URL would send it. */
export async function request(server: ServerProcess, method: string, url: string, o: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { origin: BASE_URL, ...o.headers };
  if (o.cookie) headers.cookie = o.cookie;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.base + url, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body };
}

export const cookieNamed = (res: Reply, name: string) => res.headers.getSetCookie().find((c) => c.includes(name))?.split(';')[0];

/**
 * A whole sign-in over HTTP, its steps through the processes given: the
 * password through `passwordOn`, the one-time code (with the challenge the
 * password step set) and the notice through `codeOn`. Returns the session cookie.
 */
export async function signIn(passwordOn: ServerProcess, codeOn: ServerProcess, email: string, code: string, headers: Record<string, string> = {}): Promise<string> {
  const first = await request(passwordOn, 'POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD }, headers });
  assert.equal(first.status, 200, `password step: ${JSON.stringify(first.body)}`);
  const challenge = cookieNamed(first, 'two_factor=');
  assert.ok(challenge, 'a two-factor challenge');
  const second = await request(codeOn, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challenge, body: { code }, headers });
  assert.equal(second.status, 200, `code step: ${JSON.stringify(second.body)}`);
  const cookie = cookieNamed(second, 'session_token=');
  assert.ok(cookie, 'a session cookie');
  const accepted = await request(codeOn, 'POST', '/api/v1/notice/accept', { cookie, body: { version: NOTICE.version }, headers });
  assert.equal(accepted.status, 200);
  return cookie;
}


/** Two server processes on one fresh database and data folder, as two replicas behind one proxy, with the database open for the test's own checks. */
export interface TwoProcesses {
  a: ServerProcess;
  b: ServerProcess;
  db: Db;
  /** Their one data folder (uploads), or with `ownDataDirs` the folder of the database alone (SQLite). */
  dir: string;
  /** Each process's data folder: `dir` for both, or with `ownDataDirs` one each. */
  dataDirs: [string, string];
  /** Stops both (their exit codes), closes and drops the database, removes the folder. */
  dispose(): Promise<(number | null)[]>;
}

/**
 * twoProcesses for the tests of one describe block: started in a `before`
 * hook this adds, disposed in an `after`. The object is filled in when that
 * hook has run: read its fields in the tests.
 */
export function suiteProcesses(backend: Backend, env: Record<string, string>, prefix: string): TwoProcesses {
  const two = {} as TwoProcesses;
  before(async () => {
    Object.assign(two, await twoProcesses(backend, env, prefix));
  });
  after(async () => {
    if (two.dispose) await two.dispose();
  });
  return two;
}

/**
 * With `ownDataDirs` each process has a data folder of its own (nothing shared on disk; give
 * them one JC_AUDIT_KEY then, as the folder would otherwise hold one key each).
 */
export async function twoProcesses(backend: Backend, env: Record<string, string>, prefix = 'jc-two-', o: { ownDataDirs?: boolean } = {}): Promise<TwoProcesses> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const database = await backend.create(dir);
  const dataDirs = (o.ownDataDirs ? ['a-', 'b-'].map((p) => mkdtempSync(path.join(tmpdir(), `${prefix}${p}`))) : [dir, dir]) as [string, string];
  const removeDirs = () => {
    for (const d of new Set([dir, ...dataDirs])) rmSync(d, { recursive: true, force: true });
  };
  const all = { JC_DATABASE_URL: database.url, JC_AUTH_SECRET: SECRET, JC_SEED: 'none', ...env };
  // Both start at once on the empty database: one migrates, the other waits its turn.
  const started = await Promise.allSettled(dataDirs.map((d) => startServer({ ...all, JC_DATA_DIR: d })));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => s.status === 'fulfilled' && s.value.stop()));
    await database.drop();
    removeDirs();
    throw (failed as PromiseRejectedResult).reason;
  }
  const [a, b] = started.map((s) => (s as PromiseFulfilledResult<ServerProcess>).value) as [ServerProcess, ServerProcess];
  const db = openDatabase({ kind: backend.name, url: database.url });
  try {
    await db.kysely.insertInto('agency').values({ id: 'agency-test', name: 'Test Agency', ori: TEST_ORI, created_at: new Date().toISOString() }).execute();
  } catch (err) {
    const explained = explainSetupFailure('adding the test agency', err, [a, b]);
    await Promise.all([a.stop(), b.stop()]);
    await db.close();
    await database.drop();
    removeDirs();
    throw explained;
  }
  return {
    a,
    b,
    db,
    dir,
    dataDirs,
    async dispose() {
      const codes = await Promise.all([a.stop(), b.stop()]);
      await db.close();
      await database.drop();
      removeDirs();
      return codes;
    },
  };
}
