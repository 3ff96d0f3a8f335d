import { sql, type Kysely } from 'kysely';
import { Readable } from 'node:stream';
import type { Database } from '../../db/schema.ts';
import type { FileStore, StoredFile } from '../file-store.ts';

/** The size of each row of a file's bytes in file_chunk (the last may be shorter). */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Files in the database, table file_chunk (storage_key, seq, bytes): every
 * process on the database reads them, and a backup of the database carries
 * them. Written in the transaction that inserts the file's row (so a refused
 * or failed upload leaves no chunk), a chunk at a time as the bytes stream
 * in; read back a chunk at a time, so neither way holds more than a chunk.
 */
export class DatabaseStore implements FileStore {
  readonly kind = 'database' as const;
  readonly transactional = true;
  constructor(readonly db: Kysely<Database>) {}

  async put(key: string, source: Readable, _size: number, trx?: Kysely<Database>): Promise<void> {
    if (!trx) return this.db.transaction().execute((own) => this.put(key, source, _size, own));
    let seq = 0;
    const write = (bytes: Buffer) => trx.insertInto('file_chunk').values({ storage_key: key, seq: seq++, bytes }).execute();
    let pending: Buffer[] = [];
    let held = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        pending.push(chunk);
        held += chunk.length;
        while (held >= CHUNK_BYTES) {
          // Read in chunks of this size (posts/files.ts), a piece is written as it came, not copied.
          const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, held);
          await write(all.subarray(0, CHUNK_BYTES));
          const rest = all.subarray(CHUNK_BYTES);
          pending = rest.length > 0 ? [rest] : [];
          held -= CHUNK_BYTES;
        }
      }
      if (held > 0 || seq === 0) await write(Buffer.concat(pending, held));
    } finally {
      source.destroy();
    }
  }

  async get(key: string): Promise<StoredFile | null> {
    const found = await this.db
      .selectFrom('file_chunk')
      .select([sql<string | number>`count(*)`.as('n'), sql<string | number | null>`sum(length(bytes))`.as('size')])
      .where('storage_key', '=', key)
      .executeTakeFirstOrThrow();
    const chunks = Number(found.n);
    if (chunks === 0) return null;
    const db = this.db;
    async function* read() {
      for (let seq = 0; seq < chunks; seq++) {
        const row = await db.selectFrom('file_chunk').select('bytes').where('storage_key', '=', key).where('seq', '=', seq).executeTakeFirst();
        // Deleted while it was read (its post was deleted): the answer ends short, as a cut connection would.
        if (!row) throw new Error(`file ${key} was removed while it was read`);
        yield Buffer.from(row.bytes);
      }
    }
    return { size: Number(found.size ?? 0), stream: Readable.from(read(), { objectMode: false }) };
  }

  async delete(key: string): Promise<void> {
    await this.db.deleteFrom('file_chunk').where('storage_key', '=', key).execute();
  }

  async close(): Promise<void> {}
}
