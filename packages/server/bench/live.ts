/**
 * Live-delivery benchmark: N subscribers hold SSE streams; one member changes
 * the community; we time each delivery from the moment the write was sent.
 * Prints median and p99 per N, on one process (SQLite) and across two
 * processes on PostgreSQL (when JC_BENCH_DATABASE_URL or JC_TEST_DATABASE_URL is set).
 * The servers run in their own processes (dist/main.js, as deployed): the
 * thousand streams' reading happens here, not in the server's event loop.
 *
 *   npm run bench:live    (part of npm run bench)
 */
import { serve } from '@hono/node-server';
import { once } from 'node:events';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApp, type JusticeConnectApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { postgres as postgresBackend } from '../test/helpers.ts';
import { benchSession, serverProcess } from './session.ts';

const scratchDir = () => mkdtempSync(path.join(tmpdir(), 'jc-bench-pg-'));

const SIZES = (process.env.JC_BENCH_SUBSCRIBERS ?? '100,1000').split(',').map(Number);
const WRITES = Number(process.env.JC_BENCH_WRITES ?? 20);
const USERS = 25;
const PASSWORD = 'bench-password-123';

function quantile(sorted: number[], q: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function json(port: number, method: string, p: string, body?: unknown, cookie?: string) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`, {
    method,
    headers: { 'content-type': 'application/json', origin: 'http://localhost:8787', ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return { res, body: text ? JSON.parse(text) : null };
}

/** Users, a community they all belong to, and a cookie each. */
async function prepare(app: JusticeConnectApp, port: number) {
  const db = app.services.db.kysely;
  await db.insertInto('agency').values({ id: 'bench', name: 'Bench Agency', ori: 'BENCH0001', created_at: new Date().toISOString() }).execute();
  const cookies: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const email = `bench.${i}.${randomBytes(3).toString('hex')}@bench.test`;
    await json(port, 'POST', '/api/auth/sign-up/email', { name: `Bench ${i}`, email, password: PASSWORD, agencyOri: 'BENCH0001' });
    const user = await db.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    await db.updateTable('profile').set({ status: 'active', opted_in: 1 }).where('user_id', '=', user.id).execute();
    cookies.push(await benchSession(app, `http://127.0.0.1:${port}`, user.id, email, PASSWORD));
    ids.push(user.id);
  }
  const community = (await json(port, 'POST', '/api/v1/communities', { name: 'Bench Community', visibility: 'public' }, cookies[0])).body;
  for (const c of cookies.slice(1)) await json(port, 'POST', `/api/v1/communities/${community.slug}/join`, undefined, c);
  return { cookies, slug: community.slug as string };
}

interface Stream {
  req: http.ClientRequest;
}

/** Opens n SSE streams on `port`; calls onEvent(k, arrival time) for the k-th community.updated each stream receives. */
async function openStreams(port: number, cookies: string[], n: number, onEvent: (k: number, at: number) => void): Promise<Stream[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const streams: Stream[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    ready.push(
      new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/events', agent, headers: { cookie: cookies[i % cookies.length]!, accept: 'text/event-stream' } }, (res) => {
          if (res.statusCode !== 200) return reject(new Error(`stream ${i}: ${res.statusCode}`));
          res.setEncoding('utf8');
          let buffer = '';
          let k = 0;
          res.on('data', (chunk: string) => {
            const at = performance.now();
            buffer += chunk;
            let cut: number;
            while ((cut = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, cut);
              buffer = buffer.slice(cut + 2);
              if (block.includes('event: ready')) resolve();
              if (block.includes('event: community.updated')) onEvent(k++, at);
            }
          });
          res.on('error', () => {});
        });
        req.on('error', reject);
        streams.push({ req });
      }),
    );
  }
  await Promise.all(ready);
  return streams;
}

async function measure(label: string, writePort: number, readPort: number, prep: { cookies: string[]; slug: string }) {
  for (const n of SIZES) {
    // Writes go one at a time, each waiting for every delivery, so a stream's k-th update answers write k.
    const sent: number[] = [];
    const latencies: number[] = [];
    const counts: number[] = [];
    const streams = await openStreams(readPort, prep.cookies, n, (k, at) => {
      const t0 = sent[k];
      if (t0 === undefined) return;
      latencies.push(at - t0);
      counts[k] = (counts[k] ?? 0) + 1;
    });
    for (let w = 0; w < WRITES; w++) {
      sent[w] = performance.now();
      await json(writePort, 'PATCH', `/api/v1/communities/${prep.slug}`, { tags: [`write-${w}`] }, prep.cookies[0]);
      const deadline = Date.now() + 30_000;
      while ((counts[w] ?? 0) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    }
    for (const s of streams) s.req.destroy();
    latencies.sort((a, b) => a - b);
    const delivered = latencies.length;
    console.log(
      `${label.padEnd(34)} N=${String(n).padStart(5)}  deliveries ${delivered}/${n * WRITES}  median ${quantile(latencies, 0.5).toFixed(1)} ms  p99 ${quantile(latencies, 0.99).toFixed(1)} ms`,
    );
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function startServer(env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-bench-'));
  const config = loadConfig({
    JC_DATA_DIR: dir,
    JC_LOG_REQUESTS: 'false',
    JC_MAX_STREAMS_PER_USER: '100000',
    JC_AUTH_SECRET: 'bench-secret-bench-secret-bench-secret',
    JC_BASE_URL: 'http://localhost:8787',
    ...env,
  });
  const app = await createApp(config);
  const server = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    app,
    port,
    dir,
    async stop() {
      server.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A server process (dist/main.js) on the database `env` names; resolves once it listens. */
async function main() {
  console.log(`# live-event delivery: ${WRITES} writes, each to N subscribers; time from sending the write to each subscriber's receipt; each server its own process`);
  // Accounts and the community are made through a server in this process, which then steps aside.
  const setup = await startServer({});
  const prep = await prepare(setup.app, setup.port);
  const sqliteFile = setup.app.services.config.database.url;
  await setup.app.close();
  const one = await serverProcess({ JC_DATABASE_URL: sqliteFile, JC_DATA_DIR: setup.dir, JC_MAX_STREAMS_PER_USER: '100000' });
  try {
    await measure('one process, SQLite', one.port, one.port, prep);
  } finally {
    await one.stop();
    await setup.stop().catch(() => {});
  }

  const pgUrl = process.env.JC_BENCH_DATABASE_URL ?? process.env.JC_TEST_DATABASE_URL;
  if (!pgUrl) {
    console.log('PostgreSQL: skipped (set JC_TEST_DATABASE_URL=postgres://…)');
    return;
  }
  const database = await postgresBackend(pgUrl).create(scratchDir());
  const setupPg = await startServer({ JC_DATABASE_URL: database.url });
  const prepPg = await prepare(setupPg.app, setupPg.port);
  await setupPg.app.close();
  const env = { JC_DATABASE_URL: database.url, JC_DATA_DIR: setupPg.dir, JC_MAX_STREAMS_PER_USER: '100000' };
  const a = await serverProcess(env);
  const b = await serverProcess(env);
  try {
    await measure('one process, PostgreSQL', a.port, a.port, prepPg);
    await measure('two processes, PostgreSQL (A→B)', a.port, b.port, prepPg);
  } finally {
    await a.stop();
    await b.stop();
    await setupPg.stop().catch(() => {});
    await database.drop();
  }
}

await main();
