import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveEvent } from './api/events.js';
import type { JcController } from './context.js';

export interface LiveOptions {
  /** Topics to follow (`*`, `user`, `community:<id or slug>`, or an event type); read again on every update. */
  topics: () => string[];
  /** Called for each matching event; answer `false` when the event is not one that `refresh` should follow. */
  onEvent?: (event: LiveEvent) => unknown;
  /** Called when the server could not replay what was missed: reload what the widget shows. Without it, a resync schedules `refresh`. */
  onResync?: () => void;
  /** Reads what the widget shows again: called once for a burst of events, `debounce` ms after the last one. */
  refresh?: () => void;
  /** How long a burst of events is waited out before `refresh` (250 ms). */
  debounce?: number;
}

/**
 * How a widget follows live events: it subscribes to the page's one stream
 * (its provider's, or its own when it stands alone) while it is connected,
 * and follows a change of provider or of topics. With `refresh`, the events
 * of a burst (and a resync) are followed by one refresh, not one each.
 */
export class LiveController implements ReactiveController {
  #unsubscribe: (() => void) | null = null;
  #key = '';
  #stream: EventTarget | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onResync = () => (this.options.onResync ? this.options.onResync() : this.schedule());

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly jc: JcController,
    private readonly options: LiveOptions,
  ) {
    host.addController(this);
  }

  /** Calls `refresh` once the events coming in have paused for `debounce` ms (again from the start at each call). */
  schedule(): void {
    const { refresh, debounce = 250 } = this.options;
    if (!refresh) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(refresh, debounce);
  }

  hostConnected(): void {
    this.#sync();
  }

  hostUpdated(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#drop();
  }

  #sync() {
    const live = this.jc.value?.live;
    if (!live) return;
    const topics = this.options.topics();
    const key = topics.join('\n');
    if (this.#stream === live && this.#key === key) return;
    this.#drop();
    this.#stream = live;
    this.#key = key;
    this.#unsubscribe = live.subscribe(topics, (e) => {
      if (this.options.onEvent?.(e) !== false) this.schedule();
    });
    live.addEventListener('resync', this.#onResync);
  }

  #drop() {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#stream?.removeEventListener('resync', this.#onResync);
    this.#stream = null;
    this.#key = '';
  }
}
