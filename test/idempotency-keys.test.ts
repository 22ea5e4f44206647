import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toNodeHandler } from '../src/node.ts'
import { closeServer, listenOnLoopback } from './support/http-server.ts'
import { waitFor } from './support/spawn-gateway.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const keyA = 'principal-a-key-0123456789'
const keyB = 'principal-b-key-0123456789'

let t: TestGateway
let server: Awaited<ReturnType<typeof listenOnLoopback>>['server'] | undefined
let port = 0

beforeAll(async () => {
  t = await createTestGateway(
    {
      'agents/echo/AGENT.md': simpleAgent('Echo.', 'model: "mock:echo?delay_ms=5"'),
      'agents/slow/AGENT.md': simpleAgent('Echo.', 'model: "mock:echo?delay_ms=100&tokens=6"'),
      'agents/queued/AGENT.md': simpleAgent('Echo.', 'execution_mode: async\nmodel: "mock:echo?delay_ms=5"'),
    },
    {
      auth: {
        mode: 'api_key',
        apiKeys: [
          { name: 'a', key: keyA, scopes: ['*'] },
          { name: 'b', key: keyB, scopes: ['*'] },
        ],
      },
      persistence: { idempotencyWindowSeconds: 5 },
    },
  )
  await t.gateway.start()
  ;({ server, port } = await listenOnLoopback(toNodeHandler(t.gateway)))
})
afterAll(async () => {
  await closeServer(server)
  await t?.close()
})

const post = (path: string, body: unknown, key: string | undefined, apiKey = keyA) =>
  t.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${apiKey}`,
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify(body),
  })

const executionsOf = async (agentId: string, apiKey = keyA) =>
  (
    await readJson(
      t.request(`/v1/executions?agent_id=${agentId}&limit=100`, {
        headers: { authorization: `Bearer ${apiKey}` },
      }),
    )
  ).items as { execution_id: string }[]

describe('Idempotency-Key', () => {
  it('answers a client retry after a socket error with the one execution the first request started', async () => {
    const body = JSON.stringify({ message: 'only once' })
    const key = `retry-${Date.now()}`
    // The first attempt reaches the server, then the client's socket dies before any answer.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /v1/agents/queued/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${keyA}\r\n` +
            `Content-Type: application/json\r\nIdempotency-Key: ${key}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          () => {
            socket.destroy()
            resolve()
          },
        )
      })
      socket.once('error', reject)
    })
    await waitFor(async () => ((await executionsOf('queued')).length === 1 ? true : undefined))
    // The client retries: same key, same body.
    const retried = await fetch(`http://127.0.0.1:${port}/v1/agents/queued/invoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${keyA}`,
        'idempotency-key': key,
      },
      body,
    })
    expect(retried.status).toBe(202)
    const [only] = await executionsOf('queued')
    expect((await readJson(retried)).execution_id).toBe(only?.execution_id)
    expect(await executionsOf('queued')).toHaveLength(1)
  })

  it('replays a finished synchronous run, refuses the key for another body, and keeps keys per principal', async () => {
    const key = `sync-${Date.now()}`
    const first = await post('/v1/agents/echo/invoke', { message: 'hello' }, key)
    expect(first.status).toBe(200)
    const original = await readJson(first)
    const again = await post('/v1/agents/echo/invoke', { message: 'hello' }, key)
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await readJson(again)).toMatchObject({
      execution_id: original.execution_id,
      status: 'completed',
      result: { output: original.result.output },
    })

    const other = await post('/v1/agents/echo/invoke', { message: 'something else' }, key)
    expect(other.status).toBe(422)
    expect((await readJson(other)).error.code).toBe('idempotency_key_reused')

    // Another principal's key of the same spelling is its own.
    const theirs = await readJson(post('/v1/agents/echo/invoke', { message: 'hello' }, key, keyB))
    expect(theirs.execution_id).not.toBe(original.execution_id)
  })

  it('replays a chat turn with its session and refuses malformed keys', async () => {
    const key = `chat-${Date.now()}`
    const first = await readJson(post('/v1/agents/echo/chat', { message: 'hi' }, key))
    const again = await readJson(post('/v1/agents/echo/chat', { message: 'hi' }, key))
    expect(again).toMatchObject({
      execution_id: first.execution_id,
      session_id: first.session_id,
      turn_count: 1,
    })
    const bad = await post('/v1/agents/echo/chat', { message: 'hi' }, 'k'.repeat(256))
    expect(bad.status).toBe(400)
  })

  it('runs a synchronous request again when its first run was cancelled by the client disconnecting', async () => {
    const key = `gone-${Date.now()}`
    const request = () =>
      fetch(`http://127.0.0.1:${port}/v1/agents/slow/invoke`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${keyA}`,
          'idempotency-key': key,
        },
        body: JSON.stringify({ message: 'patience' }),
        signal: AbortSignal.timeout(250),
      })
    await expect(request()).rejects.toThrow()
    const [first] = await waitFor(async () => {
      const items = (await executionsOf('slow')) as { execution_id: string; status: string }[]
      return items.length === 1 && items[0]?.status === 'cancelled' ? items : undefined
    })
    const retried = await readJson(post('/v1/agents/slow/invoke', { message: 'patience' }, key))
    expect(retried).toMatchObject({ status: 'completed' })
    expect(retried.execution_id).not.toBe(first?.execution_id)
    // From now on the key stands for the run that completed.
    expect((await readJson(post('/v1/agents/slow/invoke', { message: 'patience' }, key))).execution_id).toBe(
      retried.execution_id,
    )
  })

  it('forgets a key after the window (persistence.idempotency_window_seconds)', async () => {
    const key = `window-${Date.now()}`
    const first = await readJson(post('/v1/agents/echo/invoke', { message: 'later' }, key))
    await new Promise((resolve) => setTimeout(resolve, 5200))
    const later = await readJson(post('/v1/agents/echo/invoke', { message: 'later' }, key))
    expect(later.execution_id).not.toBe(first.execution_id)
  })
})
