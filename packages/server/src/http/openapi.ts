import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import { ErrorBodySchema } from './errors.ts';

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

/** The error answers of any route that takes a signed-in user's input. */
export const inputErrors = {
  400: jsonContent(ErrorBodySchema, 'Invalid input'),
  401: jsonContent(ErrorBodySchema, 'Not signed in'),
};

/** The error answers every community route may give. */
export const communityErrors = {
  ...inputErrors,
  403: jsonContent(ErrorBodySchema, 'Not allowed (the code says why: ACCOUNT_PENDING, OPT_IN_REQUIRED, OWNER_REQUIRED, …)'),
  404: jsonContent(ErrorBodySchema, 'No such community (or not one you may know of)'),
  409: jsonContent(ErrorBodySchema, 'Conflicts with the current state'),
};

/**
 * The routes of one part of the API, as its schema file declares them: each
 * is `createRoute` with that part's OpenAPI tags, and its own answers followed
 * by the error answers every community route may give (communityErrors).
 */
export const communityRoutes =
  (tags: string[]) =>
  // The path its own type parameter, as createRoute has it: its literal type names the route in the app's type.
  <P extends string, R extends Omit<RouteConfig, 'tags' | 'path'> & { path: P }>(route: R) =>
    createRoute(Object.assign({ tags }, route, { responses: { ...route.responses, ...communityErrors } }));

/**
 * How a request names a community (a path's `{ref}`; the `parent` and
 * `copyFrom` fields): by its id or by its slug, both taken everywhere a
 * community is named, so the widgets may send either. A value with an id's
 * shape (a UUID) is looked up by id only, anything else by slug only
 * (authz.ts `resolveCommunityRef`); no slug ever has an id's shape.
 */
export const CommunityRefString = z
  .string()
  .min(1)
  .max(100)
  .openapi({ description: 'The community: its id (a UUID, looked up by id only) or its slug (anything else, looked up by slug only)' });
export const CommunityRef = z.object({ ref: CommunityRefString });

/** A path's `{id}`: a row's id (a service, topic, post, activity, announcement, user…), as every such route takes it. */
export const IdParam = z.object({ id: z.string().min(1).max(100) });

/** An agency's ORI (its originating agency identifier), as every route that names an agency takes it. */
export const OriSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{9}$/, 'An ORI is 9 letters or digits')
  .openapi({ example: 'TXDPS0000' });
