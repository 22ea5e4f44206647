import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireService } from './support/requirements.ts'
import { redisUrl, uniqueName } from './support/services.ts'
import { createTestGateway, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const redis = await requireService('Redis', 6379)

describe.skipIf(!redis.available)('rate limits shared through Redis', () => {
  const keyPrefix = uniqueName('agw-rl')
  const key = 'shared-budget-key-0123456789'
  let first: TestGateway
  let second: TestGateway

  beforeAll(async () => {
    const options = {
      auth: { mode: 'api_key' as const, apiKeys: [{ name: 'ci', key }] },
      rateLimit: { enabled: true, defaultLimit: '4/minute', store: 'redis' as const, redisUrl, keyPrefix },
    }
    const files = { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') }
    first = await createTestGateway(files, options)
    second = await createTestGateway(files, options)
  })
  afterAll(async () => {
    await first.close()
    await second.close()
    const connection = new Redis(redisUrl)
    const keys = await connection.keys(`${keyPrefix}*`)
    if (keys.length > 0) await connection.del(...keys)
    connection.disconnect()
  })

  it('counts requests to two instances against one budget', async () => {
    const call = (gateway: TestGateway) =>
      gateway.request('/v1/agents', { headers: { authorization: `Bearer ${key}` } })
    const statuses = []
    for (const gateway of [first, second, first, second, first, second])
      statuses.push((await call(gateway)).status)
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429])
  })
})
