import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { appendAudit, verifyAudit } from '../src/audit.ts';
import { settleWrites } from '../src/audit-outbox.ts';
import { createApp, type JusticeConnectApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/schema.ts';
import { eventsAfter, recordEvent } from '../src/events/events.ts';
import { activeUser, backends, BASE_URL, call, startApp, suiteApp, type TestApp } from './helpers.ts';

/*
 * Issue 19, finding 8: no cluster-wide lock on the write path. Writers record
 * events and audit entries in their own transactions without waiting for one
 * another (PostgreSQL: events/sequencer.ts numbers committed events, the audit
 * outbox is chained by one round at a time, audit-outbox.ts), and yet replay
 * stays in commit order and the audit chain stays total.
 */

/** A transaction that records an event and an audit entry, then waits for `hold` before committing. */
function writer(db: Kysely<Database>, name: string, hold: Promise<void> = Promise.resolve(), ready: () => void = () => {}) {
  return db.transaction().execute(async (trx) => {
    // A writer that would wait on another's lock fails after two seconds instead of hanging the test.
    await sql`set local lock_timeout = '2s'`.execute(trx);
    await recordEvent(trx, { type: `test.${name}`, payload: { name } });
    await appendAudit(trx, { actorId: null, action: `test.${name}`, outcome: 'success' });
    ready();
    await hold;
  });
}

function held() {
  let release!: () => void;
  let ready!: () => void;
  const hold = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (ready = resolve));
  return { hold, started, release, ready };
}

const pgUrl = process.env.JC_TEST_DATABASE_URL;
describe('write order on PostgreSQL: no writer waits for another', { skip: pgUrl ? false : 'needs JC_TEST_DATABASE_URL' }, () => {
  const t = suiteApp(backends().find((b) => b.name === 'postgres')!);

  it('two writers’ transactions do not wait on each other for event or audit ordering', async () => {
    const db = t.services.db.kysely;
    const first = held();
    const open = writer(db, 'held-open', first.hold, first.ready);
    await first.started;
    try {
      // The first transaction is still open, holding whatever it took; the second commits regardless.
      await writer(db, 'meanwhile');
    } finally {
      first.release();
      await open;
    }
    await settleWrites(db);
    const audit = await db.selectFrom('audit_log').select('action').where('action', 'in', ['test.held-open', 'test.meanwhile']).execute();
    assert.deepEqual(audit.map((r) => r.action).sort(), ['test.held-open', 'test.meanwhile'], 'both entries chained');
    const events = await eventsAfter(db, 0);
    assert.deepEqual(
      events
        .filter((e) => e.type === 'test.held-open' || e.type === 'test.meanwhile')
        .map((e) => e.type)
        .sort(),
      ['test.held-open', 'test.meanwhile'],
      'both events numbered, once each',
    );
    assert.equal((await verifyAudit(db)).broken, null);
  });

  it('replay never misses an event that commits after a later-numbered one', async () => {
    const db = t.services.db.kysely;
    const hub = t.services.events.hub;
    // The late writer inserts its event first (the lower row id) and commits last.
    const late = held();
    const lateWrite = writer(db, 'late', late.hold, late.ready);
    await late.started;
    await writer(db, 'early');
    await settleWrites(db);
    await hub.wake();
    // A subscriber has everything visible so far, the early event last: that is its Last-Event-ID.
    const seen = (await eventsAfter(db, 0)).filter((e) => e.type === 'test.early' || e.type === 'test.late');
    assert.deepEqual(
      seen.map((e) => e.type),
      ['test.early'],
    );
    const cursor = hub.lastId;
    assert.equal(cursor, seen[0]!.id);
    late.release();
    await lateWrite;
    await settleWrites(db);
    await hub.wake();
    // Resuming after the early event still brings the late one, from the database and from the hub's window.
    assert.deepEqual(
      (await eventsAfter(db, cursor)).map((e) => e.type),
      ['test.late'],
    );
    assert.deepEqual(
      (await hub.eventsAfter(cursor)).map((e) => e.type),
      ['test.late'],
    );
    const all = await eventsAfter(db, 0);
    assert.deepEqual(
      all.map((e) => e.id),
      [...all.map((e) => e.id)].sort((a, b) => a - b),
      'ids rise in delivery order',
    );
  });
});

for (const backend of backends()) {
  describe(`write order with two server processes on one database (${backend.name})`, () => {
    let t: TestApp;
    let other: JusticeConnectApp;
    before(async () => {
      t = await startApp(backend);
      // A second app on the same database and data folder (so the same audit key and secret): a second server process.
      other = await createApp(loadConfig({ JC_DATA_DIR: t.dir, JC_DATABASE_URL: t.databaseUrl, JC_BASE_URL: BASE_URL, JC_LOG_REQUESTS: 'false', JC_WRITE_RATE_PER_MINUTE: '1000000' }));
    });
    after(async () => {
      await other.close();
      await t.dispose();
    });

    it('the audit chain stays total and verifiable after 50 concurrent audited writes over two processes', async () => {
      const admin = await activeUser(t, 'Concurrent Admin', { siteAdmin: true });
      const names = Array.from({ length: 50 }, (_, i) => `Concurrent community ${i}`);
      const results = await Promise.all(names.map((name, i) => call(i % 2 ? other : t, 'POST', '/api/v1/communities', { cookie: admin.cookie, body: { name, visibility: 'public' } })));
      assert.deepEqual(
        results.map((r) => r.status),
        names.map(() => 201),
      );
      const db = t.services.db.kysely;
      // Every request answered after its entry was chained: nothing waits in the outbox.
      assert.equal(Number((await db.selectFrom('audit_outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 0);
      const rows = await db.selectFrom('audit_log').select(['seq', 'details']).where('action', '=', 'POST /api/v1/communities').where('actor_id', '=', admin.userId).execute();
      assert.equal(rows.length, 50, 'one entry per write');
      const verified = await verifyAudit(db);
      assert.equal(verified.broken, null);
      assert.equal(verified.pending, 0);
      const seqs = (await db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
      assert.equal(verified.rows, seqs.length, 'the chain covers every row');
      // Each write's live event has its own delivery number, and the numbers have no duplicates.
      const events = (await eventsAfter(db, 0, 10_000)).filter((e) => e.type === 'community.updated' || e.type === 'membership.changed');
      assert.equal(new Set(events.map((e) => e.id)).size, events.length);
    });
  });
}
