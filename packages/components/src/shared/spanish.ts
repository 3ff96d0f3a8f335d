/**
 * What a Spanish reader loads, as one module (shared/localization.ts imports it when Spanish is chosen):
 * the catalogue lit-localize builds and the error codes' texts. One dynamic import makes one file that
 * exports them directly (two imports of one chunk need the bundler's namespace objects) and one request.
 */
export { templates } from '../generated/locales/es.js';
export { errorMessage, fieldMessages } from '../api/error-text.js';
