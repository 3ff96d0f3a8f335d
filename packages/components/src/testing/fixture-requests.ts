/*
 * What the recorded fixtures (fixtures.ts) are answering right now, so a
 * test or a screenshot can wait until a story has everything it asked for
 * (testing/stories.ts). A request a fixture leaves unanswered on purpose
 * (the `pending` options, for loading states) does not count.
 */

let open = 0;
let stalled = 0;

/** Fixture requests started and not yet answered, not counting those never answered on purpose. */
export function fixtureRequestsInFlight(): number {
  return open - stalled;
}

/** Counts `answer` as in flight until it settles. */
export function trackFixtureRequest<T>(answer: Promise<T>): Promise<T> {
  open++;
  return answer.finally(() => open--);
}

/** An answer that never comes (a loading state), not counted as in flight. */
export function neverAnswered(): Promise<Response> {
  stalled++;
  return new Promise<Response>(() => {});
}
