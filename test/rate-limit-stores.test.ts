import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { createMemoryRateLimitStore } from '../src/adapters/rate-limit/memory-rate-limit-store.ts'
import {
  createRedisRateLimitStore,
  type RedisRateLimitStore,
} from '../src/adapters/rate-limit/redis-rate-limit-store.ts'
import { defineRateLimitStoreConformance } from '../src/testing/rate-limit-store-conformance.ts'
import { requireService } from './support/requirements.ts'
import { redisUrl, uniqueName } from './support/services.ts'
import { vitestFunctions } from './support/vitest-functions.ts'

defineRateLimitStoreConformance(vitestFunctions, 'memory', async () => ({
  store: createMemoryRateLimitStore(),
  cleanup: async () => {},
}))

describe('redis rate-limit store', () => {
  it('fails at start-up when Redis is unreachable', async () => {
    await expect(
      createRedisRateLimitStore({ url: 'redis://127.0.0.1:1', keyPrefix: 'agwtest' }),
    ).rejects.toThrow('cannot connect to Redis at 127.0.0.1:1')
  })
})

const redis = await requireService('Redis', 6379)

describe.skipIf(!redis.available)('redis', () => {
  defineRateLimitStoreConformance(vitestFunctions, 'redis (two connections)', async () => {
    const keyPrefix = uniqueName('agwtest-rl')
    const stores: RedisRateLimitStore[] = []
    const open = async () => {
      const store = await createRedisRateLimitStore({ url: redisUrl, keyPrefix })
      stores.push(store)
      return store
    }
    return {
      store: await open(),
      connectAnother: open,
      async cleanup() {
        await Promise.all(stores.map((store) => store.close()))
        const client = new Redis(redisUrl)
        try {
          const keys = await client.keys(`${keyPrefix}:*`)
          if (keys.length > 0) await client.del(...keys)
        } finally {
          client.disconnect()
        }
      },
    }
  })
})
