import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { activate, call, signUpAndIn, TEST_ORI } from './helpers.ts';

/*
 * A writer process killed with SIGKILL in the middle of a write load, 50
 * times: after each kill the SQLite file passes PRAGMA integrity_check, and
 * every write the server acknowledged with a 2xx is there. (SQLite in WAL
 * mode with synchronous=FULL; each write is one transaction.)
 */

const ROUNDS = Number(process.env.JC_CRASH_ROUNDS ?? 50);
const SECRET = 'crash-test-secret-crash-test-secret-crash';

function startWriter(dir: string, file: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'support', 'crash-writer.ts'), dir, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
}

describe('crash safety (sqlite)', () => {
  it(`keeps every acknowledged write and a sound file through ${ROUNDS} kills mid-write`, { timeout: 15 * 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jc-crash-'));
    const file = path.join(dir, 'crash.sqlite');
    try {
      // Set up once, in-process: a signed-in member of a community.
      const config = loadConfig({ JC_DATA_DIR: dir, JC_DATABASE_URL: file, JC_LOG_REQUESTS: 'false', JC_AUTH_SECRET: SECRET, JC_BASE_URL: 'http://localhost:8787' });
      const setup = await createApp(config);
      await setup.services.db.kysely.insertInto('agency').values({ id: 'agency-test', name: 'Test Agency', ori: TEST_ORI, created_at: new Date().toISOString() }).execute();
      const writer = await signUpAndIn(setup, 'Crash Writer');
      await activate(setup, writer.userId);
      const community = await call(setup, 'POST', '/api/v1/communities', { cookie: writer.cookie, body: { name: 'Crash test', visibility: 'public' } });
      assert.equal(community.status, 201);
      await setup.close();

      const acknowledged: string[] = [];
      const failures: string[] = [];
      let n = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const { child, port } = await startWriter(dir, file);
        const exited = new Promise((r) => child.once('exit', r));
        let stop = false;
        // Eight writers at once, until the kill.
        const load = Array.from({ length: 8 }, async () => {
          while (!stop) {
            const body = `crash write ${++n}`;
            try {
              const res = await fetch(`http://127.0.0.1:${port}/api/v1/communities/${community.body.slug}/posts`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', cookie: writer.cookie, origin: 'http://localhost:8787' },
                body: JSON.stringify({ body }),
              });
              if (res.status >= 200 && res.status < 300) {
                await res.arrayBuffer();
                acknowledged.push(body);
              }
              else if (res.status !== 429) failures.push(`${res.status} ${await res.text().catch(() => "")}`);
            } catch {
              // The process died mid-request: this write was never acknowledged.
            }
          }
        });
        // Kill once this round has had a few writes through, while eight more are in flight.
        const before = acknowledged.length;
        while (acknowledged.length < before + 3) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
        child.kill('SIGKILL');
        await exited;
        stop = true;
        await Promise.all(load);
        const db = new Database(file);
        try {
          const check = db.pragma('integrity_check', { simple: true });
          assert.equal(check, 'ok', `integrity after kill ${round + 1}`);
          const stored = new Set((db.prepare('select body from post').all() as { body: string }[]).map((r) => r.body));
          const missing = acknowledged.filter((b) => !stored.has(b));
          assert.deepEqual(missing, [], `acknowledged writes missing after kill ${round + 1}`);
        } finally {
          db.close();
        }
      }
      assert.deepEqual(failures.slice(0, 3), [], 'no write was refused');
      assert.ok(acknowledged.length >= ROUNDS * 3, `writes were acknowledged between kills (${acknowledged.length})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
