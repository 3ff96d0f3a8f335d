/**
 * Forum thread benchmark: a page of replies (50) from a 10,000-reply topic
 * under load, as requests/s over a bare Hono route's in the same run: the
 * first page, a page deep in the thread (cursor), and a deep-link page
 * (anchor), which is what the thread widget asks for.
 *
 *   npm run bench:replies    (part of npm run bench)
 */
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { replyCursor } from '../src/forums/queries.ts';
import type { Insertable } from 'kysely';
import type { ReplyTable } from '../src/db/schema.ts';
import { load } from './load.ts';
import { benchServer, listen } from './session.ts';

const REPLIES = Number(process.env.JC_BENCH_REPLIES ?? 10_000);
const SECONDS = Number(process.env.JC_BENCH_SECONDS ?? 5);

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-bench-replies-'));
  const { app, base, json, db, user, cookie } = await benchServer(dir);
  const community = (await (await json('POST', '/api/v1/communities', { name: 'Bench forum', visibility: 'public' }, cookie)).json()) as { slug: string };
  const forum = ((await (await json('GET', `/api/v1/communities/${community.slug}/forums`, undefined, cookie)).json()) as { items: { id: string }[] }).items[0]!;
  const topic = (await (await json('POST', `/api/v1/communities/${community.slug}/topics`, { forumId: forum.id, title: 'A long thread', body: 'Ten thousand replies.' }, cookie)).json()) as { id: string };

  // The thread, written straight to the database: every tenth reply nested under the one before, every fifth liked.
  const t0 = performance.now();
  const start = Date.parse('2026-01-01T00:00:00Z');
  const rows: Insertable<ReplyTable>[] = [];
  let root = 0;
  for (let seq = 1; seq <= REPLIES; seq++) {
    const nested = seq % 10 === 0;
    if (!nested) root = seq;
    rows.push({
      id: `rpl_${seq.toString(36).padStart(6, '0')}`,
      topic_id: topic.id,
      author_id: user.id,
      parent_id: nested ? `rpl_${root.toString(36).padStart(6, '0')}` : null,
      quote_id: seq % 25 === 0 ? `rpl_${(seq - 3).toString(36).padStart(6, '0')}` : null,
      root_seq: root,
      seq,
      body: `Reply ${seq}: units on **MM ${seq % 500}** from 0200 to 0400.`,
      like_count: seq % 5 === 0 ? 1 : 0,
      client_id: null,
      edited_at: null,
      deleted_at: null,
      created_at: new Date(start + seq * 1000).toISOString(),
    });
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) await trx.insertInto('reply').values(rows.slice(i, i + 500)).execute();
    await trx.updateTable('topic').set({ reply_count: REPLIES, last_seq: REPLIES }).where('id', '=', topic.id).execute();
  });
  console.log(`# replies: one topic with ${REPLIES.toLocaleString('en-US')} replies (inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s); pages of 50; ${SECONDS} s per measurement, 32 connections, load from autocannon in its own process`);

  const bare = await listen(new Hono().get('/bare', (c) => c.json({ ok: true })).fetch);
  const headers = { cookie, origin: 'http://localhost:8787' };
  const middle = rows[Math.floor(REPLIES / 2)]!;
  const results: [string, Awaited<ReturnType<typeof load>>][] = [];
  results.push(['bare Hono route', await load(`http://127.0.0.1:${bare.port}/bare`, {}, 32, SECONDS)]);
  results.push(['replies, first page', await load(`${base}/api/v1/topics/${topic.id}/replies?limit=50`, headers, 32, SECONDS)]);
  results.push(['replies, page in the middle (cursor)', await load(`${base}/api/v1/topics/${topic.id}/replies?limit=50&cursor=${replyCursor(middle)}`, headers, 32, SECONDS)]);
  results.push(['replies, deep link (anchor)', await load(`${base}/api/v1/topics/${topic.id}/replies?limit=50&anchor=${rows[REPLIES - 120]!.id}`, headers, 32, SECONDS)]);
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
