/**
 * The time as the server sees it, for everything that switches on a schedule
 * (maintenance windows, announcements, session deadlines). Tests pass a clock
 * they move by hand, so "the window has started" is tested without sleeping.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` every `ms` on this clock; returns what stops it. (A clock without it runs on real timers.) */
  every?(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Runs `fn` every `ms` on `clock`'s timers (real ones unless the clock has its
 * own); returns what stops it. `unref`: a real timer that does not keep the
 * process alive.
 */
export function every(clock: Clock, ms: number, fn: () => void, options: { unref?: boolean } = {}): () => void {
  if (clock.every) return clock.every(ms, fn);
  const timer = setInterval(fn, ms);
  if (options.unref) timer.unref();
  return () => clearInterval(timer);
}

interface ManualTimer {
  next: number;
  ms: number;
  fn: () => void;
}

/**
 * A clock that stands still until told to move (tests). Its timers fire when
 * it is moved past their time: each due timer once per move (missed periods
 * fold into one, as a busy event loop's intervals do). Moving it back fires
 * nothing and leaves each timer the time it had left.
 */
export class ManualClock implements Clock {
  #at: number;
  #timers = new Set<ManualTimer>();
  constructor(start: Date | string = new Date()) {
    this.#at = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  set(at: Date | string) {
    this.#moveTo(new Date(at).getTime());
  }
  advance(ms: number) {
    this.#moveTo(this.#at + ms);
  }
  every(ms: number, fn: () => void): () => void {
    const timer: ManualTimer = { next: this.#at + ms, ms, fn };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }
  #moveTo(at: number) {
    // Moved back (a test returning to its start): each timer keeps the time it had left, as a real
    // interval does when the wall clock is set back, rather than waiting out the gap.
    if (at < this.#at) for (const timer of this.#timers) timer.next = at + (timer.next - this.#at);
    this.#at = at;
    for (const timer of [...this.#timers]) {
      if (timer.next > at || !this.#timers.has(timer)) continue;
      timer.next += Math.ceil((at - timer.next + 1) / timer.ms) * timer.ms;
      timer.fn();
    }
  }
}
