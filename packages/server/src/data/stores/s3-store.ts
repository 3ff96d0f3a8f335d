import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { S3Config } from '../../config.ts';
import type { FileStore, StoredFile } from '../file-store.ts';

/**
 * Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …), one object
 * per file named by its storage key: every process configured with the bucket
 * reads them. An upload is one PutObject streamed from the received file with
 * its length (files are at most 10 MB, far under a single PUT's 5 GB), so no
 * multipart upload is left behind by a failure; a download streams
 * GetObject's body.
 *
 * Checksums only where the operation requires one (the SDK would otherwise
 * add a trailing CRC in aws-chunked encoding, which many S3-compatible
 * servers do not take). The credentials are the configuration's, or else the
 * SDK's own chain (environment, instance role); never logged.
 */
export class S3Store implements FileStore {
  readonly kind = 's3' as const;
  readonly transactional = false;
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(s3: S3Config) {
    this.#bucket = s3.bucket;
    this.#client = new S3Client({
      region: s3.region,
      ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
      forcePathStyle: s3.forcePathStyle,
      ...(s3.credentials ? { credentials: s3.credentials } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, source: Readable, size: number): Promise<void> {
    try {
      await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: source, ContentLength: size, ContentType: 'application/octet-stream' }));
    } finally {
      source.destroy();
    }
  }

  async get(key: string): Promise<StoredFile | null> {
    try {
      const res = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      if (!(res.Body instanceof Readable)) throw new Error('the S3 client answered without a stream');
      return { size: Number(res.ContentLength ?? 0), stream: res.Body };
    } catch (err) {
      if (err instanceof NoSuchKey || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }
}
