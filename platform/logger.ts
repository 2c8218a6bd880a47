/** The structured logger of every process (pino, JSON lines). Secrets are redacted by path. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level: string): Logger {
  return pino({
    name,
    level,
    redact: ['password', '*.password', 'token', '*.token', 'headers.authorization', 'req.headers.authorization'],
  });
}
