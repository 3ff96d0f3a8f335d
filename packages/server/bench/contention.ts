/**
 * Write-contention benchmark (issue 19, finding 8): two server processes
 * (dist/main.js, as deployed) on one PostgreSQL. A burst of 300 concurrent
 * posts (each an audited write that records a live event; 20 writers, each in a
 * community of their own), first all sent to
 * process A, then spread over A and B; meanwhile a few readers call
 * `GET /api/v1/me` on process B in a loop. Prints writes per second for each
 * burst, their ratio (two processes / one), and the p50/p99 of the reads on
 * B during each burst and with no burst at all.
 *
 * Needs PostgreSQL: JC_BENCH_DATABASE_URL or JC_TEST_DATABASE_URL.
 *
 *   npm run bench:contention    (part of npm run bench)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { postgres as postgresBackend } from '../test/helpers.ts';
import { BENCH_ENV, benchSession, listen, serverProcess } from './session.ts';

const POSTS = Number(process.env.JC_BENCH_POSTS ?? 300);
const USERS = 20;
const READERS = 4;
const PASSWORD = 'bench-password-123';
const ORIGIN = 'http://localhost:8787';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Accounts (vetted, opted in, signed in the whole way), each with a community of their own. */
async function prepare(databaseUrl: string, dir: string) {
  const app = await createApp(loadConfig({ ...BENCH_ENV, JC_DATA_DIR: dir, JC_DATABASE_URL: databaseUrl, JC_SIGN_IN_RATE_PER_MINUTE: '100000' }));
  const { server, port } = await listen(app.app.fetch);
  const base = `http://127.0.0.1:${port}`;
  const json = async (method: string, p: string, body?: unknown, cookie?: string) => {
    const res = await fetch(base + p, { method, headers: { 'content-type': 'application/json', origin: ORIGIN, ...(cookie ? { cookie } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  try {
    const db = app.services.db.kysely;
    await db.insertInto('agency').values({ id: 'bench', name: 'Bench Agency', ori: 'BENCH0001', created_at: new Date().toISOString() }).execute();
    const cookies: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const email = `contention.${i}.${randomBytes(3).toString('hex')}@bench.test`;
      await json('POST', '/api/auth/sign-up/email', { name: `Writer ${i}`, email, password: PASSWORD, agencyOri: 'BENCH0001' });
      const user = await db.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      await db.updateTable('profile').set({ status: 'active', opted_in: 1 }).where('user_id', '=', user.id).execute();
      cookies.push(await benchSession(app, base, user.id, email, PASSWORD));
    }
    // Each writer posts in a community of their own: a post locks its community's row until it commits
    // (updated_at), which is the community's business; what is measured here is whether posts in
    // different communities wait for one another.
    const slugs: string[] = [];
    for (const [i, cookie] of cookies.entries()) slugs.push((await json('POST', '/api/v1/communities', { name: `Contention Community ${i}`, visibility: 'public' }, cookie)).slug);
    return { cookies, slugs };
  } finally {
    server.close();
    await app.close();
  }
}

/** Enough sockets that all the posts are in flight at once. */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function send(url: string, method: string, cookie: string, body?: unknown): Promise<number> {
  const target = new URL(url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method, agent, headers: { 'content-type': 'application/json', origin: ORIGIN, cookie, ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Readers calling GET /me on `url` back to back until `stop` resolves; their latencies, sorted. */
async function readLoop(url: string, cookie: string, stop: Promise<void>): Promise<{ latencies: number[]; failures: number }> {
  let done = false;
  void stop.then(() => (done = true));
  const latencies: number[] = [];
  let failures = 0;
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      while (!done) {
        const t0 = performance.now();
        const status = await send(`${url}/api/v1/me`, 'GET', cookie).catch(() => 0);
        latencies.push(performance.now() - t0);
        if (status !== 200) failures++;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), failures };
}

/**
 * Samples, every 25 ms until `stop`, how many of the database's connections wait on a lock
 * (wait_event_type 'Lock': an advisory lock, a row lock) and how many are busy at all.
 */
async function sampleWaits(databaseUrl: string, stop: Promise<void>): Promise<{ maxWaiting: number; meanWaiting: number; maxActive: number; kinds: Record<string, number> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let done = false;
  void stop.then(() => (done = true));
  const waiting: number[] = [];
  const kinds: Record<string, number> = {};
  let maxActive = 0;
  try {
    while (!done) {
      const { rows } = await client.query<{ waiting: number; active: number }>(
        `select count(*) filter (where wait_event_type = 'Lock')::int as waiting, count(*) filter (where state = 'active')::int - 1 as active
           from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      );
      waiting.push(rows[0]!.waiting);
      // What they wait for: 'advisory' (a global lock), 'transactionid' (a row another transaction changed), …
      const locks = await client.query<{ kind: string; n: number }>(`select locktype as kind, count(*)::int as n from pg_locks where not granted group by locktype`);
      for (const l of locks.rows) kinds[l.kind] = (kinds[l.kind] ?? 0) + l.n;
      maxActive = Math.max(maxActive, rows[0]!.active);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await client.end();
  }
  return { kinds, maxWaiting: Math.max(0, ...waiting), meanWaiting: waiting.reduce((a, b) => a + b, 0) / Math.max(1, waiting.length), maxActive };
}

interface Burst {
  lockKinds: Record<string, number>;
  lockWaitMax: number;
  lockWaitMean: number;
  writesPerSecond: number;
  seconds: number;
  failed: number;
  readP50: number;
  readP99: number;
  reads: number;
}

/** POSTS concurrent posts, round-robin over `writeUrls`, while readers time GET /me on `readUrl`. */
async function burst(writeUrls: string[], readUrl: string, prep: { cookies: string[]; slugs: string[] }, databaseUrl: string): Promise<Burst> {
  let finish!: () => void;
  const stop = new Promise<void>((resolve) => (finish = resolve));
  const reading = readLoop(readUrl, prep.cookies[0]!, stop);
  const sampling = sampleWaits(databaseUrl, stop);
  // Let the readers get going before the burst.
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: POSTS }, (_, i) =>
      send(`${writeUrls[i % writeUrls.length]}/api/v1/communities/${prep.slugs[i % USERS]}/posts`, 'POST', prep.cookies[i % USERS]!, {
        body: `Contention post ${i}`,
        clientId: randomUUID(),
      }).catch(() => 0),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  finish();
  const reads = await reading;
  const waits = await sampling;
  return {
    lockKinds: waits.kinds,
    lockWaitMax: waits.maxWaiting,
    lockWaitMean: waits.meanWaiting,
    writesPerSecond: statuses.filter((s) => s === 201).length / seconds,
    seconds,
    failed: statuses.filter((s) => s !== 201).length,
    readP50: quantile(reads.latencies, 0.5),
    readP99: quantile(reads.latencies, 0.99),
    reads: reads.latencies.length,
  };
}

async function idleReads(readUrl: string, cookie: string) {
  const reads = await readLoop(readUrl, cookie, new Promise((r) => setTimeout(r, 1500)));
  return { p50: quantile(reads.latencies, 0.5), p99: quantile(reads.latencies, 0.99), reads: reads.latencies.length };
}

const line = (label: string, b: Burst) =>
  `${label.padEnd(44)} ${POSTS} posts in ${b.seconds.toFixed(2)} s = ${b.writesPerSecond.toFixed(0).padStart(4)} writes/s${b.failed ? ` (${b.failed} failed)` : ''}   GET /me on B: p50 ${b.readP50.toFixed(1)} ms  p99 ${b.readP99.toFixed(1)} ms (${b.reads} reads)   connections waiting on a lock: max ${b.lockWaitMax}, mean ${b.lockWaitMean.toFixed(1)} (${waitKinds(b.lockKinds)})`;

/** The share of sampled lock waits by kind of lock, largest first. */
function waitKinds(kinds: Record<string, number>): string {
  const total = Object.values(kinds).reduce((a, b) => a + b, 0);
  if (!total) return 'none';
  return Object.entries(kinds)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${Math.round((100 * n) / total)}%`)
    .join(', ');
}

async function main() {
  const pgUrl = process.env.JC_BENCH_DATABASE_URL ?? process.env.JC_TEST_DATABASE_URL;
  if (!pgUrl) {
    console.log('# write contention: skipped, it needs PostgreSQL (set JC_BENCH_DATABASE_URL or JC_TEST_DATABASE_URL=postgres://…)');
    return;
  }
  console.log(`# write contention: ${POSTS} concurrent posts (audited, each with a live event), ${READERS} readers looping GET /me on process B; each server its own process on one PostgreSQL`);
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-bench-contention-'));
  const database = await postgresBackend(pgUrl).create(dir);
  const env = { JC_DATABASE_URL: database.url, JC_DATA_DIR: dir, JC_WRITE_RATE_PER_MINUTE: '1000000' };
  let a: Awaited<ReturnType<typeof serverProcess>> | null = null;
  let b: Awaited<ReturnType<typeof serverProcess>> | null = null;
  try {
    const prep = await prepare(database.url, dir);
    a = await serverProcess(env);
    b = await serverProcess(env);
    // Warm both processes (connections, prepared statements, the JIT).
    await Promise.all(Array.from({ length: 40 }, (_, i) => send(`${i % 2 ? b!.url : a!.url}/api/v1/communities/${prep.slugs[i % USERS]}/posts`, 'POST', prep.cookies[i % USERS]!, { body: `warm ${i}` })));
    const idle = await idleReads(b.url, prep.cookies[0]!);
    console.log(`${'no burst'.padEnd(44)} GET /me on B: p50 ${idle.p50.toFixed(1)} ms  p99 ${idle.p99.toFixed(1)} ms (${idle.reads} reads)`);
    const one = await burst([a.url], b.url, prep, database.url);
    console.log(line('burst on one process (all posts to A)', one));
    const two = await burst([a.url, b.url], b.url, prep, database.url);
    console.log(line('burst over two processes (A and B)', two));
    console.log(`write throughput, two processes / one: ${(two.writesPerSecond / one.writesPerSecond).toFixed(2)}×`);
  } finally {
    await a?.stop();
    await b?.stop();
    agent.destroy();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
