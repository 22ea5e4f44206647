import type { Redis, RedisOptions } from 'ioredis'
import { createSilentLogger, type Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import { importOptional } from '../import-optional.ts'
import { openRedis } from '../open-redis.ts'
import { createThrottledLog } from '../throttled-log.ts'
import { parseBusMessage } from './parse-bus-message.ts'
import { createSubscriptionRegistry } from './subscription-registry.ts'

export interface RedisEventBusOptions {
  /** e.g. `redis://127.0.0.1:6379`. */
  url: string
  /**
   * Prefix of every Redis channel (`queue.key_prefix`): the bus channel `x` is the Redis channel
   * `<keyPrefix>:bus:x`, so gateways sharing a Redis stay apart.
   */
  keyPrefix: string
  logger?: Logger
}

/**
 * An {@link EventBus} on Redis pub/sub, for several gateway instances. One connection publishes;
 * a dedicated one subscribes (a subscribed Redis connection can run nothing else).
 *
 * Delivery is at most once: a message published while a subscriber is disconnected is lost for
 * it (ioredis reconnects and resubscribes on its own). Messages from one publisher on one channel
 * arrive in publish order. `subscribe` resolves once Redis confirmed the subscription. `publish`
 * fails at once while Redis is unreachable instead of buffering. Connection errors are logged,
 * at most one line per kind every 30 s.
 *
 * Needs the optional peer dependency `ioredis`.
 *
 * @example
 * const bus = await createRedisEventBus({ url: 'redis://127.0.0.1:6379', keyPrefix: 'agw' })
 */
export async function createRedisEventBus(options: RedisEventBusOptions): Promise<EventBus> {
  const { Redis } = await importOptional(() => import('ioredis'), 'ioredis', 'queue.redis_url')
  const logger = (options.logger ?? createSilentLogger()).child({ bus: 'redis' })
  const log = createThrottledLog(logger)
  const prefix = `${options.keyPrefix}:bus:`

  const connect = (role: string, redisOptions: RedisOptions) =>
    openRedis(Redis, { url: options.url, role, log, redisOptions })

  const publisher = await connect('publisher', { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  let subscriber: Redis
  try {
    subscriber = await connect('subscriber', {})
  } catch (error) {
    publisher.disconnect()
    throw error
  }
  const registry = createSubscriptionRegistry({
    listen: async (key) => {
      await subscriber.subscribe(key)
    },
    unlisten: async (key) => {
      await subscriber.unsubscribe(key)
    },
    logger,
  })
  subscriber.on('message', (channel: string, text: string) => {
    const message = parseBusMessage(text)
    if (message) registry.dispatch(channel, message)
    else log('warn', 'malformed', { channel }, 'dropped a malformed event bus message')
  })

  return {
    async publish(channel, message) {
      await publisher.publish(prefix + channel, JSON.stringify(message))
    },
    subscribe: (channel, handler) => registry.add(prefix + channel, handler),
    async close() {
      registry.clear()
      await Promise.allSettled([publisher.quit(), subscriber.quit()])
    },
  }
}
