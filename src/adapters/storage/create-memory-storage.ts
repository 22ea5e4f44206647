import type { Logger } from '../../core/logger.ts'
import type { GatewayStorage } from '../../core/ports/gateway-storage.ts'
import { createLogAuditLog } from './log-audit-log.ts'
import { createMemoryDashboardStores } from './memory-dashboard-stores.ts'
import { createMemoryDeliveryLog } from './memory-delivery-log.ts'
import { createMemoryExecutionStore } from './memory-execution-store.ts'
import { createMemoryIdempotencyStore } from './memory-idempotency-store.ts'
import { createMemoryLeaseStore } from './memory-lease-store.ts'
import { createMemoryMcpServerStore } from './memory-mcp-server-store.ts'
import { createMemoryMemoryStore } from './memory-memory-store.ts'
import { createMemoryPersonalConfigStore } from './memory-personal-config-store.ts'
import { createMemoryScheduleStore } from './memory-schedule-store.ts'
import { createMemorySessionStore, type MemorySessionStoreOptions } from './memory-session-store.ts'

export interface MemoryStorageOptions {
  /** Where audit events go, as log lines. */
  logger: Logger
  /** Session expiry and size bounds. */
  sessions?: MemorySessionStoreOptions
}

/**
 * Every store of a gateway in this process only (`persistence.enabled: false`, and tests): lost
 * on restart, invisible to other processes. Audit events become log lines.
 */
export function createMemoryStorage(options: MemoryStorageOptions): GatewayStorage {
  return {
    ...createMemoryDashboardStores(),
    executions: createMemoryExecutionStore(),
    sessions: createMemorySessionStore(options.sessions),
    audit: createLogAuditLog(options.logger),
    mcpServers: createMemoryMcpServerStore(),
    leases: createMemoryLeaseStore(),
    idempotencyKeys: createMemoryIdempotencyStore(),
    schedules: createMemoryScheduleStore(),
    deliveries: createMemoryDeliveryLog(),
    personalConfigs: createMemoryPersonalConfigStore(),
    memories: createMemoryMemoryStore(),
  }
}
