import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createMemoryEventBus, createMemoryEventHub } from '../src/adapters/bus/memory-event-bus.ts'
import { createPostgresEventBus, postgresNotifyLimitBytes } from '../src/adapters/bus/postgres-event-bus.ts'
import { createRedisEventBus } from '../src/adapters/bus/redis-event-bus.ts'
import type { EventBus } from '../src/core/ports/event-bus.ts'
import { defineEventBusConformance } from '../src/testing/event-bus-conformance.ts'
import { requireService } from './support/requirements.ts'
import { vitestFunctions } from './support/vitest-functions.ts'

// Unique per file and run, so parallel runs against the same services never share channels.
const runId = `${process.pid}_${randomUUID().slice(0, 8)}`

/** Opens buses with `open` and closes every one of them on cleanup. */
async function fixtureOf(open: () => Promise<EventBus>) {
  const buses: EventBus[] = [await open()]
  return {
    bus: buses[0]!,
    connectAnother: async () => {
      const bus = await open()
      buses.push(bus)
      return bus
    },
    cleanup: async () => {
      await Promise.all(buses.map((bus) => bus.close()))
    },
  }
}

describe('event bus backends fail at start-up when their service is unreachable', () => {
  // Port 1 refuses connections: the factory must reject, not retry in the background.
  it('redis', async () => {
    await expect(createRedisEventBus({ url: 'redis://127.0.0.1:1', keyPrefix: 'agwtest' })).rejects.toThrow(
      'cannot connect to Redis at 127.0.0.1:1',
    )
  })

  it('postgres', async () => {
    await expect(createPostgresEventBus({ url: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toThrow(
      'cannot connect to Postgres at 127.0.0.1:1',
    )
  })
})

describe('memory event bus', () => {
  defineEventBusConformance(vitestFunctions, 'memory', async () => {
    // One hub per test: the stand-in for the shared server.
    const hub = createMemoryEventHub()
    return fixtureOf(async () => createMemoryEventBus({ hub }))
  })

  it('does not reach buses on another hub', async () => {
    const a = createMemoryEventBus()
    const b = createMemoryEventBus()
    const received: unknown[] = []
    await b.subscribe('c', (message) => received.push(message))
    // A subscriber on the publisher's own hub: once it has the message, every bus that shares
    // the hub has been handed it too (delivery to a hub's subscribers is one batch).
    const delivered = new Promise<void>((resolve) => {
      a.subscribe('c', () => resolve())
    })
    await a.publish('c', { n: 1 })
    await delivered
    await new Promise((resolve) => setImmediate(resolve))
    expect(received).toEqual([])
    await Promise.all([a.close(), b.close()])
  })
})

const redis = await requireService('Redis', 6379)

describe.skipIf(!redis.available)('redis event bus', () => {
  const url = 'redis://127.0.0.1:6379'
  // Pub/sub stores no keys, so there is nothing to delete afterwards.
  defineEventBusConformance(vitestFunctions, 'redis', async ({ name }) =>
    fixtureOf(() => createRedisEventBus({ url, keyPrefix: `agwtest-bus-${runId}-${name}` })),
  )
})

const postgres = await requireService('PostgreSQL', 5432)

describe.skipIf(!postgres.available)('postgres event bus', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/test'
  // NOTIFY stores nothing, so there is nothing to delete afterwards.
  const channelPrefix = `t${runId}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 22)
  defineEventBusConformance(vitestFunctions, 'postgres', async () =>
    fixtureOf(() => createPostgresEventBus({ url, channelPrefix })),
  )

  it('rejects a message over the NOTIFY size limit with a clear error, and stays usable', async () => {
    const bus = await createPostgresEventBus({ url, channelPrefix })
    try {
      const received: unknown[] = []
      await bus.subscribe('big', (message) => received.push(message.n))
      await expect(bus.publish('big', { text: 'x'.repeat(postgresNotifyLimitBytes) })).rejects.toThrow(
        /at most 7999/,
      )
      await bus.publish('big', { n: 1 })
      await expect.poll(() => received).toEqual([1])
    } finally {
      await bus.close()
    }
  })
})
