/*
 * What the server answers, checked at the boundary before any widget uses it:
 * every schema and type of the client, one module a resource (so each
 * resource's endpoints bundle only their own), all exported from here.
 */
export * from './base-schemas.js';
export * from './community-schemas.js';
export * from './post-schemas.js';
export * from './forum-schemas.js';
export * from './activity-schemas.js';
export * from './service-schemas.js';
