import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../src/db/database.ts';
import { NOTIFY_CHANNEL } from '../src/events/events.ts';
import { PASSWORD, TEST_ORI } from './helpers.ts';
import { SseReader } from './sse.ts';
import { subscribe, Violations, writer, type Subscription } from './support/chaos-load.ts';
import { ownPostgres, type OwnPostgres } from './support/own-postgres.ts';
import { explainSetupFailure, SECRET } from './support/processes.ts';
import { request, signedInAccount, startServer, type ServerProcess } from './support/server-process.ts';

/*
 * Surviving a database restart (PostgreSQL): two server processes (src/main.ts,
 * as two replicas) on a PostgreSQL cluster of this test's own, which it stops
 * and starts twice — once `pg_ctl stop -m fast` (every session ended, 57P01),
 * once `-m immediate` (a crash, recovered from the WAL) — under a write load
 * (writers posting through both processes) and a live-delivery load
 * (subscribers on both). Afterwards: every write acknowledged with a 2xx is
 * in the database with its event, every subscriber was sent every event once,
 * in order, the servers answered no 5xx but 503 (each with Retry-After, the
 * error shape and its request id), and both processes are still running.
 * Readiness says 503 while the database is away and 200 once it is back;
 * liveness says 200 throughout.
 */

const cluster = await ownPostgres();
const skip = typeof cluster === 'string' ? cluster : false;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `test()` holds, polling (or fails with `what` after `ms`). */
async function until(test: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(100);
  }
}

describe('a PostgreSQL restart under load (chaos)', { skip }, () => {
  const pgc = cluster as OwnPostgres;
  let dir: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let db: Db;

  const status = async (server: ServerProcess, url: string) => (await request(server, 'GET', url)).status;
  const readyEverywhere = async () => (await status(a, '/api/v1/health/ready')) === 200 && (await status(b, '/api/v1/health/ready')) === 200;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'jc-chaos-'));
    const env = {
      JC_DATABASE_URL: pgc.url,
      JC_DATA_DIR: dir,
      JC_AUTH_SECRET: SECRET,
      JC_SEED: 'none',
      JC_SIGN_IN_RATE_PER_MINUTE: '100000',
      JC_WRITE_RATE_PER_MINUTE: '1000000',
      // A heartbeat (which checks the stream's session in the database) every second, so each outage meets some.
      JC_HEARTBEAT_SECONDS: '1',
    };
    // One migrates first (the other would wait for its lock anyway).
    a = await startServer(env);
    b = await startServer(env);
    db = openDatabase({ kind: 'postgres', url: pgc.url });
    try {
      await db.kysely.insertInto('agency').values({ id: 'agency-test', name: 'Test Agency', ori: TEST_ORI, created_at: new Date().toISOString() }).execute();
    } catch (err) {
      throw explainSetupFailure('adding the test agency', err, [a, b]);
    }
  });

  after(async () => {
    if (typeof cluster === 'string') return;
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await db?.close();
    await pgc.remove();
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(codes, [0, 0], 'both processes stop cleanly on SIGTERM');
  });

  it('readiness is 503 naming the database while it is down and 200 after; liveness stays 200; a request meanwhile gets 503 with Retry-After', async () => {
    const user = await signedInAccount(a, db, SECRET, 'Ready Checker');
    assert.equal((await request(a, 'GET', '/api/v1/health/ready')).status, 200);
    await pgc.stop({ mode: 'fast' });
    try {
      const ready = await request(a, 'GET', '/api/v1/health/ready');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.body.database, { kind: 'postgres', ok: false });
      assert.ok(ready.headers.get('retry-after'), 'readiness says when to look again');
      const live = await request(a, 'GET', '/api/v1/health/live');
      assert.equal(live.status, 200);
      assert.equal(live.body.status, 'ok');
      // A sign-in, and a session B has not seen yet (its credential goes to better-auth): 503 too, not 500 or "signed out".
      for (const res of [
        await request(b, 'POST', '/api/auth/sign-in/email', { body: { email: user.email, password: PASSWORD } }),
        await request(b, 'GET', '/api/v1/me', { cookie: user.cookie }),
      ]) {
        assert.equal(res.status, 503, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'DATABASE_UNAVAILABLE');
      }
      const me = await request(a, 'GET', '/api/v1/me', { cookie: user.cookie, headers: { 'x-request-id': 'chaos-probe-1' } });
      assert.equal(me.status, 503, JSON.stringify(me.body));
      assert.equal(me.headers.get('retry-after'), '3');
      assert.deepEqual(me.body, {
        error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is not answering right now. Try again in 3 seconds.', requestId: 'chaos-probe-1' },
      });
    } finally {
      await pgc.start();
    }
    await until(readyEverywhere, 'readiness to say 200 again on both processes');
    assert.equal((await request(b, 'GET', '/api/v1/health/live')).status, 200);
    assert.equal((await request(a, 'GET', '/api/v1/me', { cookie: user.cookie })).status, 200, 'the session works again');
  });

  it('a LISTEN connection that drops is opened again, and the events committed meanwhile are delivered', async () => {
    const [writerUser, readerUser] = [await signedInAccount(b, db, SECRET, 'Bus Writer'), await signedInAccount(a, db, SECRET, 'Bus Reader')];
    const community = await request(b, 'POST', '/api/v1/communities', { cookie: writerUser.cookie, body: { name: `Bus ${Date.now()}`, visibility: 'public' } });
    assert.equal(community.status, 201);
    assert.equal((await request(a, 'POST', `/api/v1/communities/${community.body.slug}/join`, { cookie: readerUser.cookie })).status, 200);
    const abort = new AbortController();
    const res = await fetch(`${a.base}/api/v1/events`, { headers: { cookie: readerUser.cookie }, signal: abort.signal });
    assert.equal(res.status, 200);
    const reader = new SseReader(res);
    try {
      await reader.next('ready');
      // Both processes lose their LISTEN connection; a post written through B at once is numbered (and notified)
      // while A is not listening: A's stream has it only because A's bus listens again and reads what it missed.
      const killed = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity a, pg_terminate_backend(a.pid) where a.query = ${`LISTEN ${NOTIFY_CHANNEL}`}`.execute(db.kysely);
      assert.equal(killed.rows[0]!.n, 2);
      const post = await request(b, 'POST', `/api/v1/communities/${community.body.slug}/posts`, { cookie: writerUser.cookie, body: { body: 'Written while A was not listening' } });
      assert.equal(post.status, 201);
      await reader.next('post.created', (m) => m.data.payload.postId === post.body.id, 10_000);
      await until(async () => (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where query = ${`LISTEN ${NOTIFY_CHANNEL}`}`.execute(db.kysely)).rows[0]!.n === 2, 'both processes to listen again');
    } finally {
      abort.abort();
    }
  });

  it('loses no acknowledged write and no live event through a fast and an immediate restart, answering only 503 meanwhile', { timeout: 120_000 }, async () => {
    const started = Date.now();
    const owner = await signedInAccount(a, db, SECRET, 'Chaos Owner');
    const community = await request(a, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: `Chaos ${Date.now()}`, visibility: 'public' } });
    assert.equal(community.status, 201, JSON.stringify(community.body));
    const slug = community.body.slug as string;
    const writers = [owner, await signedInAccount(b, db, SECRET, 'Chaos Writer')];
    const readers = [await signedInAccount(a, db, SECRET, 'Chaos Reader 1'), await signedInAccount(b, db, SECRET, 'Chaos Reader 2')];
    for (const u of [...writers.slice(1), ...readers]) assert.equal((await request(a, 'POST', `/api/v1/communities/${slug}/join`, { cookie: u.cookie })).status, 200);
    // Each session once through each process (each process then knows its credential without asking better-auth).
    for (const u of [...writers, ...readers]) for (const s of [a, b]) assert.equal((await request(s, 'GET', '/api/v1/me', { cookie: u.cookie })).status, 200);

    const violations = new Violations();
    const acknowledged = new Set<string>();
    let stop = false;
    // Two streams per reader, one on each process.
    const subs: Subscription[] = readers.flatMap((r, i) => [a, b].map((server, j) => subscribe({ server, cookie: r.cookie, name: `reader ${i + 1} on ${j ? 'B' : 'A'}`, violations })));
    await until(() => subs.every((s) => s.start !== null), 'every stream to open');
    // Four writers, each through both processes in turn.
    const load = writers.flatMap((w, i) => [0, 1].map((k) => writer({ servers: k ? [b, a] : [a, b], cookie: w.cookie, slug, name: `writer ${i + 1}.${k + 1}`, acknowledged, violations, stopped: () => stop })));

    const acked = async (more: number) => {
      const target = acknowledged.size + more;
      await until(() => acknowledged.size >= target, `${more} more acknowledged writes`);
    };
    const restarts: string[] = [];
    try {
      for (const mode of ['fast', 'immediate'] as const) {
        await acked(20);
        const t = Date.now();
        await pgc.stop({ mode });
        assert.equal(await status(a, '/api/v1/health/ready'), 503, `not ready while PostgreSQL is stopped (${mode})`);
        assert.equal(await status(b, '/api/v1/health/live'), 200, 'alive while PostgreSQL is stopped');
        await pause(1000);
        await pgc.start();
        await until(readyEverywhere, `readiness after the ${mode} restart`);
        restarts.push(`${mode}: ready again ${Date.now() - t} ms after the stop`);
      }
      await acked(20);
    } finally {
      stop = true;
      await Promise.all(load);
    }

    // Every acknowledged write is there, with its event, and every event is numbered.
    await until(async () => Number((await db.kysely.selectFrom('event').select((eb) => eb.fn.countAll().as('n')).where('seq', 'is', null).executeTakeFirstOrThrow()).n) === 0, 'every event to be numbered');
    const posts = new Set((await db.kysely.selectFrom('post').select('id').where('id', 'in', [...acknowledged]).execute()).map((p) => p.id));
    assert.deepEqual([...acknowledged].filter((id) => !posts.has(id)), [], 'every acknowledged post is in the database');
    const start = Math.min(...subs.map((s) => s.start!));
    const rows = await db.kysely.selectFrom('event').select(['seq', 'type', 'payload']).where('seq', '>', start).orderBy('seq').execute();
    const eventOf = new Set(rows.filter((r) => r.type === 'post.created').map((r) => (JSON.parse(r.payload) as { postId: string }).postId));
    assert.deepEqual([...acknowledged].filter((id) => !eventOf.has(id)), [], 'every acknowledged post has its post.created event');

    // Every subscriber is sent every event after its start, once each, in order.
    const last = Number(rows.at(-1)?.seq ?? start);
    await until(() => subs.every((s) => (s.ids.at(-1) ?? s.start!) >= last), 'every stream to reach the last event', 15_000).catch(() => {});
    await Promise.all(subs.map((s) => s.stop()));
    for (const s of subs) {
      assert.equal(s.connections, 1, `${s.name}'s stream stayed open through both restarts`);
      const expected = rows.filter((r) => Number(r.seq) > s.start!).map((r) => Number(r.seq));
      assert.deepEqual(s.ids, expected, `${s.name} was sent every event after ${s.start}, once, in order`);
    }

    // Each process listens again on one connection (a bus that reconnected twice per drop would hold four by now).
    // The second restart's LISTEN may still be coming back when the streams have caught up (a hub also catches
    // up by reading, woken by its own process's writes), as in the test above.
    const listening = async () => (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where query = ${`LISTEN ${NOTIFY_CHANNEL}`}`.execute(db.kysely)).rows[0]!.n;
    await until(async () => (await listening()) === 2, 'one LISTEN connection per process');
    assert.equal(await listening(), 2, 'one LISTEN connection per process');

    assert.deepEqual(violations.list, [], 'no 5xx but a proper 503, and no dropped connection');
    assert.ok(violations.unavailable > 0, 'requests in flight met the restarts (and were answered 503)');
    for (const s of [a, b]) {
      assert.equal(s.child.exitCode, null, 'the server process is still running');
      assert.doesNotMatch(s.output(), /unhandled error|uncaught/i, 'nothing went unhandled');
    }
    console.log(
      `chaos: ${acknowledged.size} writes acknowledged, ${rows.length} events, ${violations.unavailable} answers 503, ` +
        `stream connections ${subs.map((s) => s.connections).join('/')}; ${restarts.join('; ')}; ${Date.now() - started} ms`,
    );
  });
});
