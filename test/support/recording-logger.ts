import type { Logger } from '../../src/core/logger.ts'

export interface LogEntry {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
  fields: Record<string, unknown>
  message: string
}

/**
 * A logger that keeps every line (children included), for asserting on what was logged.
 * `onEntry` sees each line as it is logged, for a test that waits for one.
 */
export function createRecordingLogger(onEntry?: (entry: LogEntry) => void): {
  logger: Logger
  entries: LogEntry[]
} {
  const entries: LogEntry[] = []
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogEntry['level']) =>
      (first: string | Record<string, unknown>, message?: string): void => {
        const entry: LogEntry =
          typeof first === 'string'
            ? { level, fields: { ...bindings }, message: first }
            : { level, fields: { ...bindings, ...first }, message: message ?? '' }
        entries.push(entry)
        onEntry?.(entry)
      }
    return {
      fatal: at('fatal'),
      error: at('error'),
      warn: at('warn'),
      info: at('info'),
      debug: at('debug'),
      trace: at('trace'),
      child: (more) => make({ ...bindings, ...more }),
    }
  }
  return { logger: make({}), entries }
}

/** A line as a log shipper would receive it: message and fields as JSON, errors with their text. */
export function logText(entry: LogEntry): string {
  return JSON.stringify({ message: entry.message, ...entry.fields }, (_key, value: unknown) =>
    value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
  )
}
