/* The fixture server's answers: JSON, the API's error envelope, and times relative to now. */

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
export const fail = (status: number, code: string, message: string, fields?: Record<string, string>) =>
  json(status, { error: fields ? { code, message, fields } : { code, message } });
export const unauthenticated = () => fail(401, 'UNAUTHENTICATED', 'Sign in to use this.');
export const notFound = () => fail(404, 'NOT_FOUND', 'No such community.');
/** No fixture for this method and path. */
export const noFixture = (method: string, url: URL) => fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);

export const minutesAgo = (m: number, from = Date.now()) => new Date(from - m * 60_000).toISOString();
