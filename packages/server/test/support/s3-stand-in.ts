import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/*
 * A local stand-in that speaks the S3 protocol, for the S3 file store's tests:
 * the npm package s3rver, in this process on a free port, keeping its objects
 * in a temporary folder. The store talks to it through the real AWS SDK v3
 * (path-style, checksums only where required: see data/stores/s3-store.ts).
 * s3rver checks request signatures against its fixed credentials, S3RVER/S3RVER.
 */

export interface S3StandIn {
  endpoint: string;
  bucket: string;
  /** The environment that points a server process's S3 file store at it. */
  env: Record<string, string>;
  /** The keys of the objects in the bucket, sorted. */
  keys(): Promise<string[]>;
  /** Empties the bucket. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function startS3StandIn(bucket = 'jc-files'): Promise<S3StandIn> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  const keys = async () => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  };
  return {
    endpoint,
    bucket,
    env: {
      JC_FILE_STORE: 's3',
      JC_S3_BUCKET: bucket,
      JC_S3_ENDPOINT: endpoint,
      JC_S3_REGION: 'us-east-1',
      JC_S3_FORCE_PATH_STYLE: 'true',
      JC_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      JC_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    keys,
    async clear() {
      for (const key of await keys()) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
