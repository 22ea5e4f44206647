import type { Logger } from '../../src/core/logger.ts'

/** One log call as a log shipper would receive it: level, message and fields as JSON text. */
export interface LogLine {
  level: string
  message: string
  /** Every argument of the call, serialized (errors with message and stack). */
  text: string
}

/** A logger that keeps every call, for asserting on what reaches the log; `onLine` sees each. */
export function createRecordingLogger(lines: LogLine[], onLine?: (line: LogLine) => void): Logger {
  const record = (level: string) => (fieldsOrMessage: Record<string, unknown> | string, message?: string) => {
    const text = JSON.stringify([fieldsOrMessage, message], (_key, value: unknown) =>
      value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
    )
    const line: LogLine = {
      level,
      message: typeof fieldsOrMessage === 'string' ? fieldsOrMessage : (message ?? ''),
      text,
    }
    lines.push(line)
    onLine?.(line)
  }
  const logger: Logger = {
    fatal: record('fatal'),
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    trace: record('trace'),
    child: () => logger,
  }
  return logger
}
