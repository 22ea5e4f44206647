import { createMemoryStorage } from '../adapters/storage/create-memory-storage.ts'
import { createSqlStorage } from '../adapters/storage/create-sql-storage.ts'
import {
  assertMigrated,
  type GatewayDatabaseHandle,
  openDatabase,
} from '../adapters/storage/open-database.ts'
import type { GatewayConfig } from '../core/config/schema.ts'
import { ConfigError } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import type { GatewayStorage } from '../core/ports/gateway-storage.ts'

/** A storage the gateway opened from its configuration, and what else that gives it. */
export interface NamedStorage {
  storage: GatewayStorage
  /** The database behind it (for the embedded queue and the Postgres event bus), when there is one. */
  database: GatewayDatabaseHandle | undefined
  close(): Promise<void>
}

export interface OpenNamedStorageOptions {
  config: GatewayConfig['persistence']
  /** Where a relative SQLite path is resolved. */
  workspaceRoot: string
  logger: Logger
}

/**
 * Opens the storage `persistence` names: the SQL stores on a migrated SQLite or Postgres
 * database, or the in-process stores when `persistence.enabled` is false.
 */
export async function openNamedStorage(options: OpenNamedStorageOptions): Promise<NamedStorage> {
  const { config, logger } = options
  if (!config.enabled) {
    logger.warn(
      'persistence is disabled: executions and sessions live in this process only and are lost on restart',
    )
    return { storage: createMemoryStorage({ logger }), database: undefined, close: async () => {} }
  }
  const database = await openDatabase({
    backend: config.backend,
    url: config.url,
    schema: config.schema,
    tablePrefix: config.tablePrefix,
    baseDirectory: options.workspaceRoot,
  })
  try {
    if (config.migrateOnStart) {
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
  } catch (error) {
    await database.close().catch(() => undefined)
    throw error
  }
  logger.info({ database: database.description }, 'database ready')
  return {
    storage: createSqlStorage(database.db, logger, { leaseMs: config.leaseSeconds * 1000 }),
    database,
    close: () => database.close(),
  }
}
