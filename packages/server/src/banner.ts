import type { ServerConfig } from './config.ts';

/**
 * What the server prints when it is ready: where it is, and which pages may
 * embed its widgets. A portal team whose page is not on that list sees the
 * widgets fail to reach the server (the browser refuses the answers, and
 * only its console says why), so the list is printed where they look first.
 */
export function banner(config: ServerConfig): string {
  const processes = config.processes > 1 ? `, ${config.processes} processes` : '';
  const others = config.trustedOrigins.filter((origin) => origin !== config.baseUrl);
  return [
    `JusticeConnect on ${config.baseUrl} (database: ${config.database.kind}${processes}, files: ${config.files.store})`,
    `  demo portal  ${config.baseUrl}/`,
    `  widgets      ${config.baseUrl}/widgets/justiceconnect.js`,
    `  API          ${config.baseUrl}/api/v1  (OpenAPI: ${config.baseUrl}/api/openapi.json)`,
    `  trusted origins (pages that may use the widgets): ${[config.baseUrl, ...others].join(', ')}`,
    ...(others.length ? [] : ['    only this server\'s own pages: set JC_TRUSTED_ORIGINS to a portal\'s origin (https://portal.example.gov) to embed them there']),
  ].join('\n');
}
