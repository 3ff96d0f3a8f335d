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
import { archiveArgs, runArchiveCommand } from './archive-args.ts';
import { describeDatabase, sayBytes, sayCounts, takeBackup } from '../src/data/backup.ts';

const USAGE = 'Usage: npm run backup -- <file>   (a new file: the archive is written there)';

async function main(): Promise<number> {
  const args = archiveArgs(USAGE);
  if (!args) return 2;
  const { file, pgBinDir, config } = args;
  const started = Date.now();
  const { manifest, bytes } = await takeBackup(config, file, { pgBinDir });
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

runArchiveCommand('backup', main);
