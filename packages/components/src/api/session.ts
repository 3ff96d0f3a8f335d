import { ApiClient, ApiError } from './client.js';
import type { Me, MePatch } from './schemas.js';

export type SessionState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; me: Me }
  | { status: 'error'; error: ApiError };

/**
 * The page's one view of who is signed in. Widgets listen for `change` and
 * re-render; every widget under one provider shares one store.
 */
export class SessionStore extends EventTarget {
  #state: SessionState = { status: 'idle' };
  #loading: Promise<void> | null = null;

  constructor(readonly api: ApiClient) {
    super();
  }

  get state(): SessionState {
    return this.#state;
  }

  get me(): Me | null {
    return this.#state.status === 'signed-in' ? this.#state.me : null;
  }

  #set(state: SessionState) {
    this.#state = state;
    this.dispatchEvent(new Event('change'));
  }

  /** Loads the session once; later calls reuse the answer. */
  ensureLoaded(): Promise<void> {
    if (this.#state.status === 'idle') return this.refresh();
    return this.#loading ?? Promise.resolve();
  }

  refresh(): Promise<void> {
    this.#set({ status: 'loading' });
    this.#loading = this.api
      .me()
      .then((me) => this.#set(me ? { status: 'signed-in', me } : { status: 'signed-out' }))
      .catch((error: unknown) => this.#set({ status: 'error', error: toApiError(error) }))
      .finally(() => (this.#loading = null));
    return this.#loading;
  }

  /** Signs in; throws an ApiError (wrong password, network) for the form to show. */
  async signIn(email: string, password: string): Promise<Me> {
    await this.api.signIn(email, password);
    const me = await this.api.me();
    if (!me) throw new ApiError(401, 'UNAUTHENTICATED', 'The sign-in did not stick. Try again.');
    this.#set({ status: 'signed-in', me });
    return me;
  }

  async signOut(): Promise<void> {
    try {
      await this.api.signOut();
    } finally {
      this.#set({ status: 'signed-out' });
    }
  }

  async update(patch: MePatch): Promise<Me> {
    const me = await this.api.updateMe(patch);
    this.#set({ status: 'signed-in', me });
    return me;
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'UNKNOWN', error instanceof Error ? error.message : String(error));
}
