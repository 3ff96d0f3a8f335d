import busboy from 'busboy';
import type { Context } from 'hono';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ServerConfig } from '../config.ts';
import type { AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { FILE_LIMIT_BYTES, StreamingTypeCheck } from '../data/files.ts';

/*
 * An upload streams from the request to a temporary file in the data folder:
 * never the whole body in memory. The multipart body is parsed as it arrives
 * (busboy); the file part is counted as it goes (413 the moment it passes
 * the limit, with the rest never read) and judged by its bytes as they come
 * (415 as soon as it cannot be what its name says). Uploads in flight are
 * bounded per user and per process, so a burst cannot pile up.
 */

/** Multipart framing around the one file: a body longer than the limit plus this cannot hold an allowed file. */
export const FRAMING_BYTES = 64 * 1024;

const tooLarge = () => new ApiError(413, 'FILE_TOO_LARGE', `Files may be at most ${FILE_LIMIT_BYTES / 1024 / 1024} MB.`, { file: 'Too large' });
const badForm = () => new ApiError(400, 'BAD_FORM', 'Send the file as multipart/form-data in the field "file".', { file: 'Required' });

interface InFlight {
  total: number;
  perUser: Map<string, number>;
}
const inFlight = new WeakMap<ServerConfig, InFlight>();

/**
 * Takes one of this process's upload slots for `userId`, or answers 429 (the
 * user's own uploads) or 503 with Retry-After (the process is busy). Returns
 * what gives it back.
 */
export function takeUploadSlot(c: Context<AppEnv>, userId: string): () => void {
  const { config } = c.get('services');
  let state = inFlight.get(config);
  if (!state) inFlight.set(config, (state = { total: 0, perUser: new Map() }));
  const mine = state.perUser.get(userId) ?? 0;
  if (mine >= config.uploads.perUser) {
    c.header('Retry-After', '5');
    throw new ApiError(429, 'TOO_MANY_UPLOADS', `At most ${config.uploads.perUser} uploads at once; wait for one to finish.`);
  }
  if (state.total >= config.uploads.perProcess) {
    c.header('Retry-After', '5');
    throw new ApiError(503, 'UPLOADS_BUSY', 'The server is receiving many files right now; try again in a few seconds.');
  }
  state.total++;
  state.perUser.set(userId, mine + 1);
  let given = false;
  const s = state;
  return () => {
    if (given) return;
    given = true;
    s.total--;
    const left = (s.perUser.get(userId) ?? 1) - 1;
    if (left > 0) s.perUser.set(userId, left);
    else s.perUser.delete(userId);
  };
}

export interface ReceivedFile {
  /** The name as sent, made safe to store and serve. */
  filename: string;
  contentType: string;
  size: number;
  /** Where the bytes are now (the caller moves them into place, or removes them). */
  tempPath: string;
}

/** The file in the form's `file` field, streamed to a temporary file under `dataDir`, checked for size and type on the way. */
export async function receiveUpload(c: Context<AppEnv>, dataDir: string): Promise<ReceivedFile> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) throw badForm();
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > FILE_LIMIT_BYTES + FRAMING_BYTES) throw tooLarge();
  const body = c.req.raw.body;
  if (!body) throw badForm();

  const dir = path.join(dataDir, 'files', '.incoming');
  await mkdir(dir, { recursive: true });
  const tempPath = path.join(dir, randomUUID());
  const source = Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>);
  let parser: busboy.Busboy;
  // No fileSize limit in busboy: past it, busboy would skip the rest of the body as fast as it
  // arrives; the count below refuses at the limit instead, with backpressure still holding the body.
  try {
    parser = busboy({ headers: { 'content-type': contentType }, limits: { files: 1, fields: 20, fieldSize: 1024, parts: 21 } });
  } catch {
    source.destroy();
    throw badForm();
  }

  let stored: Promise<{ filename: string; size: number; check: StreamingTypeCheck }> | null = null;
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('file', (field, file, info) => {
      if (field !== 'file' || stored) {
        file.on('error', () => {}).resume();
        return;
      }
      stored = (async () => {
        const filename = path.basename(info.filename ?? '').replace(/[^\w .()-]/g, '_').slice(0, 200) || 'file';
        let size = 0;
        let check: StreamingTypeCheck;
        try {
          check = new StreamingTypeCheck(filename);
        } catch (err) {
          file.on('error', () => {}).resume();
          throw err;
        }
        const counted = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            // A refusal answers at once (the pipeline settles only once busboy lets go of the part).
            const refuse = (err: unknown) => {
              reject(err);
              done(err as Error);
            };
            size += chunk.length;
            if (size > FILE_LIMIT_BYTES) return refuse(tooLarge());
            check.push(chunk).then(() => done(null, chunk), refuse);
          },
        });
        await pipeline(file, counted, createWriteStream(tempPath, { mode: 0o600 }));
        return { filename, size, check };
      })();
      // A refusal stops the parse at once: the rest of the body is never read.
      stored.catch(reject);
    });
    parser.on('error', () => reject(badForm()));
    parser.on('close', resolve);
  });
  source.on('error', () => parser.destroy(badForm()));
  source.pipe(parser);
  try {
    await parsed;
    if (!stored) throw new ApiError(400, 'VALIDATION_FAILED', 'Send the file in the field "file".', { file: 'Required' });
    const { filename, size, check } = await (stored as Promise<{ filename: string; size: number; check: StreamingTypeCheck }>);
    if (size === 0) throw new ApiError(400, 'VALIDATION_FAILED', 'The file is empty.', { file: 'Empty' });
    return { filename, size, contentType: await check.finish(tempPath), tempPath };
  } catch (err) {
    source.unpipe(parser);
    source.destroy();
    // Cut short: what the parser says about the unfinished body is no news.
    parser.on('error', () => {});
    parser.destroy();
    await rm(tempPath, { force: true });
    throw err;
  }
}
