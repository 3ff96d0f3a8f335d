import type { Kysely } from 'kysely';
import type { Readable } from 'node:stream';
import type { ServerConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';

/*
 * Where uploaded files' bytes live (JC_FILE_STORE). An upload is received,
 * counted and type-checked into a temporary file of this process first
 * (posts/upload-stream.ts), so a store is only handed a file already accepted;
 * its row (data/files.ts) is the only way to it, so a key no row names is
 * never served.
 *
 *   disk      <dataDir>/files/<storage key>: one process, or processes sharing a folder (the default on SQLite)
 *   database  the file_chunk table, in chunks of CHUNK_BYTES: every process on the
 *             database reads them, and its backup carries them (the default on PostgreSQL)
 *   s3        an S3-compatible bucket (stores/s3-store.ts)
 */

export type FileStoreKind = 'disk' | 'database' | 's3';

/** A stored file read back: its length and its bytes as a stream (never the whole file in memory). */
export interface StoredFile {
  size: number;
  stream: Readable;
}

export interface FileStore {
  readonly kind: FileStoreKind;
  /**
   * Whether `put` writes in the caller's transaction (the database store): then
   * a rollback leaves nothing, and the upload calls it inside the transaction
   * that inserts the file's row. Otherwise `put` runs before that transaction
   * and a refusal there deletes what it wrote.
   */
  readonly transactional: boolean;
  /** Stores `source` (streamed through, `size` bytes) under `key`; a failure part way leaves nothing under it. */
  put(key: string, source: Readable, size: number, trx?: Kysely<Database>): Promise<void>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<StoredFile | null>;
  /** Removes the bytes under `key`; nothing there is no error. */
  delete(key: string): Promise<void>;
  /** Lets go of what the store holds open (connections); the app's close calls it. */
  close(): Promise<void>;
}

/** The store the configuration names (config.files), opened on the app's database handle. */
export async function openFileStore(config: ServerConfig, db: Kysely<Database>): Promise<FileStore> {
  const files = config.files;
  switch (files.store) {
    case 'disk':
      return new (await import('./stores/disk-store.ts')).DiskStore(config.dataDir);
    case 'database': {
      const store = new (await import('./stores/database-store.ts')).DatabaseStore(db);
      // Files a deployment kept in the data folder before the database was its store are taken in first.
      await (await import('./import-disk-files.ts')).importDiskFiles(db, store, config.dataDir);
      return store;
    }
    case 's3':
      return new (await import('./stores/s3-store.ts')).S3Store(files.s3);
  }
}
