import type { Logger } from '../../src/core/logger.ts'

export interface LogEntry {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
  fields: Record<string, unknown>
  message: string
}

/** A logger that keeps every line (children included), for asserting on what was logged. */
export function createRecordingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = []
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogEntry['level']) =>
      (first: string | Record<string, unknown>, message?: string): void => {
        entries.push(
          typeof first === 'string'
            ? { level, fields: { ...bindings }, message: first }
            : { level, fields: { ...bindings, ...first }, message: message ?? '' },
        )
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
