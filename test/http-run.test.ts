import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createScriptedModel } from '../src/testing/scripted-model.ts'
import { readSse } from './support/read-sse.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

let t: TestGateway
const stopReasons: string[] = []
const modelCallWaiters = new Map<string, () => void>()

/** Resolves when the agent's next model call starts: its run, and the run's time limit, are on. */
function nextModelCall(agentId: string): Promise<void> {
  return new Promise((resolve) => modelCallWaiters.set(agentId, resolve))
}

beforeAll(async () => {
  t = await createTestGateway(
    {
      'agents/helper/AGENT.md': simpleAgent('You help.', 'model: mock:echo'),
      'agents/other/AGENT.md': simpleAgent('Other.', 'model: mock:echo'),
      'agents/off/AGENT.md': simpleAgent('Off.', 'enabled: false'),
      'agents/broken/AGENT.md': simpleAgent('Broken.', 'model: mock:fail?status=500'),
      'agents/stuck/AGENT.md': simpleAgent('Stuck.', 'model: mock:hang'),
      'agents/chatty/AGENT.md': simpleAgent('Chatty.', 'model: "mock:echo?delay_ms=20&tokens=200"'),
      'agents/quiet/AGENT.md': simpleAgent('Quiet.', 'model: test:quiet'),
      'agents/typed/AGENT.md': simpleAgent(
        'Typed.',
        'input_schema:\n  type: object\n  properties:\n    city: {type: string}\n  required: [city]\n  additionalProperties: false',
      ),
    },
    { model: { maxRetries: 0 }, server: { sseKeepaliveSeconds: 1 } },
  )
  t.gateway.useModel('test:quiet', createScriptedModel([{ text: 'finally', delayMs: 2300 }]))
  t.gateway.on('agent.invoke.after', ({ result }) => {
    stopReasons.push(result.stopReason)
  })
  t.gateway.on('llm.call.before', ({ agentId }) => {
    modelCallWaiters.get(agentId)?.()
    modelCallWaiters.delete(agentId)
  })
})
afterAll(() => t.close())

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return t.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

describe('POST /v1/agents/{id}/invoke', () => {
  it('runs the agent and answers with result and usage', async () => {
    const response = await post('/v1/agents/helper/invoke', { message: 'ping' })
    expect(response.status).toBe(200)
    const body = await readJson(response)
    expect(body).toMatchObject({
      agent_id: 'helper',
      status: 'completed',
      stop_reason: 'completed',
      result: { output: 'Echo: ping', raw_text: 'Echo: ping', validation_errors: null },
      usage: { llm_calls: 1, tool_calls: 0, models_used: ['mock:echo'] },
      error: null,
    })
    expect(body.execution_id).toMatch(/^exec_[0-9a-f]{32}$/)
  })

  it('answers 422 input_validation_failed with details when the input breaks the schema', async () => {
    const response = await post('/v1/agents/typed/invoke', { message: 'x', input: { town: 'Porto' } })
    expect(response.status).toBe(422)
    const { error } = await readJson(response)
    expect(error.code).toBe('input_validation_failed')
    expect(error.details).toEqual([
      expect.objectContaining({ path: '/input/city', message: "must have required property 'city'" }),
      expect.objectContaining({ path: '/input/town', message: 'must NOT have additional properties' }),
    ])
  })

  it('refuses a disabled agent with 503 agent_disabled and an unknown one with 404', async () => {
    expect((await readJson(post('/v1/agents/off/invoke', { message: 'x' }))).error.code).toBe(
      'agent_disabled',
    )
    const unknown = await post('/v1/agents/ghost/invoke', { message: 'x' })
    expect(unknown.status).toBe(404)
    expect((await readJson(unknown)).error.code).toBe('agent_not_found')
  })

  it('answers 422 validation_failed for a malformed body, naming the field', async () => {
    const response = await post('/v1/agents/helper/invoke', { message: '', options: { strem: true } })
    expect(response.status).toBe(422)
    const paths = (await readJson(response)).error.details.map((detail: { path: string }) => detail.path)
    expect(paths).toEqual(expect.arrayContaining(['/body/message', '/body/options']))
  })

  it('answers 422 for an options.output_schema that is not a JSON Schema', async () => {
    const response = await post('/v1/agents/helper/invoke', {
      message: 'x',
      options: { output_schema: { type: 'objekt' } },
    })
    expect(response.status).toBe(422)
  })

  it('reports a failed model call as a failed execution, not a 500', async () => {
    const response = await post('/v1/agents/broken/invoke', { message: 'x' })
    expect(response.status).toBe(200)
    expect(await readJson(response)).toMatchObject({
      status: 'failed',
      stop_reason: 'error',
      error: { code: 'model_error' },
    })
  })
})

describe('POST /v1/agents/{id}/chat', () => {
  it('continues a session and counts turns', async () => {
    const first = await readJson(post('/v1/agents/helper/chat', { message: 'one' }))
    expect(first).toMatchObject({ turn_count: 1, result: { output: 'Echo: one' } })
    expect(first.session_id).toMatch(/^sess_/)
    const second = await readJson(
      post('/v1/agents/helper/chat', { message: 'two', session_id: first.session_id }),
    )
    expect(second).toMatchObject({ session_id: first.session_id, turn_count: 2 })
    expect(second.execution_id).not.toBe(first.execution_id)
  })

  it("refuses another agent's session with 409 and an unknown one with 404", async () => {
    const first = await readJson(post('/v1/agents/helper/chat', { message: 'one' }))
    const mismatch = await post('/v1/agents/other/chat', { message: 'x', session_id: first.session_id })
    expect(mismatch.status).toBe(409)
    expect((await readJson(mismatch)).error.code).toBe('session_agent_mismatch')
    const missing = await post('/v1/agents/helper/chat', { message: 'x', session_id: 'sess_missing' })
    expect(missing.status).toBe(404)
  })
})

describe('SSE streams', () => {
  it('streams session, tokens and done, with the streaming headers', async () => {
    const response = await post('/v1/agents/helper/chat', { message: 'stream me', options: { stream: true } })
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform')
    const { events } = await readSse(response)
    expect(events[0]?.event).toBe('session')
    expect(
      events
        .filter((event) => event.event === 'token')
        .map((event) => (event.data as { content: string }).content)
        .join(''),
    ).toBe('Echo: stream me')
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'completed', turn_count: 1 } })
    expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => index + 1))
  })

  it('ends with error then done for an unknown session', async () => {
    const response = await post('/v1/agents/helper/chat', {
      message: 'x',
      session_id: 'sess_nope',
      options: { stream: true },
    })
    expect(response.status).toBe(404)
    const { events } = await readSse(response)
    expect(events.map((event) => event.event)).toEqual(['error', 'done'])
    expect(events[0]?.data).toMatchObject({ code: 'session_not_found' })
  })

  it('ends with error then done when the model fails', async () => {
    const { events } = await readSse(
      await post('/v1/agents/broken/invoke', { message: 'x', options: { stream: true } }),
    )
    expect(events.map((event) => event.event)).toEqual(['session', 'error', 'done'])
    expect(events.at(-1)?.data).toMatchObject({ status: 'failed', stop_reason: 'error' })
  })

  it('ends with error then done on timeout', async () => {
    // The model never answers; the run's 1 s limit passes on a fake clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    try {
      stopReasons.length = 0
      const modelCalled = nextModelCall('stuck')
      const reading = readSse(
        await post('/v1/agents/stuck/chat', { message: 'x', options: { stream: true, timeout_ms: 1000 } }),
      )
      await modelCalled
      await vi.advanceTimersByTimeAsync(999)
      expect(stopReasons).not.toContain('timeout')
      await vi.advanceTimersByTimeAsync(1)
      const { events } = await reading
      expect(events.map((event) => event.event)).toEqual(['session', 'error', 'done'])
      expect(events.at(-1)?.data).toMatchObject({ status: 'timeout', stop_reason: 'timeout' })
    } finally {
      vi.useRealTimers()
    }
  })

  it('sends validation errors as events to a client that accepts only event streams', async () => {
    const response = await post('/v1/agents/helper/chat', { message: '' }, { accept: 'text/event-stream' })
    expect(response.status).toBe(422)
    expect((await readSse(response)).events.map((event) => event.event)).toEqual(['error', 'done'])
  })

  it('sends keepalive comments while the model is quiet', async () => {
    // The model is silent for 2.3 s and keepalives come every 1 s: play that time on a fake clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    try {
      const modelCalled = nextModelCall('quiet')
      const reading = readSse(
        await post('/v1/agents/quiet/invoke', { message: 'x', options: { stream: true } }),
      )
      await modelCalled
      await vi.advanceTimersByTimeAsync(2300)
      const { events, comments } = await reading
      expect(comments).toEqual(['keepalive', 'keepalive'])
      expect(events.map((event) => event.event)).toEqual(['session', 'token', 'done'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('cancels the run when the client disconnects', async () => {
    stopReasons.length = 0
    let tokens = 0
    await readSse(
      await post('/v1/agents/chatty/invoke', { message: 'long', options: { stream: true } }),
      (event) => {
        if (event.event === 'token') tokens++
        return tokens < 3
      },
    )
    await expect.poll(() => stopReasons).toEqual(['cancelled'])
  })
})
