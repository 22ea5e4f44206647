import type { BackendInstances } from '../core/config/backend-instances.ts'
import { type GatewayConfig, persistenceSchema, queueSchema, rateLimitSchema } from '../core/config/schema.ts'
import type { Logger } from '../core/logger.ts'

interface Ignored {
  /** The instance that makes the settings moot, as users write it. */
  instance: string
  section: 'persistence' | 'queue' | 'rateLimit'
  /** Keys (camelCase) only a named backend reads, with how the YAML spells them. */
  keys: Record<string, string>
}

/**
 * Settings only a named backend reads are moot once an instance replaces it. Saying so at start
 * keeps a `queue_name` or a `url` from looking as if it applied to the instance. Only values that
 * differ from the defaults are reported — those were set by someone.
 */
export function warnIgnoredSettings(
  config: GatewayConfig,
  instances: BackendInstances,
  logger: Logger,
): void {
  const busReadsPersistence = config.queue.eventBus === 'postgres' && !instances.eventBus
  const busReadsRedis =
    !instances.eventBus && (config.queue.eventBus === 'redis' || config.queue.eventBus === 'auto')
  const ignored: Ignored[] = []
  if (instances.storage && !busReadsPersistence) {
    ignored.push({
      instance: 'persistence.backend',
      section: 'persistence',
      keys: {
        backend: 'persistence.backend',
        url: 'persistence.url',
        schema: 'persistence.schema',
        tablePrefix: 'persistence.table_prefix',
        migrateOnStart: 'persistence.migrate_on_start',
      },
    })
  }
  if (instances.queue) {
    ignored.push({
      instance: 'queue.backend',
      section: 'queue',
      keys: {
        backend: 'queue.backend',
        queueName: 'queue.queue_name',
        rabbitmqUrl: 'queue.rabbitmq_url',
        retryBackoffMs: 'queue.retry_backoff_ms',
        visibilityTimeoutSeconds: 'queue.visibility_timeout_seconds',
        bullmqLockDurationMs: 'queue.bullmq_lock_duration_ms',
        bullmqStalledIntervalMs: 'queue.bullmq_stalled_interval_ms',
        rabbitmqHeartbeatSeconds: 'queue.rabbitmq_heartbeat_seconds',
        ...(busReadsRedis ? {} : { keyPrefix: 'queue.key_prefix' }),
      },
    })
  }
  if (instances.eventBus) {
    ignored.push({ instance: 'queue.event_bus', section: 'queue', keys: { eventBus: 'queue.event_bus' } })
  }
  if (instances.rateLimitStore) {
    if (!config.rateLimit.enabled) {
      logger.warn(
        'rate_limit.store is a store instance but rate_limit.enabled is false: no rate limits apply',
      )
    }
    ignored.push({
      instance: 'rate_limit.store',
      section: 'rateLimit',
      keys: {
        store: 'rate_limit.store',
        redisUrl: 'rate_limit.redis_url',
        keyPrefix: 'rate_limit.key_prefix',
      },
    })
  }
  const defaults = {
    persistence: persistenceSchema.parse({}),
    queue: queueSchema.parse({}),
    rateLimit: rateLimitSchema.parse({}),
  }
  for (const { instance, section, keys } of ignored) {
    const values = config[section] as Record<string, unknown>
    const fallback = defaults[section] as Record<string, unknown>
    const set = Object.entries(keys)
      .filter(([key]) => JSON.stringify(values[key]) !== JSON.stringify(fallback[key]))
      .map(([, name]) => name)
    if (set.length > 0) {
      logger.warn(
        { ignored: set },
        `${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} ignored: ${instance} is an instance given in code`,
      )
    }
  }
}
