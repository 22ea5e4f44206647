import type { Logger } from '../../core/logger.ts'
import type { AuditLog } from '../../core/ports/audit-log.ts'

/** Audit events as log lines, when there is no database. */
export function createLogAuditLog(logger: Logger): AuditLog {
  return {
    async record(event) {
      logger.info({ audit: event }, event.eventType)
    },
  }
}
