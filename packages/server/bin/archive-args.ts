import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig, type ServerConfig } from '../src/config.ts';
import { BackupError } from '../src/data/backup.ts';

const Cli = z.object({
  positionals: z.tuple([z.string().trim().min(1, 'name the archive file')], { error: 'name one archive file' }),
  env: z.object({
    JC_PG_BIN_DIR: z.string().min(1).optional(),
    /** Where npm was run from: a relative file name is the user's, not the package's. */
    INIT_CWD: z.string().min(1).optional(),
  }),
});

/**
 * What `npm run backup -- <file>` and `npm run restore -- <file>` are given: the archive's path (relative to where
 * npm was run), the folder of the PostgreSQL client tools if not on the PATH, and the server's configuration (the
 * same environment as the server; neither command makes an audit key or an auth secret: a new one could not read
 * what the old one wrote). Null after printing the problem and `usage` (exit code 2).
 */
export function archiveArgs(usage: string): { file: string; pgBinDir: string | undefined; config: ServerConfig } | null {
  let args;
  try {
    const { positionals } = parseArgs({ allowPositionals: true, options: {} });
    args = Cli.parse({ positionals, env: process.env });
  } catch (err) {
    const message = err instanceof z.ZodError ? err.issues.map((i) => i.message).join('; ') : (err as Error).message;
    console.error(`${message}\n${usage}`);
    return null;
  }
  const config = loadConfig(process.env, { createAuditKey: false, createAuthSecret: false });
  return { file: path.resolve(args.env.INIT_CWD ?? process.cwd(), args.positionals[0]), pgBinDir: args.env.JC_PG_BIN_DIR, config };
}

/** Runs a command's `main` and sets the exit code: its own, or 1 when it failed (a refusal in its words, anything else with its stack). */
export function runArchiveCommand(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(`${name} failed: ${err instanceof BackupError || err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}`);
      process.exitCode = 1;
    },
  );
}
