/**
 * Graceful shutdown of a process on SIGTERM or SIGINT: run `close` once, exit 0 when it finishes
 * and 1 when it fails. A second signal while closing exits at once (1).
 */
/** The two calls it makes: pino's logger and Fastify's both have them. */
interface ShutdownLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function closeOnSignals(logger: ShutdownLogger, close: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ signal }, 'shutting down');
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
