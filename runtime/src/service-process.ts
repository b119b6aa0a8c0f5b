// What every service's main.ts does around its own work: read the config or exit, log JSON lines, log
// what would kill the process before it dies, and stop gracefully, within a bound, on SIGTERM or SIGINT.
import { pino, type Logger } from 'pino';

/**
 * `load()`, or the process exits 1 after printing the config error to stderr (there is no logger yet:
 * its level is part of the config). `label` prefixes the message. Other errors are thrown on.
 */
export function loadConfigOrExit<C>(load: () => C, ConfigError: abstract new (problems: string[]) => Error, label?: string): C {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${label === undefined ? '' : `${label}: `}${err.message}\n`);
    process.exit(1);
  }
}

/**
 * JSON lines on stdout, each with the service and the pid. Event bodies and keys are never logged; the
 * Authorization header is redacted should a request ever be logged with its headers. Written synchronously:
 * pino's default buffers, and on a pipe the last lines before process.exit (`stopped`, a fatal error) were
 * sometimes lost; the services log per batch or event of note, never per request, so the cost is small.
 */
export function createServiceLogger(service: string, level: string): Logger {
  return pino(
    { level, base: { service, pid: process.pid }, redact: ['req.headers.authorization', 'headers.authorization'] },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** An exception a known library bug throws outside any call of ours, which the process survives. */
export interface SurvivableException {
  matches: (err: unknown) => boolean;
  /** Logged as a warning instead of ending the process. */
  message: string;
}

/** An unhandled rejection or uncaught exception is logged as fatal, then the process exits 1 as Node would. */
export function exitOnFatalErrors(logger: Logger, survivable?: SurvivableException): void {
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    logger.flush();
    process.exit(1);
  });
  process.on('uncaughtException', (err, origin) => {
    if (survivable?.matches(err)) {
      logger.warn({ err }, survivable.message);
      return;
    }
    logger.fatal({ err, origin }, 'uncaught exception');
    logger.flush();
    process.exit(1);
  });
}

export interface GracefulStopOptions {
  logger: Logger;
  /** Logged when the stop begins, with the signal or the reason. */
  message: string;
  /** Closes what the process opened, in order, finishing the work in flight. */
  close: () => Promise<void>;
  /** Past this the process exits 1 whatever is still closing. */
  timeoutMs: number;
}

/**
 * On SIGTERM or SIGINT, or when the returned function is called (a start that failed, a consumer that
 * crashed), runs `close()` once and exits: 0 after a signal, the given code otherwise, 1 if closing
 * failed. A second signal while stopping exits 1 at once.
 */
export function stopGracefully(options: GracefulStopOptions): (reason: string, exitCode?: number) => Promise<never> {
  const { logger } = options;
  let stopping: Promise<never> | undefined;
  const stop = (fields: { signal: NodeJS.Signals } | { reason: string }, exitCode: number): Promise<never> => {
    stopping ??= (async () => {
      logger.info(fields, options.message);
      // Bounded: a broker or store that never answers must not keep the process alive forever. Work not
      // finished then was not acknowledged (no 202, no committed offset), so exiting loses nothing.
      const deadline = setTimeout(() => {
        logger.error({ timeoutMs: options.timeoutMs }, 'shutdown took too long; exiting');
        logger.flush();
        process.exit(1);
      }, options.timeoutMs);
      deadline.unref();
      let code = exitCode;
      try {
        await options.close();
      } catch (err) {
        logger.error({ err }, 'error while stopping');
        code = 1;
      }
      logger.info({ exitCode: code }, 'stopped');
      logger.flush();
      process.exit(code);
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        logger.warn({ signal }, 'second signal while stopping; exiting now');
        logger.flush();
        process.exit(1);
      }
      void stop({ signal }, 0);
    });
  }
  return (reason, exitCode = 1) => stop({ reason }, exitCode);
}
