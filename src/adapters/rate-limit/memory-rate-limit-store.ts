import { RateLimiterMemory } from 'rate-limiter-flexible'
import type { RateLimitStore } from '../../core/ports/rate-limit-store.ts'
import { countOnlyPoints, fromFlexibleLimiters } from './flexible-rate-limit-store.ts'

/**
 * Rate-limit counters in this process (`rate_limit.store: memory`): each instance counts on its
 * own, so with `n` instances a client gets up to `n` times the budget. Windows are whole seconds;
 * expired counters are dropped by timers.
 */
export function createMemoryRateLimitStore(): RateLimitStore {
  return fromFlexibleLimiters(
    (durationSeconds) => new RateLimiterMemory({ points: countOnlyPoints, duration: durationSeconds }),
  )
}
