/**
 * The logger the gateway writes to: the subset of pino's API it uses, so a host can pass its own
 * pino (or compatible) logger.
 */
export interface Logger {
  fatal: LogFunction
  error: LogFunction
  warn: LogFunction
  info: LogFunction
  debug: LogFunction
  trace: LogFunction
  child(bindings: Record<string, unknown>): Logger
}

/** One level of `Logger`: a message, or structured fields and a message (pino's call shapes). */
export interface LogFunction {
  (message: string): void
  (fields: Record<string, unknown>, message?: string): void
}

/** A logger that drops everything. */
export function createSilentLogger(): Logger {
  const noop = () => {}
  const logger: Logger = {
    fatal: noop,
    error: noop,
    warn: noop,
    info: noop,
    debug: noop,
    trace: noop,
    child: () => logger,
  }
  return logger
}
