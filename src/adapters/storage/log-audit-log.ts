import type { Logger } from '../../core/logger.ts'
import type { AuditLog } from '../../core/ports/audit-log.ts'

/** Audit events as log lines, when there is no database. */
export function createLogAuditLog(logger: Logger): AuditLog {
  return {
    async record(event) {
      try {
        logger.info({ audit: { ...event, at: Date.now() } }, event.eventType)
      } catch {
        // A logger that throws has nowhere to report to; the request that caused the event must
        // not fail because of it (the port's promise).
      }
    },
  }
}
