import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { GatewayConfig } from '../../core/config/schema.ts'
import { ConfigError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'

const units = { second: 1, minute: 60, hour: 3600, day: 86_400 } as const

/** `"100/minute"` → 100 points per 60 s. */
export function parseRate(spec: string): { points: number; durationSeconds: number } {
  const match = /^(\d+)\s*\/\s*(second|minute|hour|day)$/.exec(spec.trim())
  if (!match)
    throw new ConfigError({ keyPath: 'rate_limit', message: `"${spec}" is not a rate like 100/minute` })
  return { points: Number(match[1]), durationSeconds: units[match[2] as keyof typeof units] }
}

export interface RateDecision {
  allowed: boolean
  limit: number
  remaining: number
  /** Milliseconds until the window resets. */
  resetMs: number
}

/** Request budgets per caller, and a stricter budget for failed credentials per client. */
export interface RateLimits {
  consume(key: string): Promise<RateDecision>
  /** Whether this client already used up its budget of failed credentials. */
  isBlocked(key: string): Promise<RateDecision | undefined>
  recordFailure(key: string): Promise<void>
  close(): Promise<void>
}

interface Limiter {
  consume(key: string, points?: number): Promise<RateLimiterRes>
  get(key: string): Promise<RateLimiterRes | null>
}

export interface CreateRateLimitsOptions {
  config: GatewayConfig['rateLimit']
  /** Redis for a shared budget across instances (`rate_limit.store: redis`). */
  redisUrl: string
  logger: Logger
}

function decision(result: RateLimiterRes, limit: number, allowed: boolean): RateDecision {
  return { allowed, limit, remaining: Math.max(0, result.remainingPoints), resetMs: result.msBeforeNext }
}

/**
 * Rate limits on rate-limiter-flexible: in memory by default (per process), in Redis when
 * several instances must share one budget. A store error lets requests through (and logs):
 * an outage of the limiter must not take the API down.
 */
export async function createRateLimits(options: CreateRateLimitsOptions): Promise<RateLimits> {
  const { config, logger } = options
  const requests = parseRate(config.defaultLimit)
  const failures = parseRate(config.authFailureLimit)
  let close = async () => {}
  let make: (name: string, rate: { points: number; durationSeconds: number }) => Limiter
  if (config.store === 'redis') {
    let RedisClient: typeof import('ioredis').Redis
    try {
      RedisClient = (await import('ioredis')).Redis
    } catch {
      throw new ConfigError({
        keyPath: 'rate_limit.store',
        message: 'the redis rate-limit store needs the "ioredis" package: npm install ioredis',
      })
    }
    const client = new RedisClient(config.redisUrl ?? options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    })
    client.on('error', (error: Error) => logger.warn({ err: error.message }, 'rate-limit store error'))
    try {
      // Connect before serving: without the offline queue, commands sent too early would fail open.
      await client.connect()
    } catch (error) {
      client.disconnect()
      throw new ConfigError({
        keyPath: 'rate_limit.redis_url',
        message: `cannot connect to Redis: ${(error as Error).message}`,
      })
    }
    close = async () => {
      client.disconnect()
    }
    make = (name, rate) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${config.keyPrefix}:${name}`,
        points: rate.points,
        duration: rate.durationSeconds,
      })
  } else {
    make = (name, rate) =>
      new RateLimiterMemory({ keyPrefix: name, points: rate.points, duration: rate.durationSeconds })
  }
  const requestLimiter = make('req', requests)
  const failureLimiter = make('fail', failures)

  return {
    async consume(key) {
      try {
        return decision(await requestLimiter.consume(key), requests.points, true)
      } catch (error) {
        if (error instanceof RateLimiterRes) return decision(error, requests.points, false)
        logger.warn({ err: error }, 'rate limiter unavailable; request allowed')
        return { allowed: true, limit: requests.points, remaining: requests.points, resetMs: 0 }
      }
    },
    async isBlocked(key) {
      try {
        const state = await failureLimiter.get(key)
        if (state && state.consumedPoints >= failures.points) return decision(state, failures.points, false)
      } catch (error) {
        logger.warn({ err: error }, 'rate limiter unavailable')
      }
      return undefined
    },
    async recordFailure(key) {
      try {
        await failureLimiter.consume(key)
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) logger.warn({ err: error }, 'rate limiter unavailable')
      }
    },
    close,
  }
}
