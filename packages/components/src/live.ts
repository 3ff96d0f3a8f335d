import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveEvent } from './api/events.js';
import type { JcController } from './context.js';

export interface LiveOptions {
  /** Topics to follow (`*`, `user`, `community:<id or slug>`, or an event type); read again on every update. */
  topics: () => string[];
  /** Called for each matching event. */
  onEvent: (event: LiveEvent) => void;
  /** Called when the server could not replay what was missed: reload what the widget shows. */
  onResync?: () => void;
}

/**
 * How a widget follows live events: it subscribes to the page's one stream
 * (its provider's, or its own when it stands alone) while it is connected,
 * and follows a change of provider or of topics.
 */
export class LiveController implements ReactiveController {
  #unsubscribe: (() => void) | null = null;
  #key = '';
  #stream: EventTarget | null = null;
  #onResync = () => this.options.onResync?.();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly jc: JcController,
    private readonly options: LiveOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#sync();
  }

  hostUpdated(): void {
    this.#sync();
  }

  hostDisconnected(): void {
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
    this.#unsubscribe = live.subscribe(topics, (e) => this.options.onEvent(e));
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
