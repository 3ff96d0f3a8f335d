import { waitUntil as openWcWaitUntil } from '@open-wc/testing';

/**
 * `waitUntil` for the element tests. Most of what they wait for is a round trip
 * to the real server, and @open-wc's default of 1 s measures the machine's load
 * more than the widget: on CI with two cores busy, a keep-alive took longer and
 * failed a test that was right. The condition is what is tested; waiting up to
 * 8 s (as `settled` in testing/stories.ts does) only stops a slow machine from
 * failing it. A test that passes its own timeout keeps it.
 */
export function waitUntil(
  predicate: () => unknown | Promise<unknown>,
  message?: string,
  options: { interval?: number; timeout?: number } = {},
): Promise<void> {
  return openWcWaitUntil(predicate, message, { timeout: 8000, ...options });
}
