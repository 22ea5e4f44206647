import { RateLimiterRedis } from 'rate-limiter-flexible'
import { createSilentLogger, type Logger } from '../../core/logger.ts'
import type { RateLimitStore } from '../../core/ports/rate-limit-store.ts'
import { importOptional } from '../import-optional.ts'
import { openRedis } from '../open-redis.ts'
import { createThrottledLog } from '../throttled-log.ts'
import { countOnlyPoints, fromFlexibleLimiters } from './flexible-rate-limit-store.ts'

export interface RedisRateLimitStoreOptions {
  /** e.g. `redis://127.0.0.1:6379`. */
  url: string
  /** Every counter's key starts with `<keyPrefix>:`; gateways sharing a Redis use different prefixes. */
  keyPrefix: string
  logger?: Logger
}

/** A {@link RateLimitStore} that owns its Redis connection. */
export interface RedisRateLimitStore extends RateLimitStore {
  close(): Promise<void>
}

/**
 * Rate-limit counters in Redis (`rate_limit.store: redis`), shared by every instance: one atomic
 * script per hit (increment, and start the window's expiry on the first), with Redis's clock.
 * Windows are whole seconds. A Redis that is down at start-up fails start-up; later, commands
 * fail at once instead of queueing (the gateway then lets requests through and logs).
 *
 * Needs the optional peer dependency `ioredis`.
 */
export async function createRedisRateLimitStore(
  options: RedisRateLimitStoreOptions,
): Promise<RedisRateLimitStore> {
  const { Redis } = await importOptional(() => import('ioredis'), 'ioredis', 'rate_limit.store')
  const logger = (options.logger ?? createSilentLogger()).child({ rateLimitStore: 'redis' })
  const client = await openRedis(Redis, {
    url: options.url,
    role: 'rate-limit',
    log: createThrottledLog(logger),
    // Without the offline queue a command during an outage fails at once instead of hanging the request.
    redisOptions: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  })
  const store = fromFlexibleLimiters(
    (durationSeconds) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: options.keyPrefix,
        points: countOnlyPoints,
        duration: durationSeconds,
      }),
  )
  return {
    ...store,
    async close() {
      client.disconnect()
    },
  }
}
