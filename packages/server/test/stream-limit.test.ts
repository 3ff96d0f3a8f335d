import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../src/clock.ts';
import { PROCESS_ID } from '../src/events/stream-slots.ts';
import { activeUser, backends, suiteApp } from './helpers.ts';
import { SseReader } from './sse.ts';
import { signedInAccount, type ServerProcess } from './support/server-process.ts';
import { suiteProcesses } from './support/processes.ts';

/*
 * Issue 19, finding 5: the per-user live-stream limit holds when streams open
 * at once, across server processes: the count is a reservation in the
 * database, taken before the stream starts and given back when it ends.
 */

const SECRET = 'stream-limit-test-secret-stream-limit-test';
const LIMIT = 8;

for (const backend of backends()) {
  describe(`live streams per user across processes (${backend.name})`, () => {
    const two = suiteProcesses(backend, { JC_AUTH_SECRET: SECRET, JC_MAX_STREAMS_PER_USER: String(LIMIT) }, 'jc-streams-');

    it('200 streams opened at once by one user over two processes: exactly maxStreamsPerUser open, the rest 429; closing one lets one more in', async () => {
      const { a, b, db } = two;
      const user = await signedInAccount(a, db, SECRET, 'Many Tabs');
      // A stream counts as open while its body has not ended: one the server ended early (a failure under
      // load) gave its slot back, and another may take it; at no moment are more than the limit open.
      const open = async (server: ServerProcess) => {
        const abort = new AbortController();
        const res = await fetch(`${server.base}/api/v1/events`, { headers: { cookie: user.cookie }, signal: abort.signal });
        const stream = { status: res.status, ended: false, close: () => abort.abort() };
        if (res.status !== 200) await res.text();
        else void res.text().catch(() => {}).finally(() => (stream.ended = true));
        return stream;
      };
      const streams = await Promise.all(Array.from({ length: 200 }, (_, i) => open(i % 2 ? b : a)));
      const statuses = streams.map((s) => s.status);
      const opened = streams.filter((s) => s.status === 200 && !s.ended);
      assert.equal(opened.length, LIMIT, `exactly ${LIMIT} open (${opened.length}; ${statuses.filter((s) => s === 200).length} answered 200)`);
      assert.equal(statuses.filter((s) => s === 429).length + streams.filter((s) => s.status === 200 && s.ended).length, 200 - LIMIT, 'every other one is refused with 429');
      const rows = async () => Number((await db.kysely.selectFrom('live_stream').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow()).n);
      assert.equal(await rows(), LIMIT);
      // Close one: its slot comes back (once the server has seen the stream end).
      opened[0]!.close();
      for (let i = 0; i < 500 && (await rows()) !== LIMIT - 1; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await rows(), LIMIT - 1, 'the closed stream gave its slot back');
      const again = await open(b);
      assert.equal(again.status, 200, 'one more opens');
      const over = await open(a);
      assert.equal(over.status, 429, 'and no more than that');
      for (const s of [...streams, again]) s.close();
      for (let i = 0; i < 500 && (await rows()) !== 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await rows(), 0, 'every closed stream gave its slot back');
    });
  });

  describe(`live streams of a process that died (${backend.name})`, () => {
    const clock = new ManualClock();
    const t = suiteApp(backend, { JC_MAX_STREAMS_PER_USER: '2', JC_HEARTBEAT_SECONDS: '20' }, { clock });

    it('streams of a crashed process stop counting after three missed heartbeats and are swept; live ones keep their slot', async () => {
      clock.set(new Date());
      const u = await activeUser(t, 'Crash Survivor');
      const open = async () => {
        const abort = new AbortController();
        const res = await t.app.request('/api/v1/events', { headers: { cookie: u.cookie }, signal: abort.signal });
        if (res.status === 200) await new SseReader(res).next('ready');
        return { status: res.status, close: () => abort.abort() };
      };
      // Two streams held by a process that then died: their heartbeat never moves again.
      const at = clock.now().toISOString();
      for (const id of ['dead-1', 'dead-2']) await t.services.db.kysely.insertInto('live_stream').values({ id, user_id: u.userId, process_id: 'a-dead-process', opened_at: at, heartbeat_at: at }).execute();
      assert.equal((await open()).status, 429, 'while they may still be alive, they count');
      clock.advance(61_000);
      const first = await open();
      assert.equal(first.status, 200, 'three heartbeats later they no longer count');
      const rows = await t.services.db.kysely.selectFrom('live_stream').select(['id', 'process_id']).where('user_id', '=', u.userId).execute();
      assert.deepEqual(rows.map((r) => r.process_id), [PROCESS_ID], 'and they are swept');
      // A live stream beats on every heartbeat, so its slot outlives three of them.
      clock.advance(20_000);
      clock.advance(20_000);
      clock.advance(20_000);
      clock.advance(20_000);
      for (let i = 0; i < 200; i++) {
        const r = await t.services.db.kysely.selectFrom('live_stream').select('heartbeat_at').where('user_id', '=', u.userId).executeTakeFirst();
        if (r && r.heartbeat_at === clock.now().toISOString()) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const second = await open();
      assert.equal(second.status, 200);
      assert.equal((await open()).status, 429, 'the live stream still holds its slot');
      first.close();
      second.close();
    });
  });
}
