import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileStore, StoredFile } from '../file-store.ts';

/** The bytes of the file stored under `storageKey` in the data folder (the disk store). */
export function storedPath(dataDir: string, storageKey: string): string {
  return path.join(dataDir, 'files', storageKey);
}

/**
 * Files in the data folder, `<dataDir>/files/<storage key>`: written to a
 * temporary name beside them, then renamed into place, so a file is there
 * whole or not at all. Only processes that share the folder see them.
 */
export class DiskStore implements FileStore {
  readonly kind = 'disk' as const;
  readonly transactional = false;
  constructor(readonly dataDir: string) {}

  async put(key: string, source: Readable): Promise<void> {
    const to = storedPath(this.dataDir, key);
    const incoming = path.join(this.dataDir, 'files', '.incoming');
    await mkdir(incoming, { recursive: true });
    await mkdir(path.dirname(to), { recursive: true });
    const temp = path.join(incoming, `store-${randomUUID()}`);
    try {
      await pipeline(source, createWriteStream(temp, { mode: 0o600 }));
      await rename(temp, to);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<StoredFile | null> {
    // Opened first: a file removed after this still reads whole (its post was deleted meanwhile).
    const handle = await open(storedPath(this.dataDir, key), 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!handle) return null;
    try {
      const { size } = await handle.stat();
      // The stream closes the handle when it ends or is destroyed.
      return { size, stream: handle.createReadStream() };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(storedPath(this.dataDir, key), { force: true });
  }

  async close(): Promise<void> {}
}
