import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../src/db/database.ts';
import { NOTICE } from '../src/routes/notice.ts';
import { DEMO_AGENCIES, DEMO_PASSWORD, DEMO_USERS, demoTotpSecret } from '../src/seed.ts';
import { currentCode, enrolWithSecret } from '../src/totp.ts';
import { BASE_URL, backends, PASSWORD, TEST_ORI, testSecret, uniqueEmail } from './helpers.ts';
import { SseReader } from './sse.ts';
import { cookieNamed, request, SECRET, signIn, startServer, twoProcesses, type ServerProcess, type TwoProcesses } from './support/processes.ts';

/*
 * Scale-out: real server processes (separate OS processes, `src/main.ts`, as in
 * production) on one database. Two of them on two ports, as two replicas behind
 * a proxy: whatever one process does, the other sees — content, live events,
 * sessions and their revocation, one-time codes, lockouts and rate limits. And
 * one with JC_PROCESSES=2: node:cluster workers sharing one port. On
 * PostgreSQL (the scale-out path, when JC_TEST_DATABASE_URL is set) and on
 * SQLite (several processes on one file, one machine).
 */

async function openStream(server: ServerProcess, cookie: string) {
  const abort = new AbortController();
  const res = await fetch(`${server.base}/api/v1/events`, { headers: { cookie }, signal: abort.signal });
  assert.equal(res.status, 200, 'the live-event stream opens');
  const reader = new SseReader(res);
  await reader.next('ready');
  return { reader, close: () => abort.abort() };
}

for (const backend of backends()) {
  describe(`two server processes on one database (${backend.name})`, () => {
    let two: TwoProcesses;
    let a: ServerProcess;
    let b: ServerProcess;
    let db: Db;
    /** Each account signs in from its own (forwarded) address, so only the limit under test is shared. */
    let address = 0;
    const from = () => ({ 'x-forwarded-for': `192.0.2.${++address}` });

    /** An account made through `on` (sign-up over HTTP), given its authenticator and vetted in the database, as an agency administrator would. */
    async function account(on: ServerProcess, name: string) {
      const email = uniqueEmail('scale');
      const up = await request(on, 'POST', '/api/auth/sign-up/email', { body: { name, email, password: PASSWORD, agencyOri: TEST_ORI }, headers: from() });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      const { id } = await db.kysely.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      await enrolWithSecret(db.kysely, SECRET, id, testSecret(email));
      await db.kysely.updateTable('profile').set({ status: 'active', opted_in: 1 }).where('user_id', '=', id).execute();
      return { email, id, headers: from() };
    }
    /** The account's current code, forgetting the codes it used (so one test may sign it in twice within 30 seconds). */
    async function code(user: { email: string; id: string }) {
      await db.kysely.deleteFrom('totp_used').where('user_id', '=', user.id).execute();
      return currentCode(testSecret(user.email));
    }

    before(async () => {
      // Like two replicas behind one reverse proxy: one database, one secret, one data folder (uploads), the proxy's client address.
      two = await twoProcesses(backend, { JC_TRUST_PROXY: 'true', JC_LOCKOUT_ATTEMPTS: '3', JC_SIGN_IN_RATE_PER_MINUTE: '6' }, 'jc-scale-');
      ({ a, b, db } = two);
    });

    after(async () => {
      const codes = await two?.dispose();
      assert.deepEqual(codes, [0, 0], 'both processes stop cleanly on SIGTERM');
    });

    it('a sign-in started on A finishes on B; the session works on both; a code used on A is refused on B', async () => {
      const officer = await account(a, 'Roaming Officer');
      const used = await code(officer);
      // Password on A, the code with A's challenge on B: the challenge is in the database.
      const cookie = await signIn(a, b, officer.email, used, officer.headers);
      for (const server of [a, b]) {
        const me = await request(server, 'GET', '/api/v1/me', { cookie });
        assert.equal(me.status, 200, `the session works on ${server === a ? 'A' : 'B'}`);
        assert.equal(me.body.id, officer.id);
      }
      // The same code again, within its reuse window: refused on the other process too.
      const first = await request(b, 'POST', '/api/auth/sign-in/email', { body: { email: officer.email, password: PASSWORD }, headers: officer.headers });
      const again = await request(a, 'POST', '/api/auth/two-factor/verify-totp', { cookie: cookieNamed(first, 'two_factor='), body: { code: used }, headers: officer.headers });
      assert.equal(again.status, 401);
      assert.equal(again.body.error.code, 'CODE_ALREADY_USED');
    });

    it('a post written through A is read through B and streamed live on B’s event stream; its file too', async () => {
      const owner = await account(a, 'Post Owner');
      const reader = await account(b, 'Post Reader');
      const ownerCookie = await signIn(a, a, owner.email, await code(owner), owner.headers);
      const readerCookie = await signIn(b, b, reader.email, await code(reader), reader.headers);
      const community = await request(a, 'POST', '/api/v1/communities', { cookie: ownerCookie, body: { name: `Scale-out ${backend.name} ${Date.now()}`, visibility: 'public' } });
      assert.equal(community.status, 201);
      const slug = community.body.slug as string;
      assert.equal((await request(b, 'POST', `/api/v1/communities/${slug}/join`, { cookie: readerCookie })).status, 200);

      const stream = await openStream(b, readerCookie);
      try {
        const form = new FormData();
        form.append('file', new File(['shift,plate\n1,ABC123\n'], 'plates.csv', { type: 'text/csv' }));
        const upload = await fetch(`${a.base}/api/v1/communities/${slug}/files`, { method: 'POST', headers: { origin: BASE_URL, cookie: ownerCookie }, body: form });
        assert.equal(upload.status, 201, await upload.clone().text());
        const file = (await upload.json()) as { id: string; url: string };
        const post = await request(a, 'POST', `/api/v1/communities/${slug}/posts`, { cookie: ownerCookie, body: { type: 'status', body: 'Written through process A', attachmentId: file.id } });
        assert.equal(post.status, 201, JSON.stringify(post.body));

        const live = await stream.reader.next('post.created', (m) => m.data.payload.postId === post.body.id);
        assert.equal(live.data.payload.slug, slug, 'B streams the post A wrote');
        const read = await request(b, 'GET', `/api/v1/posts/${post.body.id}`, { cookie: readerCookie });
        assert.equal(read.status, 200);
        assert.equal(read.body.body, 'Written through process A');
        const page = await request(b, 'GET', `/api/v1/communities/${slug}/posts`, { cookie: readerCookie });
        assert.ok(page.body.items.some((p: { id: string }) => p.id === post.body.id), 'B lists it');
        const download = await fetch(b.base + file.url, { headers: { cookie: readerCookie } });
        assert.equal(download.status, 200, 'B serves the file A stored (the processes share JC_DATA_DIR)');
        assert.equal(await download.text(), 'shift,plate\n1,ABC123\n');
      } finally {
        stream.close();
      }
    });

    it('signing out on A ends the session on B at once, and its live stream there', async () => {
      const officer = await account(b, 'Signing Out Officer');
      const cookie = await signIn(b, b, officer.email, await code(officer), officer.headers);
      const stream = await openStream(b, cookie);
      try {
        assert.equal((await request(a, 'POST', '/api/auth/sign-out', { cookie, headers: officer.headers })).status, 200);
        // Well before a heartbeat's session check (every 20 s): the revocation event crossed processes.
        const end = await stream.reader.next('end', undefined, 5000);
        assert.equal(end.data.reason, 'revoked');
        for (const server of [a, b]) assert.equal((await request(server, 'GET', '/api/v1/me', { cookie })).status, 401);
      } finally {
        stream.close();
      }
    });

    it('failed passwords split across A and B lock the account on both, and end its session on B', async () => {
      const officer = await account(a, 'Locked Officer');
      const cookie = await signIn(b, b, officer.email, await code(officer), officer.headers);
      const wrong = (on: ServerProcess) => request(on, 'POST', '/api/auth/sign-in/email', { body: { email: officer.email, password: 'not the password at all' }, headers: officer.headers });
      assert.equal((await wrong(a)).status, 401, 'failure 1, on A');
      assert.equal((await wrong(b)).status, 401, 'failure 2, on B');
      const third = await wrong(a);
      assert.equal(third.status, 403, 'failure 3, on A: the lockout (JC_LOCKOUT_ATTEMPTS=3) counted both');
      assert.equal(third.body.error.code, 'ACCOUNT_LOCKED');
      for (const server of [b, a]) {
        const right = await request(server, 'POST', '/api/auth/sign-in/email', { body: { email: officer.email, password: PASSWORD }, headers: officer.headers });
        assert.equal(right.body.error?.code, 'ACCOUNT_LOCKED', 'the right password changes nothing, on either');
      }
      assert.equal((await request(b, 'GET', '/api/v1/me', { cookie })).status, 401, 'the session made on B ended with the lockout');
    });

    it('counts sign-in attempts from one address on A and B together (JC_SIGN_IN_RATE_PER_MINUTE=6)', async () => {
      // A token bucket (security.ts), shared in the database: six at once, then one every ten seconds; no clock minute to wait for.
      const attacker = { 'x-forwarded-for': '203.0.113.9' };
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const server = i % 2 === 0 ? a : b;
        const res = await request(server, 'POST', '/api/auth/sign-in/email', { body: { email: uniqueEmail('nobody'), password: 'guessing guessing' }, headers: attacker });
        statuses.push(res.status);
        if (res.status === 429) assert.equal(res.body.error.code, 'RATE_LIMITED');
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 429, 429], 'the 7th and 8th are refused, on A and on B');
      // Another client behind the same proxy is not held back by it.
      const other = await request(b, 'POST', '/api/auth/sign-in/email', { body: { email: uniqueEmail('nobody'), password: 'guessing guessing' }, headers: { 'x-forwarded-for': '203.0.113.10' } });
      assert.equal(other.status, 401);
    });
  });

  describe(`JC_PROCESSES=2: one port, node:cluster (${backend.name})`, () => {
    it('migrates and seeds once, serves from both workers, replaces a killed one, and stops them all on SIGTERM', { timeout: 60_000 }, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'jc-cluster-'));
      const database = await backend.create(dir);
      let server: ServerProcess | undefined;
      try {
        server = await startServer({ JC_PROCESSES: '2', JC_SEED: 'demo', JC_DATA_DIR: dir, JC_DATABASE_URL: database.url });
        const s = server;
        assert.match(s.output(), /database: \w+, 2 processes/);
        const pids = [...s.output().matchAll(/\[cluster\] process (\d+) started/g)].map((m) => Number(m[1]));
        assert.equal(pids.length, 2);
        assert.equal(s.output().match(/Seeded demo agencies and users/g)?.length, 1, 'the primary seeded, once');
        const agencies = await request(s, 'GET', '/api/v1/agencies');
        assert.equal(agencies.body.items.length, DEMO_AGENCIES.length);

        // A demo account signs in (its steps may land on either worker) and opens a live stream.
        const dana = DEMO_USERS[0]!;
        const first = await request(s, 'POST', '/api/auth/sign-in/email', { body: { email: dana.email, password: DEMO_PASSWORD } });
        assert.equal(first.status, 200);
        const second = await request(s, 'POST', '/api/auth/two-factor/verify-totp', { cookie: cookieNamed(first, 'two_factor='), body: { code: await currentCode(demoTotpSecret(dana.email)) } });
        assert.equal(second.status, 200);
        const cookie = cookieNamed(second, 'session_token=')!;
        assert.equal((await request(s, 'POST', '/api/v1/notice/accept', { cookie, body: { version: NOTICE.version } })).status, 200);
        for (let i = 0; i < 6; i++) assert.equal((await request(s, 'GET', '/api/v1/me', { cookie })).status, 200);

        // A worker dies: the primary starts another, and the port keeps answering.
        process.kill(pids[0]!, 'SIGKILL');
        await s.waitFor(new RegExp(`process ${pids[0]} exited \\(SIGKILL\\)`));
        const replacement = Number((await s.waitFor(new RegExp(`process ${pids[0]} exited[\\s\\S]*process (\\d+) listening`)))[1]);
        assert.ok(!pids.includes(replacement), 'a new process listens');
        for (let i = 0; i < 6; i++) assert.equal((await request(s, 'GET', '/api/v1/me', { cookie })).status, 200);

        // SIGTERM to the primary: the live stream is told, every process exits, and the primary with 0.
        const stream = await openStream(s, cookie);
        const stopping = Date.now();
        const code = await s.stop();
        const end = await stream.reader.next('end');
        assert.equal(end.data.reason, 'shutdown');
        assert.equal(code, 0);
        assert.ok(Date.now() - stopping < 4000, 'the streams did not hold the shutdown up (each process gives up waiting after 5 s)');
        assert.match(s.output(), /all processes stopped/);
        for (const pid of [pids[1]!, replacement]) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `process ${pid} is gone`);
      } finally {
        await server?.stop();
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
