import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { GENESIS, legacyRowHash } from '../src/audit-chain.ts';
import { createApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { activeUser, backends, BASE_URL, call, startApp, type TestApp } from './helpers.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `npm run audit:verify` against a test app's database and data folder, as an operator runs it. */
function verify(t: TestApp, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'audit:verify', ...(args.length ? ['--', ...args] : [])], {
      cwd: serverDir,
      env: { ...process.env, JC_DATA_DIR: t.dir, JC_DATABASE_URL: t.databaseUrl, JC_LOG_REQUESTS: 'false', ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** audit:verify's verdict on `t`'s log: its exit code, and `verdict` in what it says (all of which is returned, for more checks). */
async function assertVerdict(t: TestApp, code: 0 | 1, verdict: RegExp, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const result = await verify(t, args, env);
  assert.equal(result.code, code, result.out);
  assert.match(result.out, verdict);
  return result.out;
}

/** An app with some 30 audit rows and a checkpoint at their head. */
async function loggedApp(backend: ReturnType<typeof backends>[number]) {
  const t = await startApp(backend);
  const admin = await activeUser(t, 'Chain Site Admin', { siteAdmin: true });
  const made = await call(t, 'POST', '/api/v1/communities', { cookie: admin.cookie, body: { name: `Chained ${Math.random()}`, visibility: 'public' } });
  assert.equal(made.status, 201);
  for (let i = 0; i < 25; i++) {
    assert.equal((await call(t, 'PATCH', `/api/v1/communities/${made.body.slug}`, { cookie: admin.cookie, body: { description: `edit ${i}` } })).status, 200);
  }
  const seq = await t.services.schedule.checkpoint();
  assert.ok(seq !== null && seq >= 30, 'a checkpoint of the head');
  return t;
}

/** What someone with database access (and not the key) can do: lift the append-only guard. */
async function liftGuard(t: TestApp) {
  const db = t.services.db.kysely;
  if (t.services.db.dialect.kind === 'postgres') await sql`alter table audit_log disable trigger audit_log_no_change`.execute(db);
  else {
    await sql`drop trigger audit_log_no_update`.execute(db);
    await sql`drop trigger audit_log_no_delete`.execute(db);
  }
}

for (const backend of backends()) {
  describe(`audit chain: keyed, with checkpoints outside the database (${backend.name})`, () => {
    const apps: TestApp[] = [];
    after(async () => {
      for (const t of apps) await t.dispose();
    });
    /** A logged app whose append-only guard is lifted, as someone with database access (and not the key) can. */
    const unguardedApp = async () => {
      const t = await loggedApp(backend);
      apps.push(t);
      await liftGuard(t);
      return t;
    };

    it('audit:verify says "intact" for an untouched log, checkpoints included', async () => {
      const t = await loggedApp(backend);
      apps.push(t);
      // Rows after the last checkpoint are fine too.
      await activeUser(t, 'Later Officer');
      const lines = readFileSync(path.join(t.dir, 'audit-checkpoints.jsonl'), 'utf8').trim().split('\n');
      assert.equal(lines.length, 1, 'one checkpoint in the default file sink');
      const checkpoint = JSON.parse(lines[0]!);
      assert.deepEqual(Object.keys(checkpoint).sort(), ['at', 'hash', 'keyedFrom', 'kid', 'seq', 'sig']);
      const head = await t.services.db.kysely.selectFrom('audit_log').select('hash').where('seq', '=', checkpoint.seq).executeTakeFirstOrThrow();
      assert.equal(checkpoint.hash, head.hash);
      assert.match(head.hash, /^k1:[0-9a-f]{64}$/, 'rows are keyed');
      const out = await assertVerdict(t, 0, /^intact\b/m);
      assert.match(out, /1 of 1 checkpoints matched/);
      assert.doesNotMatch(out, /tampered/);
    });

    it('audit:verify says "tampered" for one edited row with every hash recomputed (with or without the keyed format)', async () => {
      const t = await unguardedApp();
      const db = t.services.db.kysely;
      const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      const victim = rows[10]!;
      // Edit one row, then recompute every hash and link after it, as the key-less attacker can:
      // first keeping the keyed format…
      const rewrite = async (hash: (h: string) => string) => {
        let prev = GENESIS;
        for (const r of rows) {
          const row = { ...r, prev_hash: prev, outcome: r.seq === victim.seq ? ('failure' as const) : r.outcome };
          const h = hash(legacyRowHash(row));
          await db.updateTable('audit_log').set({ outcome: row.outcome, prev_hash: prev, hash: h }).where('seq', '=', r.seq).execute();
          prev = h;
        }
      };
      await rewrite((h) => `k1:${h}`);
      await assertVerdict(t, 1, /^tampered\b/m);
      // …then as a plain SHA-256 chain from the start, which verifies by itself: the checkpoint gives it away.
      await rewrite((h) => h);
      assert.doesNotMatch(await assertVerdict(t, 1, /^tampered\b/m), /intact/);
    });

    it('audit:verify says "tampered" when the last 20 rows are deleted', async () => {
      const t = await unguardedApp();
      const db = t.services.db.kysely;
      const last = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(20).execute();
      await db.deleteFrom('audit_log').where('seq', '>=', last[last.length - 1]!.seq).execute();
      assert.match(await assertVerdict(t, 1, /^tampered\b/m), /missing/);
    });

    it('checkpoints go to syslog when told, and audit:verify holds the log to the collected lines', async () => {
      const receiver = createSocket('udp4');
      receiver.bind(0, '127.0.0.1');
      await once(receiver, 'listening');
      const port = receiver.address().port;
      const received = once(receiver, 'message');
      const sink = `syslog://127.0.0.1:${port}`;
      const t = await startApp(backend, { JC_AUDIT_CHECKPOINTS: sink });
      apps.push(t);
      try {
        await activeUser(t, 'Syslogged Officer');
        const seq = await t.services.schedule.checkpoint();
        const [message] = (await received) as [Buffer];
        const line = message.toString();
        assert.match(line, /^<110>1 \S+ \S+ justiceconnect \d+ audit-checkpoint - \{/, 'RFC 5424, facility log audit');
        assert.equal(JSON.parse(line.slice(line.indexOf('{'))).seq, seq);
        const collected = path.join(t.dir, 'collected.log');
        writeFileSync(collected, `${line}\n`);
        await assertVerdict(t, 0, /^intact\b.*1 of 1 checkpoints matched/m, ['--checkpoints', collected], { JC_AUDIT_CHECKPOINTS: sink });
      } finally {
        receiver.close();
      }
    });

    it('an existing plain SHA-256 log carries over: the server marks where the keyed chain starts, and verify holds each part to its own hash', async () => {
      const t = await startApp(backend);
      apps.push(t);
      const db = t.services.db.kysely;
      // A log as the server wrote it before the key: plain SHA-256 rows.
      let prev = GENESIS;
      for (let i = 0; i < 5; i++) {
        const row = { at: new Date().toISOString(), actor_id: null, actor_agency_id: null, action: `old.${i}`, target: null, outcome: 'success' as const, ip: null, user_agent: null, details: '{}', prev_hash: prev };
        prev = legacyRowHash(row);
        await db.insertInto('audit_log').values({ ...row, hash: prev }).execute();
      }
      // Started again on it (the upgrade): the keyed chain begins after the old rows, and that point is signed outside at once.
      const again = await createApp(loadConfig({ JC_DATA_DIR: t.dir, JC_DATABASE_URL: t.databaseUrl, JC_BASE_URL: BASE_URL, JC_LOG_REQUESTS: 'false' }));
      await again.close();
      const marker = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      assert.equal(marker.action, 'audit.chain-keyed');
      assert.equal(marker.prev_hash, prev);
      assert.match(marker.hash, /^k1:/);
      await assertVerdict(t, 0, /^intact\b.*5 of them from before the keyed chain/m);
      // An unkeyed row where the chain is keyed is refused, even one whose plain hash holds.
      const row = { at: new Date().toISOString(), actor_id: null, actor_agency_id: null, action: 'forged', target: null, outcome: 'success' as const, ip: null, user_agent: null, details: '{}', prev_hash: marker.hash };
      await db.insertInto('audit_log').values({ ...row, hash: legacyRowHash(row) }).execute();
      await assertVerdict(t, 1, /^tampered\b.*unkeyed/m);
    });
  });
}

describe('the audit key and checkpoint sink settings', () => {
  it('keep the key out of the database: generated 0600 beside it, never in its file, or taken from JC_AUDIT_KEY; a verifier never makes one up', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jc-audit-key-'));
    try {
      assert.throws(() => loadConfig({ JC_DATA_DIR: dir }, { createAuditKey: false }), ConfigError, 'audit:verify with no key reports it, not a fresh key');
      const c = loadConfig({ JC_DATA_DIR: dir });
      const file = path.join(dir, 'audit.key');
      assert.equal(c.audit.keySource, file);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(readFileSync(file, 'utf8').trim(), c.audit.key);
      assert.equal(loadConfig({ JC_DATA_DIR: dir }).audit.key, c.audit.key, 'the same key on the next start');
      assert.throws(() => loadConfig({ JC_DATA_DIR: dir, JC_AUDIT_KEY_FILE: path.join(dir, 'justiceconnect.sqlite') }), /may not live in the database file/);
      assert.throws(() => loadConfig({ JC_DATA_DIR: dir, JC_AUDIT_KEY: 'short' }), /JC_AUDIT_KEY/);
      assert.equal(loadConfig({ JC_DATA_DIR: dir, JC_AUDIT_KEY: 'k'.repeat(40) }).audit.keySource, 'JC_AUDIT_KEY');
      assert.deepEqual(c.audit.checkpoints, { kind: 'file', path: path.join(dir, 'audit-checkpoints.jsonl') });
      assert.deepEqual(loadConfig({ JC_DATA_DIR: dir, JC_AUDIT_CHECKPOINTS: 'stdout' }).audit.checkpoints, { kind: 'stdout' });
      assert.deepEqual(loadConfig({ JC_DATA_DIR: dir, JC_AUDIT_CHECKPOINTS: 'syslog://logs.example:5514' }).audit.checkpoints, { kind: 'syslog', host: 'logs.example', port: 5514 });
      assert.equal(c.audit.checkpointSeconds, 300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
