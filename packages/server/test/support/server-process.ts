import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { Db } from '../../src/db/database.ts';
import { NOTICE } from '../../src/routes/notice.ts';
import { currentCode, enrolWithSecret } from '../../src/totp.ts';
import { BASE_URL, PASSWORD, TEST_ORI, testSecret, uniqueEmail } from '../helpers.ts';

/*
 * A real server process (`src/main.ts`, its own OS process, so its memory is
 * its own) for tests that need several processes on one database, or that
 * measure one: started on a free port, stopped with SIGTERM.
 */

const MAIN = path.join(import.meta.dirname, '../../src/main.ts');

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  output(): string;
  stop(ms?: number): Promise<number | null>;
}

export async function startServer(env: Record<string, string>, ready = /JusticeConnect on /, ms = 30_000): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), JC_LOG_REQUESTS: 'false', JC_BASE_URL: BASE_URL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: ServerProcess = {
    child,
    base: `http://127.0.0.1:${port}`,
    output: () => out,
    async stop(wait = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), wait);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${ready}:\n${out}`)), ms);
    const append = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before ${ready}:\n${out}`));
    });
  }).catch(async (err) => {
    await server.stop(1000);
    throw err;
  });
  return server;
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

const cookieNamed = (res: Reply, name: string) => res.headers.getSetCookie().find((c) => c.includes(name))?.split(';')[0];

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
  await enrolWithSecret(db.kysely, db.kind, secret, id, testSecret(email));
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
