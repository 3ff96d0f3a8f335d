import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { banner } from '../src/banner.ts';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration from the environment', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-config-'));
  const base = { JC_DATA_DIR: dir };

  it('defaults to SQLite in the data folder on port 8787', () => {
    const c = loadConfig(base);
    assert.equal(c.port, 8787);
    assert.equal(c.baseUrl, 'http://localhost:8787');
    assert.deepEqual(c.database, { kind: 'sqlite', url: path.join(dir, 'justiceconnect.sqlite') });
  });

  it('selects PostgreSQL from a postgres URL in JC_DATABASE_URL or DATABASE_URL', () => {
    assert.equal(loadConfig({ ...base, DATABASE_URL: 'postgres://u@h/db' }).database.kind, 'postgres');
    assert.equal(loadConfig({ ...base, JC_DATABASE_URL: 'postgresql://u@h/db', DATABASE_URL: '/tmp/x.sqlite' }).database.kind, 'postgres');
  });

  it('reads the allow-list as origins', () => {
    const c = loadConfig({ ...base, JC_TRUSTED_ORIGINS: 'https://portal.state.gov/home, http://localhost:5173' });
    assert.deepEqual(c.trustedOrigins, ['https://portal.state.gov', 'http://localhost:5173']);
  });

  it('runs one process unless JC_PROCESSES asks for more', () => {
    assert.equal(loadConfig(base).processes, 1);
    assert.equal(loadConfig({ ...base, JC_PROCESSES: '4' }).processes, 4);
    for (const bad of ['0', '-2', '1.5', 'many']) assert.throws(() => loadConfig({ ...base, JC_PROCESSES: bad }), /JC_PROCESSES/);
  });

  it('names the variable that is wrong', () => {
    assert.throws(() => loadConfig({ ...base, PORT: 'eighty' }), (e: Error) => e instanceof ConfigError && /PORT/.test(e.message));
    assert.throws(() => loadConfig({ ...base, JC_TRUSTED_ORIGINS: 'not a url' }), /JC_TRUSTED_ORIGINS/);
    assert.throws(() => loadConfig({ ...base, JC_SEED: 'lots' }), /JC_SEED/);
  });

  it('creates a secret once, readable by the owner only, and keeps it', () => {
    const a = loadConfig(base).authSecret;
    const b = loadConfig(base).authSecret;
    assert.equal(a, b);
    assert.ok(a.length >= 32);
    const file = path.join(dir, 'auth-secret');
    assert.equal(readFileSync(file, 'utf8'), a);
    assert.equal(statSync(file).mode & 0o077, 0);
    assert.equal(loadConfig({ ...base, JC_AUTH_SECRET: 'x'.repeat(40) }).authSecret, 'x'.repeat(40));
    rmSync(dir, { recursive: true, force: true });
  });
  it('prints the trusted origins at start, and what to set when only its own pages may use the widgets', () => {
    const own = banner(loadConfig(base));
    assert.match(own, /^ {2}trusted origins \(pages that may use the widgets\): http:\/\/localhost:8787$/m);
    assert.match(own, /set JC_TRUSTED_ORIGINS/);
    const listed = banner(loadConfig({ ...base, JC_TRUSTED_ORIGINS: 'https://portal.state.gov, http://localhost:8787' }));
    assert.match(listed, /^ {2}trusted origins \(pages that may use the widgets\): http:\/\/localhost:8787, https:\/\/portal\.state\.gov$/m);
    assert.doesNotMatch(listed, /set JC_TRUSTED_ORIGINS/);
  });
});
