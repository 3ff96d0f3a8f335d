/**
 * Fires a widget's `jc-*` event: every one bubbles and is composed, so a host
 * page hears it from outside the shadow roots. Answers false when a listener
 * called `preventDefault()` on a cancelable one.
 */
export function fire(host: HTMLElement, name: string, detail: unknown, cancelable = false): boolean {
  return host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
}
