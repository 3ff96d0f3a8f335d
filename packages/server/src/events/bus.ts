import { EventEmitter } from 'node:events';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { directReads } from '../db/database.ts';
import { NOTIFY_CHANNEL } from './events.ts';
import { unavailableReason } from '../db/unavailable.ts';
import { log } from '../logger.ts';

/**
 * Wakes the event hubs when new events are committed. The events themselves
 * are always read from the database, so a bus only says "look again".
 */
export interface EventBus {
  /** Called after a transaction that recorded events has committed. */
  notify(): void;
  onWake(listener: () => void): void;
  close(): Promise<void>;
}

/** One server process on SQLite: app instances on the same database file share one emitter. */
const local = new Map<string, EventEmitter>();

/** How often a SQLite server looks whether another process committed (PRAGMA data_version): real time, a poll for another process, not a decision by the clock. */
const SQLITE_WATCH_MS = 250;

/**
 * SQLite: writers in this process wake the hubs at once. A write from another
 * process on the same file (an administrator's script, a second server in
 * the element tests) is noticed within a quarter second through `PRAGMA
 * data_version`, which changes only when another connection commits.
 */
export function inProcessBus(key: string, db?: Kysely<any>): EventBus {
  let emitter = local.get(key);
  if (!emitter) {
    emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    local.set(key, emitter);
  }
  const e = emitter;
  const listeners: (() => void)[] = [];
  // The version to compare with is read now, synchronously, before the hub reads its last event id:
  // read at the first poll instead, a commit by another process in the first quarter second was
  // taken as the starting point and its events waited for the next commit.
  const version = (rows: { data_version: number }[] | null | undefined) => (rows?.[0] ? Number(rows[0].data_version) : null);
  let seen: number | null = db ? version(directReads.get(db)?.<{ data_version: number }>('pragma data_version', [])) : null;
  const watch = db
    ? setInterval(() => {
        sql<{ data_version: number }>`pragma data_version`
          .execute(db)
          .then((r) => {
            const now = version(r.rows);
            if (now === null) return;
            if (seen !== null && now !== seen) e.emit('wake');
            seen = now;
          })
          .catch(() => {});
      }, SQLITE_WATCH_MS)
    : undefined;
  watch?.unref();
  return {
    notify: () => e.emit('wake'),
    onWake(listener) {
      listeners.push(listener);
      e.on('wake', listener);
    },
    async close() {
      clearInterval(watch);
      for (const l of listeners) e.off('wake', l);
    },
  };
}

/** The pause before the bus's first attempt to listen again after its connection dropped, and the longest (doubling in between). */
export const BUS_RETRY_MS = { first: 250, max: 5000 };

/**
 * Several server processes on one PostgreSQL: the sequencer's round that
 * numbers new events sends `pg_notify`, which reaches every process's LISTEN
 * connection on commit. `notify()` (after this process committed events) asks
 * `sequence` to number them; that round wakes the hubs.
 *
 * A lost connection (PostgreSQL restarting) is opened again by itself, after
 * a pause that doubles while attempts fail (BUS_RETRY_MS), and once it
 * listens again the hubs are woken: each reads every event after the last one
 * it has (events/hub.ts), so what was committed, and numbered, while nobody
 * listened is delivered then, in order, once.
 */
export function postgresBus(url: string, sequence?: () => Promise<void>): EventBus {
  const listeners: (() => void)[] = [];
  const wake = () => listeners.forEach((l) => l());
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = BUS_RETRY_MS.first;
  let attempt: Promise<void> = Promise.resolve();
  const again = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      attempt = connect();
    }, delay);
    delay = Math.min(delay * 2, BUS_RETRY_MS.max);
  };
  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    // Dropped once, however its end is reported: a connection lost during connect or LISTEN both fails that step and
    // emits 'error', and two reports must not start two reconnections (each would hold a LISTEN connection of its own).
    let dropped = false;
    const drop = () => {
      if (dropped) return;
      dropped = true;
      if (client === c) client = null;
      c.end().catch(() => {});
      again();
    };
    c.on('notification', wake);
    c.on('error', (err) => {
      if (!closed && client === c) log.warn({ reason: unavailableReason(err) }, '[events] lost the LISTEN connection; listening again shortly');
      drop();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch {
      return drop();
    }
    if (closed || dropped) return void c.end().catch(() => {});
    client = c;
    delay = BUS_RETRY_MS.first;
    // Whatever was committed while this process was not listening is read now.
    wake();
  };
  attempt = connect();
  return {
    notify: () => (sequence ? void sequence().catch(wake) : wake()),
    onWake: (l) => void listeners.push(l),
    async close() {
      closed = true;
      clearTimeout(retry);
      await attempt.catch(() => {});
      await client?.end().catch(() => {});
      client = null;
    },
  };
}
