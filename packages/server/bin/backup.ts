/**
 * npm run backup -- <file> — an online backup of the configured server into
 * one new tar archive, while the server runs: the database (SQLite's backup
 * API, or pg_dump on PostgreSQL), the uploaded files its rows name, and the
 * audit checkpoints its log reaches, with a manifest of counts and sha256s
 * (src/data/backup.ts). The same environment as the server (JC_DATABASE_URL,
 * JC_DATA_DIR, JC_AUDIT_KEY or JC_AUDIT_KEY_FILE, JC_AUDIT_CHECKPOINTS, …);
 * JC_PG_BIN_DIR names the folder of pg_dump when it is not on the PATH.
 * Neither the audit key nor the auth secret goes in: keep them apart.
 * Exit code 0, 1 when it failed, 2 on a usage error.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../src/config.ts';
import { BackupError, describeDatabase, sayBytes, sayCounts, takeBackup } from '../src/data/backup.ts';

const USAGE = 'Usage: npm run backup -- <file>   (a new file: the archive is written there)';

const Cli = z.object({
  positionals: z.tuple([z.string().trim().min(1, 'name the archive file')], { error: 'name one archive file' }),
  env: z.object({
    JC_PG_BIN_DIR: z.string().min(1).optional(),
    /** Where npm was run from: a relative file name is the user's, not the package's. */
    INIT_CWD: z.string().min(1).optional(),
  }),
});

async function main(): Promise<number> {
  let args;
  try {
    const { positionals } = parseArgs({ allowPositionals: true, options: {} });
    args = Cli.parse({ positionals, env: process.env });
  } catch (err) {
    const message = err instanceof z.ZodError ? err.issues.map((i) => i.message).join('; ') : (err as Error).message;
    console.error(`${message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(process.env, { createAuditKey: false, createAuthSecret: false });
  const file = path.resolve(args.env.INIT_CWD ?? process.cwd(), args.positionals[0]);
  const started = Date.now();
  const { manifest, bytes } = await takeBackup(config, file, { pgBinDir: args.env.JC_PG_BIN_DIR });
  const head = manifest.audit.head;
  const checkpoints = manifest.audit.checkpoints;
  console.log(`backup written: ${file} (${sayBytes(bytes)}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  database: ${describeDatabase(config.database)}, snapshot at ${manifest.createdAt}, ${manifest.migrations.length} migrations applied`);
  console.log(`  rows: ${sayCounts(manifest.counts)}`);
  console.log(`  files: ${manifest.files.count} (${sayBytes(manifest.files.bytes)})`);
  if (manifest.files.vanished.length) {
    console.log(
      `  vanished: ${manifest.files.vanished.length} files were deleted after the snapshot and before they could be taken: ${manifest.files.vanished.map((v) => v.id).join(', ')} (a restore marks them deleted)`,
    );
  }
  const sink = config.audit.checkpoints.kind === 'file' ? null : `the checkpoint sink is ${config.audit.checkpoints.kind}: keep its lines yourself`;
  const kept = checkpoints ? `${checkpoints.kept} checkpoints${checkpoints.left ? ` (${checkpoints.left} later lines left out)` : ''}` : (sink ?? 'no checkpoint file yet');
  console.log(`  audit log: ${head ? `up to row ${head.seq}` : 'empty'}; ${kept}`);
  console.log('  not in it: the audit key and the auth secret (keep them apart from the archive: a restore needs both)');
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`backup failed: ${err instanceof BackupError || err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  },
);
