import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Actor } from '../authz.ts';
import { quotaExceeded, storedPath, usedBytes } from '../data/files.ts';
import { newId } from '../db/ids.ts';
import type { Database } from '../db/schema.ts';
import { authorizeObject, authorizeRef } from '../http/authorize.ts';
import { inTransaction } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { attachmentVisibleTo } from './audience.ts';
import { routes } from './schemas.ts';
import { FRAMING_BYTES, receiveUpload, takeUploadSlot } from './upload-stream.ts';

/*
 * Files to attach to a post (or an activity update): the upload, streamed and
 * judged as it comes (upload-stream.ts, data/files.ts), and the download, for
 * those who may see what the file is attached to.
 */

export const postFiles = createRouter()
  .openapi(routes.upload, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.write');
    const { config, db, clock } = c.get('services');
    const me = access.actor.userId;
    const quota = config.uploads.quotaBytes;
    // Bounded in flight (per user, per process), then streamed to a temporary file with a running
    // size and type check: never the whole body in memory.
    const release = takeUploadSlot(c, me);
    let received: Awaited<ReturnType<typeof receiveUpload>>;
    try {
      // The cheap refusal first: nothing is read for a file that cannot fit (a declared body,
      // less the most multipart framing around one file, is the least the file can be).
      const declared = Number(c.req.header('content-length') ?? 0) || 0;
      if ((await usedBytes(db.kysely, me)) + Math.max(1, declared - FRAMING_BYTES) > quota) throw quotaExceeded(quota);
      received = await receiveUpload(c, config.dataDir);
    } finally {
      release();
    }
    const { filename, contentType, size, tempPath } = received;
    const id = newId('fil');
    const storageKey = `${access.community.id}/${id}`;
    const stored = storedPath(config.dataDir, storageKey);
    try {
      await mkdir(path.dirname(stored), { recursive: true });
      await rename(tempPath, stored);
      await inTransaction(c, async (trx) => {
        // Under the lock: two uploads at once cannot both fit.
        if ((await usedBytes(trx, me, true)) + size > quota) throw quotaExceeded(quota);
        await trx
          .insertInto('attachment')
          .values({
            id,
            community_id: access.community.id,
            uploader_id: me,
            filename,
            content_type: contentType,
            size,
            storage_key: storageKey,
            created_at: clock.now().toISOString(),
            attached_at: null,
            deleted_at: null,
          })
          .execute();
      });
    } catch (err) {
      await rm(tempPath, { force: true });
      await rm(stored, { force: true });
      throw err;
    }
    return c.json({ id, filename, contentType, size, url: `/api/v1/files/${id}` }, 201);
  })
  .openapi(routes.download, async (c) => {
    const { config } = c.get('services');
    const id = c.req.valid('param').id;
    // A file on a followers-only entry is that entry's: its audience only.
    const find = async (kysely: Kysely<Database>, actor: Actor) => {
      const file = await kysely.selectFrom('attachment').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      return file && (await attachmentVisibleTo(kysely, actor.userId, file.id)) ? file : undefined;
    };
    const { object: file } = await authorizeObject(c, find, 'content.read', { notFound: 'No such file.' });
    // Removed between the lookup and the read (its post was just deleted): gone, not an error.
    const bytes = await readFile(storedPath(config.dataDir, file.storage_key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new ApiError(404, 'NOT_FOUND', 'No such file.');
      throw err;
    });
    return new Response(new Uint8Array(bytes), {
      headers: {
        'content-type': file.content_type,
        'content-length': String(bytes.length),
        'content-disposition': `attachment; filename="${file.filename.replace(/"/g, '')}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      },
    }) as never;
  });

