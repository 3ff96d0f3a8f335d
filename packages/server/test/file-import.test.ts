import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import path from 'node:path';
import { importDiskFiles } from '../src/data/import-disk-files.ts';
import { CHUNK_BYTES, DatabaseStore } from '../src/data/stores/database-store.ts';
import { storedPath } from '../src/data/stores/disk-store.ts';
import { activeUser, backends, makeCommunity, startApp, type TestApp } from './helpers.ts';

/*
 * Upgrading a deployment whose files are in the data folder to the database
 * store (the default on PostgreSQL since issue 26): at start the store takes
 * in every file there with a live row, and the older files download as before.
 */
for (const backend of backends()) {
  describe(`files in the data folder taken into the database store at start (${backend.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startApp(backend, { JC_FILE_STORE: 'database' });
    });
    after(() => t.dispose());

    /** A file as the disk store kept it: its row, and its bytes under the data folder. */
    async function onDisk(communityId: string, uploaderId: string, bytes: Buffer, deleted = false) {
      const id = `fil_${randomBytes(6).toString('hex')}`;
      const key = `${communityId}/${id}`;
      const at = new Date().toISOString();
      await t.services.db.kysely
        .insertInto('attachment')
        .values({ id, community_id: communityId, uploader_id: uploaderId, filename: 'old.txt', content_type: 'text/plain', size: bytes.length, storage_key: key, created_at: at, attached_at: at, deleted_at: deleted ? at : null })
        .execute();
      mkdirSync(path.dirname(storedPath(t.dir, key)), { recursive: true });
      writeFileSync(storedPath(t.dir, key), bytes);
      return key;
    }

    it('moves each live file in, chunk by chunk, removes the folder copy, and does it once', async () => {
      const owner = await activeUser(t, 'Old Uploader');
      const community = await makeCommunity(t, { visibility: 'public', createdBy: owner.userId });
      const big = randomBytes(CHUNK_BYTES * 2 + 1234);
      const small = Buffer.from('a file from before the database store\n');
      const bigKey = await onDisk(community.id, owner.userId, big);
      const smallKey = await onDisk(community.id, owner.userId, small);
      const goneKey = await onDisk(community.id, owner.userId, Buffer.from('deleted before the upgrade'), true);
      const orphan = storedPath(t.dir, `${community.id}/fil_norow`);
      writeFileSync(orphan, 'no row names this');

      const store = t.services.files as DatabaseStore;
      assert.equal(store.kind, 'database');
      assert.equal(await importDiskFiles(t.services.db.kysely, store, t.dir), 2);

      for (const [key, bytes] of [[bigKey, big], [smallKey, small]] as const) {
        const stored = await store.get(key);
        assert.ok(stored, `${key} is in the database`);
        assert.equal(stored.size, bytes.length);
        assert.ok((await buffer(stored.stream)).equals(bytes), 'byte for byte');
        assert.equal(existsSync(storedPath(t.dir, key)), false, 'the folder copy is gone');
      }
      const chunks = await t.services.db.kysely.selectFrom('file_chunk').select('seq').where('storage_key', '=', bigKey).execute();
      assert.equal(chunks.length, 3);
      // A deleted file's bytes, and bytes no row names, are left alone (not taken in, not removed).
      assert.equal(await store.get(goneKey), null);
      assert.equal(existsSync(storedPath(t.dir, goneKey)), true);
      assert.equal(existsSync(orphan), true);

      // Again (the next start): nothing left to take in, nothing taken twice.
      assert.equal(await importDiskFiles(t.services.db.kysely, store, t.dir), 0);
      assert.equal((await t.services.db.kysely.selectFrom('file_chunk').select('seq').where('storage_key', '=', bigKey).execute()).length, 3);
    });

    it('a file already in the database only loses its folder copy', async () => {
      const owner = await activeUser(t, 'Twice Uploader');
      const community = await makeCommunity(t, { visibility: 'public', createdBy: owner.userId });
      const bytes = Buffer.from('in both places');
      const key = await onDisk(community.id, owner.userId, bytes);
      const store = t.services.files as DatabaseStore;
      await t.services.db.kysely.transaction().execute((trx) => store.put(key, Readable.from([bytes]), bytes.length, trx));
      assert.equal(await importDiskFiles(t.services.db.kysely, store, t.dir), 1);
      assert.equal(existsSync(storedPath(t.dir, key)), false);
      assert.equal((await t.services.db.kysely.selectFrom('file_chunk').select('seq').where('storage_key', '=', key).execute()).length, 1);
    });
  });
}
