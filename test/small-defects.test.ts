import { connect } from 'node:net'
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { afterEach, describe, expect, it } from 'vitest'
import { Gateway, type GatewayOptions } from '../src/index.ts'
import { readSse } from './support/read-sse.ts'
import { createRecordingLogger, logText } from './support/recording-logger.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { simpleAgent } from './support/test-gateway.ts'

// Regression tests for the smaller defects hostile testing found: an agent with an invalid
// model was counted and served (and one whose stored override names a lost model ran to fail); a foreign OpenAPI app routed on gw.app leaked into
// /openapi.json; a custom auth function that threw answered 500; event streams had no
// X-Request-Id; an aborted upload was logged as an unhandled error.

let workspace: TempWorkspace | undefined
let gateway: Gateway | undefined
afterEach(async () => {
  await gateway?.stop()
  await workspace?.remove()
  gateway = undefined
})

async function create(files: Record<string, string>, options: GatewayOptions = {}): Promise<Gateway> {
  workspace = await createTempWorkspace(files)
  gateway = new Gateway({
    workspace: workspace.root,
    auth: { mode: 'none' },
    telemetry: { logLevel: 'silent' },
    ...options,
  })
  return gateway
}

const request = (path: string, init?: RequestInit) =>
  (gateway as Gateway).fetch(new Request(`http://gateway.test${path}`, init))
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

describe('an agent whose model does not resolve', () => {
  it('is neither counted by /v1/health nor served', async () => {
    await create({
      'agents/good/AGENT.md': simpleAgent('Good.', 'model: mock:echo'),
      'agents/broken/AGENT.md': simpleAgent('Broken.', 'model: nowhere:model-x'),
    })
    const health = (await (await request('/v1/health')).json()) as { status: string; agent_count: number }
    expect(health).toMatchObject({ status: 'degraded', agent_count: 1 })
    expect((await post('/v1/agents/broken/invoke', { message: 'hi' })).status).toBe(404)
    expect((await post('/v1/agents/good/invoke', { message: 'hi' })).status).toBe(200)
  })

  it('is refused with 503 agent_unavailable when a stored override names a model the config lost', async () => {
    const gw = await create({ 'agents/good/AGENT.md': simpleAgent('Good.', 'model: mock:echo') })
    await gw.start()
    // As if the override was stored under a configuration that still had this provider.
    await gw.internalRuntime.agents.update('good', { model: 'retired:model-x' }, 'admin')
    for (const path of ['/v1/agents/good/invoke', '/v1/agents/good/chat']) {
      const response = await post(path, { message: 'hi' })
      expect(response.status, path).toBe(503)
      const body = (await response.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('agent_unavailable')
      expect(body.error.message).toContain('retired')
    }
  })
})

describe('a foreign OpenAPI app routed on gw.app', () => {
  it('serves its routes but stays out of the gateway’s /openapi.json', async () => {
    const gw = await create({ 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') })
    const foreign = new OpenAPIHono()
    const Widget = z.object({ widget: z.string() }).openapi('ForeignWidget')
    foreign.openapi(
      createRoute({
        method: 'get',
        path: '/widgets',
        responses: { 200: { description: 'ok', content: { 'application/json': { schema: Widget } } } },
      }),
      (c) => c.json({ widget: 'w' }, 200),
    )
    gw.app.route('/foreign', foreign)
    expect(await (await request('/foreign/widgets')).json()).toEqual({ widget: 'w' })
    const document = (await (await request('/openapi.json')).json()) as {
      paths: Record<string, unknown>
      components: { schemas: Record<string, unknown> }
    }
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/foreign'))).toEqual([])
    expect(document.components.schemas.ForeignWidget).toBeUndefined()
    expect(document.paths['/v1/agents']).toBeDefined()
    expect(document.components.schemas.InvokeRequest).toBeDefined()
  })
})

describe('a custom auth function that throws', () => {
  it('refuses the request with 401, not 500, and logs why', async () => {
    const { logger, entries } = createRecordingLogger()
    const gw = await create(
      { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') },
      { logger },
    )
    gw.useAuth(() => {
      throw new Error('the user directory is down')
    })
    const response = await request('/v1/agents', { headers: { authorization: 'Bearer whatever' } })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_credentials')
    const warned = entries.filter((entry) => entry.level === 'warn').map(logText)
    expect(warned.some((text) => text.includes('the user directory is down'))).toBe(true)
    expect(entries.some((entry) => entry.level === 'error')).toBe(false)
  })
})

describe('event streams', () => {
  it('carry X-Request-Id like every other response', async () => {
    await create({ 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') })
    const response = await post(
      '/v1/agents/helper/invoke',
      { message: 'hi', options: { stream: true } },
      {
        'x-request-id': 'trace-me-123',
      },
    )
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    expect(response.headers.get('x-request-id')).toBe('trace-me-123')
    expect((await readSse(response)).events.at(-1)?.event).toBe('done')
  })
})

describe('a client that aborts its upload', () => {
  it('is logged at debug level, not as an unhandled error', async () => {
    let noticed: () => void = () => {}
    const aborted = new Promise<void>((resolve) => {
      noticed = resolve
    })
    const { logger, entries } = createRecordingLogger((entry) => {
      if (entry.message === 'request aborted by the client') noticed()
    })
    const gw = await create(
      { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') },
      { logger },
    )
    const running = await gw.listen({ port: 0, host: '127.0.0.1' })
    try {
      const socket = connect({ host: '127.0.0.1', port: running.port }, () => {
        socket.write(
          'POST /v1/agents/helper/invoke HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n',
        )
      })
      // Node answers 100 Continue once the gateway has the request: send part of the body, go.
      socket.once('data', () => socket.write('{"message":"', () => socket.destroy()))
      await aborted
      expect(entries.filter((entry) => entry.level === 'error').map(logText)).toEqual([])
      expect(entries.find((entry) => entry.message === 'request aborted by the client')?.level).toBe('debug')
    } finally {
      await running.close()
      gateway = undefined
    }
  })
})
