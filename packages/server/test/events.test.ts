import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeUser, backends, call, startApp, suiteApp, type TestApp } from './helpers.ts';
import { SseReader } from './sse.ts';
import { openDatabase } from '../src/db/database.ts';
import { recordEvent } from '../src/events/events.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function open(t: TestApp, cookie: string, headers: Record<string, string> = {}, query = '') {
  const abort = new AbortController();
  const res = t.app.request(`/api/v1/events${query}`, { headers: { cookie, ...headers }, signal: abort.signal });
  return { abort, res };
}

async function subscribe(t: TestApp, cookie: string, headers: Record<string, string> = {}, query = '') {
  const { abort, res } = open(t, cookie, headers, query);
  const response = await res;
  assert.equal(response.status, 200, await (response.status === 200 ? Promise.resolve('') : response.clone().text()));
  const reader = new SseReader(response);
  await reader.next('ready');
  return { reader, close: () => abort.abort() };
}

for (const backend of backends()) {
  describe(`live events (${backend.name})`, () => {
    const t = suiteApp(backend, { JC_MAX_STREAMS_PER_USER: '3', JC_HEARTBEAT_SECONDS: '1' });
    let owner: { cookie: string; userId: string };
    before(async () => {
      owner = await activeUser(t, 'Stream Owner');
    });

    async function community(visibility: 'public' | 'moderated' | 'restricted') {
      const res = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: `Live ${visibility} ${Math.random()}`, visibility } });
      assert.equal(res.status, 201);
      return res.body as { id: string; slug: string };
    }
    /** A new public community, and a new active user (named `name`) who has joined it. */
    async function joinedPublic(name: string) {
      const c = await community('public');
      const member = await activeUser(t, name);
      await call(t, 'POST', `/api/v1/communities/${c.slug}/join`, { cookie: member.cookie });
      return { c, member };
    }
    const touch = (slug: string, description: string) => call(t, 'PATCH', `/api/v1/communities/${slug}`, { cookie: owner.cookie, body: { description } });

    it('needs a session, and bounds the streams one user holds', async () => {
      const anon = await t.app.request('/api/v1/events');
      assert.equal(anon.status, 401);
      const u = await activeUser(t, 'Many Tabs');
      const streams = [await subscribe(t, u.cookie), await subscribe(t, u.cookie), await subscribe(t, u.cookie)];
      const fourth = await t.app.request('/api/v1/events', { headers: { cookie: u.cookie } });
      assert.equal(fourth.status, 429);
      assert.equal(((await fourth.json()) as { error: { code: string } }).error.code, 'TOO_MANY_STREAMS');
      streams.forEach((s) => s.close());
    });

    it('delivers a change live, with a monotonic id, and heartbeats while idle', async () => {
      const { c, member } = await joinedPublic('Live Member');
      const s = await subscribe(t, member.cookie);
      await touch(c.slug, 'one');
      await touch(c.slug, 'two');
      await s.reader.until(() => s.reader.events('community.updated').length >= 2, 'two updates');
      const [a, b] = s.reader.events('community.updated');
      assert.ok(Number(b!.id) > Number(a!.id));
      assert.equal(a!.data.communityId, c.id);
      assert.equal(a!.data.payload.slug, c.slug);
      await s.reader.until(() => s.reader.comments > 0, 'a heartbeat', 3000);
      s.close();
    });

    it('gives a client that reconnects with Last-Event-ID every event it missed, in order, exactly once', async () => {
      const { c, member } = await joinedPublic('Reconnecting Member');
      const first = await subscribe(t, member.cookie);
      await touch(c.slug, 'seen');
      const seen = await first.reader.next('community.updated');
      first.close();
      for (const d of ['missed 1', 'missed 2', 'missed 3']) await touch(c.slug, d);
      const again = await subscribe(t, member.cookie, { 'last-event-id': seen.id! });
      await touch(c.slug, 'live after reconnect');
      await again.reader.until(() => again.reader.events('community.updated').length >= 4, 'missed and live events');
      const ids = again.reader.events().map((m) => Number(m.id));
      assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'in order');
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      assert.ok(ids.every((id) => id > Number(seen.id)), 'nothing from before the cursor');
      assert.equal(again.reader.events('community.updated').length, 4);
      // ?since= works the same way.
      const viaQuery = await subscribe(t, member.cookie, {}, `?since=${seen.id}`);
      await viaQuery.reader.until(() => viaQuery.reader.events('community.updated').length >= 4, 'replay via since');
      again.close();
      viaQuery.close();
    });

    it('tells a client that is further behind than the retention window to resync', async () => {
      const u = await activeUser(t, 'Late Client');
      const c = await community('public');
      await touch(c.slug, 'a');
      await touch(c.slug, 'b');
      const max = Number((await t.services.db.kysely.selectFrom('event').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow()).m);
      await t.services.db.kysely.deleteFrom('event').where('id', '<', max).execute(); // as retention would
      const s = await subscribe(t, u.cookie, { 'last-event-id': '1' });
      const resync = s.reader.messages.find((m) => m.event === 'resync');
      assert.ok(resync, 'a resync event comes first');
      assert.equal(resync!.data.reason, 'too-far-behind');
      s.close();
    });

    it('never sends a restricted community’s events to an outsider; a removed member stops receiving them', async () => {
      const r = await community('restricted');
      const member = await activeUser(t, 'Restricted Member');
      const outsider = await activeUser(t, 'Outsider Listener');
      await call(t, 'POST', `/api/v1/communities/${r.slug}/invitations`, { cookie: owner.cookie, body: { userId: member.userId } });
      await call(t, 'POST', `/api/v1/communities/${r.slug}/join`, { cookie: member.cookie });
      const m = await subscribe(t, member.cookie);
      const o = await subscribe(t, outsider.cookie);
      await touch(r.slug, 'for members');
      await m.reader.next('community.updated', (x) => x.data.communityId === r.id);
      assert.equal((await call(t, 'DELETE', `/api/v1/communities/${r.slug}/members/${member.userId}`, { cookie: owner.cookie })).status, 200);
      const removed = await m.reader.next('membership.changed', (x) => x.data.payload.action === 'removed');
      assert.equal(removed.data.userId, member.userId, 'the member hears of their own removal');
      await touch(r.slug, 'after removal');
      // A later event each of them may read, as a marker: nothing about r arrives before it.
      const p = await community('public');
      await m.reader.next('community.created', (x) => x.data.communityId === p.id);
      await o.reader.next('community.created', (x) => x.data.communityId === p.id);
      const afterRemoval = m.reader.events().filter((x) => Number(x.id) > Number(removed.id) && x.data.communityId === r.id);
      assert.deepEqual(afterRemoval, [], 'no event about r after the removal');
      assert.deepEqual(o.reader.events().filter((x) => x.data.communityId === r.id), [], 'the outsider never hears of r');
      m.close();
      o.close();
    });

    it('ends the stream at once when the session signs out or the account is suspended', async () => {
      const u = await activeUser(t, 'Signing Out');
      const s = await subscribe(t, u.cookie);
      assert.equal((await call(t, 'POST', '/api/auth/sign-out', { cookie: u.cookie })).status, 200);
      const end = await s.reader.next('end');
      assert.equal(end.data.reason, 'revoked');
      await s.reader.until(() => s.reader.ended, 'the stream to close');

      const admin = await activeUser(t, 'Stream Admin', { siteAdmin: true });
      const v = await activeUser(t, 'Suspended Listener');
      const s2 = await subscribe(t, v.cookie);
      assert.equal((await call(t, 'POST', `/api/v1/users/${v.userId}/suspend`, { cookie: admin.cookie })).status, 200);
      await s2.reader.next('end');
      await s2.reader.until(() => s2.reader.ended, 'the stream to close');
    });

    if (backend.name === 'postgres') {
      it('delivers an event written on one server process to a subscriber on another', async () => {
        const port = 18000 + Math.floor(Math.random() * 2000);
        const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../src/main.ts')], {
          env: {
            ...process.env,
            PORT: String(port),
            HOST: '127.0.0.1',
            JC_DATABASE_URL: t.databaseUrl,
            JC_DATA_DIR: t.dir,
            JC_SEED: 'none',
            JC_LOG_REQUESTS: 'false',
            JC_BASE_URL: 'http://localhost:8787',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        try {
          let out = '';
          child.stdout!.on('data', (d) => (out += d));
          child.stderr!.on('data', (d) => (out += d));
          const deadline = Date.now() + 20000;
          while (!/JusticeConnect on/.test(out)) {
            if (Date.now() > deadline || child.exitCode !== null) throw new Error(`second process did not start:\n${out}`);
            await new Promise((r) => setTimeout(r, 100));
          }
          const { c, member } = await joinedPublic('Other Process Member');
          const abort = new AbortController();
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, { headers: { cookie: member.cookie }, signal: abort.signal });
          assert.equal(res.status, 200);
          const reader = new SseReader(res);
          await reader.next('ready');
          await touch(c.slug, 'written on process one');
          const got = await reader.next('community.updated', (m) => m.data.communityId === c.id);
          assert.equal(got.data.payload.slug, c.slug);
          abort.abort();
        } finally {
          child.kill('SIGTERM');
          await once(child, 'exit');
        }
      });
    }

    it('closes open streams cleanly when the server shuts down', async () => {
      const other = await startApp(backend);
      const u = await activeUser(other, 'Shutdown Listener');
      const s = await subscribe(other, u.cookie);
      await other.dispose();
      const end = await s.reader.next('end');
      assert.equal(end.data.reason, 'shutdown');
      await s.reader.until(() => s.reader.ended, 'the stream to close');
    });
  });
}

describe('live events: a commit by another connection just after the server starts (sqlite)', () => {
  it('reaches the hub: the watch compares with the version read at start, not at its first poll', async () => {
    const sqlite = backends().find((b) => b.name === 'sqlite')!;
    const t = await startApp(sqlite);
    try {
      // Another process's write, at once: before the watch's first poll (a quarter second in).
      const other = openDatabase({ kind: 'sqlite', url: t.databaseUrl });
      await recordEvent(other.kysely, { type: 'service.changed', payload: { serviceId: 'n-dex', reason: 'status' } });
      const { id } = await other.kysely.selectFrom('event').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
      await other.close();
      // Real time: the watch polls the file every 250 ms; it must notice within a few polls.
      const deadline = Date.now() + 3000;
      while (t.services.events.hub.lastId < Number(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      assert.equal(t.services.events.hub.lastId, Number(id), 'the hub read the event another connection committed');
    } finally {
      await t.dispose();
    }
  });
});
