import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Actor } from '../authz.ts';
import { quotaExceeded, usedBytes } from '../data/files.ts';
import { newId } from '../db/ids.ts';
import type { Database } from '../db/schema.ts';
import { authorizeObject, authorizeRef } from '../http/authorize.ts';
import { inTransaction, type AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { errField } from '../logger.ts';
import { createRouter } from '../http/router.ts';
import { attachmentVisibleTo } from './audience.ts';
import { routes } from './schemas.ts';
import { FRAMING_BYTES, receiveUpload, takeUploadSlot, type ReceivedFile } from './upload-stream.ts';

/*
 * Files to attach to a post (or an activity update): the upload, streamed and
 * judged as it comes (upload-stream.ts, data/files.ts), and the download, for
 * those who may see what the file is attached to.
 */

export const postFiles = createRouter()
  .openapi(routes.upload, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'content.write');
    const { config, db } = c.get('services');
    const me = access.actor.userId;
    const quota = config.uploads.quotaBytes;
    // Bounded in flight (per user, per process), until its bytes are in the store.
    const release = takeUploadSlot(c, me);
    try {
      // The cheap refusal first: nothing is read for a file that cannot fit (a declared body,
      // less the most multipart framing around one file, is the least the file can be).
      const declared = Number(c.req.header('content-length') ?? 0) || 0;
      if ((await usedBytes(db.kysely, me)) + Math.max(1, declared - FRAMING_BYTES) > quota) throw quotaExceeded(quota);
      // Streamed to a temporary file of this process with a running size and type check: never the whole body in memory.
      const received = await receiveUpload(c, config.dataDir);
      return c.json(await store(c, access.community.id, me, received), 201);
    } finally {
      release();
    }
  })
  .openapi(routes.download, async (c) => {
    const { files } = c.get('services');
    const id = c.req.valid('param').id;
    // A file on a followers-only entry is that entry's: its audience only.
    const find = async (kysely: Kysely<Database>, actor: Actor) => {
      const file = await kysely.selectFrom('attachment').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      return file && (await attachmentVisibleTo(kysely, actor.userId, file.id)) ? file : undefined;
    };
    const { object: file } = await authorizeObject(c, find, 'content.read', { notFound: 'No such file.' });
    // Removed between the lookup and the read (its post was just deleted): gone, not an error.
    const stored = await files.get(file.storage_key);
    if (!stored) throw new ApiError(404, 'NOT_FOUND', 'No such file.');
    // Streamed out as the store reads it: never the whole file in memory.
    return new Response(Readable.toWeb(stored.stream) as ReadableStream<Uint8Array>, {
      headers: {
        'content-type': file.content_type,
        'content-length': String(stored.size),
        'content-disposition': `attachment; filename="${file.filename.replace(/"/g, '')}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      },
    }) as never;
  });

/**
 * Puts a received upload into the file store and inserts its row, under the
 * quota's lock; the received temporary file is removed whatever happens, and
 * a refusal leaves nothing in the store.
 */
async function store(c: Context<AppEnv>, communityId: string, me: string, received: ReceivedFile) {
  const { config, clock, files } = c.get('services');
  const quota = config.uploads.quotaBytes;
  const { filename, contentType, size, tempPath } = received;
  const id = newId('fil');
  const storageKey = `${communityId}/${id}`;
  // Streamed from the received file into the store: in the row's transaction when the store
  // writes there (the database), so a refusal below leaves no chunk; else before it, and removed on a refusal.
  const put = (trx?: Kysely<Database>) => files.put(storageKey, createReadStream(tempPath, { highWaterMark: 256 * 1024 }), size, trx);
  let written = false;
  try {
    if (!files.transactional) {
      await put();
      written = true;
    }
    await inTransaction(c, async (trx) => {
      // Under the lock: two uploads at once cannot both fit.
      if ((await usedBytes(trx, me, true)) + size > quota) throw quotaExceeded(quota);
      if (files.transactional) await put(trx);
      await trx
        .insertInto('attachment')
        .values({
          id,
          community_id: communityId,
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
    if (written) await files.delete(storageKey).catch((e) => c.get('log').error({ err: errField(e) }, '[files] could not remove the bytes of a refused upload'));
    throw err;
  } finally {
    await rm(tempPath, { force: true });
  }
  return { id, filename, contentType, size, url: `/api/v1/files/${id}` };
}
