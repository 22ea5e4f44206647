import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSse } from './support/read-sse.ts'
import { waitFor } from './support/spawn-gateway.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const files = {
  'agents/helper/AGENT.md': simpleAgent('Help.', 'skills: [kit]\nmodel: mock:assistant'),
  'agents/later/AGENT.md': simpleAgent('Later.', 'execution_mode: async\nmodel: mock:echo'),
  'agents/slow/AGENT.md': simpleAgent(
    'Slow.',
    'execution_mode: async\nmodel: "mock:echo?delay_ms=100&tokens=100"',
  ),
  'agents/flaky/AGENT.md': simpleAgent('Flaky.', 'execution_mode: async\nmodel: "mock:fail?status=503"'),
  'skills/kit/SKILL.md': '---\ndescription: kit\ntools: [lookup]\n---\n',
  'tools/lookup/TOOL.md':
    '---\ndescription: Look up a city\nparameters:\n  city: {type: string, required: true}\n---\n',
  'tools/lookup/handler.mjs': 'export const handle = ({ city }) => ({ city, found: true })',
}

let t: TestGateway
beforeAll(async () => {
  t = await createTestGateway(files, {
    queue: { maxRetries: 2, retryBackoffMs: 20, workers: 2 },
    server: { allowedHosts: ['gateway.test'] },
    model: { maxRetries: 0 },
  })
})
afterAll(() => t.close())

const post = (path: string, body: unknown, bindings?: { mountPath?: string }) =>
  t.request(
    path,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    bindings,
  )

async function settled(id: string) {
  return waitFor(async () => {
    const record = await readJson(t.request(`/v1/executions/${id}`))
    return ['completed', 'failed', 'cancelled', 'timeout'].includes(record.status) ? record : undefined
  })
}

describe('executions', () => {
  it('records a sync run with its steps', async () => {
    const run = await readJson(post('/v1/agents/helper/invoke', { message: 'Find the city Porto' }))
    const detail = await readJson(t.request(`/v1/executions/${run.execution_id}`))
    expect(detail).toMatchObject({
      execution_id: run.execution_id,
      agent_id: 'helper',
      status: 'completed',
      kind: 'invoke',
      attempts: 1,
    })
    expect(detail.steps.map((step: { type: string }) => step.type)).toEqual([
      'llm_call',
      'tool_call',
      'tool_result',
      'llm_call',
    ])
    expect(detail.steps[1].data).toMatchObject({ name: 'lookup', arguments: { city: 'Porto' } })
    expect(detail.usage).toMatchObject({ llm_calls: 2, tool_calls: 1 })
  })

  it('lists with filters and pages with a cursor', async () => {
    for (let index = 0; index < 3; index++)
      await post('/v1/agents/helper/invoke', { message: `hello ${index}` })
    const page = await readJson(t.request('/v1/executions?agent_id=helper&limit=2'))
    expect(page.items).toHaveLength(2)
    expect(page.items.every((item: { agent_id: string }) => item.agent_id === 'helper')).toBe(true)
    const next = await readJson(
      t.request(`/v1/executions?agent_id=helper&limit=2&cursor=${page.next_cursor}`),
    )
    expect(next.items[0].execution_id).not.toBe(page.items[1].execution_id)
    expect((await t.request('/v1/executions?cursor=garbage')).status).toBe(400)
    expect((await t.request('/v1/executions?limit=501')).status).toBe(422)
  })

  it('queues async runs with 202, a prefixed poll_url and an absolute Location', async () => {
    const response = await post(
      '/ai/v1/agents/later/invoke',
      { message: 'in the background' },
      { mountPath: '/ai' },
    )
    expect(response.status).toBe(202)
    const body = await readJson(response)
    expect(body).toMatchObject({ agent_id: 'later', status: 'queued' })
    expect(body.poll_url).toBe(`/ai/v1/executions/${body.execution_id}`)
    expect(response.headers.get('location')).toBe(`http://gateway.test/ai/v1/executions/${body.execution_id}`)
    const done = await settled(body.execution_id)
    expect(done).toMatchObject({ status: 'completed', result: { output: 'Echo: in the background' } })
  })

  it('refuses to stream a queued run', async () => {
    const response = await post('/v1/agents/later/invoke', { message: 'x', options: { stream: true } })
    expect(response.status).toBe(400)
  })

  it('fails an execution after exactly max_retries retries of a transient model error', async () => {
    const { execution_id: id } = await readJson(post('/v1/agents/flaky/invoke', { message: 'x' }))
    const done = await settled(id)
    // The last attempt is dead-lettered like any exhausted job, so the error says so.
    expect(done).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { code: 'retries_exhausted' },
    })
    expect(done.error.message).toMatch(/503/)
    const llmAttempts = done.steps
      .filter((step: { type: string }) => step.type === 'llm_call')
      .map((step: { attempt: number }) => step.attempt)
    expect(llmAttempts).toEqual([1, 2, 3])
  })

  it('cancels a running execution (202) and refuses to cancel a finished one (409)', async () => {
    const { execution_id: id } = await readJson(post('/v1/agents/slow/invoke', { message: 'long' }))
    await waitFor(async () =>
      (await readJson(t.request(`/v1/executions/${id}`))).status === 'running' ? true : undefined,
    )
    const cancel = await post(`/v1/executions/${id}/cancel`, {})
    expect(cancel.status).toBe(202)
    expect(await readJson(cancel)).toEqual({ execution_id: id, status: 'cancel_requested' })
    expect(await settled(id)).toMatchObject({ status: 'cancelled' })
    const again = await post(`/v1/executions/${id}/cancel`, {})
    expect(again.status).toBe(409)
    expect((await readJson(again)).error).toMatchObject({ code: 'invalid_state', execution_id: id })
    expect((await post('/v1/executions/exec_nope/cancel', {})).status).toBe(404)
  })

  it('streams stored steps, then live ones, then done — and resumes from Last-Event-ID', async () => {
    const { execution_id: id } = await readJson(
      post('/v1/agents/helper/invoke', { message: 'Find the city Faro', options: { async: true } }),
    )
    const { events } = await readSse(await t.request(`/v1/executions/${id}/events`))
    expect(events.map((event) => event.event)).toEqual([
      'llm_call',
      'tool_call',
      'tool_result',
      'llm_call',
      'done',
    ])
    expect(events.map((event) => event.id)).toEqual(['1', '2', '3', '4', '5'])
    expect(events.at(-1)?.data).toMatchObject({ status: 'completed' })
    const resumed = await readSse(
      await t.request(`/v1/executions/${id}/events`, { headers: { 'last-event-id': '2' } }),
    )
    expect(resumed.events.map((event) => event.id)).toEqual(['3', '4', '5'])
  })
})

describe('abandoned executions', () => {
  it('fails a sync execution whose process died, and leaves queued ones to their queue', async () => {
    const store = t.gateway.internalRuntime.executions.store
    const base = {
      agentId: 'helper',
      status: 'running' as const,
      kind: 'invoke' as const,
      message: 'x',
      input: {},
      result: null,
      error: null,
      usage: null,
      sessionId: null,
      principalId: null,
      parentExecutionId: null,
      depth: 0,
      attempts: 1,
      createdAt: 1000,
      startedAt: 1000,
      completedAt: null,
      cancelRequestedAt: null,
    }
    await store.create({ ...base, id: 'exec_sync_orphan', rootExecutionId: 'exec_sync_orphan', options: {} })
    await store.create({
      ...base,
      id: 'exec_queued_orphan',
      rootExecutionId: 'exec_queued_orphan',
      options: { queued: true },
    })
    const reaped = await t.gateway.internalRuntime.executions.reapAbandoned()
    expect(reaped).toContain('exec_sync_orphan')
    expect(reaped).not.toContain('exec_queued_orphan')
    expect(await store.get('exec_sync_orphan')).toMatchObject({
      status: 'failed',
      error: { code: 'execution_error' },
    })
    expect((await store.get('exec_queued_orphan'))?.status).toBe('running')
  })
})

describe('sessions API', () => {
  it('lists, reads and deletes sessions', async () => {
    const first = await readJson(post('/v1/agents/helper/chat', { message: 'hello there' }))
    await post('/v1/agents/helper/chat', { message: 'and again', session_id: first.session_id })
    const list = await readJson(t.request('/v1/sessions?agent_id=helper'))
    expect(list.items[0]).toMatchObject({ session_id: first.session_id, agent_id: 'helper', turn_count: 2 })
    const detail = await readJson(t.request(`/v1/sessions/${first.session_id}`))
    expect(detail.messages[0]).toEqual({ role: 'user', content: 'hello there' })
    const deleted = await t.request(`/v1/sessions/${first.session_id}`, { method: 'DELETE' })
    expect(await readJson(deleted)).toEqual({ deleted: true })
    expect((await t.request(`/v1/sessions/${first.session_id}`)).status).toBe(404)
  })

  it('keeps a session across a restart of the gateway', async () => {
    const first = await readJson(post('/v1/agents/helper/chat', { message: 'remember me' }))
    await t.gateway.stop()
    const { Gateway } = await import('../src/index.ts')
    const { createSilentLogger } = await import('../src/core/logger.ts')
    const again = new Gateway({
      workspace: t.workspace.root,
      logger: createSilentLogger(),
      auth: { mode: 'none' },
    })
    try {
      const response = await again.fetch(
        new Request('http://gateway.test/v1/agents/helper/chat', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'still there?', session_id: first.session_id }),
        }),
      )
      expect(await readJson(response)).toMatchObject({ turn_count: 2, session_id: first.session_id })
    } finally {
      await again.stop()
    }
  })
})
