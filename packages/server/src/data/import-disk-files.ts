import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { errField, log } from '../logger.ts';
import { CHUNK_BYTES, type DatabaseStore } from './stores/database-store.ts';
import { storedPath } from './stores/disk-store.ts';

/**
 * A deployment on PostgreSQL kept its files in the data folder until the
 * database became its store's default (issue 26). At start, the database store
 * takes in every file still there whose row is live: its chunks in a
 * transaction of their own, then the folder's copy removed once they are
 * committed. Afterwards the older files download from any process and travel
 * in the database's backup with the rest. Idempotent: a file already in the
 * database only loses its folder copy; one another process is taking in at the
 * same moment fails here on the chunks' key and is left to it. Files with no
 * live row are left where they are (the sweep never removed such bytes either).
 * Answers how many files it took in.
 */
export async function importDiskFiles(db: Kysely<Database>, store: DatabaseStore, dataDir: string): Promise<number> {
  const root = path.join(dataDir, 'files');
  const communities = await readdir(root, { withFileTypes: true }).catch(() => []);
  let moved = 0;
  for (const community of communities) {
    if (!community.isDirectory() || community.name.startsWith('.')) continue;
    for (const name of await readdir(path.join(root, community.name)).catch(() => [] as string[])) {
      const key = `${community.name}/${name}`;
      const from = storedPath(dataDir, key);
      const info = await stat(from).catch(() => null);
      if (!info?.isFile()) continue;
      const row = await db.selectFrom('attachment').select('id').where('storage_key', '=', key).where('deleted_at', 'is', null).executeTakeFirst();
      if (!row) continue;
      try {
        await db.transaction().execute(async (trx) => {
          const there = await trx.selectFrom('file_chunk').select('seq').where('storage_key', '=', key).limit(1).executeTakeFirst();
          if (!there) await store.put(key, createReadStream(from, { highWaterMark: CHUNK_BYTES }), info.size, trx);
        });
        await rm(from, { force: true });
        moved++;
      } catch (err) {
        log.warn({ err: errField(err), file: row.id }, '[files] could not take a file from the data folder into the database; it stays there');
      }
    }
  }
  if (moved > 0) log.info({ files: moved }, '[files] took files from the data folder into the database');
  return moved;
}
