import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { sql, type Kysely } from 'kysely';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { dialectOf } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import { ApiError } from '../http/errors.ts';
import type { FileStore } from './file-store.ts';

/**
 * Uploaded files: what may be stored (judged by the bytes, not only the name),
 * how much one user may keep, and their life: an upload belongs to the one
 * post or activity update it is attached to; deleting that post hides the file
 * at once (in the same transaction) and removes its bytes right after; an
 * upload never attached is swept after a few hours.
 */

export const FILE_LIMIT_BYTES = 10 * 1024 * 1024;

/** Each allowed extension: the content type it is served as, and what its bytes must be. */
export const FILE_TYPES: Record<string, { contentType: string; is: readonly string[] | 'text' }> = {
  '.pdf': { contentType: 'application/pdf', is: ['pdf'] },
  '.png': { contentType: 'image/png', is: ['png'] },
  '.jpg': { contentType: 'image/jpeg', is: ['jpg'] },
  '.jpeg': { contentType: 'image/jpeg', is: ['jpg'] },
  '.gif': { contentType: 'image/gif', is: ['gif'] },
  '.txt': { contentType: 'text/plain', is: 'text' },
  '.csv': { contentType: 'text/csv', is: 'text' },
  // Office files are ZIP packages: file-type reads their [Content_Types].xml to tell them apart.
  '.docx': { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', is: ['docx'] },
  '.xlsx': { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', is: ['xlsx'] },
};

export const ALLOWED_EXTENSIONS = Object.keys(FILE_TYPES).join(' ');

function notAllowed(detail: string): ApiError {
  return new ApiError(415, 'FILE_TYPE_NOT_ALLOWED', `${detail} Allowed files: ${ALLOWED_EXTENSIONS}`, { file: detail });
}

const LEADING_SPACE = /^[\t\n\f\r ]+/;
/**
 * What a browser would take for markup or a document rather than text when it
 * sniffs (the WHATWG "scriptable" patterns, taken broadly): a tag, comment,
 * doctype or processing instruction at the start (after blanks), or a PDF or
 * PostScript header. Downloads are sent as attachments with nosniff; this is
 * the other half, so no stored "text" is a page in disguise.
 */
const MARKUP_START = /^(?:<[A-Za-z!?/]|%PDF-|%!PS-Adobe-)/;
/** Enough of a text's start (after leading blanks) to tell whether it sniffs as markup. */
const LEAD_CHARS = 16;
/** How much of a binary file's start is enough for file-type to know an image or a PDF. */
const HEAD_BYTES = 4100;

/**
 * Whether an upload is what its name says, judged as it streams:
 * the name at once, a text file's bytes chunk by chunk (NUL, UTF-8, how it
 * starts), a binary file's type on its first bytes (so a wrong file is
 * refused before the rest is read) and again on the stored file at the end
 * (an Office file is a ZIP package, judged by its [Content_Types].xml).
 * Never holds more than the first few KB.
 */
export class StreamingTypeCheck {
  readonly ext: string;
  readonly #type: (typeof FILE_TYPES)[string];
  #decoder = new TextDecoder('utf-8', { fatal: true });
  #lead = '';
  #leadJudged = false;
  #head: Uint8Array[] = [];
  #headBytes = 0;
  #headJudged = false;

  constructor(filename: string) {
    this.ext = path.extname(filename).toLowerCase();
    const type = FILE_TYPES[this.ext];
    if (!type) throw notAllowed('This type of file is not allowed.');
    this.#type = type;
  }

  /** Judges the next chunk; throws a 415 as soon as the file cannot be what its name says. */
  async push(chunk: Uint8Array): Promise<void> {
    if (this.#type.is === 'text') {
      if (chunk.includes(0)) throw notAllowed(`This ${this.ext} file is not text (it contains NUL bytes).`);
      let text: string;
      try {
        text = this.#decoder.decode(chunk, { stream: true });
      } catch {
        throw notAllowed(`This ${this.ext} file is not UTF-8 text.`);
      }
      if (!this.#leadJudged) {
        this.#lead = (this.#lead + text.slice(0, LEAD_CHARS * 4)).replace(LEADING_SPACE, '');
        if (this.#lead.length >= LEAD_CHARS) this.#judgeLead();
      }
      return;
    }
    if (this.#headJudged) return;
    this.#head.push(chunk.slice(0, HEAD_BYTES - this.#headBytes));
    this.#headBytes += Math.min(chunk.length, HEAD_BYTES - this.#headBytes);
    if (this.#headBytes >= HEAD_BYTES) await this.#judgeHead();
  }

  /** The content type to store the whole file (now at `file`) as, or a 415. */
  async finish(file: string): Promise<string> {
    if (this.#type.is === 'text') {
      try {
        this.#decoder.decode();
      } catch {
        throw notAllowed(`This ${this.ext} file is not UTF-8 text.`);
      }
      if (!this.#leadJudged) this.#judgeLead();
      return this.#type.contentType;
    }
    if (!this.#headJudged) await this.#judgeHead();
    const found = await fileTypeFromFile(file).catch(() => undefined);
    if (!found || !this.#type.is.includes(found.ext)) throw notAllowed(`The file’s contents are not a ${this.ext} file.`);
    return this.#type.contentType;
  }

  #judgeLead() {
    this.#leadJudged = true;
    if (MARKUP_START.test(this.#lead)) throw notAllowed(`This ${this.ext} file starts like a web page or document, not text.`);
  }

  async #judgeHead() {
    this.#headJudged = true;
    const is = this.#type.is as readonly string[];
    // A ZIP package needs more than its first bytes to be told apart: judged whole at the end.
    if (is.includes('docx') || is.includes('xlsx')) return;
    const head = Buffer.concat(this.#head);
    this.#head = [];
    const found = await fileTypeFromBuffer(head).catch(() => undefined);
    if (!found || !is.includes(found.ext)) throw notAllowed(`The file’s contents are not a ${this.ext} file.`);
  }
}

/** "4 KB", "200 MB": a byte count as the limit is said. */
export function sayBytes(n: number): string {
  const [unit, size] = n >= 1024 * 1024 ? ['MB', 1024 * 1024] : n >= 1024 ? ['KB', 1024] : ['bytes', 1];
  return `${Number((n / size).toFixed(1))} ${unit}`;
}

export function quotaExceeded(quota: number): ApiError {
  return new ApiError(413, 'UPLOAD_QUOTA_EXCEEDED', `You may keep at most ${sayBytes(quota)} of files. Delete posts with files you no longer need, then try again.`, {
    file: `Over your ${sayBytes(quota)} quota`,
  });
}

/**
 * The bytes of the user's live files. Inside a transaction on PostgreSQL it
 * first locks the user's profile row, so two uploads at once cannot both fit
 * under the quota (SQLite's write transaction already runs one at a time).
 */
export async function usedBytes(db: Kysely<Database>, userId: string, lock = false): Promise<number> {
  if (lock) await dialectOf(db).forUpdate(db.selectFrom('profile').select('user_id').where('user_id', '=', userId)).execute();
  const row = await db
    .selectFrom('attachment')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string | number>('size'), sql<number>`0`).as('n'))
    .where('uploader_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Attaches an upload to the post or update being written: only the
 * uploader's own live file in this community, and only once (a conditional
 * update, so two posts cannot both claim it). A 422 naming the field otherwise.
 */
export async function claimAttachment(trx: Kysely<Database>, file: { id: string; communityId: string; uploaderId: string; at: string }): Promise<void> {
  const claimed = await trx
    .updateTable('attachment')
    .set({ attached_at: file.at })
    .where('id', '=', file.id)
    .where('community_id', '=', file.communityId)
    .where('uploader_id', '=', file.uploaderId)
    .where('attached_at', 'is', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) {
    throw new ApiError(422, 'UNKNOWN_ATTACHMENT', 'Attach a file you uploaded to this community and have not attached yet.', { attachmentId: 'Not an unattached upload of yours here' });
  }
}

/**
 * Marks the file of a deleted post deleted, in the deletion's transaction: it
 * is not served from that moment. Left alone while anything live still
 * carries it (files attached twice before each had one owner). Returns
 * whether it was marked, so the caller removes the bytes after commit.
 */
export async function discardAttachment(trx: Kysely<Database>, id: string | null, at: string): Promise<boolean> {
  if (!id) return false;
  const res = await trx
    .updateTable('attachment')
    .set({ deleted_at: at })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('post')
            .select('post.id')
            .whereRef('post.attachment_id', '=', 'attachment.id')
            .where('post.deleted_at', 'is', null)
            .union(selectFrom('activity_update').select('activity_update.id').whereRef('activity_update.attachment_id', '=', 'attachment.id')),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/**
 * Removes the bytes, then the rows, of files marked deleted (all of them, or
 * the ones named), from whichever store holds them. Idempotent: a removal cut
 * short is finished by the next sweep. Returns how many were removed.
 */
export async function purgeDeletedFiles(db: Kysely<Database>, store: FileStore, ids?: string[]): Promise<number> {
  if (ids && ids.length === 0) return 0;
  let q = db.selectFrom('attachment').select(['id', 'storage_key']).where('deleted_at', 'is not', null).limit(500);
  if (ids) q = q.where('id', 'in', ids);
  const rows = await q.execute();
  let removed = 0;
  for (const r of rows) {
    await store.delete(r.storage_key);
    // A deleted post's reference is cleared by its foreign key (on delete set null).
    await db.deleteFrom('attachment').where('id', '=', r.id).where('deleted_at', 'is not', null).execute();
    removed++;
  }
  return removed;
}

/** Marks uploads never attached and older than `hours` deleted, then removes every deleted file's bytes. */
export async function sweepFiles(db: Kysely<Database>, store: FileStore, dataDir: string, now: Date, hours: number): Promise<number> {
  const cutoff = new Date(now.getTime() - hours * 3600_000).toISOString();
  await db
    .updateTable('attachment')
    .set({ deleted_at: now.toISOString() })
    .where('attached_at', 'is', null)
    .where('deleted_at', 'is', null)
    .where('created_at', '<', cutoff)
    .execute();
  await sweepIncoming(dataDir, now);
  return purgeDeletedFiles(db, store);
}

/** Removes upload temporaries an hour old (a process that died mid-upload leaves its part behind): every store's uploads are received there first. */
async function sweepIncoming(dataDir: string, now: Date): Promise<void> {
  const dir = path.join(dataDir, 'files', '.incoming');
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info && info.mtimeMs < now.getTime() - 3600_000) await rm(file, { force: true });
  }
}
