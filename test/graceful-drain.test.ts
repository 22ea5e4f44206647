import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Gateway } from '../src/index.ts'
import { readSse } from './support/read-sse.ts'
import { type SpawnedGateway, spawnGateway, waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

let workspace: TempWorkspace
const running: SpawnedGateway[] = []

beforeAll(async () => {
  workspace = await createTempWorkspace({
    // A short grace period: the sync invoke fits in it, the long stream and the queued run do not.
    'gateway.yaml':
      'auth:\n  mode: none\nqueue:\n  drain_timeout_seconds: 4\n  visibility_timeout_seconds: 5\n',
    'agents/quick/AGENT.md': simpleAgent('Answer.', 'model: "mock:echo?delay_ms=40&tokens=25"'),
    'agents/endless/AGENT.md': simpleAgent('Talk.', 'model: "mock:echo?delay_ms=200&tokens=400"'),
    'agents/queued/AGENT.md': simpleAgent(
      'Work.',
      'execution_mode: async\nmodel: "mock:echo?delay_ms=100&tokens=60"',
    ),
  })
})
afterAll(async () => {
  for (const gateway of running) await gateway.stop('SIGKILL')
  await workspace.remove()
})

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

describe('graceful drain of agentgw serve on SIGTERM', () => {
  it('finishes the sync invoke, ends the stream with error+done, hands the queued run back', async () => {
    const first = await spawnGateway({ workspace: workspace.root })
    running.push(first)
    const base = first.url as string

    const queued = await readJson(post(`${base}/v1/agents/queued/invoke`, { message: 'queued work' }))
    await waitFor(async () => {
      const record = await readJson(fetch(`${base}/v1/executions/${queued.execution_id}`))
      return record.status === 'running' ? record : undefined
    })

    const stream = await post(
      `${base}/v1/agents/endless/invoke`,
      { message: 'stream', options: { stream: true } },
      {
        accept: 'text/event-stream',
      },
    )
    let streamExecutionId: string | undefined
    let sawToken!: () => void
    const tokenSeen = new Promise<void>((resolve) => {
      sawToken = resolve
    })
    const streamRead = readSse(stream, (event) => {
      if (event.event === 'session') streamExecutionId = (event.data as { execution_id: string }).execution_id
      if (event.event === 'token') sawToken()
    })
    await tokenSeen

    const invoke = post(`${base}/v1/agents/quick/invoke`, { message: 'finish me' })
    await waitFor(async () => {
      const list = await readJson(fetch(`${base}/v1/executions?agent_id=quick&status=running`))
      return list.items.length > 0 ? list : undefined
    })

    const exited = first.stop('SIGTERM')
    const response = await invoke
    expect(response.status).toBe(200)
    expect(await readJson(response)).toMatchObject({ status: 'completed' })

    const { events } = await streamRead
    const names = events.map((event) => event.event)
    expect(names.slice(-2)).toEqual(['error', 'done'])
    expect(events.at(-2)?.data).toMatchObject({ code: 'shutting_down' })
    expect(await exited).toBe(0)
    expect(first.output()).toMatch(/"msg":"drain timed out: cancelling what still runs"/)

    const second = await spawnGateway({ workspace: workspace.root })
    running.push(second)
    const secondBase = second.url as string
    const done = await waitFor(async () => {
      const record = await readJson(fetch(`${secondBase}/v1/executions/${queued.execution_id}`))
      return ['completed', 'failed', 'cancelled', 'timeout'].includes(record.status) ? record : undefined
    }, 60_000)
    expect(done).toMatchObject({ status: 'completed' })
    const cancelled = await readJson(fetch(`${secondBase}/v1/executions/${streamExecutionId}`))
    expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'shutting_down' } })
    const stillRunning = await readJson(fetch(`${secondBase}/v1/executions?status=running`))
    expect(stillRunning.items).toEqual([])
    await second.stop('SIGTERM')
  }, 120_000)
})

describe('health while draining', () => {
  it('answers 503 draining while in-flight work finishes, and refuses new requests', async () => {
    const local = await createTempWorkspace({
      'gateway.yaml': 'auth:\n  mode: none\npersistence:\n  enabled: false\n',
      'agents/quick/AGENT.md': simpleAgent('Answer.', 'model: "mock:echo?delay_ms=50&tokens=30"'),
    })
    const gw = new Gateway({ workspace: local.root })
    try {
      await gw.start()
      const invoke = gw.fetch(
        new Request('http://local/v1/agents/quick/invoke', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'hi' }),
        }),
      )
      await waitFor(async () => (gw.internalRuntime.drain.inFlight > 0 ? true : undefined))
      const stopped = gw.stop()
      const health = await gw.fetch(new Request('http://local/v1/health'))
      expect(health.status).toBe(503)
      expect(await readJson(health)).toMatchObject({ status: 'draining' })
      const refused = await gw.fetch(new Request('http://local/v1/agents'))
      expect(refused.status).toBe(503)
      expect(refused.headers.get('connection')).toBe('close')
      expect(await readJson(refused)).toMatchObject({ error: { code: 'shutting_down' } })
      const response = await invoke
      expect(await readJson(response)).toMatchObject({ status: 'completed' })
      await stopped
    } finally {
      await gw.stop()
      await local.remove()
    }
  })
})

describe.each(['express', 'fastify'] as const)('graceful drain through the %s lifecycle hooks', (host) => {
  it('finishes the sync invoke, ends the stream with error+done and records it cancelled', async () => {
    const local = await createTempWorkspace({
      'gateway.yaml': 'auth:\n  mode: none\nqueue:\n  drain_timeout_seconds: 2\n',
      'agents/quick/AGENT.md': simpleAgent('Answer.', 'model: "mock:echo?delay_ms=40&tokens=25"'),
      'agents/endless/AGENT.md': simpleAgent('Talk.', 'model: "mock:echo?delay_ms=200&tokens=400"'),
    })
    const gw = new Gateway({ workspace: local.root })
    let close: () => Promise<void>
    let base: string
    if (host === 'express') {
      const express = (await import('express')).default
      const { toExpressHandler } = await import('../src/adapters/hosts/express.ts')
      const { attachGatewayToServer } = await import('../src/adapters/hosts/node.ts')
      const app = express()
      app.use('/ai', toExpressHandler(gw))
      const server = attachGatewayToServer(gw, app.listen(0, '127.0.0.1'))
      await new Promise((resolve) => server.once('listening', resolve))
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}/ai`
      close = () => new Promise((resolve) => server.close(() => resolve()))
    } else {
      const Fastify = (await import('fastify')).default
      const { toFastifyPlugin } = await import('../src/adapters/hosts/fastify.ts')
      const app = Fastify()
      await app.register(toFastifyPlugin(gw), { prefix: '/ai' })
      base = `${await app.listen({ port: 0, host: '127.0.0.1' })}/ai`
      close = () => app.close()
    }
    try {
      await waitFor(async () => (gw.started ? true : undefined))
      const stream = await post(
        `${base}/v1/agents/endless/invoke`,
        { message: 's', options: { stream: true } },
        {
          accept: 'text/event-stream',
        },
      )
      let executionId: string | undefined
      let sawToken!: () => void
      const tokenSeen = new Promise<void>((resolve) => {
        sawToken = resolve
      })
      const streamRead = readSse(stream, (event) => {
        if (event.event === 'session') executionId = (event.data as { execution_id: string }).execution_id
        if (event.event === 'token') sawToken()
      })
      await tokenSeen
      const invoke = post(`${base}/v1/agents/quick/invoke`, { message: 'finish me' })
      await waitFor(async () => (gw.internalRuntime.drain.inFlight >= 2 ? true : undefined))

      const closed = close()
      expect(await readJson(await invoke)).toMatchObject({ status: 'completed' })
      const { events } = await streamRead
      expect(events.map((event) => event.event).slice(-2)).toEqual(['error', 'done'])
      expect(events.at(-2)?.data).toMatchObject({ code: 'shutting_down' })
      await closed

      const after = new Gateway({ workspace: local.root, queue: { runWorkers: false } })
      try {
        const record = await after.fetch(new Request(`http://local/v1/executions/${executionId}`))
        expect(await readJson(record)).toMatchObject({ status: 'cancelled' })
        const runningNow = await readJson(
          after.fetch(new Request('http://local/v1/executions?status=running')),
        )
        expect(runningNow.items).toEqual([])
      } finally {
        await after.stop()
      }
    } finally {
      await gw.stop()
      await local.remove()
    }
  }, 60_000)
})
