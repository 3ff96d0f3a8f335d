import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../src/clock.ts';
import { activeUser, activeUsers, backends, BASE_URL, call, startApp, suiteApp, type TestApp } from './helpers.ts';
import * as files from './support/files.ts';

type User = { cookie: string; userId: string };
const HOUR = 60 * 60 * 1000;

function uploader(t: TestApp) {
  return async (cookie: string, slug: string, name: string, bytes: Uint8Array) => {
    const form = new FormData();
    form.append('file', new File([bytes], name));
    const res = await t.app.request(`/api/v1/communities/${slug}/files`, { method: 'POST', headers: { cookie, origin: BASE_URL }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  };
}

/** Whether the server's file store (the data folder on SQLite, the database on PostgreSQL) holds a file's bytes: asked again at each call. */
async function storedBytes(t: TestApp, id: string): Promise<() => Promise<boolean>> {
  const row = await t.services.db.kysely.selectFrom('attachment').select('storage_key').where('id', '=', id).executeTakeFirstOrThrow();
  return async () => {
    const stored = await t.services.files.get(row.storage_key);
    stored?.stream.destroy();
    return stored !== null;
  };
}

async function community(t: TestApp, owner: User, members: User[], name: string) {
  const slug = (await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name, visibility: 'public' } })).body.slug as string;
  for (const m of members) await call(t, 'POST', `/api/v1/communities/${slug}/join`, { cookie: m.cookie });
  return slug;
}

for (const backend of backends()) {
  describe(`review 8: the type check reads the file's bytes as well as its name (${backend.name})`, () => {
    const t = suiteApp(backend);
    let owner: User;
    let slug: string;
    let upload: ReturnType<typeof uploader>;
    before(async () => {
      owner = await activeUser(t, 'Bytes Owner');
      slug = await community(t, owner, [], 'Bytes');
      upload = uploader(t);
    });

    it('takes real files of every allowed type, typed by what they are', async () => {
      const cases: [string, Uint8Array, string][] = [
        ['map.png', files.png(), 'image/png'],
        ['photo.jpg', files.jpeg(), 'image/jpeg'],
        ['photo.jpeg', files.jpeg(), 'image/jpeg'],
        ['anim.gif', files.gif(), 'image/gif'],
        ['brief.pdf', files.pdf(), 'application/pdf'],
        ['report.docx', files.docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
        ['plates.xlsx', files.xlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        ['notes.txt', files.text('Unit 12 back in service.\nCafé at 10 — ok\n'), 'text/plain'],
        ['plates.csv', files.text('shift,plate\n1,ABC123\n'), 'text/csv'],
      ];
      for (const [name, bytes, type] of cases) {
        const res = await upload(owner.cookie, slug, name, bytes);
        assert.equal(res.status, 201, `${name}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.contentType, type, name);
      }
    });

    it('refuses evil.html.png and an executable renamed .jpg with 415 naming the field', async () => {
      const refused: [string, Uint8Array][] = [
        ['evil.html.png', files.text('<html><body><script>alert(document.cookie)</script></body></html>')],
        ['holiday.jpg', files.exe()],
        ['holiday.png', files.jpeg()],
        ['report.docx', files.xlsx()],
        ['report.docx', files.zip({ 'payload.exe': 'MZ' })],
        ['plates.xlsx', files.pdf()],
        ['brief.pdf', files.text('not a pdf at all')],
        ['anim.gif', files.png()],
      ];
      for (const [name, bytes] of refused) {
        const res = await upload(owner.cookie, slug, name, bytes);
        assert.equal(res.status, 415, `${name}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'FILE_TYPE_NOT_ALLOWED', name);
        assert.ok(res.body.error.fields?.file, `${name} names the field`);
      }
    });

    it('takes .txt and .csv only as UTF-8 text: no NUL, no other encoding, nothing a browser would sniff as HTML or script', async () => {
      const refused: [string, Uint8Array][] = [
        ['notes.txt', new Uint8Array([0x68, 0x69, 0x00, 0x0a])],
        ['notes.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a])], // Latin-1, not UTF-8
        ['notes.txt', files.png()],
        ['notes.txt', files.exe()],
        ['notes.txt', files.text('<!DOCTYPE html><html><script>alert(1)</script>')],
        ['notes.txt', files.text('\n  <script>alert(1)</script>')],
        ['notes.txt', files.text('\uFEFF<HTML><body onload=alert(1)>')],
        ['notes.txt', files.text('<iframe src=//evil.example>')],
        ['notes.txt', files.text('<!-- x --><b>hi</b>')],
        ['notes.txt', files.text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
        ['notes.txt', files.text('%PDF-1.4\n')],
        ['plates.csv', files.text('<table><tr><td>1</td></tr></table>')],
      ];
      for (const [name, bytes] of refused) {
        const res = await upload(owner.cookie, slug, name, bytes);
        assert.equal(res.status, 415, `${name} ${JSON.stringify(Buffer.from(bytes).toString('latin1').slice(0, 30))}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'FILE_TYPE_NOT_ALLOWED');
        assert.ok(res.body.error.fields?.file);
      }
      // Text that merely mentions markup further on is text.
      assert.equal((await upload(owner.cookie, slug, 'notes.txt', files.text('Seen on the page: <script> tags were stripped.\n'))).status, 201);
    });
  });

  describe(`review 8: a deleted post's file stops being served at once and its bytes are removed (${backend.name})`, () => {
    const t = suiteApp(backend);
    let owner: User;
    let member: User;
    let reader: User;
    let slug: string;
    let upload: ReturnType<typeof uploader>;
    before(async () => {
      [owner, member, reader] = await activeUsers(t, 'Delete Owner', 'Delete Member', 'Delete Reader');
      slug = await community(t, owner, [member], 'Deleting');
      upload = uploader(t);
    });

    const postWith = async (cookie: string, attachmentId: string) => call(t, 'POST', `/api/v1/communities/${slug}/posts`, { cookie, body: { body: 'see attached', attachmentId } });

    for (const who of ['its author', 'a moderator'] as const) {
      it(`when ${who} deletes the post`, async () => {
        const file = (await upload(member.cookie, slug, 'plates.csv', files.text('shift,plate\n1,ABC123\n'))).body;
        const post = await postWith(member.cookie, file.id);
        assert.equal(post.status, 201);
        assert.equal((await call(t, 'GET', file.url, { cookie: reader.cookie })).status, 200);
        const bytes = await storedBytes(t, file.id);
        assert.ok(await bytes());
        const deleted = await call(t, 'DELETE', `/api/v1/posts/${post.body.id}`, { cookie: who === 'its author' ? member.cookie : owner.cookie });
        assert.equal(deleted.status, 200);
        for (const u of [reader, member, owner]) assert.equal((await call(t, 'GET', file.url, { cookie: u.cookie })).status, 404, 'not served to anyone');
        assert.equal(await bytes(), false, 'its bytes are gone');
      });
    }

    it('lets a file belong to one post only, so deleting that post removes it everywhere', async () => {
      const file = (await upload(member.cookie, slug, 'map.png', files.png())).body;
      assert.equal((await postWith(member.cookie, file.id)).status, 201);
      const again = await postWith(member.cookie, file.id);
      assert.equal(again.status, 422, JSON.stringify(again.body));
      assert.ok(again.body.error.fields?.attachmentId);
    });

    it('lets a file on an activity update belong to that update alone', async () => {
      const activity = await call(t, 'POST', `/api/v1/communities/${slug}/activities`, { cookie: member.cookie, body: { title: 'Sweep the corridor' } });
      assert.equal(activity.status, 201, JSON.stringify(activity.body));
      const file = (await upload(member.cookie, slug, 'brief.pdf', files.pdf())).body;
      const update = await call(t, 'POST', `/api/v1/activities/${activity.body.id}/updates`, { cookie: member.cookie, body: { body: 'brief attached', attachmentId: file.id } });
      assert.equal(update.status, 201, JSON.stringify(update.body));
      assert.equal(update.body.attachment.id, file.id);
      assert.equal((await postWith(member.cookie, file.id)).status, 422, 'not also on a post');
      const twice = await call(t, 'POST', `/api/v1/activities/${activity.body.id}/updates`, { cookie: member.cookie, body: { body: 'again', attachmentId: file.id } });
      assert.equal(twice.status, 422);
    });

    it('refuses to attach a removed file', async () => {
      const file = (await upload(member.cookie, slug, 'map.png', files.png())).body;
      const post = await postWith(member.cookie, file.id);
      await call(t, 'DELETE', `/api/v1/posts/${post.body.id}`, { cookie: member.cookie });
      assert.equal((await postWith(member.cookie, file.id)).status, 422);
    });
  });

  describe(`review 8: an upload never attached is removed after a few hours (${backend.name})`, () => {
    let t: TestApp;
    let owner: User;
    let slug: string;
    let upload: ReturnType<typeof uploader>;
    const clock = new ManualClock();
    before(async () => {
      // Sessions idle out on the same clock: a day's idle timeout keeps the owner signed in across the hours.
      t = await startApp(backend, { JC_UNATTACHED_UPLOAD_HOURS: '3', JC_IDLE_TIMEOUT_MINUTES: '1440' }, { clock });
      owner = await activeUser(t, 'Sweep Owner');
      slug = await community(t, owner, [], 'Sweeping');
      upload = uploader(t);
    });
    after(() => t.dispose());

    it('removes the row and the bytes of an unattached upload once it is older than the setting, and keeps attached ones', async () => {
      const loose = (await upload(owner.cookie, slug, 'loose.txt', files.text('never posted\n'))).body;
      const kept = (await upload(owner.cookie, slug, 'kept.txt', files.text('posted\n'))).body;
      assert.equal((await call(t, 'POST', `/api/v1/communities/${slug}/posts`, { cookie: owner.cookie, body: { body: 'with file', attachmentId: kept.id } })).status, 201);
      const looseBytes = await storedBytes(t, loose.id);
      const keptBytes = await storedBytes(t, kept.id);

      // No sweep by hand: moving the clock runs the scheduler's sweep (every 108 s for three hours); `settled()` awaits it.
      clock.advance(2 * HOUR);
      await t.services.schedule.settled();
      assert.equal((await call(t, 'GET', loose.url, { cookie: owner.cookie })).status, 200, 'two hours: still there, it may yet be posted');
      assert.ok(await looseBytes());

      clock.advance(1.5 * HOUR);
      await t.services.schedule.settled();
      assert.equal((await call(t, 'GET', loose.url, { cookie: owner.cookie })).status, 404, 'past three hours: gone, swept by the scheduler itself');
      assert.equal(await looseBytes(), false);
      assert.equal(await t.services.schedule.sweepFiles(), 0, 'a sweep by hand finds nothing left');
      assert.equal((await call(t, 'GET', kept.url, { cookie: owner.cookie })).status, 200, 'an attached file stays');
      assert.ok(await keptBytes());
      const late = await call(t, 'POST', `/api/v1/communities/${slug}/posts`, { cookie: owner.cookie, body: { body: 'too late', attachmentId: loose.id } });
      assert.equal(late.status, 422);
    });
  });

  describe(`review 8: a per-user upload quota answers 413 with a clear error (${backend.name})`, () => {
    const t = suiteApp(backend, { JC_UPLOAD_QUOTA_BYTES: '4096' });
    let owner: User;
    let other: User;
    let slug: string;
    let upload: ReturnType<typeof uploader>;
    before(async () => {
      [owner, other] = await activeUsers(t, 'Quota Owner', 'Quota Other');
      slug = await community(t, owner, [other], 'Quota');
      upload = uploader(t);
    });

    it('counts the bytes of a user’s live files, refuses past the limit naming it, and frees what a deletion removes', async () => {
      const first = await upload(owner.cookie, slug, 'a.txt', files.text('a'.repeat(3000)));
      assert.equal(first.status, 201);
      const over = await upload(owner.cookie, slug, 'b.txt', files.text('b'.repeat(1500)));
      assert.equal(over.status, 413, JSON.stringify(over.body));
      assert.equal(over.body.error.code, 'UPLOAD_QUOTA_EXCEEDED');
      assert.match(over.body.error.message, /4 KB|4096 bytes/);
      assert.ok(over.body.error.fields?.file);
      assert.equal((await upload(owner.cookie, slug, 'c.txt', files.text('c'.repeat(1000)))).status, 201, 'what still fits is taken');
      assert.equal((await upload(other.cookie, slug, 'd.txt', files.text('d'.repeat(3000)))).status, 201, 'the quota is per user');
      const post = await call(t, 'POST', `/api/v1/communities/${slug}/posts`, { cookie: owner.cookie, body: { body: 'x', attachmentId: first.body.id } });
      await call(t, 'DELETE', `/api/v1/posts/${post.body.id}`, { cookie: owner.cookie });
      assert.equal((await upload(owner.cookie, slug, 'b.txt', files.text('b'.repeat(1500)))).status, 201, 'a deleted file no longer counts');
    });
  });
}
