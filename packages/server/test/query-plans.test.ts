import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type JusticeConnectApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { DEMO_USERS, seedDemo } from '../src/seed.ts';
import { BASE_URL, call, signIn } from './helpers.ts';

/*
 * Every list has an index: each read the API makes while the demo portal's
 * lists are fetched is planned by SQLite, and none may scan a whole table
 * except the few that are small by nature or walked whole by design.
 */

/** Tables a read may scan whole: agencies and portal services are short lists; the community tree is walked whole by design (authz.ts). */
const SCANNABLE = new Set(['agency', 'service', 'community']);

describe('query plans (sqlite)', () => {
  let dir: string;
  let app: JusticeConnectApp;
  const reads = new Map<string, unknown[]>();
  const prepare = SQLite.prototype.prepare;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'jc-plans-'));
    // Note each distinct read with the values it first ran with.
    SQLite.prototype.prepare = function (this: SQLite.Database, source: string) {
      const statement = prepare.call(this, source);
      if (!/^\s*(with|select)\b/i.test(source)) return statement;
      for (const method of ['all', 'get'] as const) {
        const run = statement[method] as (...a: unknown[]) => unknown;
        (statement as unknown as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
          if (!reads.has(source)) reads.set(source, args);
          return run.apply(this, args);
        };
      }
      return statement;
    } as typeof SQLite.prototype.prepare;
    app = await createApp(loadConfig({ JC_DATA_DIR: dir, JC_BASE_URL: BASE_URL, JC_LOG_REQUESTS: 'false', JC_SIGN_IN_RATE_PER_MINUTE: '100000' }));
    await seedDemo(app.services);
  });

  after(async () => {
    SQLite.prototype.prepare = prepare;
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads no table whole but the short or tree-shaped ones, for every list the demo portal shows', async () => {
    // The task force's owner, also her agency's administrator: she sees every list the demo has.
    const owner = DEMO_USERS[0]!;
    const { cookie } = await signIn(app, owner.email, owner.password);
    reads.clear();
    const get = async (url: string) => {
      const res = await call(app, 'GET', url, { cookie });
      assert.ok(res.status < 500, `${url}: ${res.status}`);
      return res.body;
    };
    await get('/api/v1/communities');
    const communities = ((await get('/api/v1/communities?scope=all')).items ?? []) as { slug: string }[];
    assert.ok(communities.length > 0, 'the demo communities are listed');
    const urls = ['/api/v1/me', '/api/v1/feed', '/api/v1/services', '/api/v1/announcements', '/api/v1/me/todos', '/api/v1/agencies', '/api/v1/audit'];
    for (const { slug } of communities) {
      for (const tail of ['', '/posts', '/members', '/forums', '/topics', '/activities', '/reports']) urls.push(`/api/v1/communities/${slug}${tail}`);
    }
    urls.push('/api/v1/topics/top_demo_schedule', '/api/v1/topics/top_demo_schedule/replies', '/api/v1/activities/act_demo_peak_times');
    for (const url of urls) await get(url);

    const db = new SQLite(app.services.config.database.url, { readonly: true });
    try {
      const scans: string[] = [];
      for (const [source, args] of reads) {
        const plan = (db.prepare(`explain query plan ${source}`).all(...(args as unknown[])) as { detail: string }[]).map((r) => r.detail);
        for (const step of plan) {
          // A scan of a whole index is a scan too. The one exception: the audit chain's tail,
          // read from the end of its rowid (seq) and stopped after one row.
          const table = /^SCAN (\w+)/.exec(step)?.[1];
          const tail = table === 'audit_log' && /order by "seq" desc limit \?$/.test(source);
          if (table && table !== 'CONSTANT' && !SCANNABLE.has(table) && !tail) scans.push(`${step}: ${source.slice(0, 200)}`);
        }
      }
      assert.ok(reads.size > 20, `the lists made ${reads.size} distinct reads`);
      assert.deepEqual(scans, [], 'reads that scan a whole table');
    } finally {
      db.close();
    }
  });
});
