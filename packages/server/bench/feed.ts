/**
 * Feed benchmark: a community feed page (20 posts) under load, as requests/s
 * over a bare Hono route's in the same run, with 1,000,000 posts in the
 * database; and its latency (p50, p99) for a community of 10,000 posts and
 * one of 1,000,000 (keyset pages should not slow down as the table grows).
 *
 *   npm run bench:feed    (part of npm run bench)
 */
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from './load.ts';
import { benchServer, listen } from './session.ts';
import { encodeCursor } from '../src/http/cursor.ts';

const TOTAL = Number(process.env.JC_BENCH_POSTS ?? 1_000_000);
const SMALL = 10_000;
const SECONDS = Number(process.env.JC_BENCH_SECONDS ?? 5);

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-bench-feed-'));
  const { app, base, json, db, user, cookie } = await benchServer(dir);
  const small = (await (await json('POST', '/api/v1/communities', { name: 'Small feed', visibility: 'public' }, cookie)).json()) as { id: string; slug: string };
  const big = (await (await json('POST', '/api/v1/communities', { name: 'Big feed', visibility: 'public' }, cookie)).json()) as { id: string; slug: string };

  const t0 = performance.now();
  const start = Date.parse('2020-01-01T00:00:00Z');
  const insert = async (communityId: string, count: number, offset: number) => {
    const batch = 500;
    for (let i = 0; i < count; i += 10_000) {
      await db.transaction().execute(async (trx) => {
        for (let j = i; j < Math.min(count, i + 10_000); j += batch) {
          const rows = [];
          for (let k = j; k < Math.min(count, j + batch); k++) {
            const n = offset + k;
            rows.push({
              id: `pst_${n.toString(36).padStart(8, '0')}`,
              community_id: communityId,
              author_id: user.id,
              type: 'status' as const,
              title: null,
              body: `Bench post ${n}: northbound stop near mile marker ${n % 500}.`,
              attachment_id: null,
              client_id: null,
              edited_at: null,
              deleted_at: null,
              created_at: new Date(start + n * 1000).toISOString(),
            });
          }
          await trx.insertInto('post').values(rows).execute();
        }
      });
    }
  };
  await insert(small.id, SMALL, 0);
  await insert(big.id, TOTAL - SMALL, SMALL);
  const count = await db.selectFrom('post').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  console.log(`# feed: ${Number(count.n).toLocaleString('en-US')} posts in the database (inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s); ${SECONDS} s per measurement, 32 connections, load from a worker thread`);

  const bare = await listen(new Hono().get('/bare', (c) => c.json({ ok: true })).fetch);
  const headers = { cookie, origin: 'http://localhost:8787' };
  const results: [string, Awaited<ReturnType<typeof load>>][] = [];
  results.push(['bare Hono route', await load(`http://127.0.0.1:${bare.port}/bare`, {}, 32, SECONDS)]);
  results.push([`feed page, ${SMALL.toLocaleString('en-US')}-post community`, await load(`${base}/api/v1/communities/${small.slug}/posts?limit=20`, headers, 32, SECONDS)]);
  results.push([`feed page, ${(TOTAL - SMALL).toLocaleString('en-US')}-post community`, await load(`${base}/api/v1/communities/${big.slug}/posts?limit=20`, headers, 32, SECONDS)]);
  // A deep page: the keyset cursor from the middle of the big community.
  const mid = start + Math.floor((SMALL + TOTAL) / 2) * 1000;
  const cursor = encodeCursor(new Date(mid).toISOString(), 'pst_~');
  results.push([`feed page deep in the big community`, await load(`${base}/api/v1/communities/${big.slug}/posts?limit=20&cursor=${cursor}`, headers, 32, SECONDS)]);
  const bareRps = results[0]![1].rps;
  for (const [label, r] of results) {
    console.log(
      `${label.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  ratio to bare ${(r.rps / bareRps).toFixed(3)}  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms${r.errors ? `  errors ${r.errors}` : ''}`,
    );
  }
  bare.server.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

await main();
