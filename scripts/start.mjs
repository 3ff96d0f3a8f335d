/**
 * `npm start` (after the build): the JusticeConnect server, and beside it the demo state identity
 * provider (packages/demo/idp/demo-idp.ts) on the next port, registered with the server through a
 * providers file (JC_IDENTITY_PROVIDERS_FILE) and its portal's origin allow-listed
 * (JC_TRUSTED_ORIGINS), so "Sign in with the demo state IdP" and the IdP's own portal work at once.
 *
 * The demo IdP starts only for the demo on this machine: JC_SEED=demo (the default), JC_BASE_URL on
 * localhost (the default), no providers file of the deployment's own, and JC_DEMO_IDP not `off`.
 * Everything else is the server's own configuration (README, "Configuration").
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
const port = Number(env.PORT || 8787);
const base = new URL(env.JC_BASE_URL || `http://localhost:${port}`);
const children = [];

function run(args, childEnv, name) {
  const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code, signal) => {
    // One gone, all gone: the demo is the pair.
    for (const other of children) if (other !== child && other.exitCode === null) other.kill('SIGTERM');
    if (name === 'server') process.exit(code ?? (signal ? 1 : 0));
  });
  return child;
}

const wantIdp =
  env.JC_DEMO_IDP !== 'off' && !env.JC_IDENTITY_PROVIDERS_FILE && (env.JC_SEED || 'demo') === 'demo' && ['localhost', '127.0.0.1'].includes(base.hostname);

if (wantIdp) {
  const idpPort = Number(env.JC_DEMO_IDP_PORT || port + 1);
  const dataDir = path.resolve(root, env.JC_DATA_DIR || './data');
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'demo-identity-providers.json');
  const idp = run(
    ['--import', 'tsx', 'packages/demo/idp/demo-idp.ts'],
    { ...env, PORT: String(idpPort), JC_DEMO_IDP_HOSTNAME: base.hostname, JC_BASE_URL: base.origin, JC_DEMO_IDP_PROVIDERS_FILE: file },
    'idp',
  );
  // The server reads the providers file at start: wait until the IdP has written it and listens.
  await new Promise((resolve, reject) => {
    const poll = setInterval(async () => {
      if (idp.exitCode !== null) return clearInterval(poll), reject(new Error('The demo state IdP did not start.'));
      const up = await fetch(`http://127.0.0.1:${idpPort}/.well-known/openid-configuration`).then((r) => r.ok).catch(() => false);
      if (up) clearInterval(poll), resolve();
    }, 200);
  });
  const idpOrigin = `http://${base.hostname}:${idpPort}`;
  env.JC_IDENTITY_PROVIDERS_FILE = file;
  env.JC_TRUSTED_ORIGINS = [env.JC_TRUSTED_ORIGINS, idpOrigin].filter(Boolean).join(',');
}

run(['packages/server/dist/main.js'], env, 'server');
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => children.forEach((c) => c.exitCode === null && c.kill(signal)));
