import { connect } from 'node:net'
import express from 'express'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import type { GatewayOptions } from '../src/index.ts'
import { createDashboardClient, type DashboardClient } from './support/dashboard-client.ts'
import { closeServer, listenOnLoopback } from './support/http-server.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl } from './support/services.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

// Regression tests for "5xx on bad input": a NUL byte reached Postgres (500 on 9 API routes and
// 5 dashboard pages), deeply nested JSON overflowed the stack (500; an HTML stack trace under
// Express), a malformed multipart login form answered 500, and TRACE answered an empty 500.

const postgres = await requireService('PostgreSQL', 5432)

const files = { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') }
const admin = { username: 'admin', password: 'admin-password-1234' }
const dashboard = { enabled: true, auth: { adminUsername: admin.username, adminPassword: admin.password } }

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

/** Every field a request can carry text in, with the JSON pointer the refusal must name. */
const apiCases: { name: string; path: string; init?: RequestInit; field: string }[] = [
  {
    name: 'invoke message',
    path: '/v1/agents/helper/invoke',
    init: json({ message: 'a\u0000b' }),
    field: '/body/message',
  },
  {
    name: 'invoke input value',
    path: '/v1/agents/helper/invoke',
    init: json({ message: 'hi', input: { city: 'Lis\u0000bon' } }),
    field: '/body/input/city',
  },
  {
    name: 'invoke input key',
    path: '/v1/agents/helper/invoke',
    init: json({ message: 'hi', input: { 'ci\u0000ty': 'Lisbon' } }),
    field: '/body/input/ci\u0000ty',
  },
  {
    name: 'chat session_id',
    path: '/v1/agents/helper/chat',
    init: json({ message: 'hi', session_id: 'sess\u0000' }),
    field: '/body/session_id',
  },
  {
    name: 'an unpaired surrogate in a message',
    path: '/v1/agents/helper/chat',
    init: json('{"message":"broken \\ud800 half"}'),
    field: '/body/message',
  },
  { name: 'execution id in the path', path: '/v1/executions/exec%00', field: '/param/execution_id' },
  {
    name: 'execution events id in the path',
    path: '/v1/executions/%00/events',
    field: '/param/execution_id',
  },
  {
    name: 'cancel',
    path: '/v1/executions/x%00/cancel',
    init: { method: 'POST' },
    field: '/param/execution_id',
  },
  { name: 'session id in the path', path: '/v1/sessions/%00', field: '/param/session_id' },
  {
    name: 'session delete',
    path: '/v1/sessions/%00',
    init: { method: 'DELETE' },
    field: '/param/session_id',
  },
  { name: 'agent id in the path', path: '/v1/agents/help%00er', field: '/param/agent_id' },
  { name: 'executions filter', path: '/v1/executions?agent_id=%00', field: '/query/agent_id' },
  { name: 'sessions filter', path: '/v1/sessions?agent_id=x%00', field: '/query/agent_id' },
  { name: 'a query key', path: '/v1/executions?%00=1', field: '/query/\u0000' },
]

const dashboardCases: { name: string; path: string; form?: Record<string, string>; field: string }[] = [
  { name: 'execution page', path: '/dashboard/executions/%00', field: '/param/id' },
  { name: 'execution live', path: '/dashboard/executions/%00/live', field: '/param/id' },
  { name: 'executions filter', path: '/dashboard/executions?agent=%00', field: '/query/agent' },
  { name: 'conversation page', path: '/dashboard/conversations/%00', field: '/param/id' },
  { name: 'chat page session', path: '/dashboard/chat?session_id=%00', field: '/query/session_id' },
  {
    name: 'chat form',
    path: '/dashboard/chat/stream',
    form: { agent_id: 'helper', message: 'hi\u0000' },
    field: '/form/message',
  },
]

const backends: { name: string; available: boolean; options: () => GatewayOptions }[] = [
  { name: 'SQLite', available: true, options: () => ({}) },
  {
    name: 'Postgres',
    available: postgres.available,
    options: () => ({ persistence: { backend: 'postgres', url: postgresUrl, schema: schemaName } }),
  },
]
// Short: the Postgres event bus derives channel names from the schema (at most 22 characters).
const schemaName = `agwbi_${Math.random().toString(36).slice(2, 10)}`

afterAll(async () => {
  if (!postgres.available) return
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`)
  await client.end()
})

for (const backend of backends) {
  describe.skipIf(!backend.available)(`text no backend can store (${backend.name})`, () => {
    let t: TestGateway
    let browser: DashboardClient
    beforeAll(async () => {
      t = await createTestGateway(files, { ...backend.options(), dashboard })
      browser = createDashboardClient(t.gateway)
      expect((await browser.login(admin.username, admin.password)).status).toBe(303)
    })
    afterAll(() => t?.close())

    it.each(apiCases)('API: $name is refused with 422 naming $field', async ({ path, init, field }) => {
      const response = await t.request(path, init)
      expect(response.status).toBe(422)
      const body = await readJson(response)
      expect(body.error.code).toBe('validation_failed')
      expect(body.error.details).toEqual([{ path: field, message: expect.any(String) }])
    })

    it.each(dashboardCases)('dashboard: $name is refused with 422 naming $field', async (item) => {
      const csrf = await browser.csrfToken('/dashboard/chat')
      const response = item.form
        ? await browser.post(item.path, { ...item.form, _csrf: csrf })
        : await browser.get(item.path)
      expect(response.status).toBe(422)
      expect((await readJson(response)).error.details[0].path).toBe(item.field)
    })

    it('stores and serves ordinary text, astral characters included, after the refusals', async () => {
      const message = 'Olá 👋 — ✓'
      const run = await readJson(t.request('/v1/agents/helper/invoke', json({ message })))
      expect(run.status).toBe('completed')
      const detail = await readJson(t.request(`/v1/executions/${run.execution_id}`))
      expect(detail.message).toBe(message)
    })
  })
}

describe('JSON nesting', () => {
  let t: TestGateway
  beforeAll(async () => {
    t = await createTestGateway(files)
  })
  afterAll(() => t?.close())

  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`

  it('refuses input nested 5,000 levels deep (a 30 KB body) with 413 before parsing it', async () => {
    const response = await t.request(
      '/v1/agents/helper/invoke',
      json(`{"message":"hi","input":${nested(5000)}}`),
    )
    expect(response.status).toBe(413)
    expect((await readJson(response)).error).toMatchObject({
      code: 'payload_too_large',
      details: [{ path: '/body', message: expect.stringContaining('64') }],
    })
  })

  it('accepts input nested up to the limit, and brackets inside strings do not count', async () => {
    const input = `{"deep":${nested(60)},"text":"${'['.repeat(500)}"}`
    const response = await t.request('/v1/agents/helper/invoke', json(`{"message":"hi","input":${input}}`))
    expect(response.status).toBe(200)
  })

  it('answers the envelope, not an HTML stack trace, behind express.json() that parsed the body first', async () => {
    const app = express()
    app.use(express.json({ limit: '1mb' }))
    app.use('/ai', toExpressHandler(t.gateway))
    const { server, port } = await listenOnLoopback(app)
    try {
      const response = await fetch(
        `http://127.0.0.1:${port}/ai/v1/agents/helper/invoke`,
        json(`{"message":"hi","input":${nested(20_000)}}`),
      )
      expect(response.status).toBe(413)
      expect(response.headers.get('content-type')).toContain('application/json')
      expect((await response.json()) as unknown).toMatchObject({ error: { code: 'payload_too_large' } })
    } finally {
      await closeServer(server)
    }
  })
})

/** One raw HTTP/1.1 exchange, for methods `fetch` refuses to send. */
async function rawRequest(
  port: number,
  head: string,
): Promise<{ status: number; headers: string; body: string }> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => {
      data += chunk
    })
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
    socket.write(`${head}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)
  })
  const [headers = '', body = ''] = text.split('\r\n\r\n')
  return { status: Number(headers.split(' ')[1]), headers: headers.toLowerCase(), body }
}

describe('methods', () => {
  let t: TestGateway
  beforeAll(async () => {
    t = await createTestGateway(files, { dashboard })
  })
  afterAll(() => t?.close())

  it('answers 405 with Allow for a method a served path does not have', async () => {
    const response = await t.request('/v1/agents', { method: 'PUT' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
    expect((await readJson(response)).error.code).toBe('method_not_allowed')
    expect((await t.request('/v1/nowhere', { method: 'PUT' })).status).toBe(404)
  })

  it('answers TRACE with a 405 envelope and the usual headers, standalone and under Express', async () => {
    const listening = await t.gateway.listen({ port: 0 })
    const app = express()
    app.use('/ai', toExpressHandler(t.gateway))
    const { server, port } = await listenOnLoopback(app)
    try {
      for (const [target, where] of [
        [listening.port, '/v1/health'],
        [port, '/ai/v1/health'],
      ] as const) {
        const response = await rawRequest(target, `TRACE ${where} HTTP/1.1`)
        expect(response.status, `port ${target}`).toBe(405)
        expect(response.headers).toContain('allow: get, head, options')
        expect(response.headers).toContain('x-request-id:')
        expect(response.headers).toContain('x-content-type-options: nosniff')
        expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'method_not_allowed' } })
      }
    } finally {
      await closeServer(server)
      await closeServer(listening.server)
    }
  })

  it('answers a malformed multipart login form with 400 invalid_form, without signing in', async () => {
    const response = await t.request('/dashboard/login', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: 'this is not multipart',
    })
    expect(response.status).toBe(400)
    expect((await readJson(response)).error.code).toBe('invalid_form')
  })
})
