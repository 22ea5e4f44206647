import type { LogFunction, Logger } from '../logger.ts'
import type { SecretRedactor } from './secret-redactor.ts'

/**
 * A logger that redacts configured secrets from every message and field before `logger`
 * sees them — the gateway's own pino or one the host passed in. Without secrets it is
 * `logger` itself.
 */
export function createRedactingLogger(logger: Logger, redactor: SecretRedactor): Logger {
  if (!redactor.active) return logger
  const wrap =
    (log: LogFunction): LogFunction =>
    (fieldsOrMessage: Record<string, unknown> | string, message?: string) => {
      if (typeof fieldsOrMessage === 'string') return log(redactor.redact(fieldsOrMessage))
      const fields = redactor.redactValue(fieldsOrMessage) as Record<string, unknown>
      return message === undefined ? log(fields) : log(fields, redactor.redact(message))
    }
  return {
    fatal: wrap(logger.fatal.bind(logger)),
    error: wrap(logger.error.bind(logger)),
    warn: wrap(logger.warn.bind(logger)),
    info: wrap(logger.info.bind(logger)),
    debug: wrap(logger.debug.bind(logger)),
    trace: wrap(logger.trace.bind(logger)),
    child: (bindings) => createRedactingLogger(logger.child(bindings), redactor),
  }
}
