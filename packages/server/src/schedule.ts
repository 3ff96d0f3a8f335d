import type { Kysely } from 'kysely';
import type { CheckpointWriter } from './audit-chain.ts';
import { every, type Clock } from './clock.ts';
import type { Database } from './db/schema.ts';
import type { EventBus } from './events/bus.ts';
import { recordEvent } from './events/events.ts';
import { pruneRateLimits } from './db/prune.ts';
import { sweepFiles } from './data/files.ts';
import type { FileStore } from './data/file-store.ts';
import { log } from './logger.ts';
import { logJobFailure } from './db/unavailable.ts';

/**
 * What changes with the clock rather than a request: a maintenance window or
 * an announcement that starts or ends. Nothing is stored as "current": the
 * directory computes a service's status from its windows at read time, so it
 * is right at once; the scheduler only tells live subscribers when a boundary
 * passes. Each boundary is claimed with a conditional update, so with several
 * server processes exactly one announces it.
 *
 * The optional health check (off unless JC_HEALTH_CHECK_SECONDS is set) asks
 * each service's configured URL and marks it down or back up; it never
 * overrides a status an administrator set.
 *
 * The file sweep removes uploads never attached within the configured hours,
 * and finishes removing the bytes of any deleted file.
 *
 * With a checkpoint writer, it also signs the audit log's head every
 * `checkpointSeconds` and writes it outside the database (audit-chain.ts).
 *
 * Its timers run on the server's clock (clock.ts), so a test that moves a
 * ManualClock past a boundary sees the scheduler announce it by itself, and
 * awaits `settled()` instead of sleeping.
 */
export class Scheduler {
  #stops: (() => void)[] = [];
  /** Runs a timer started that have not finished (`settled()` waits for them). */
  #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly files: { store: FileStore; dataDir: string; unattachedHours: number } | null = null,
    private readonly checkpoints: CheckpointWriter | null = null,
  ) {}

  /** How often the file sweep runs: a fraction of the unattached window, between a minute and ten. */
  static sweepSeconds(unattachedHours: number): number {
    return Math.min(600, Math.max(60, unattachedHours * 36));
  }

  start(tickSeconds: number, healthSeconds: number, checkpointSeconds = 0) {
    const repeat = (seconds: number, fn: () => Promise<unknown>) => this.#stops.push(every(this.clock, seconds * 1000, this.#job(fn), { unref: true }));
    repeat(tickSeconds, () => this.tick());
    if (healthSeconds > 0) repeat(healthSeconds, () => this.checkHealth());
    if (this.files) repeat(Scheduler.sweepSeconds(this.files.unattachedHours), () => this.sweepFiles());
    if (checkpointSeconds > 0 && this.checkpoints) repeat(checkpointSeconds, () => this.checkpoint());
  }

  /**
   * What a timer calls: runs `fn`, logging (only the message of) what it
   * throws. A run never overlaps the same job's previous one: one that falls
   * due meanwhile runs once after it (so a slow round is not doubled, and no
   * move of a test's clock is missed).
   */
  #job(fn: () => Promise<unknown>): () => void {
    let running = false;
    let again = false;
    return () => {
      if (running) return void (again = true);
      running = true;
      const run = (async () => {
        do {
          again = false;
          // A database that is restarting fails the run, which is logged; the process carries on, and the next run tries again.
          await fn().catch((err) => logJobFailure(log, err, '[schedule] a scheduled job could not reach the database', '[schedule] a scheduled job failed'));
        } while (again);
        // In the same step as the last look at `again`, so a timer firing now starts a run of its own.
        running = false;
      })();
      this.#inFlight.add(run);
      void run.then(() => this.#inFlight.delete(run));
    };
  }

  /** Resolves when every run a timer started (and any it queued) has finished: tests await it after moving the clock. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  /** Removes uploads never attached that are older than the setting, and the bytes of deleted files; returns how many files went. */
  async sweepFiles(): Promise<number> {
    if (!this.files) return 0;
    return sweepFiles(this.db, this.files.store, this.files.dataDir, this.clock.now(), this.files.unattachedHours);
  }

  /** Writes a signed checkpoint of the audit log's head (when it moved since the last); returns its seq, or null. */
  async checkpoint(): Promise<number | null> {
    const written = await this.checkpoints?.write();
    return written?.seq ?? null;
  }

  /** Stops the timers (a run under way finishes: await `settled()` before closing the database). */
  stop() {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }

  /** Announces every window and announcement boundary that has passed; returns how many. */
  async tick(): Promise<number> {
    const now = this.clock.now().toISOString();
    let announced = 0;
    await this.db.transaction().execute(async (trx) => {
      const windows = await trx
        .selectFrom('maintenance_window')
        .select(['id', 'service_id', 'starts_at', 'ends_at', 'start_announced', 'end_announced'])
        .where((eb) => eb.or([eb.and([eb('start_announced', '=', 0), eb('starts_at', '<=', now)]), eb.and([eb('end_announced', '=', 0), eb('ends_at', '<=', now)])]))
        .execute();
      for (const w of windows) {
        for (const [column, due, reason] of [
          ['start_announced', w.starts_at <= now && !w.start_announced, 'maintenance-started'],
          ['end_announced', w.ends_at <= now && !w.end_announced, 'maintenance-ended'],
        ] as const) {
          if (!due) continue;
          const claimed = await trx.updateTable('maintenance_window').set({ [column]: 1 }).where('id', '=', w.id).where(column, '=', 0).executeTakeFirst();
          if (Number(claimed.numUpdatedRows) === 0) continue;
          await recordEvent(trx, { type: 'service.changed', payload: { serviceId: w.service_id, reason } });
          announced++;
        }
      }
      const notices = await trx
        .selectFrom('announcement')
        .select(['id', 'starts_at', 'ends_at', 'start_announced', 'end_announced'])
        .where((eb) =>
          eb.or([eb.and([eb('start_announced', '=', 0), eb('starts_at', '<=', now)]), eb.and([eb('end_announced', '=', 0), eb('ends_at', 'is not', null), eb('ends_at', '<=', now)])]),
        )
        .execute();
      for (const a of notices) {
        for (const [column, due] of [
          ['start_announced', a.starts_at <= now && !a.start_announced],
          ['end_announced', a.ends_at !== null && a.ends_at <= now && !a.end_announced],
        ] as const) {
          if (!due) continue;
          const claimed = await trx.updateTable('announcement').set({ [column]: 1 }).where('id', '=', a.id).where(column, '=', 0).executeTakeFirst();
          if (Number(claimed.numUpdatedRows) === 0) continue;
          await recordEvent(trx, { type: 'announcement.changed', payload: { announcementId: a.id } });
          announced++;
        }
      }
    });
    if (announced) this.bus.notify();
    await pruneRateLimits(this.db, this.clock);
    return announced;
  }

  /** One round of health checks: a service whose URL fails goes down; one that answers again comes back up. */
  async checkHealth(fetcher: typeof fetch = fetch): Promise<void> {
    const services = await this.db.selectFrom('service').select(['id', 'health_url', 'status', 'status_source']).where('health_url', 'is not', null).execute();
    let changed = false;
    for (const s of services) {
      const ok = await fetcher(s.health_url!, { signal: AbortSignal.timeout(5000), redirect: 'manual' })
        .then((r) => r.status < 500)
        .catch(() => false);
      const at = this.clock.now().toISOString();
      const update = ok
        ? // Back up: only a status the health check itself set is cleared.
          this.db.updateTable('service').set({ status: 'operational', status_message: null, status_source: 'admin', status_updated_at: at }).where('status_source', '=', 'health-check')
        : // Down: only from operational, never over what an administrator set.
          this.db
            .updateTable('service')
            .set({ status: 'major-outage', status_message: 'The automatic health check could not reach this service.', status_source: 'health-check', status_updated_at: at })
            .where('status', '=', 'operational');
      await this.db.transaction().execute(async (trx) => {
        const res = await trx.executeQuery(update.where('id', '=', s.id).compile());
        if (Number(res.numAffectedRows ?? 0) > 0) {
          await recordEvent(trx, { type: 'service.changed', payload: { serviceId: s.id, reason: ok ? 'health-check-recovered' : 'health-check-failed' } });
          changed = true;
        }
      });
    }
    if (changed) this.bus.notify();
  }
}
