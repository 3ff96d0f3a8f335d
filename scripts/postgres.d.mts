// Types of scripts/postgres.mjs, for TypeScript tests that start their own PostgreSQL (a chaos test stopping and restarting it, say).

export interface TestPostgres {
  /** postgres://postgres:<password>@127.0.0.1:<port>/test: what JC_TEST_DATABASE_URL would be. */
  url: string;
  /** What it is and where, without the password: for printing. */
  display: string;
  /** `select version()`. */
  version: string;
  port: number;
  /** The temp folder that holds the cluster. */
  dir: string;
  /** Starts it again after `stop()`, on the same port, with the same data. */
  start(): Promise<void>;
  /** Shuts the server down and keeps its data; `mode: 'immediate'` is a crash (WAL recovery on the next start). */
  stop(options?: { mode?: 'smart' | 'fast' | 'immediate' }): Promise<void>;
  /** Stops it and deletes its folder; may be called twice. */
  remove(): Promise<void>;
}

export function startTestPostgres(options?: { log?: (line: string) => void; cleanupOnSignal?: boolean }): Promise<TestPostgres>;
export function serverVersion(url: string): Promise<string>;
export function shortVersion(version: string): string;
