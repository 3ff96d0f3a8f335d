import { templates } from '../generated/locales/es.js';
import { errorTexts } from '../api/error-lookup.js';

/**
 * What a Spanish reader loads, as one module (shared/localization.ts imports it when Spanish is chosen):
 * the catalogue lit-localize builds and the error codes' texts found in it. One dynamic import makes one
 * file that exports them directly (two imports of one chunk need the bundler's namespace objects) and one request.
 */
export { templates };
export const { errorMessage, fieldMessages } = errorTexts(templates);
