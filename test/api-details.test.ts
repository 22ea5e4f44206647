import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../src/testing/wait-for.ts'
import { readSse } from './support/read-sse.ts'
import { createTestGateway, readJson, type TestGateway } from './support/test-gateway.ts'

const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

let t: TestGateway
beforeAll(async () => {
  t = await createTestGateway({
    'agents/helper/AGENT.md': '---\nmodel: mock:assistant\nskills: [cities]\n---\nHelp.\n',
    'agents/later/AGENT.md': '---\nmodel: mock:echo\nexecution_mode: async\n---\nLater.\n',
    'agents/typed-agent/AGENT.md':
      '---\nmodel: mock:assistant\ninput_schema:\n  type: object\n  properties:\n    city: {type: string}\n---\nTyped.\n',
    'skills/cities/SKILL.md': '---\ndescription: Cities\ntools: [lookup]\n---\n',
    'tools/lookup/TOOL.md':
      '---\ndescription: Find a city\nparameters:\n  city: {type: string, required: true}\n---\n',
    'tools/lookup/handler.mjs': 'export function handle({ city }) { return { city, country: "PT" } }',
  })
})
afterAll(() => t?.close())

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

type Operation = { operationId?: string; tags?: string[] }
type Schema = { type?: unknown; format?: string; properties?: Record<string, Schema>; [key: string]: unknown }

describe('the OpenAPI document', () => {
  it('gives every operation a unique, readable operationId and a tag', async () => {
    const document = await readJson(t.request('/openapi.json'))
    const operations: [string, Operation][] = []
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, operation] of Object.entries(item))
        operations.push([`${method} ${path}`, operation])
    }
    const ids = operations.map(([, operation]) => operation.operationId)
    expect(new Set(ids).size).toBe(operations.length)
    for (const [where, operation] of operations) {
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z0-9]*$/)
      expect(operation.tags?.length, where).toBeGreaterThan(0)
    }
    expect(
      Object.fromEntries(operations.map(([where, operation]) => [where, operation.operationId])),
    ).toMatchObject({
      'get /v1/agents': 'listAgents',
      'get /v1/agents/{agent_id}': 'getAgent',
      'post /v1/agents/{agent_id}/invoke': 'invokeAgent',
      'post /v1/agents/{agent_id}/chat': 'chatWithAgent',
      'get /v1/executions': 'listExecutions',
      'get /v1/executions/{execution_id}': 'getExecution',
      'post /v1/executions/{execution_id}/cancel': 'cancelExecution',
      'get /v1/executions/{execution_id}/events': 'streamExecutionEvents',
      'post /v1/agents/typed-agent/invoke': 'invokeTypedAgent',
    })
  })

  it('declares every timestamp as an ISO-8601 date-time string', async () => {
    const document = await readJson(t.request('/openapi.json'))
    const timestamps: string[] = []
    const walk = (schema: Schema | undefined, where: string) => {
      for (const [name, property] of Object.entries(schema?.properties ?? {})) {
        if (/_at$/.test(name)) {
          timestamps.push(`${where}.${name}`)
          expect(property.format, `${where}.${name}`).toBe('date-time')
          expect([property.type].flat(), `${where}.${name}`).toContain('string')
        }
        walk(property, `${where}.${name}`)
      }
    }
    for (const [name, schema] of Object.entries(document.components.schemas as Record<string, Schema>)) {
      walk(schema, name)
    }
    expect(timestamps).toEqual(
      expect.arrayContaining([
        'Execution.created_at',
        'Execution.started_at',
        'Execution.completed_at',
        'Execution.cancel_requested_at',
        'ExecutionStep.created_at',
        'SessionInfo.created_at',
        'SessionInfo.updated_at',
      ]),
    )
  })
})

describe('timestamps in responses', () => {
  it('are ISO-8601 UTC strings on executions, steps and sessions', async () => {
    const before = Date.now()
    const run = await readJson(post('/v1/agents/helper/invoke', { message: 'Find the city Porto' }))
    const detail = await readJson(t.request(`/v1/executions/${run.execution_id}`))
    for (const key of ['created_at', 'started_at', 'completed_at']) expect(detail[key]).toMatch(iso)
    expect(detail.cancel_requested_at).toBeNull()
    expect(Date.parse(detail.created_at)).toBeGreaterThanOrEqual(before - 1000)
    expect(detail.steps.length).toBeGreaterThan(0)
    for (const step of detail.steps) expect(step.created_at).toMatch(iso)
    const page = await readJson(t.request('/v1/executions?limit=5'))
    for (const item of page.items) expect(item.created_at).toMatch(iso)

    const chat = await readJson(post('/v1/agents/helper/chat', { message: 'hello' }))
    const session = await readJson(t.request(`/v1/sessions/${chat.session_id}`))
    expect(session.created_at).toMatch(iso)
    expect(session.updated_at).toMatch(iso)
    const sessions = await readJson(t.request('/v1/sessions'))
    expect(sessions.items[0].updated_at).toMatch(iso)
    // Paging takes the updated_at of the last session seen.
    const older = await readJson(t.request(`/v1/sessions?before=${encodeURIComponent(session.updated_at)}`))
    expect(older.items.map((item: { session_id: string }) => item.session_id)).not.toContain(chat.session_id)
    expect((await t.request('/v1/sessions?before=yesterday')).status).toBe(422)
  })
})

describe('a streaming request that cannot stream', () => {
  it('gets the JSON error envelope, not an event stream (async-only agent, or async requested)', async () => {
    for (const [agent, options] of [
      ['later', { stream: true }],
      ['helper', { stream: true, async: true }],
    ] as const) {
      const response = await post(`/v1/agents/${agent}/invoke`, { message: 'x', options })
      expect(response.status).toBe(400)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect((await readJson(response)).error).toMatchObject({ code: 'streaming_not_supported' })
    }
  })
})

describe('execution event ids', () => {
  it('are the same on a fresh read and on every resume, done included', async () => {
    const { execution_id: id } = await readJson(
      post('/v1/agents/helper/invoke', { message: 'Find the city Faro', options: { async: true } }),
    )
    await waitFor(
      async () => (await readJson(t.request(`/v1/executions/${id}`))).status === 'completed',
      'the run to finish',
      15_000,
    )
    const fresh = await readSse(await t.request(`/v1/executions/${id}/events`))
    const pairs = (events: typeof fresh.events) => events.map((event) => `${event.id} ${event.event}`)
    const all = pairs(fresh.events)
    expect(all.at(-1)).toMatch(/ done$/)
    for (let after = 1; after <= fresh.events.length; after++) {
      const resumed = await readSse(
        await t.request(`/v1/executions/${id}/events`, { headers: { 'last-event-id': String(after) } }),
      )
      const expected = all.filter((pair) => Number(pair.split(' ')[0]) > after)
      // Resuming after `done` replays `done` with its own id rather than a new one.
      expect(pairs(resumed.events)).toEqual(expected.length > 0 ? expected : [all.at(-1)])
    }
  })
})
