/**
 * The structured logger of every process (pino). Secrets are redacted by path.
 *
 * Output: JSON lines (for log collectors), or one readable line per event (pino-pretty) for a person
 * at a terminal. LOG_FORMAT=json|pretty chooses; unset, it is pretty when standard output is a
 * terminal and JSON otherwise. `npm start` sets LOG_FORMAT=pretty when its own output is a terminal,
 * since its children write to a pipe (README, "The first run").
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { build as pretty } from 'pino-pretty';

export type { Logger };
export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT when it says json or pretty; otherwise pretty exactly when stdout is a terminal. */
export function logFormat(env: Record<string, string | undefined> = process.env, isTty = process.stdout.isTTY): LogFormat {
  const chosen = env.LOG_FORMAT;
  if (chosen === 'json' || chosen === 'pretty') return chosen;
  return isTty ? 'pretty' : 'json';
}

const REDACT = ['password', '*.password', 'token', '*.token', 'headers.authorization', 'req.headers.authorization'];

const PRETTY_OPTIONS = {
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  // An error on its line too, as type and message (the stack stays in the JSON format).
  ignore: 'pid,hostname,name,err',
  messageFormat: '{if name}{name}: {end}{msg}{if err.message} ({err.type}: {err.message}){end}',
  // In this thread (no transport worker), synchronously: lines are not lost at exit.
  sync: true,
};

/** Where a pino logger writes in `format`: undefined for JSON on standard output. */
export function logStream(format: LogFormat = logFormat()): DestinationStream | undefined {
  return format === 'pretty' ? pretty(PRETTY_OPTIONS) : undefined;
}

export function createLogger(name: string, level: string, format: LogFormat = logFormat()): Logger {
  const options = { name, level, redact: REDACT };
  const stream = logStream(format);
  return stream ? pino(options, stream) : pino(options);
}
