import { describe, expect, it } from 'vitest'
import { rateLimitSchema } from '../../core/config/schema.ts'
import { createSilentLogger } from '../../core/logger.ts'
import type { RateLimitStore } from '../../core/ports/rate-limit-store.ts'
import { createRateLimits } from './create-rate-limits.ts'

const config = rateLimitSchema.parse({ enabled: true, defaultLimit: '2/minute', authFailureLimit: '1/hour' })

/** A store that counts in a map and remembers the windows it was asked for. */
function createCountingStore() {
  const counts = new Map<string, number>()
  const windows: number[] = []
  const store: RateLimitStore = {
    async hit(key, windowMs) {
      windows.push(windowMs)
      counts.set(key, (counts.get(key) ?? 0) + 1)
      return { count: counts.get(key) ?? 0, resetMs: 1234 }
    },
    async peek(key) {
      const count = counts.get(key)
      return count === undefined ? undefined : { count, resetMs: 999 }
    },
  }
  return { store, windows }
}

const unavailable: RateLimitStore = {
  hit: async () => {
    throw new Error('connection refused')
  },
  peek: async () => {
    throw new Error('connection refused')
  },
}

describe('rate limits on a RateLimitStore', () => {
  it('allows up to the limit in a window, then refuses, with what is left and when it resets', async () => {
    const { store, windows } = createCountingStore()
    const limits = createRateLimits({ config, store, logger: createSilentLogger() })
    const decisions = [await limits.consume('k'), await limits.consume('k'), await limits.consume('k')]
    expect(decisions).toEqual([
      { allowed: true, limit: 2, remaining: 1, resetMs: 1234 },
      { allowed: true, limit: 2, remaining: 0, resetMs: 1234 },
      { allowed: false, limit: 2, remaining: 0, resetMs: 1234 },
    ])
    expect((await limits.consume('other')).allowed).toBe(true)
    expect(windows[0]).toBe(60_000)
  })

  it('blocks a client once its failed credentials reach the budget, counted apart from requests', async () => {
    const { store, windows } = createCountingStore()
    const limits = createRateLimits({ config, store, logger: createSilentLogger() })
    await limits.consume('k')
    expect(await limits.isBlocked('k')).toBeUndefined()
    await limits.recordFailure('k')
    expect(await limits.isBlocked('k')).toMatchObject({ allowed: false, limit: 1, resetMs: 999 })
    expect(windows.at(-1)).toBe(3_600_000)
  })

  it('lets requests through when the store fails, rather than taking the API down', async () => {
    const limits = createRateLimits({ config, store: unavailable, logger: createSilentLogger() })
    expect(await limits.consume('k')).toMatchObject({ allowed: true })
    expect(await limits.isBlocked('k')).toBeUndefined()
    await expect(limits.recordFailure('k')).resolves.toBeUndefined()
  })
})
