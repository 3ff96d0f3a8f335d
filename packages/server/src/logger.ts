import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { z } from 'zod';

/*
 * The server's one logger: JSON lines (pino), one object a line, with the
 * request id on every line a request writes. Fields that could carry a
 * credential or a secret are redacted wherever they sit (two levels deep), so
 * a header object or a body logged by mistake shows `[redacted]`, never the
 * value.
 */

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];

const SECRET_FIELDS = ['authorization', 'cookie', 'set-cookie', 'password', 'newPassword', 'currentPassword', 'token', 'code', 'secret', 'challenge'];
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`);
export const REDACT_PATHS = SECRET_FIELDS.flatMap((name) => [key(name).replace(/^\./, ''), `*${key(name)}`, `*.*${key(name)}`]);

export interface LoggerOptions {
  level?: LogLevel;
  /** Where the lines go (default: stdout). Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination(1),
  );
}


/**
 * The process's logger, for code that runs outside a request (the event hub,
 * the scheduler, start-up and shutdown). A request logs through its own child
 * (`c.get('log')`), which carries its request id. Level from JC_LOG_LEVEL.
 */
export let log: Logger = createLogger({ level: z.enum(LOG_LEVELS).catch('info').parse(process.env.JC_LOG_LEVEL) });

/** Replaces the process's logger (the app does, with its configured level and destination). */
export function setProcessLogger(logger: Logger): void {
  log = logger;
}

/** An error as a log field: its message and stack (pino's `err` serializer), or the value as text. */
export const errField = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
