import type { GatewayConfig } from '../../core/config/schema.ts'
import { ConfigError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { RateLimitCounter, RateLimitStore } from '../../core/ports/rate-limit-store.ts'

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
}

export interface CreateRateLimitsOptions {
  config: GatewayConfig['rateLimit']
  /** Where the counters live: in this process, in Redis, or a store handed to the gateway. */
  store: RateLimitStore
  logger: Logger
}

function decision(counter: RateLimitCounter, limit: number): RateDecision {
  return {
    allowed: counter.count <= limit,
    limit,
    remaining: Math.max(0, limit - counter.count),
    resetMs: counter.resetMs,
  }
}

/**
 * Rate limits on a {@link RateLimitStore}: the store counts hits, this decides. Requests and
 * failed credentials are counted under separate keys (`req:`, `fail:`). A store error lets
 * requests through (and logs): an outage of the limiter must not take the API down.
 */
export function createRateLimits(options: CreateRateLimitsOptions): RateLimits {
  const { store, logger } = options
  const requests = parseRate(options.config.defaultLimit)
  const failures = parseRate(options.config.authFailureLimit)
  const requestWindowMs = requests.durationSeconds * 1000
  const failureWindowMs = failures.durationSeconds * 1000

  return {
    async consume(key) {
      try {
        return decision(await store.hit(`req:${key}`, requestWindowMs), requests.points)
      } catch (error) {
        logger.warn({ err: error }, 'rate limiter unavailable; request allowed')
        return { allowed: true, limit: requests.points, remaining: requests.points, resetMs: 0 }
      }
    },
    async isBlocked(key) {
      try {
        const counter = await store.peek(`fail:${key}`, failureWindowMs)
        if (counter && counter.count >= failures.points)
          return { ...decision(counter, failures.points), allowed: false }
      } catch (error) {
        logger.warn({ err: error }, 'rate limiter unavailable')
      }
      return undefined
    },
    async recordFailure(key) {
      try {
        await store.hit(`fail:${key}`, failureWindowMs)
      } catch (error) {
        logger.warn({ err: error }, 'rate limiter unavailable')
      }
    },
  }
}
