import type { GatewayDatabaseHandle } from '../adapters/storage/open-database.ts'
import type { BackendInstances } from '../core/config/backend-instances.ts'
import type { GatewayConfig } from '../core/config/schema.ts'
import { ConfigError } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import type { EventBus } from '../core/ports/event-bus.ts'
import type { GatewayStorage } from '../core/ports/gateway-storage.ts'
import type { JobQueue } from '../core/ports/job-queue.ts'
import type { RateLimitStore } from '../core/ports/rate-limit-store.ts'
import {
  autoEventBus,
  type NamedBackendContext,
  namedEventBuses,
  namedQueues,
  namedRateLimitStores,
  type OpenedBackend,
} from './named-backends.ts'
import { openNamedStorage } from './open-named-storage.ts'
import { warnIgnoredSettings } from './warn-ignored-settings.ts'

/** Where a gateway keeps its state and how its instances talk: every backend, opened or given. */
export interface Persistence {
  /** The gateway's own database, when it opened one from `persistence`. */
  database: GatewayDatabaseHandle | undefined
  storage: GatewayStorage
  /** Whether `storage` is the in-process fallback of `persistence.enabled: false`. */
  inMemory: boolean
  queue: JobQueue
  bus: EventBus
  /** Where rate-limit counters live, when `rate_limit.enabled`. */
  rateLimitStore: RateLimitStore | undefined
  /** Closes what the gateway opened itself; instances it was given are left to their owner. */
  close(): Promise<void>
}

export interface CreatePersistenceOptions {
  config: GatewayConfig
  /** Backends handed to the gateway as objects; each one replaces the backend its setting names. */
  instances: BackendInstances
  workspaceRoot: string
  logger: Logger
}

/** An instance the gateway was given: used as is, never closed by the gateway. */
const given = <T>(backend: T): OpenedBackend<T> => ({ backend, close: async () => {} })

/**
 * Opens the backends the configuration names and takes the instances it was given, through the
 * same path: each setting resolves to one backend, whatever its origin, and everything after this
 * sees ports only. On failure, what was already opened is closed again.
 */
export async function createPersistence(options: CreatePersistenceOptions): Promise<Persistence> {
  const { config, instances, logger } = options
  if (instances.storage && !config.persistence.enabled) {
    throw new ConfigError({
      file: 'options',
      keyPath: 'persistence.enabled',
      message: 'persistence.enabled is false but persistence.backend is a storage instance: drop one of them',
    })
  }
  warnIgnoredSettings(config, instances, logger)
  const closers: (() => Promise<void>)[] = []
  const open = async <T>(opening: Promise<OpenedBackend<T>>): Promise<T> => {
    const opened = await opening
    closers.push(opened.close)
    return opened.backend
  }
  try {
    let database: GatewayDatabaseHandle | undefined
    let storage: GatewayStorage
    if (instances.storage) {
      storage = instances.storage
    } else {
      const named = await openNamedStorage({
        config: config.persistence,
        workspaceRoot: options.workspaceRoot,
        logger,
      })
      closers.push(named.close)
      storage = named.storage
      database = named.database
    }
    const context: NamedBackendContext = { config, database, logger }
    const queue = await open(
      instances.queue ? Promise.resolve(given(instances.queue)) : namedQueues[config.queue.backend](context),
    )
    const busName =
      config.queue.eventBus === 'auto'
        ? autoEventBus(context, instances.queue !== undefined)
        : config.queue.eventBus
    const bus = await open(
      instances.eventBus ? Promise.resolve(given(instances.eventBus)) : namedEventBuses[busName](context),
    )
    let rateLimitStore: RateLimitStore | undefined
    if (config.rateLimit.enabled) {
      rateLimitStore = await open(
        instances.rateLimitStore
          ? Promise.resolve(given(instances.rateLimitStore))
          : namedRateLimitStores[config.rateLimit.store](context),
      )
    }
    return {
      database,
      storage,
      inMemory: !instances.storage && !config.persistence.enabled,
      queue,
      bus,
      rateLimitStore,
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
