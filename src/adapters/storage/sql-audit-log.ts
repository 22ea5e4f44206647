import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Logger } from '../../core/logger.ts'
import type { AuditLog } from '../../core/ports/audit-log.ts'
import type { GatewayDatabase } from './database-schema.ts'
import { toJson } from './json-columns.ts'

export function createSqlAuditLog(db: Kysely<GatewayDatabase>, logger: Logger): AuditLog {
  return {
    async record(event) {
      try {
        await db
          .insertInto('audit_log')
          .values({
            id: randomUUID(),
            event_type: event.eventType,
            actor: event.actor,
            resource_type: event.resourceType,
            resource_id: event.resourceId,
            metadata: toJson(event.metadata ?? {}),
            ip_address: event.ipAddress,
            created_at: Date.now(),
          })
          .execute()
      } catch (error) {
        logger.error({ err: error, event: event.eventType }, 'writing the audit log failed')
      }
    },
  }
}
