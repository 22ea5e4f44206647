import { randomUUID } from 'node:crypto'
import { connect } from 'amqplib'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { type BullmqJobQueue, createBullmqQueue } from '../src/adapters/queue/bullmq-queue.ts'
import { createMemoryQueue } from '../src/adapters/queue/memory-queue.ts'
import { createRabbitmqQueue, type RabbitmqJobQueue } from '../src/adapters/queue/rabbitmq-queue.ts'
import { ConfigError } from '../src/core/errors.ts'
import type { JobQueueConsumer } from '../src/core/ports/job-queue.ts'
import { defineJobQueueConformance } from '../src/testing/queue-conformance.ts'
import { requireService } from './support/requirements.ts'
import { vitestFunctions } from './support/vitest-functions.ts'

// Unique per file and run, so parallel runs against the same services never share state.
const runId = `${process.pid}-${randomUUID().slice(0, 8)}`
const retry = { maxRetries: 1, backoffMs: 20 }

/** A consumer that records the ids it handled. */
function recording(): { ids: string[]; consumer: JobQueueConsumer } {
  const ids: string[] = []
  return {
    ids,
    consumer: {
      handler: async (job) => {
        ids.push(job.id)
      },
      onDeadLetter: async () => {},
      concurrency: 1,
    },
  }
}

describe('queue backends fail at start-up when their service is unreachable', () => {
  // Port 1 refuses connections: the factory must reject, not retry in the background.
  it('bullmq', async () => {
    const options = { name: 'q', redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'agwtest', retry }
    await expect(createBullmqQueue(options)).rejects.toThrow('cannot connect to Redis at 127.0.0.1:1')
  })

  it('rabbitmq', async () => {
    await expect(
      createRabbitmqQueue({ name: 'q', url: 'amqp://guest:guest@127.0.0.1:1', retry }),
    ).rejects.toThrow('cannot connect to RabbitMQ at 127.0.0.1:1')
  })
})

describe('memory queue', () => {
  // One process, nothing to redeliver to: the redelivery test does not apply.
  defineJobQueueConformance(
    vitestFunctions,
    'memory',
    async ({ name, retry }) => {
      const queue = createMemoryQueue({ name, retry })
      return { queue, cleanup: () => queue.close() }
    },
    { redelivery: false },
  )
})

const redis = await requireService('Redis', 6379)

describe.skipIf(!redis.available)('bullmq queue', () => {
  const redisUrl = 'redis://127.0.0.1:6379'
  const keyPrefix = `agwtest-queue-${runId}`

  afterAll(async () => {
    // A safety net: each test destroys its queue, but a failed one may leave keys behind.
    const client = new Redis(redisUrl)
    try {
      const keys = await client.keys(`${keyPrefix}:*`)
      if (keys.length > 0) await client.del(...keys)
    } finally {
      client.disconnect()
    }
  })

  defineJobQueueConformance(
    vitestFunctions,
    'bullmq',
    async ({ name, retry }) => {
      // A short lock and stalled interval, so a dead consumer's job comes back within seconds.
      const settings = { name, redisUrl, keyPrefix, retry, lockDurationMs: 1000, stalledIntervalMs: 500 }
      const queue = await createBullmqQueue(settings)
      const others: BullmqJobQueue[] = []
      return {
        queue,
        connectAnother: async () => {
          const other = await createBullmqQueue(settings)
          others.push(other)
          return other
        },
        cleanup: async () => {
          await Promise.all(others.map((other) => other.close()))
          await queue.destroy()
        },
      }
    },
    { redelivery: true },
  )

  it('accepts ids that BullMQ refuses as job ids (integers, colons) and keeps them distinct', async () => {
    const queue = await createBullmqQueue({ name: 'ids', redisUrl, keyPrefix, retry })
    try {
      const ids = ['42', '-7', 'a:b', 'a%3Ab', '%342']
      for (const id of ids) await queue.enqueue({ id, payload: {} })
      expect(await queue.size()).toBe(ids.length)
      const { ids: seen, consumer } = recording()
      await queue.consume(consumer)
      await expect.poll(() => [...seen].sort()).toEqual([...ids].sort())
    } finally {
      await queue.destroy()
    }
  })
})

const rabbitmq = await requireService('RabbitMQ', 5672)

describe.skipIf(!rabbitmq.available)('rabbitmq queue', () => {
  const url = 'amqp://guest:guest@127.0.0.1:5672'

  defineJobQueueConformance(
    vitestFunctions,
    'rabbitmq',
    async ({ name, retry }) => {
      const settings = { name: `agwtest-queue-${runId}-${name}`, url, retry }
      const queue = await createRabbitmqQueue(settings)
      const others: RabbitmqJobQueue[] = []
      return {
        queue,
        connectAnother: async () => {
          const other = await createRabbitmqQueue(settings)
          others.push(other)
          return other
        },
        cleanup: async () => {
          await Promise.all(others.map((other) => other.close()))
          await queue.destroy()
        },
      }
    },
    // RabbitMQ cannot deduplicate ids; handlers are idempotent instead.
    { deduplicates: false, redelivery: true },
  )

  it('refuses to start when a retry queue exists with another backoff, naming the queue', async () => {
    const name = `agwtest-queue-${runId}-mismatch`
    const first = await createRabbitmqQueue({ name, url, retry })
    try {
      const changed = createRabbitmqQueue({ name, url, retry: { ...retry, backoffMs: retry.backoffMs + 1 } })
      await expect(changed).rejects.toBeInstanceOf(ConfigError)
      await expect(changed).rejects.toThrow(`"${name}.retry.1"`)
    } finally {
      await first.destroy()
    }
  })

  it('recovers when the broker cancels its consumer, re-declaring the queue and consuming again', async () => {
    const name = `agwtest-queue-${runId}-recover`
    const queue = await createRabbitmqQueue({ name, url, retry, maxReconnectDelayMs: 200 })
    const admin = await connect(url)
    try {
      const { ids, consumer } = recording()
      await queue.consume(consumer)
      await queue.enqueue({ id: 'before', payload: {} })
      await expect.poll(() => ids).toEqual(['before'])

      // Deleting the queue under a consumer is the broker-side failure we can cause in a test.
      const channel = await admin.createChannel()
      await channel.deleteQueue(name)
      await expect
        .poll(async () => {
          try {
            await queue.enqueue({ id: 'after', payload: {} })
            return true
          } catch {
            return false
          }
        })
        .toBe(true)
      await expect.poll(() => ids).toEqual(['before', 'after'])
    } finally {
      await admin.close()
      await queue.destroy()
    }
  })
})
