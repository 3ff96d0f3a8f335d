import { EventEmitter } from 'node:events';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { directReads } from '../db/database.ts';
import { NOTIFY_CHANNEL } from './events.ts';

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

/**
 * Several server processes on one PostgreSQL: the sequencer's round that
 * numbers new events sends `pg_notify`, which reaches every process's LISTEN
 * connection on commit. A lost connection is re-opened, and its hub looks
 * again for anything it missed. `notify()` (after this process committed
 * events) asks `sequence` to number them; that round wakes the hubs.
 */
export function postgresBus(url: string, sequence?: () => Promise<void>): EventBus {
  const listeners: (() => void)[] = [];
  const wake = () => listeners.forEach((l) => l());
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    c.on('notification', wake);
    c.on('error', () => {
      if (client === c) client = null;
      c.end().catch(() => {});
      if (!closed) retry = setTimeout(connect, 1000);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
      if (closed) return void (await c.end());
      client = c;
      wake();
    } catch {
      c.end().catch(() => {});
      if (!closed) retry = setTimeout(connect, 1000);
    }
  };
  const ready = connect();
  return {
    notify: () => (sequence ? void sequence().catch(wake) : wake()),
    onWake: (l) => void listeners.push(l),
    async close() {
      closed = true;
      clearTimeout(retry);
      await ready.catch(() => {});
      await client?.end().catch(() => {});
      client = null;
    },
  };
}
