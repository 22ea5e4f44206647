import type { Logger } from '../core/logger.ts'

/** Logs one line per kind of problem and window, counting the lines it dropped. */
export type ThrottledLog = (
  level: 'error' | 'warn' | 'info',
  kind: string,
  fields: Record<string, unknown>,
  message: string,
) => void

/**
 * Bounds log volume for problems that repeat on their own — a Redis or broker client retries a
 * lost connection every few hundred milliseconds and reports every failure. The first line of a
 * kind is written at once; repeats inside `windowMs` are counted and the count rides on the
 * next line of that kind.
 *
 * @param windowMs Minimum time between two lines of the same kind. @default 30000
 */
export function createThrottledLog(logger: Logger, windowMs = 30_000): ThrottledLog {
  // Keyed by a fixed set of kinds chosen by the caller, so it cannot grow without bound.
  const seen = new Map<string, { at: number; suppressed: number }>()
  return function throttledLog(level, kind, fields, message) {
    const now = Date.now()
    const entry = seen.get(kind)
    if (entry && now - entry.at < windowMs) {
      entry.suppressed++
      return
    }
    const suppressed = entry?.suppressed ?? 0
    seen.set(kind, { at: now, suppressed: 0 })
    logger[level](suppressed > 0 ? { ...fields, suppressed } : fields, message)
  }
}
