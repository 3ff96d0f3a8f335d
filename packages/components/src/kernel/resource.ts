import { Task, initialState } from '@lit/task';
import type { ReactiveControllerHost } from 'lit';
import type { ApiError } from '../api/client.js';
import type { SessionState } from '../api/session.js';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * Who a widget's data is loaded for: the signed-in user, their account's
 * status and (with `optIn`) their opt-in; null when no one is signed in.
 */
export function signedInKey(session: SessionState, optIn = true): string | null {
  return session.status === 'signed-in' ? [session.me.id, optIn && session.me.optedIn, session.me.status].join('|') : null;
}

export interface ResourceOptions<T, A extends readonly unknown[]> {
  /** Fetches the data for the widget's `args`. The signal aborts when a newer load or refresh supersedes this one. */
  load: (args: A, signal: AbortSignal) => Promise<T>;
  /** The widget's inputs (attributes, properties): a change loads again. */
  args?: () => A;
  /**
   * Who the data is for (default `signedInKey`): a change loads again; null
   * means signed out (the data is dropped); undefined means "not known yet,
   * keep what is shown" (a session being checked).
   */
  key?: (session: SessionState) => string | null | undefined;
  /** What is shown stays while loading again (the status stays 'ready'), and a refresh may recover from an error. */
  keep?: boolean;
  /** A load (not a refresh) starts: drop what belongs to the old data. */
  onLoad?: () => void;
  /** Signed out: the data was dropped; drop what belongs to it. */
  onReset?: () => void;
}

type Job<T> = (value: T, signal: AbortSignal) => Promise<T>;
/** A quiet change on its way, and how to answer its caller: null (shown), the failure, or undefined (superseded). */
type Update<T> = { run: Job<T>; done: (outcome: ApiError | null | undefined) => void };

const SIGNED_OUT = [null] as const;

/**
 * Every load of a widget, on `@lit/task`: it runs when the key (who is signed
 * in) or the widget's inputs change, and an answer that a newer load or
 * refresh superseded is dropped (the Task's abort signal and call order), in
 * this one place. `value` may be set by the widget (its own writes).
 * `refresh()` reads again quietly: a failure keeps what is shown.
 */
export class Resource<T, A extends readonly unknown[] = []> {
  #value: T | undefined;
  #error: ApiError | null = null;
  #status: LoadStatus = 'idle';
  #job: Update<T> | null = null;
  #args: readonly unknown[] | undefined;
  readonly task: Task<readonly unknown[], void>;

  /** `session` answers the session now; `failed` turns a failed request into an ApiError, checking the session again on a 401 (JcElement's `resource()` gives both). */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly session: () => SessionState,
    private readonly failed: (err: unknown) => ApiError,
    private readonly options: ResourceOptions<T, A>,
  ) {
    this.task = new Task(host, {
      args: () => this.#argsNow(),
      task: (args, { signal }) => this.#run(args, signal),
    });
  }

  get status(): LoadStatus {
    return this.#status;
  }

  /** The data as last loaded (or set); undefined before it is, while loading afresh, and signed out. */
  get value(): T | undefined {
    return this.#value;
  }

  /** The widget's own change to the data (the answer to a write): shown at once, as loaded data. */
  set value(value: T) {
    this.#value = value;
    this.#status = 'ready';
    this.#error = null;
    this.host.requestUpdate();
  }

  /** Why the last load failed (status 'error'). */
  get error(): ApiError | null {
    return this.#error;
  }

  /** Shows `error` as the load's failure (an action that stands for the load failed, e.g. the opt-in). */
  fail(error: ApiError): void {
    this.#error = error;
    this.#status = 'error';
    this.host.requestUpdate();
  }

  /** Loads again (Try again, a resync), showing "Loading" unless `keep`. */
  reload(): void {
    this.#job = null;
    const args = this.#argsNow();
    if (args !== SIGNED_OUT) void this.task.run(args);
  }

  /** Reads the data again in place (a live change): what is shown stays on failure. Resolves once the answer is shown: null, or the failure. */
  refresh(): Promise<ApiError | null | undefined> {
    return this.update((_value, signal) => this.options.load((this.#args ?? []).slice(1) as unknown as A, signal));
  }

  /**
   * Changes the loaded data with `job` (a refresh, the next page), quietly:
   * the status stays 'ready', a failure keeps what is shown and is answered
   * (the widget may show it). Answers undefined, doing nothing, while nothing
   * is shown, and when a newer load superseded it.
   */
  update(job: Job<T>): Promise<ApiError | null | undefined> {
    const shown = this.#status === 'ready' || (this.options.keep && this.#status === 'error');
    const args = this.#args;
    if (!shown || !args || args === SIGNED_OUT) return Promise.resolve(undefined);
    return new Promise((done) => {
      this.#job = {
        run: (value, signal) => {
          // Superseded: the caller hears so at once, whenever the request itself ends.
          signal.addEventListener('abort', () => done(undefined));
          return job(value, signal);
        },
        done,
      };
      void this.task.run(args);
    });
  }

  /** The Task's arguments: the key and the inputs, or SIGNED_OUT (run once, to drop the data). */
  #argsNow(): readonly unknown[] {
    const key = (this.options.key ?? signedInKey)(this.session());
    if (key === undefined) return this.#args ?? SIGNED_OUT;
    return (this.#args = key === null ? SIGNED_OUT : [key, ...(this.options.args?.() ?? [])]);
  }

  /**
   * One run of the Task: drop the data (signed out), load it, or change it
   * quietly (`update`). The Task aborts a run's signal when a newer run
   * starts: an aborted run's answer, or failure, is dropped here.
   */
  async #run(args: readonly unknown[], signal: AbortSignal): Promise<typeof initialState | void> {
    const job = this.#job;
    this.#job = null;
    if (args === SIGNED_OUT) {
      this.#value = undefined;
      this.#error = null;
      this.#status = 'idle';
      this.options.onReset?.();
      return initialState;
    }
    if (!job && !(this.options.keep && this.#status === 'ready')) {
      this.#status = 'loading';
      this.#value = undefined;
      this.#error = null;
      this.options.onLoad?.();
    }
    try {
      const value = await (job ? job.run(this.#value as T, signal) : this.options.load(args.slice(1) as unknown as A, signal));
      if (signal.aborted) return;
      this.value = value;
      job?.done(null);
    } catch (err) {
      // A superseded request's failure is nobody's business (a 401 is heard from the current one).
      if (signal.aborted) return;
      const error = this.failed(err);
      if (job) job.done(error);
      else this.fail(error);
    }
  }
}
