/**
 * npm run audit:verify [-- --checkpoints FILE] — checks the audit log in the
 * configured database (the same environment as the server: JC_DATABASE_URL,
 * JC_DATA_DIR, JC_AUDIT_KEY or JC_AUDIT_KEY_FILE, JC_AUDIT_CHECKPOINTS):
 * every row's keyed hash and link, and every signed checkpoint (by default
 * from the checkpoint file; with a stdout or syslog sink, pass the collected
 * lines as FILE). Prints `intact`, or `tampered` with the first row that
 * fails; exit code 0, 1 when tampered, 2 when it cannot verify (no key, a
 * checkpoint signed with another key).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { verifyAudit } from '../src/audit.ts';
import { CannotVerify, readCheckpoints } from '../src/audit-chain.ts';

const { values } = parseArgs({ options: { checkpoints: { type: 'string' } } });

async function main(): Promise<number> {
  const config = loadConfig(process.env, { createAuditKey: false });
  const sink = config.audit.checkpoints;
  const file = values.checkpoints ?? (sink.kind === 'file' ? sink.path : null);
  const read = file ? await readCheckpoints(file) : null;
  const db = openDatabase(config.database, config.audit.key);
  try {
    const result = await verifyAudit(db.kysely, read?.checkpoints ?? []);
    if (result.broken) {
      console.log(`tampered: audit log row ${result.broken.seq} ${result.broken.reason} (${result.rows} rows before it verified)`);
      return 1;
    }
    const legacy = result.legacyRows ? `, ${result.legacyRows} of them from before the keyed chain (plain SHA-256, up to seq ${(result.keyedFrom ?? 1) - 1})` : '';
    const against = !file
      ? `no checkpoints read (the sink is ${sink.kind}: pass the collected lines with --checkpoints FILE)`
      : read
        ? `${result.checkpointsMatched} of ${read.checkpoints.length} checkpoints matched${read.unreadable ? `, ${read.unreadable} unreadable lines skipped` : ''}`
        : `no checkpoint file yet at ${file}`;
    const pending = result.pending ? `; ${result.pending} newer entries are waiting in the outbox to be chained (a running server chains them within a second; they are not verified yet)` : '';
    console.log(`intact: ${result.rows} rows, every keyed hash and link verified${legacy}; ${against}${pending}`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`cannot verify: ${err instanceof CannotVerify || err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 2;
  },
);
