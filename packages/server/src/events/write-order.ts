import pg from 'pg';
import type { AuditKeys } from '../audit-chain.ts';
import { CHAIN_BATCH, chainRound, type Run, type WriteSettler } from '../audit-outbox.ts';
import { SEQUENCE_BATCH, SEQUENCE_ROUND } from './sequencer.ts';
import { log } from '../logger.ts';
import { logJobFailure } from '../db/unavailable.ts';

/**
 * How often every process looks for events and audit entries left unnumbered (their writer stopped before it settled them).
 * Real time, not the server's Clock: it decides nothing by the time (tests call `settle()`), it only polls for another process's work.
 */
const SWEEP_MS = 1000;

/**
 * Numbers committed events (sequencer.ts) and chains audit entries
 * (audit-outbox.ts) for one server process on PostgreSQL, on a connection
 * of its own: the rounds' locks are waited for here, never in a request's
 * transaction nor on the request pool.
 *
 * `settle()` runs a round that starts after the call, so it covers everything
 * the caller committed; callers that arrive while a round runs share the next
 * one (one round numbers and chains any number of writes, from every
 * process). Rounds in several processes take turns on their locks; each
 * finds what the others left. A one-second sweep in every process picks up
 * what a stopped process committed but did not settle.
 */
export class WriteOrder implements WriteSettler {
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  #current: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #timer: NodeJS.Timeout;
  #closed = false;

  constructor(
    private readonly url: string,
    private readonly keys: AuditKeys,
    /** Wakes this process's hub when a round numbered events (other processes hear the round's pg_notify). */
    private readonly numbered: () => void,
  ) {
    this.#timer = setInterval(() => {
      // While the database restarts each sweep fails; the first one after it numbers and chains what waited.
      if (!this.#next && !this.#current)
        void this.settle().catch((err) => logJobFailure(log, err, '[events] the database is not answering; numbering events at the next sweep', '[events] could not number events or chain the audit log'));
    }, SWEEP_MS);
    this.#timer.unref();
  }

  settle(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#next) return this.#next;
    const previous = this.#current;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const next = (async () => {
      await gate;
      await previous?.catch(() => {});
      // From here on a caller needs the round after this one.
      this.#next = null;
      const round = this.#round();
      this.#current = round;
      try {
        await round;
      } finally {
        if (this.#current === round) this.#current = null;
      }
    })();
    this.#next = next;
    open();
    return next;
  }

  async #round(): Promise<void> {
    const client = await this.#connect();
    const [todo] = (await client.query<{ events: boolean; audit: boolean }>('select exists (select 1 from event where seq is null) as events, exists (select 1 from audit_outbox) as audit')).rows;
    if (todo?.events) {
      for (;;) {
        const results = (await client.query(SEQUENCE_ROUND)) as unknown as pg.QueryResult<{ n: number }>[];
        const n = results[1]?.rows[0]?.n ?? 0;
        if (n > 0) this.numbered();
        if (n < SEQUENCE_BATCH) break;
      }
    }
    if (todo?.audit) {
      const run: Run = async (text, values) => (await client.query(text, values ? [...values] : undefined)).rows;
      while ((await chainRound(run, this.keys)) === CHAIN_BATCH);
    }
  }

  #connect(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= (async () => {
      const c = new pg.Client({ connectionString: this.url });
      // A lost connection is dropped; the next round opens another (its open transaction died with it).
      c.on('error', () => {
        if (this.#client === c) this.#client = null;
        c.end().catch(() => {});
      });
      try {
        await c.connect();
      } catch (err) {
        c.end().catch(() => {});
        throw err;
      }
      this.#client = c;
      return c;
    })().finally(() => (this.#connecting = null));
    return this.#connecting;
  }

  /** Settles what is left, then lets go of the connection. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.settle().catch(() => {});
    this.#closed = true;
    await this.#connecting?.catch(() => {});
    await this.#client?.end().catch(() => {});
    this.#client = null;
  }
}
