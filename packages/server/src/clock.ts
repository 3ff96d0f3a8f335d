/**
 * The time as the server sees it, for everything that switches on a schedule
 * (maintenance windows, announcements). Tests pass a clock they move by hand,
 * so "the window has started" is tested without sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move (tests). */
export class ManualClock implements Clock {
  #at: number;
  constructor(start: Date | string = new Date()) {
    this.#at = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  set(at: Date | string) {
    this.#at = new Date(at).getTime();
  }
  advance(ms: number) {
    this.#at += ms;
  }
}
