import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { DEMO_AGENCIES, DEMO_USERS, seedDemo } from '../src/seed.ts';
import { BASE_URL, backends, call, signIn, type Backend } from './helpers.ts';

async function freshDatabase(backend: Backend) {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-data-'));
  const database = await backend.create(dir);
  const config = loadConfig({ JC_DATA_DIR: dir, JC_DATABASE_URL: database.url, JC_BASE_URL: BASE_URL, JC_LOG_REQUESTS: 'false' });
  return {
    config,
    async drop() {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

for (const backend of backends()) {
  describe(`data layer (${backend.name})`, () => {
    let fresh: Awaited<ReturnType<typeof freshDatabase>>;
    before(async () => {
      fresh = await freshDatabase(backend);
    });
    after(() => fresh.drop());

    it('migrates better-auth and JusticeConnect tables together, and again without change', async () => {
      const first = await createApp(fresh.config);
      const tables = (await first.services.db.kysely.introspection.getTables()).map((t) => t.name);
      for (const name of ['user', 'session', 'account', 'verification', 'agency', 'profile']) {
        assert.ok(tables.includes(name), `table ${name} exists`);
      }
      await seedDemo(first.services);
      await first.close();
      // Several processes start at once on one database: each migrates or waits, none fails.
      const [a, b] = await Promise.all([createApp(fresh.config), createApp(fresh.config)]);
      const count = await a.services.db.kysely.selectFrom('agency').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), DEMO_AGENCIES.length, 'data survives a restart');
      await Promise.all([a.close(), b.close()]);
    });

    it('seeds demo agencies and users once; a demo user signs in with the printed password', async () => {
      const app = await createApp(fresh.config);
      assert.equal(await seedDemo(app.services), false, 'seeding an already-seeded database does nothing');
      const u = DEMO_USERS[0]!;
      // The printed password, then the demo account's code (npm run demo:code), then the notice.
      const { cookie } = await signIn(app, u.email, u.password);
      const me = await call(app, 'GET', '/api/v1/me', { cookie });
      assert.equal(me.body.name, u.name);
      assert.equal(me.body.agency.ori, u.ori);
      await app.close();
    });

    it('keeps profiles tied to their user: foreign keys are enforced', async () => {
      const app = await createApp(fresh.config);
      await assert.rejects(
        app.services.db.kysely
          .insertInto('profile')
          .values({ user_id: 'no-such-user', agency_id: null, title: null, mobile: null, opted_in: 0, opted_in_at: null, created_at: 'x', updated_at: 'x' })
          .execute(),
      );
      await app.close();
    });

    if (backend.name === 'sqlite') {
      it('runs SQLite in WAL mode with synchronous=FULL and foreign keys on', async () => {
        const app = await createApp(fresh.config);
        const db = app.services.db.kysely;
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
        const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
        const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
        assert.equal(mode.rows[0]?.journal_mode, 'wal');
        assert.equal(sync.rows[0]?.synchronous, 2);
        assert.equal(fk.rows[0]?.foreign_keys, 1);
        await app.close();
      });
    }
  });
}
