import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';
import { validationError } from './errors.ts';

const TARGETS: Record<string, string> = {
  json: 'request body',
  form: 'form body',
  query: 'query string',
  param: 'path parameters',
  header: 'headers',
  cookie: 'cookies',
};

/**
 * A router for one resource. Validation failures of any zod schema become the
 * shared 400 error shape, naming each bad field.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, TARGETS[result.target] ?? result.target);
    },
  });
}
