import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createMemoryEventBus, createMemoryEventHub } from '../src/adapters/bus/memory-event-bus.ts'
import { createMemoryStorage } from '../src/adapters/storage/create-memory-storage.ts'
import { createSilentLogger } from '../src/core/logger.ts'
import {
  type EventBus,
  Gateway,
  type GatewayStorage,
  type JobQueue,
  type JobQueueConsumer,
  type RateLimitStore,
  type ReceivedJob,
} from '../src/index.ts'
import { createRecordingLogger } from './support/recording-logger.ts'
import { waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { useTestCleanups } from './support/test-cleanups.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

/**
 * A small in-process queue as a user might write one: FIFO, retries at once up to two attempts,
 * and it records what the gateway asked of it. It is not durable — that is the user's choice.
 */
function createTinyQueue() {
  const calls: string[] = []
  const waiting: ReceivedJob[] = []
  const seen = new Set<string>()
  const running = new Set<Promise<void>>()
  let consumer: JobQueueConsumer | undefined
  let controller = new AbortController()
  let stopped = false
  let closed = false

  const pump = () => {
    while (consumer && !stopped && running.size < consumer.concurrency && waiting.length > 0) {
      const job = waiting.shift() as ReceivedJob
      const { handler, onDeadLetter } = consumer
      const run: Promise<void> = handler(job, { signal: controller.signal })
        .catch(async (error: unknown) => {
          if (job.attempt < 2) waiting.push({ ...job, attempt: job.attempt + 1 })
          else await onDeadLetter(job, String(error))
        })
        .finally(() => {
          running.delete(run)
          pump()
        })
      running.add(run)
    }
  }

  const queue: JobQueue = {
    name: 'tiny',
    async enqueue(job) {
      calls.push(`enqueue ${job.id}`)
      if (seen.has(job.id)) return
      seen.add(job.id)
      waiting.push({ ...structuredClone(job), attempt: 1 })
      pump()
    },
    async consume(next) {
      calls.push('consume')
      consumer = next
      pump()
    },
    async stop(drainMs) {
      calls.push('stop')
      stopped = true
      const drained = Promise.all(running)
      const timer = new Promise((resolve) => setTimeout(resolve, drainMs).unref())
      await Promise.race([drained, timer])
      controller.abort()
      controller = new AbortController()
    },
    async size() {
      return waiting.length + running.size
    },
    async close() {
      calls.push('close')
      closed = true
    },
  }
  return { queue, calls, isClosed: () => closed }
}

/** Wraps every store of a storage so each call is recorded as `member.method`. */
function recordCalls(storage: GatewayStorage): { storage: GatewayStorage; calls: string[] } {
  const calls: string[] = []
  const wrap = <T extends object>(member: string, store: T): T =>
    new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          calls.push(`${member}.${String(property)}`)
          return value.apply(target, args)
        }
      },
    })
  const wrapped = Object.fromEntries(
    Object.entries(storage).map(([member, store]) => [member, wrap(member, store as object)]),
  ) as unknown as GatewayStorage
  return { storage: wrapped, calls }
}

const files = {
  'agents/echo/AGENT.md': simpleAgent('Echo.', 'model: mock:echo'),
  'agents/later/AGENT.md': simpleAgent('Later.', 'execution_mode: async\nmodel: mock:echo'),
}

const cleanups = useTestCleanups()

async function workspace(): Promise<TempWorkspace> {
  const created = await createTempWorkspace(files)
  cleanups.add(() => created.remove())
  return created
}

async function listen(gateway: Gateway) {
  const listening = await gateway.listen({ port: 0 })
  cleanups.add(() => listening.close())
  const post = (route: string, body: unknown) =>
    fetch(`${listening.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  return { url: listening.url, post }
}

describe('a user-supplied queue and storage', () => {
  it('run an async invoke (202 → poll → completed) and a chat over HTTP, and stay open after stop', async () => {
    const root = await workspace()
    const tiny = createTinyQueue()
    const { storage, calls } = recordCalls(createMemoryStorage({ logger: createSilentLogger() }))
    const gateway = new Gateway({
      workspace: root.root,
      logger: createSilentLogger(),
      auth: { mode: 'none' },
      persistence: { backend: storage },
      queue: { backend: tiny.queue },
    })
    const { url, post } = await listen(gateway)

    const accepted = await post('/v1/agents/later/invoke', { message: 'in the background' })
    expect(accepted.status).toBe(202)
    const body = await readJson(accepted)
    expect(body).toMatchObject({
      agent_id: 'later',
      status: 'queued',
      poll_url: `/v1/executions/${body.execution_id}`,
    })
    const done = await waitFor(async () => {
      const record = await readJson(fetch(`${url}${body.poll_url}`))
      return record.status === 'completed' ? record : undefined
    })
    expect(done).toMatchObject({
      status: 'completed',
      result: { output: 'Echo: in the background' },
      attempts: 1,
    })
    expect(tiny.calls).toEqual(['consume', `enqueue ${body.execution_id}`])
    // The state is in the user's storage, readable without the gateway.
    expect(await storage.executions.get(body.execution_id)).toMatchObject({
      status: 'completed',
      agentId: 'later',
    })

    const first = await readJson(post('/v1/agents/echo/chat', { message: 'hello' }))
    const second = await readJson(
      post('/v1/agents/echo/chat', { message: 'again', session_id: first.session_id }),
    )
    expect(second).toMatchObject({
      session_id: first.session_id,
      turn_count: 2,
      result: { output: 'Echo: again' },
    })
    const session = await storage.sessions.get(first.session_id)
    expect(session?.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ])
    expect(calls).toEqual(
      expect.arrayContaining([
        'executions.create',
        'executions.finish',
        'sessions.withLock',
        'sessions.appendTurn',
      ]),
    )

    // No database of the gateway's own was opened.
    expect(existsSync(path.join(root.root, '.agentgw'))).toBe(false)
    await gateway.stop()
    expect(tiny.calls.at(-1)).toBe('stop')
    expect(tiny.isClosed()).toBe(false)
  })

  it('share work between two gateways: one accepts, the other runs it', async () => {
    const tiny = createTinyQueue()
    const storage = createMemoryStorage({ logger: createSilentLogger() })
    const hub = createMemoryEventHub()
    const make = async (runWorkers: boolean) =>
      new Gateway({
        workspace: (await workspace()).root,
        logger: createSilentLogger(),
        auth: { mode: 'none' },
        persistence: { backend: storage },
        queue: { backend: tiny.queue, eventBus: createMemoryEventBus({ hub }), runWorkers },
      })
    const api = await listen(await make(false))
    const worker = await make(true)
    await worker.start()
    cleanups.add(() => worker.stop())

    const body = await readJson(api.post('/v1/agents/later/invoke', { message: 'elsewhere' }))
    const done = await waitFor(async () => {
      const record = await readJson(fetch(`${api.url}${body.poll_url}`))
      return record.status === 'completed' ? record : undefined
    })
    expect(done).toMatchObject({ result: { output: 'Echo: elsewhere' } })
    expect(tiny.calls.filter((call) => call === 'consume')).toHaveLength(1)
  })
})

describe('a user-supplied event bus and rate-limit store', () => {
  it('carry the live updates and count the requests', async () => {
    const published: string[] = []
    const inner = createMemoryEventBus()
    const bus: EventBus = {
      async publish(channel, message) {
        published.push(channel)
        await inner.publish(channel, message)
      },
      subscribe: (channel, handler) => inner.subscribe(channel, handler),
      close: () => inner.close(),
    }
    const hits: string[] = []
    const counts = new Map<string, number>()
    const store: RateLimitStore = {
      async hit(key) {
        hits.push(key)
        const count = (counts.get(key) ?? 0) + 1
        counts.set(key, count)
        return { count, resetMs: 60_000 }
      },
      async peek(key) {
        const count = counts.get(key)
        return count === undefined ? undefined : { count, resetMs: 60_000 }
      },
    }
    const gateway = new Gateway({
      workspace: (await workspace()).root,
      logger: createSilentLogger(),
      auth: { mode: 'none' },
      persistence: { enabled: false },
    }).configure({
      queue: { eventBus: bus },
      rateLimit: { enabled: true, defaultLimit: '3/minute', store },
    })
    const { post } = await listen(gateway)

    const statuses: number[] = []
    for (let index = 0; index < 4; index++)
      statuses.push((await post('/v1/agents/echo/invoke', { message: `run ${index}` })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    expect(hits).toHaveLength(4)
    expect(hits.every((key) => key.startsWith('req:'))).toBe(true)
    expect(published.some((channel) => channel.startsWith('execution:'))).toBe(true)
  })
})

describe('backend instances that do not fit', () => {
  const options = async () => ({
    workspace: (await workspace()).root,
    logger: createSilentLogger(),
    auth: { mode: 'none' as const },
  })

  it('refuses at construction an object that is not the port its setting names', async () => {
    const base = await options()
    const bus = createMemoryEventBus()
    expect(() => new Gateway({ ...base, queue: { backend: bus as unknown as JobQueue } })).toThrow(
      'queue.backend: expected a backend name or a JobQueue, got an EventBus: pass it as queue.event_bus',
    )
    expect(() => new Gateway(base).configure({ persistence: { backend: {} as GatewayStorage } })).toThrow(
      /persistence\.backend: this object is not a GatewayStorage: it lacks executions, sessions/,
    )
  })

  it('refuses to start with a storage instance and persistence turned off', async () => {
    const gateway = new Gateway({
      ...(await options()),
      persistence: { enabled: false, backend: createMemoryStorage({ logger: createSilentLogger() }) },
    })
    await expect(gateway.start()).rejects.toThrow(
      'persistence.enabled is false but persistence.backend is a storage instance',
    )
  })

  it('lets a later name replace an earlier instance, and says which settings an instance makes moot', async () => {
    const tiny = createTinyQueue()
    const { logger, entries } = createRecordingLogger()
    const gateway = new Gateway({ ...(await options()), logger, queue: { backend: tiny.queue } })
      .configure({ queue: { backend: 'none' } })
      .configure({ persistence: { backend: createMemoryStorage({ logger }), url: 'postgres://ignored/db' } })
    await gateway.start()
    cleanups.add(() => gateway.stop())
    expect(tiny.calls).toEqual([])
    // The URL also made the resolved backend postgres: both are named as moot.
    expect(entries.map((entry) => entry.message)).toContain(
      'persistence.backend, persistence.url are ignored: persistence.backend is an instance given in code',
    )
  })
})
