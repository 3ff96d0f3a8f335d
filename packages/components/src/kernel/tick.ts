import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The time now, kept fresh while the widget is on the page: its host renders
 * again every `every` ms (30 s), so relative times ("3 minutes ago") and
 * "overdue" follow the clock.
 */
export class Tick implements ReactiveController {
  now = Date.now();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly every = 30_000,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#timer = setInterval(() => {
      this.now = Date.now();
      this.host.requestUpdate();
    }, this.every);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
  }
}
