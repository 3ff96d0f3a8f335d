/**
 * Feed benchmark: an authenticated community feed page (20 posts, by 20
 * authors, some with the reader's reactions), as requests/s over a bare Hono
 * route's in the same run, with 1,000,000 posts in the database; its latency
 * at half that rate (open loop) with 1,000,000 posts and with 10,000; a deep
 * page; an unchanged page revalidated (304). On SQLite, and on PostgreSQL
 * when JC_BENCH_DATABASE_URL or JC_TEST_DATABASE_URL is set, where it also
 * compares two server processes with one.
 *
 * Each server under test, the bare Hono route included, is its own process
 * (`dist/main.js` as deployed; `bench/bare.ts`), and the load comes from
 * autocannon, in a process of its own (load.ts): a server never shares its
 * process with the load. The feed page is measured with the shared page
 * cache (posts/page-cache.ts, the default) and without it (JC_PAGE_CACHE=false).
 *
 *   npm run bench:feed    (part of npm run bench)
 *   JC_BENCH_POSTS=100000 JC_BENCH_SECONDS=3 npm run bench:feed   (quicker)
 *   JC_BENCH_RUNS=3 npm run bench:feed   (three runs, then each figure's spread)
 */
import { sql } from 'kysely';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { postgres as postgresBackend } from '../test/helpers.ts';
import { load, loadAtRate, type LoadResult } from './load.ts';
import { benchServer, serverProcess } from './session.ts';
import { encodeCursor } from '../src/http/cursor.ts';

const TOTAL = Number(process.env.JC_BENCH_POSTS ?? 1_000_000);
const SMALL = 10_000;
const SECONDS = Number(process.env.JC_BENCH_SECONDS ?? 5);
const CONNECTIONS = 32;
const AUTHORS = 20;
const START = Date.parse('2020-01-01T00:00:00Z') / 1000;

/** A server whose one community holds `posts` posts (the only posts in its database). */
async function feedServer(kind: 'sqlite' | 'postgres', posts: number, pgUrl?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-bench-feed-'));
  const database = kind === 'postgres' ? await postgresBackend(pgUrl!).create(dir) : null;
  const server = await benchServer(dir, { env: database ? { JC_DATABASE_URL: database.url } : {} });
  const community = (await (await server.json('POST', '/api/v1/communities', { name: 'Corridor feed', visibility: 'public' }, server.cookie)).json()) as { id: string; slug: string };
  const db = server.db;
  const at = new Date().toISOString();
  for (let a = 0; a < AUTHORS; a++) {
    await db.insertInto('user').values({ id: `bench_author_${a}`, name: `Bench Author ${a}`, email: `author.${a}@bench.test`, emailVerified: 0, image: null, createdAt: at, updatedAt: at } as never).execute();
    await db.insertInto('profile').values({ user_id: `bench_author_${a}`, agency_id: 'bench', status: 'active', opted_in: 1, title: null, mobile: null, opted_in_at: at, created_at: at, updated_at: at } as never).execute();
  }
  const t0 = performance.now();
  const body = sql`'Bench post ' || i || ': northbound stop near mile marker ' || (i % 500) || '.'`;
  if (kind === 'sqlite') {
    await sql`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${sql.lit(posts)})
      INSERT INTO post (id, community_id, author_id, type, audience, title, body, attachment_id, client_id, comment_count, edited_at, deleted_at, created_at)
      SELECT 'pst_' || printf('%010d', i), ${community.id}, 'bench_author_' || (i % ${sql.lit(AUTHORS)}), 'status', 'community', NULL, ${body}, NULL, NULL, i % 4, NULL, NULL,
        strftime('%Y-%m-%dT%H:%M:%fZ', ${sql.lit(START)} + i, 'unixepoch') FROM n`.execute(db);
    await sql`INSERT INTO reaction (post_id, user_id, kind, created_at) SELECT id, ${server.user.id}, 'like', created_at FROM post WHERE CAST(substr(id, 5) AS INTEGER) % 7 = 0`.execute(db);
  } else {
    await sql`INSERT INTO post (id, community_id, author_id, type, audience, title, body, attachment_id, client_id, comment_count, edited_at, deleted_at, created_at)
      SELECT 'pst_' || lpad(i::text, 10, '0'), ${community.id}, 'bench_author_' || (i % ${sql.lit(AUTHORS)}), 'status', 'community', NULL, ${body}, NULL, NULL, i % 4, NULL, NULL,
        to_char(to_timestamp(${sql.lit(START)} + i) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM generate_series(0, ${sql.lit(posts - 1)}) AS i`.execute(db);
    await sql`INSERT INTO reaction (post_id, user_id, kind, created_at) SELECT id, ${server.user.id}, 'like', created_at FROM post WHERE substr(id, 5)::int % 7 = 0`.execute(db);
    // As autovacuum would soon after a bulk load.
    await sql`VACUUM ANALYZE post`.execute(db);
    await sql`VACUUM ANALYZE reaction`.execute(db);
  }
  const seconds = (performance.now() - t0) / 1000;
  // The data stays; this setup server goes, and the server under test starts in its own process.
  const url = database?.url ?? server.app.services.config.database.url;
  await server.app.close();
  server.server.close();
  const proc = await processes(1, url, dir);
  const page = `${proc.urls[0]}/api/v1/communities/${community.slug}/posts?limit=20`;
  const headers = { cookie: server.cookie, origin: 'http://localhost:8787' };
  const first = await fetch(page, { headers });
  const text = await first.text();
  const firstPage = JSON.parse(text) as { items: unknown[] };
  // The page's own text, for the bare process's floors (bare.ts: sending it, and three reads before it).
  writeFileSync(path.join(dir, 'page.json'), text);
  if (!first.ok || firstPage.items.length !== 20) throw new Error(`feed page: ${first.status}`);
  return {
    kind,
    posts,
    url,
    page,
    path: `/api/v1/communities/${community.slug}/posts?limit=20`,
    headers,
    etag: first.headers.get('etag')!,
    loadSeconds: seconds,
    dir,
    proc,
    async stop() {
      await proc.stop();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const n = (x: number) => x.toLocaleString('en-US');
const ms = (x: number) => `${x.toFixed(2)} ms`;

/** Every figure of every run, by its line's label (JC_BENCH_RUNS > 1 prints their spread at the end). */
const figures = new Map<string, { rps: number; ratio: number | null; p99: number }[]>();

function line(label: string, r: LoadResult, bare?: number) {
  figures.set(label, [...(figures.get(label) ?? []), { rps: r.rps, ratio: bare ? r.rps / bare : null, p99: r.p99 }]);
  const ratio = bare ? `  ratio to bare ${(r.rps / bare).toFixed(3)}` : '';
  console.log(`${label.padEnd(58)} ${r.rps.toFixed(0).padStart(6)} req/s${ratio}  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}${r.errors ? `  ERRORS ${r.errors} ${JSON.stringify(r.statuses)}` : ''}`);
}

/** Server processes on one database, each on its own port. */
async function processes(count: number, databaseUrl: string, dataDir: string, options: Parameters<typeof serverProcess>[1] = {}, env: Record<string, string> = {}) {
  const children: Awaited<ReturnType<typeof serverProcess>>[] = [];
  for (let i = 0; i < count; i++) children.push(await serverProcess({ JC_DATABASE_URL: databaseUrl, JC_DATA_DIR: dataDir, ...env }, options));
  return {
    urls: children.map((c) => c.url),
    stop: () => Promise.all(children.map((c) => c.stop())),
  };
}

async function measure(kind: 'sqlite' | 'postgres', pgUrl?: string) {
  const label = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const big = await feedServer(kind, TOTAL, pgUrl);
  if (QUICK) return quick(label, big);
  const small = await feedServer(kind, SMALL, pgUrl);
  console.log(`# ${label}: ${n(TOTAL)} posts loaded in ${big.loadSeconds.toFixed(1)} s; ${n(SMALL)} in ${small.loadSeconds.toFixed(1)} s (separate databases)`);
  const bareServer = await processes(1, '', big.dir, { script: 'bare.ts', ready: /listening/ }, { JC_BENCH_PAGE_FILE: path.join(big.dir, 'page.json') });
  try {
    // The bare route at the start and at the end of the section: this VM's neighbours are not quiet, and
    // the higher of the two is the denominator (the ratios err low, never high). Lines print at the end.
    const bareStart = await load(`${bareServer.urls[0]}/bare`, {}, CONNECTIONS, SECONDS);
    const results: [string, LoadResult, boolean][] = [];
    const rec = (label: string, r: LoadResult, ratio = true) => results.push([label, r, ratio]);
    const bare = { rps: 0 };
    // What the stack itself costs (bare.ts): the API's headers, then those and one SQLite statement.
    rec('floor: bare route with the API headers', await load(`${bareServer.urls[0]}/bare/headers`, {}, CONNECTIONS, SECONDS));
    rec('floor: and one prepared SQLite statement', await load(`${bareServer.urls[0]}/bare/sqlite`, {}, CONNECTIONS, SECONDS));
    rec("floor: the feed page's text with the API headers", await load(`${bareServer.urls[0]}/bare/page`, {}, CONNECTIONS, SECONDS));
    rec('floor: and three SQLite reads by key before it', await load(`${bareServer.urls[0]}/bare/page-sql`, {}, CONNECTIONS, SECONDS));
    const health = await load(`${big.proc.urls[0]}/api/v1/health`, {}, CONNECTIONS, SECONDS);
    rec(`[${label}] GET /api/v1/health (no session)`, health);
    const atBig = await load(big.page, big.headers, CONNECTIONS, SECONDS);
    rec(`[${label}] feed page, ${n(TOTAL)} posts`, atBig);
    // The same page from a process without the shared page cache (JC_PAGE_CACHE=false), on the same database.
    const uncachedServer = await processes(1, big.url, big.dir, {}, { JC_PAGE_CACHE: 'false' });
    const uncached = await load(uncachedServer.urls[0] + big.path, big.headers, CONNECTIONS, SECONDS);
    rec(`[${label}] feed page, ${n(TOTAL)} posts, without the page cache`, uncached);
    const openUncached = await loadAtRate(uncachedServer.urls[0] + big.path, big.headers, uncached.rps / 2, SECONDS);
    rec(`[${label}] without the cache, at half its rate (open loop)`, openUncached, false);
    await uncachedServer.stop();
    const atSmall = await load(small.page, small.headers, CONNECTIONS, SECONDS);
    rec(`[${label}] feed page, ${n(SMALL)} posts`, atSmall);
    const rate = atBig.rps / 2;
    const openBig = await loadAtRate(big.page, big.headers, rate, SECONDS);
    rec(`[${label}] at half that rate (open loop), ${n(TOTAL)} posts`, openBig, false);
    const openSmall = await loadAtRate(small.page, small.headers, rate, SECONDS);
    rec(`[${label}] at the same rate, ${n(SMALL)} posts`, openSmall, false);
    const cursor = encodeCursor(new Date((START + TOTAL / 2) * 1000).toISOString(), 'pst_~');
    rec(`[${label}] deep page (cursor half-way), ${n(TOTAL)} posts`, await load(`${big.page}&cursor=${cursor}`, big.headers, CONNECTIONS, SECONDS));
    rec(`[${label}] unchanged page revalidated (If-None-Match, 304)`, await load(big.page, { ...big.headers, 'if-none-match': big.etag }, CONNECTIONS, SECONDS, 304));
    const bareEnd = await load(`${bareServer.urls[0]}/bare`, {}, CONNECTIONS, SECONDS);
    bare.rps = Math.max(bareStart.rps, bareEnd.rps);
    line('bare Hono route (the higher of start and end)', bareStart.rps >= bareEnd.rps ? bareStart : bareEnd);
    console.log(`(bare at the start ${bareStart.rps.toFixed(0)} req/s, at the end ${bareEnd.rps.toFixed(0)} req/s)`);
    for (const [l, r, ratio] of results) line(l, r, ratio ? bare.rps : undefined);
    console.log(`[${label}] p50 at ${n(TOTAL)} over p50 at ${n(SMALL)}: ${(openBig.p50 / openSmall.p50).toFixed(2)} (open loop); ${(atBig.p50 / atSmall.p50).toFixed(2)} (closed loop)`);
    if (kind === 'sqlite') {
      const ratio = atBig.rps / bare.rps;
      const p50s = openBig.p50 / openSmall.p50;
      console.log(`budget: health ≥ 50% of bare: ${((health.rps / bare.rps) * 100).toFixed(1)}% ${health.rps / bare.rps >= 0.5 ? 'MET' : 'MISSED'}`);
      console.log(`budget: feed page ≥ 25% of bare: ${(ratio * 100).toFixed(1)}% ${ratio >= 0.25 ? 'MET' : 'MISSED'} (without the page cache: ${((uncached.rps / bare.rps) * 100).toFixed(1)}%)`);
      console.log(`budget: p99 < 25 ms at half that rate: ${ms(openBig.p99)} ${openBig.p99 < 25 ? 'MET' : 'MISSED'} (without the page cache: ${ms(openUncached.p99)})`);
      console.log(`budget: p50 at 1M ≤ 1.5 × p50 at 10k: ${p50s.toFixed(2)} ${p50s <= 1.5 ? 'MET' : 'MISSED'}`);
    } else {
      // Two server processes against one, on the same database (the one already running is the first).
      const second = await processes(1, big.url, big.dir);
      const double = await load([...big.proc.urls, ...second.urls].map((base) => base + big.path), big.headers, CONNECTIONS, SECONDS);
      await second.stop();
      line(`[${label}] feed page, ${n(TOTAL)} posts, two server processes`, double, bare.rps);
      console.log(`goal: feed page ≥ 15% of bare: ${((atBig.rps / bare.rps) * 100).toFixed(1)}% (without the page cache: ${((uncached.rps / bare.rps) * 100).toFixed(1)}%); p99 at half that rate ${ms(openBig.p99)} (without: ${ms(openUncached.p99)})`);
      console.log(`[${label}] two processes over one: ${(double.rps / atBig.rps).toFixed(2)} (${cpus().length} CPUs here, shared with the load generator)`);
    }
  } finally {
    await bareServer.stop();
    await big.stop();
    await small.stop();
  }
}

/** JC_BENCH_QUICK=1: the bare route, the feed page's two floors, health and the feed page only (for profiling with JC_BENCH_NODE_ARGS). */
const QUICK = process.env.JC_BENCH_QUICK === '1';
async function quick(label: string, big: Awaited<ReturnType<typeof feedServer>>) {
  const bareServer = await processes(1, '', big.dir, { script: 'bare.ts', ready: /listening/ }, { JC_BENCH_PAGE_FILE: path.join(big.dir, 'page.json') });
  try {
    const bare = await load(`${bareServer.urls[0]}/bare`, {}, CONNECTIONS, SECONDS);
    line('bare Hono route', bare);
    line("floor: the feed page's text with the API headers", await load(`${bareServer.urls[0]}/bare/page`, {}, CONNECTIONS, SECONDS), bare.rps);
    line('floor: and three SQLite reads by key before it', await load(`${bareServer.urls[0]}/bare/page-sql`, {}, CONNECTIONS, SECONDS), bare.rps);
    line(`[${label}] GET /api/v1/health (no session)`, await load(`${big.proc.urls[0]}/api/v1/health`, {}, CONNECTIONS, SECONDS), bare.rps);
    line(`[${label}] feed page, ${n(TOTAL)} posts`, await load(big.page, big.headers, CONNECTIONS, SECONDS), bare.rps);
    if (process.env.JC_BENCH_ONLY === 'feed') line(`[${label}] feed page again`, await load(big.page, big.headers, CONNECTIONS, SECONDS * 2), bare.rps);
  } finally {
    await bareServer.stop();
    await big.stop();
  }
}

/** JC_BENCH_RUNS=3: the whole benchmark three times (each run loads its own databases), then each figure's spread. */
const RUNS = Number(process.env.JC_BENCH_RUNS ?? 1);

function spread() {
  const range = (xs: number[], f: (x: number) => string) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return `${f(sorted[0]!)} to ${f(sorted[sorted.length - 1]!)} (median ${f(sorted[Math.floor(sorted.length / 2)]!)})`;
  };
  console.log(`# over ${RUNS} runs: each figure's lowest to highest`);
  for (const [label, runs] of figures) {
    const ratios = runs.flatMap((r) => (r.ratio === null ? [] : [r.ratio]));
    const what = ratios.length > 0 ? `ratio ${range(ratios, (x) => x.toFixed(3))}` : `${range(runs.map((r) => r.rps), (x) => x.toFixed(0))} req/s`;
    console.log(`${label.padEnd(58)} ${what}; p99 ${range(runs.map((r) => r.p99), ms)}`);
  }
}

async function main() {
  console.log(`# feed: ${SECONDS} s a measurement, ${CONNECTIONS} connections (closed loop) from autocannon in its own process; each server its own process; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`);
  const pgUrl = process.env.JC_BENCH_DATABASE_URL ?? process.env.JC_TEST_DATABASE_URL;
  for (let run = 1; run <= RUNS; run++) {
    if (RUNS > 1) console.log(`# run ${run} of ${RUNS}, ${new Date().toISOString()}`);
    await measure('sqlite');
    if (pgUrl) await measure('postgres', pgUrl);
    else console.log('PostgreSQL: skipped (set JC_TEST_DATABASE_URL=postgres://…)');
  }
  if (RUNS > 1) spread();
  process.exit(0);
}

await main();
