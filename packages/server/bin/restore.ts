/**
 * npm run restore -- <file> — restores a backup (npm run backup) into the
 * configured database and data folder, which must be empty (refused
 * otherwise): checks the manifest and every part's sha256 first, then writes
 * the database (pg_restore on PostgreSQL), the files and the audit
 * checkpoints, checks the migrations and the row counts, and verifies the
 * audit log. The same environment as the server, with the original audit key
 * and auth secret (JC_AUDIT_KEY or JC_AUDIT_KEY_FILE, JC_AUTH_SECRET or the
 * auth-secret file in the data folder). Exit code 0, 1 when refused or
 * failed, 2 on a usage error.
 */
import { archiveArgs, runArchiveCommand } from './archive-args.ts';
import { describeDatabase, sayBytes, sayCounts } from '../src/data/backup.ts';
import { restoreBackup } from '../src/data/restore.ts';

const USAGE = 'Usage: npm run restore -- <file>   (into an empty database and data folder)';

async function main(): Promise<number> {
  const args = archiveArgs(USAGE);
  if (!args) return 2;
  const { file, pgBinDir, config } = args;
  const r = await restoreBackup(config, file, { pgBinDir });
  const m = r.manifest;
  const parts = [`the database`, ...(m.audit.checkpoints ? ['the checkpoints'] : []), `${m.files.count} files`];
  console.log(`restored ${file} (taken ${m.createdAt}) into ${describeDatabase(config.database)} and ${config.dataDir}`);
  console.log(`  sha256 checked: ${parts.join(', ')}`);
  const pending = r.migrations.pending.length ? `${r.migrations.pending.length} pending (${r.migrations.pending.join(', ')}): the server applies them when it starts` : 'none pending';
  const auth = r.migrations.authPending.length ? `auth tables to update: ${r.migrations.authPending.join(', ')}` : 'auth tables current';
  console.log(`  migrations: ${r.migrations.applied} applied, ${pending}; ${auth}`);
  console.log(`  rows: ${sayCounts(r.counts)} (as counted at the backup)`);
  console.log(`  files: ${m.files.count} (${sayBytes(m.files.bytes)})`);
  if (m.files.vanished.length) {
    console.log(`  vanished: ${m.files.vanished.length} files deleted during the backup, marked deleted here: ${m.files.vanished.map((v) => v.id).join(', ')}`);
  }
  if (r.checkpointsFile) console.log(`  checkpoints: ${m.audit.checkpoints!.kept} written to ${r.checkpointsFile}`);
  const a = r.audit;
  if (a.broken) {
    console.log(`  audit log: tampered: row ${a.broken.seq} ${a.broken.reason} (${a.rows} rows before it verified)`);
    return 1;
  }
  const waiting = a.pending ? `; ${a.pending} entries wait in the outbox (the server chains them when it starts)` : '';
  console.log(`  audit log: intact: ${a.rows} rows, ${a.checkpointsMatched} checkpoints matched${waiting}`);
  return 0;
}

runArchiveCommand('restore', main);
