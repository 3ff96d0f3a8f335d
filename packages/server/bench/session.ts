import { serve } from '@hono/node-server';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type JusticeConnectApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { NOTICE } from '../src/routes/notice.ts';
import { demoTotpSecret } from '../src/seed.ts';
import { currentCode, enrolWithSecret } from '../src/totp.ts';

/**
 * A benchmark's signed-in session, the whole way a person gets one: the
 * account gets an authenticator (a known secret), then signs in over HTTP
 * with the password and the current one-time code, and accepts the notice.
 */
export async function benchSession(app: JusticeConnectApp, base: string, userId: string, email: string, password: string): Promise<string> {
  const { db, config } = app.services;
  await enrolWithSecret(db.kysely, config.authSecret, userId, demoTotpSecret(email));
  const post = (p: string, body: unknown, cookie?: string) =>
    fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', origin: config.baseUrl, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
  const first = await post('/api/auth/sign-in/email', { email, password });
  const challenge = first.headers.getSetCookie().find((c) => c.includes('two_factor='))?.split(';')[0];
  if (!first.ok || !challenge) throw new Error(`sign-in failed: ${first.status}`);
  await db.kysely.deleteFrom('totp_used').where('user_id', '=', userId).execute();
  const second = await post('/api/auth/two-factor/verify-totp', { code: await currentCode(demoTotpSecret(email)) }, challenge);
  const cookie = second.headers.getSetCookie().find((c) => c.includes('session_token='))?.split(';')[0];
  if (!second.ok || !cookie) throw new Error(`code refused: ${second.status}`);
  const accepted = await post('/api/v1/notice/accept', { version: NOTICE.version }, cookie);
  if (!accepted.ok) throw new Error(`notice refused: ${accepted.status}`);
  return cookie;
}

export async function listen(fetch: (r: Request) => Response | Promise<Response>) {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

/** The settings every benchmark server shares (its processes must agree on the secret to share sessions). */
export const BENCH_ENV = { JC_LOG_REQUESTS: 'false', JC_AUTH_SECRET: 'bench-secret-bench-secret-bench-secret', JC_BASE_URL: 'http://localhost:8787' };

/**
 * A benchmark's server: the real app on a fresh SQLite file in `dir` (or the database `options.env` names),
 * listening on a free port, with one vetted, opted-in reader signed in the
 * whole way. `json` calls it as that reader's page would.
 */
export async function benchServer(dir: string, options: { env?: Record<string, string>; extend?: (app: JusticeConnectApp) => void } = {}) {
  const app = await createApp(loadConfig({ ...BENCH_ENV, JC_DATA_DIR: dir, ...options.env }));
  options.extend?.(app);
  const { server, port } = await listen(app.app.fetch);
  const base = `http://127.0.0.1:${port}`;
  const json = async (method: string, p: string, body?: unknown, cookie?: string) => {
    const res = await fetch(base + p, { method, headers: { 'content-type': 'application/json', origin: 'http://localhost:8787', ...(cookie ? { cookie } : {}) }, body: body ? JSON.stringify(body) : undefined });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return res;
  };
  const db = app.services.db.kysely;
  await db.insertInto('agency').values({ id: 'bench', name: 'Bench', ori: 'BENCH0001', created_at: new Date().toISOString() }).execute();
  await json('POST', '/api/auth/sign-up/email', { name: 'Bench Reader', email: 'reader@bench.test', password: 'bench-password-123', agencyOri: 'BENCH0001' });
  const user = await db.selectFrom('user').select('id').where('email', '=', 'reader@bench.test').executeTakeFirstOrThrow();
  await db.updateTable('profile').set({ status: 'active', opted_in: 1 }).where('user_id', '=', user.id).execute();
  const cookie = await benchSession(app, base, user.id, 'reader@bench.test', 'bench-password-123');
  return { app, server, base, json, db, user, cookie };
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));
let nextPort = 19000 + Math.floor(Math.random() * 700);

/**
 * A server under test in its own process: `dist/main.js` as deployed (or
 * another script in bench/), on the next free-looking port, with the
 * benchmarks' settings and `env`. Resolves once its output matches `ready`.
 */
export async function serverProcess(env: Record<string, string>, options: { script?: string; ready?: RegExp } = {}) {
  const port = nextPort++;
  // JC_BENCH_NODE_ARGS: flags for the servers under test, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` for their CPU profiles.
  const nodeArgs = (process.env.JC_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // The server as deployed: the build in dist/ (`npm run build`, which the bench scripts run first), under plain node.
  const script = path.join(benchDir, options.script ?? '../dist/main.js');
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    env: { ...process.env, ...BENCH_ENV, PORT: String(port), HOST: '127.0.0.1', JC_SEED: 'none', JC_PROCESSES: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const deadline = Date.now() + 30_000;
  while (!(options.ready ?? /JusticeConnect on/).test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server process did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
