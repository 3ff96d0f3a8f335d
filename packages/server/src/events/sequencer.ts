import { advisoryXactLockSql } from '../db/dialect.ts';
import { NOTIFY_CHANNEL } from './events.ts';

/**
 * The event sequencer (PostgreSQL). Writers insert their events with no
 * delivery number, in their own transactions, and take no lock. A sequencer
 * round numbers the committed, unnumbered rows (in insertion order) in one
 * short transaction and wakes every process's hub. Rounds take a lock only
 * rounds take, so they run one at a time: each round's numbers are above every
 * number before them, and become visible together at its commit. So the
 * numbers a reader can see are always "everything up to N", and a subscriber
 * resuming after N can never miss an event that committed late: that event
 * had no number yet, and gets one above N.
 */
export const SEQUENCE_LOCK_KEY = 0x4a43_5351; // "JCSQ"

/** Events numbered per round at most (a round that numbers this many is followed by another). */
export const SEQUENCE_BATCH = 1000;

/**
 * One round as one simple query (one implicit transaction, one round trip):
 * the lock, then the numbering from the `event_sequence` counter (so numbers
 * keep rising even when pruning empties the table), and a notification when it
 * numbered anything. Returns one row `{ n }` when it numbered n > 0 events.
 */
export const SEQUENCE_ROUND = `${advisoryXactLockSql(SEQUENCE_LOCK_KEY)};
with pending as (
  select id, row_number() over (order by id) as rn from event where seq is null order by id limit ${SEQUENCE_BATCH}
), bump as (
  update event_sequence set last = last + (select count(*) from pending) where exists (select 1 from pending)
  returning last - (select count(*) from pending) as base
), numbered as (
  update event e set seq = bump.base + pending.rn from pending, bump where e.id = pending.id returning e.seq
)
select x.n from (select count(*)::int as n from numbered) x cross join lateral pg_notify('${NOTIFY_CHANNEL}', '') as woken where x.n > 0`;
