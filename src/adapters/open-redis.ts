import type { Redis, RedisOptions } from 'ioredis'
import { hostOfUrl } from './host-of-url.ts'
import type { ThrottledLog } from './throttled-log.ts'

export interface OpenRedisOptions {
  url: string
  /** Names the connection in logs, e.g. `producer`, `subscriber`. */
  role: string
  log: ThrottledLog
  redisOptions?: RedisOptions
}

/**
 * Opens an ioredis connection and waits until it is ready, so a Redis that is down at start-up
 * fails the caller with the reason instead of being retried silently in the background. Later
 * connection errors are logged (throttled): without a listener ioredis prints every reconnect
 * failure to stderr, unbounded.
 */
export async function openRedis(RedisClient: typeof Redis, options: OpenRedisOptions): Promise<Redis> {
  const client = new RedisClient(options.url, { lazyConnect: true, ...options.redisOptions })
  let lastError: Error | undefined
  client.on('error', (error: Error) => {
    lastError = error
    options.log('warn', options.role, { error: error.message }, `Redis connection error (${options.role})`)
  })
  try {
    await client.connect()
  } catch (error) {
    client.disconnect()
    // ioredis rejects with a bare "Connection is closed."; the socket error says why.
    const reason = lastError?.message ?? (error instanceof Error ? error.message : String(error))
    throw new Error(`cannot connect to Redis at ${hostOfUrl(options.url)}: ${reason}`, { cause: error })
  }
  return client
}
