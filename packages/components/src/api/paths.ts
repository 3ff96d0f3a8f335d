/*
 * The API's paths, written once for every resource module of the client.
 * Every id or slug is encoded: a path never reads more into one than it is.
 */

export const community = (ref: string) => `/api/v1/communities/${encodeURIComponent(ref)}`;
export const post = (id: string) => `/api/v1/posts/${encodeURIComponent(id)}`;
export const topic = (id: string) => `/api/v1/topics/${encodeURIComponent(id)}`;
export const reply = (id: string) => `/api/v1/replies/${encodeURIComponent(id)}`;
export const service = (id: string) => `/api/v1/services/${encodeURIComponent(id)}`;
export const activity = (id: string) => `/api/v1/activities/${encodeURIComponent(id)}`;
export const step = (id: string) => `/api/v1/steps/${encodeURIComponent(id)}`;

/** A query string of the set (not undefined, not empty) values, with its `?`; '' when none is set. */
export function queryString(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}
