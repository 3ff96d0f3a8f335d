/**
 * npm run audit:verify — walks the audit log's hash chain in the configured
 * database (the same environment as the server: JC_DATABASE_URL, JC_DATA_DIR)
 * and says whether it is intact, or which row first fails. Exit code 1 when broken.
 */
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { verifyAudit } from '../src/audit.ts';

const config = loadConfig();
const db = openDatabase(config.database);
try {
  const { rows, broken } = await verifyAudit(db.kysely);
  if (broken) {
    console.error(`audit log BROKEN at seq ${broken.seq}: ${broken.reason} (${rows} rows before it verified)`);
    process.exitCode = 1;
  } else {
    console.log(`audit log intact: ${rows} rows, every hash and link verified`);
  }
} finally {
  await db.close();
}
