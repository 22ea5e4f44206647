import { createMemoryEventBus } from '../adapters/bus/memory-event-bus.ts'
import { createPostgresEventBus } from '../adapters/bus/postgres-event-bus.ts'
import { createRedisEventBus } from '../adapters/bus/redis-event-bus.ts'
import { createBullmqQueue } from '../adapters/queue/bullmq-queue.ts'
import { createEmbeddedQueue } from '../adapters/queue/embedded-queue.ts'
import { createMemoryQueue } from '../adapters/queue/memory-queue.ts'
import { createRabbitmqQueue } from '../adapters/queue/rabbitmq-queue.ts'
import { createMemoryRateLimitStore } from '../adapters/rate-limit/memory-rate-limit-store.ts'
import { createRedisRateLimitStore } from '../adapters/rate-limit/redis-rate-limit-store.ts'
import type { GatewayDatabaseHandle } from '../adapters/storage/open-database.ts'
import type { GatewayConfig } from '../core/config/schema.ts'
import { ConfigError } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import type { EventBus } from '../core/ports/event-bus.ts'
import type { JobQueue } from '../core/ports/job-queue.ts'
import type { RateLimitStore } from '../core/ports/rate-limit-store.ts'
import { busChannelPrefix } from './bus-channel-prefix.ts'

/** What opening a named backend may draw on. */
export interface NamedBackendContext {
  config: GatewayConfig
  /** The gateway's own database, when it opened one. */
  database: GatewayDatabaseHandle | undefined
  logger: Logger
}

/** A backend the gateway opened, and how to release it. */
export interface OpenedBackend<T> {
  backend: T
  close(): Promise<void>
}

const owned = <T extends { close(): Promise<void> }>(backend: T): OpenedBackend<T> => ({
  backend,
  close: () => backend.close(),
})

type QueueName = GatewayConfig['queue']['backend']
type EventBusName = Exclude<GatewayConfig['queue']['eventBus'], 'auto'>
type RateLimitStoreName = GatewayConfig['rateLimit']['store']

const retryOf = (config: GatewayConfig) => ({
  maxRetries: config.queue.maxRetries,
  backoffMs: config.queue.retryBackoffMs,
})

function inProcessQueue({ config, logger }: NamedBackendContext): OpenedBackend<JobQueue> {
  logger.warn('queued executions run in this process only (no database-backed queue): a restart loses them')
  return owned(
    createMemoryQueue({
      name: config.queue.queueName,
      retry: retryOf(config),
    }),
  )
}

/** The queues `queue.backend` can name. */
export const namedQueues: Record<
  QueueName,
  (context: NamedBackendContext) => Promise<OpenedBackend<JobQueue>>
> = {
  async embedded(context) {
    const { config, database, logger } = context
    // Without the gateway's own database (persistence off, or a storage instance) there is no
    // table to keep jobs in.
    if (!database) return inProcessQueue(context)
    return owned(
      createEmbeddedQueue({
        db: database.db,
        dialect: database.dialect,
        name: config.queue.queueName,
        retry: retryOf(config),
        visibilityTimeoutMs: config.queue.visibilityTimeoutSeconds * 1000,
        logger,
      }),
    )
  },
  async bullmq({ config, logger }) {
    return owned(
      await createBullmqQueue({
        name: config.queue.queueName,
        redisUrl: config.queue.redisUrl,
        keyPrefix: config.queue.keyPrefix,
        retry: retryOf(config),
        lockDurationMs: config.queue.bullmqLockDurationMs,
        stalledIntervalMs: config.queue.bullmqStalledIntervalMs,
        logger,
      }),
    )
  },
  async rabbitmq({ config, logger }) {
    return owned(
      await createRabbitmqQueue({
        name: config.queue.queueName,
        url: config.queue.rabbitmqUrl,
        heartbeatSeconds: config.queue.rabbitmqHeartbeatSeconds,
        retry: retryOf(config),
        logger,
      }),
    )
  },
  memory: async (context) => inProcessQueue(context),
  none: async (context) => inProcessQueue(context),
}

/** The event buses `queue.event_bus` can name. */
export const namedEventBuses: Record<
  EventBusName,
  (context: NamedBackendContext) => Promise<OpenedBackend<EventBus>>
> = {
  memory: async () => owned(createMemoryEventBus()),
  async redis({ config, logger }) {
    return owned(
      await createRedisEventBus({ url: config.queue.redisUrl, keyPrefix: config.queue.keyPrefix, logger }),
    )
  },
  async postgres({ config, logger }) {
    const persistence = config.persistence
    if (!persistence.url || persistence.backend !== 'postgres') {
      throw new ConfigError({
        keyPath: 'queue.event_bus',
        message: 'the postgres event bus needs persistence.backend postgres with a url',
      })
    }
    // Channels are per database; the schema or prefix keeps gateways sharing one database apart.
    return owned(
      await createPostgresEventBus({
        url: persistence.url,
        channelPrefix: busChannelPrefix(persistence.schema, persistence.tablePrefix),
        logger,
      }),
    )
  },
}

/**
 * What `queue.event_bus: auto` means: Redis beside a BullMQ queue the gateway opened, Postgres
 * beside the gateway's own Postgres database, in-process otherwise.
 */
export function autoEventBus(context: NamedBackendContext, queueIsInstance: boolean): EventBusName {
  if (!queueIsInstance && context.config.queue.backend === 'bullmq') return 'redis'
  return context.database?.dialect === 'postgres' ? 'postgres' : 'memory'
}

/** The rate-limit stores `rate_limit.store` can name. */
export const namedRateLimitStores: Record<
  RateLimitStoreName,
  (context: NamedBackendContext) => Promise<OpenedBackend<RateLimitStore>>
> = {
  async memory({ logger }) {
    logger.info(
      'rate limits are counted per process (rate_limit.store: memory); use redis to share them across instances',
    )
    return { backend: createMemoryRateLimitStore(), close: async () => {} }
  },
  async redis({ config, logger }) {
    return owned(
      await createRedisRateLimitStore({
        url: config.rateLimit.redisUrl ?? config.queue.redisUrl,
        keyPrefix: config.rateLimit.keyPrefix,
        logger,
      }),
    )
  },
}
