/** A widget's words for the states of its frame. */
export interface FrameOptions<T = unknown> {
  /** Shown to a signed-out reader. Without it the widget serves signed-out readers too: no session states are shown. */
  signedOut?: string;
  /** Why to opt in. Without it, an OPT_IN_REQUIRED answer is an error like any other (the widget does not need the opt-in). */
  optIn?: string;
  /** An account waiting for approval, in this widget's words (else the shared text). */
  pending?: string;
  /** The opt-in's own failure, shown under its button. */
  actionError?: string | null;
  /** What the Opt in button does (default: JcElement's `optIn`, whose failure replaces the load's error). */
  onOptIn?: () => void;
  /** Shown while loading. */
  loading?: string;
  /** A 404: the thing shown is not available (e.g. "This topic is not available."). Without it, a 404 is an error like any other. */
  notAvailable?: string;
  /** The view of an empty answer, or null when the answer is not empty. */
  empty?: (value: T) => unknown;
}
