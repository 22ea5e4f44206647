import type { Kysely } from 'kysely'
import type { Logger } from '../../core/logger.ts'
import type { GatewayStorage } from '../../core/ports/gateway-storage.ts'
import type { GatewayDatabase } from './database-schema.ts'
import { createSqlAgentOverrideStore } from './sql-agent-override-store.ts'
import { createSqlAuditLog } from './sql-audit-log.ts'
import { createSqlDashboardSessionStore } from './sql-dashboard-session-store.ts'
import { createSqlDeliveryLog } from './sql-delivery-log.ts'
import { createSqlExecutionStore } from './sql-execution-store.ts'
import { createSqlIdempotencyStore } from './sql-idempotency-store.ts'
import { createSqlLeases } from './sql-leases.ts'
import { createSqlLoginFailureStore } from './sql-login-failure-store.ts'
import { createSqlMcpServerStore } from './sql-mcp-server-store.ts'
import { createSqlMemoryStore } from './sql-memory-store.ts'
import { createSqlPersonalConfigStore } from './sql-personal-config-store.ts'
import { createSqlScheduleStore } from './sql-schedule-store.ts'
import { createSqlSecretStore } from './sql-secret-store.ts'
import { createSqlSessionStore } from './sql-session-store.ts'

/**
 * Every store of a gateway on one migrated SQLite or Postgres database. Instances whose storages
 * share the database share all their state. Closing the database is the opener's job.
 */
export function createSqlStorage(
  db: Kysely<GatewayDatabase>,
  logger: Logger,
  options: { leaseMs?: number | undefined } = {},
): GatewayStorage {
  return {
    executions: createSqlExecutionStore(db),
    sessions: createSqlSessionStore(db, { lockTtlMs: options.leaseMs }),
    dashboardSessions: createSqlDashboardSessionStore(db),
    secrets: createSqlSecretStore(db),
    agentOverrides: createSqlAgentOverrideStore(db),
    loginFailures: createSqlLoginFailureStore(db),
    mcpServers: createSqlMcpServerStore(db),
    audit: createSqlAuditLog(db, logger),
    leases: createSqlLeases(db),
    idempotencyKeys: createSqlIdempotencyStore(db),
    schedules: createSqlScheduleStore(db),
    deliveries: createSqlDeliveryLog(db),
    personalConfigs: createSqlPersonalConfigStore(db),
    memories: createSqlMemoryStore(db),
  }
}
