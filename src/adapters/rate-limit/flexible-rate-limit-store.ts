import type { RateLimiterRes } from 'rate-limiter-flexible'
import type { RateLimitCounter, RateLimitStore } from '../../core/ports/rate-limit-store.ts'

/** The part of a rate-limiter-flexible limiter the store uses. */
export interface FlexibleLimiter {
  consume(key: string, points?: number): Promise<RateLimiterRes>
  get(key: string): Promise<RateLimiterRes | null>
}

/**
 * A {@link RateLimitStore} on rate-limiter-flexible limiters, which count in fixed windows of
 * whole seconds. The limiters are made with an unreachable point budget, so they only count;
 * the gateway compares the count with its own limit. One limiter per window length, made once.
 */
export function fromFlexibleLimiters(make: (durationSeconds: number) => FlexibleLimiter): RateLimitStore {
  const limiters = new Map<number, FlexibleLimiter>()
  const limiterFor = (windowMs: number) => {
    const seconds = Math.max(1, Math.ceil(windowMs / 1000))
    let limiter = limiters.get(seconds)
    if (!limiter) {
      limiter = make(seconds)
      limiters.set(seconds, limiter)
    }
    return limiter
  }
  const toCounter = (result: RateLimiterRes): RateLimitCounter => ({
    count: result.consumedPoints,
    resetMs: Math.max(0, result.msBeforeNext),
  })
  return {
    async hit(key, windowMs) {
      return toCounter(await limiterFor(windowMs).consume(key, 1))
    },
    async peek(key, windowMs) {
      const result = await limiterFor(windowMs).get(key)
      return result && result.consumedPoints > 0 ? toCounter(result) : undefined
    },
  }
}

/** A point budget no key reaches, so a limiter never refuses and only counts. */
export const countOnlyPoints = Number.MAX_SAFE_INTEGER
