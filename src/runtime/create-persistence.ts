import { createMemoryEventBus } from '../adapters/bus/memory-event-bus.ts'
import { createPostgresEventBus } from '../adapters/bus/postgres-event-bus.ts'
import { createRedisEventBus } from '../adapters/bus/redis-event-bus.ts'
import { createBullmqQueue } from '../adapters/queue/bullmq-queue.ts'
import { createEmbeddedQueue } from '../adapters/queue/embedded-queue.ts'
import { createMemoryQueue } from '../adapters/queue/memory-queue.ts'
import { createRabbitmqQueue } from '../adapters/queue/rabbitmq-queue.ts'
import { createLogAuditLog } from '../adapters/storage/log-audit-log.ts'
import { createMemoryDashboardStores } from '../adapters/storage/memory-dashboard-stores.ts'
import { createMemoryExecutionStore } from '../adapters/storage/memory-execution-store.ts'
import { createMemorySessionStore } from '../adapters/storage/memory-session-store.ts'
import {
  assertMigrated,
  type GatewayDatabaseHandle,
  openDatabase,
} from '../adapters/storage/open-database.ts'
import { createSqlAgentOverrideStore } from '../adapters/storage/sql-agent-override-store.ts'
import { createSqlAuditLog } from '../adapters/storage/sql-audit-log.ts'
import { createSqlDashboardSessionStore } from '../adapters/storage/sql-dashboard-session-store.ts'
import { createSqlExecutionStore } from '../adapters/storage/sql-execution-store.ts'
import { createSqlLoginFailureStore } from '../adapters/storage/sql-login-failure-store.ts'
import { createSqlSecretStore } from '../adapters/storage/sql-secret-store.ts'
import { createSqlSessionStore } from '../adapters/storage/sql-session-store.ts'
import type { GatewayConfig } from '../core/config/schema.ts'
import { ConfigError } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import type { AgentOverrideStore } from '../core/ports/agent-override-store.ts'
import type { AuditLog } from '../core/ports/audit-log.ts'
import type { DashboardSessionStore } from '../core/ports/dashboard-session-store.ts'
import type { EventBus } from '../core/ports/event-bus.ts'
import type { ExecutionStore } from '../core/ports/execution-store.ts'
import type { JobQueue } from '../core/ports/job-queue.ts'
import type { LoginFailureStore } from '../core/ports/login-failure-store.ts'
import type { SecretStore } from '../core/ports/secret-store.ts'
import type { SessionStore } from '../core/ports/session-store.ts'

/** Where a gateway keeps its state, chosen from `persistence` and `queue`. */
export interface Persistence {
  database: GatewayDatabaseHandle | undefined
  executions: ExecutionStore
  sessions: SessionStore
  audit: AuditLog
  queue: JobQueue
  bus: EventBus
  dashboardSessions: DashboardSessionStore
  secrets: SecretStore
  agentOverrides: AgentOverrideStore
  loginFailures: LoginFailureStore
  close(): Promise<void>
}

export interface CreatePersistenceOptions {
  config: GatewayConfig
  workspaceRoot: string
  logger: Logger
}

export async function createPersistence(options: CreatePersistenceOptions): Promise<Persistence> {
  const { config, logger } = options
  const closers: (() => Promise<void>)[] = []
  try {
    let database: GatewayDatabaseHandle | undefined
    if (config.persistence.enabled) {
      database = await openDatabase({
        backend: config.persistence.backend,
        url: config.persistence.url,
        schema: config.persistence.schema,
        tablePrefix: config.persistence.tablePrefix,
        baseDirectory: options.workspaceRoot,
      })
      const handle = database
      closers.push(() => handle.close())
      if (config.persistence.migrateOnStart) {
        assertMigrated(await database.migrateToLatest())
      } else {
        const pending = (await database.migrationStatus()).filter((migration) => !migration.executedAt)
        if (pending.length > 0) {
          throw new ConfigError({
            keyPath: 'persistence.migrate_on_start',
            message: `the database needs migrations (${pending.map((migration) => migration.name).join(', ')}): run \`agentgw db migrate\``,
          })
        }
      }
      logger.info({ database: database.description }, 'database ready')
    } else {
      logger.warn(
        'persistence is disabled: executions and sessions live in this process only and are lost on restart',
      )
    }

    const retry = { maxRetries: config.queue.maxRetries, backoffMs: config.queue.retryBackoffMs }
    const queueName = config.queue.queueName
    let queue: JobQueue
    switch (config.queue.backend) {
      case 'bullmq':
        queue = await createBullmqQueue({
          name: queueName,
          redisUrl: config.queue.redisUrl,
          keyPrefix: config.queue.keyPrefix,
          retry,
          logger,
        })
        break
      case 'rabbitmq':
        queue = await createRabbitmqQueue({ name: queueName, url: config.queue.rabbitmqUrl, retry, logger })
        break
      default:
        if (database && config.queue.backend === 'embedded') {
          queue = createEmbeddedQueue({
            db: database.db,
            dialect: database.dialect,
            name: queueName,
            retry,
            visibilityTimeoutMs: config.queue.visibilityTimeoutSeconds * 1000,
            logger,
          })
        } else {
          logger.warn(
            'queued executions run in this process only (no database-backed queue): a restart loses them',
          )
          queue = createMemoryQueue({ name: queueName, retry })
        }
    }
    closers.push(() => queue.close())

    const busKind =
      config.queue.eventBus !== 'auto'
        ? config.queue.eventBus
        : config.queue.backend === 'bullmq'
          ? 'redis'
          : database?.dialect === 'postgres'
            ? 'postgres'
            : 'memory'
    let bus: EventBus
    if (busKind === 'redis') {
      bus = await createRedisEventBus({
        url: config.queue.redisUrl,
        keyPrefix: config.queue.keyPrefix,
        logger,
      })
    } else if (busKind === 'postgres') {
      if (!config.persistence.url || config.persistence.backend !== 'postgres') {
        throw new ConfigError({
          keyPath: 'queue.event_bus',
          message: 'the postgres event bus needs persistence.backend postgres',
        })
      }
      // Channels are per database; the schema or prefix keeps gateways sharing one database apart.
      bus = await createPostgresEventBus({
        url: config.persistence.url,
        channelPrefix: `agw_${config.persistence.schema ?? ''}_${config.persistence.tablePrefix}`,
        logger,
      })
    } else {
      bus = createMemoryEventBus()
    }
    closers.push(() => bus.close())

    const dashboardStores = database
      ? {
          dashboardSessions: createSqlDashboardSessionStore(database.db),
          secrets: createSqlSecretStore(database.db),
          agentOverrides: createSqlAgentOverrideStore(database.db),
          loginFailures: createSqlLoginFailureStore(database.db),
        }
      : createMemoryDashboardStores()

    return {
      database,
      ...dashboardStores,
      executions: database ? createSqlExecutionStore(database.db) : createMemoryExecutionStore(),
      sessions: database ? createSqlSessionStore(database.db) : createMemorySessionStore(),
      audit: database ? createSqlAuditLog(database.db, logger) : createLogAuditLog(logger),
      queue,
      bus,
      async close() {
        for (const close of closers.reverse())
          await close().catch((error: unknown) => logger.warn({ err: error }, 'closing failed'))
      },
    }
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined)
    throw error
  }
}
