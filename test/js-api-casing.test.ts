import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamFrame } from '../src/index.ts'
import { createScriptedModel } from '../src/testing/scripted-model.ts'
import { readSse } from './support/read-sse.ts'
import { createTestGateway, simpleAgent, type TestGateway } from './support/test-gateway.ts'

let t: TestGateway
beforeAll(async () => {
  t = await createTestGateway(
    {
      'agents/helper/AGENT.md': simpleAgent('You help.', 'skills: [kit]'),
      'skills/kit/SKILL.md': '---\ndescription: Tools\ntools: [lookup]\n---\nUse the tools.',
    },
    { model: { default: 'test:scripted', maxRetries: 0 } },
  )
  // The tool's own JSON keys — camelCase in, snake_case out — are the user's: no API renames them.
  t.gateway.tool({
    name: 'lookup',
    description: 'Look a city up',
    parameters: { type: 'object', properties: { cityName: { type: 'string' } }, required: ['cityName'] },
    handler: ({ cityName }) => ({ city_name: cityName, found_it: true }),
  })
  // Each run makes two calls: the tool call, then the answer.
  const run = [
    { toolCalls: [{ id: 'call-1', name: 'lookup', arguments: { cityName: 'Lisbon' } }] },
    { text: 'Sunny.' },
  ]
  t.gateway.useModel('test:scripted', createScriptedModel([...run, ...run, ...run]))
})
afterAll(() => t.close())

async function collect(frames: AsyncIterable<StreamFrame>): Promise<StreamFrame[]> {
  const seen: StreamFrame[] = []
  for await (const frame of frames) seen.push(frame)
  return seen
}

type FrameData<E extends StreamFrame['event']> = Extract<StreamFrame, { event: E }>['data']

function byEvent<E extends StreamFrame['event']>(frames: StreamFrame[], event: E): FrameData<E> | undefined {
  return frames.find((frame) => frame.event === event)?.data as FrameData<E> | undefined
}

describe('one casing per API', () => {
  it('gw.stream() yields camelCase frames, like gw.invoke() returns', async () => {
    const frames = await collect(t.gateway.stream('helper', 'Weather?', { mode: 'invoke' }))
    expect(frames.map((frame) => frame.event)).toEqual([
      'session',
      'tool_call',
      'tool_result',
      'token',
      'done',
    ])
    expect(byEvent(frames, 'session')).toEqual({
      sessionId: null,
      executionId: expect.stringMatching(/^exec_/),
      agentId: 'helper',
    })
    expect(byEvent(frames, 'tool_call')).toEqual({
      callId: 'call-1',
      name: 'lookup',
      arguments: { cityName: 'Lisbon' },
    })
    expect(byEvent(frames, 'tool_result')).toEqual({
      callId: 'call-1',
      name: 'lookup',
      output: { city_name: 'Lisbon', found_it: true },
      isError: false,
      durationMs: expect.any(Number),
    })
    expect(byEvent(frames, 'done')).toEqual({
      status: 'completed',
      stopReason: 'completed',
      executionId: byEvent(frames, 'session')?.executionId,
      result: { output: 'Sunny.', validationErrors: null },
      usage: {
        inputTokens: 20,
        outputTokens: 10,
        costUsd: 0,
        llmCalls: 2,
        toolCalls: 1,
        modelsUsed: ['test:scripted'],
        durationMs: expect.any(Number),
      },
    })
  })

  it('gw.stream() in chat mode carries the session in camelCase too', async () => {
    const frames = await collect(t.gateway.stream('helper', 'Weather?'))
    const sessionId = byEvent(frames, 'session')?.sessionId
    expect(sessionId).toMatch(/^sess_/)
    expect(byEvent(frames, 'done')).toMatchObject({ status: 'completed', sessionId, turnCount: 1 })
  })

  it('the same run over HTTP streams snake_case data, with the tool’s own keys untouched', async () => {
    const response = await t.request('/v1/agents/helper/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'Weather?', options: { stream: true } }),
    })
    const { events } = await readSse(response)
    const data = (event: string) => events.find((candidate) => candidate.event === event)?.data
    expect(data('session')).toEqual({
      session_id: null,
      execution_id: expect.stringMatching(/^exec_/),
      agent_id: 'helper',
    })
    expect(data('tool_call')).toEqual({
      call_id: 'call-1',
      name: 'lookup',
      arguments: { cityName: 'Lisbon' },
    })
    expect(data('tool_result')).toEqual({
      call_id: 'call-1',
      name: 'lookup',
      output: { city_name: 'Lisbon', found_it: true },
      is_error: false,
      duration_ms: expect.any(Number),
    })
    expect(data('done')).toEqual({
      status: 'completed',
      stop_reason: 'completed',
      execution_id: (data('session') as { execution_id: string }).execution_id,
      result: { output: 'Sunny.', validation_errors: null },
      usage: {
        input_tokens: 20,
        output_tokens: 10,
        cost_usd: 0,
        llm_calls: 2,
        tool_calls: 1,
        models_used: ['test:scripted'],
        duration_ms: expect.any(Number),
      },
    })
  })

  it('a stream that cannot start ends with error and done, camelCase in JS', async () => {
    const frames = await collect(t.gateway.stream('ghost', 'Hi', { mode: 'invoke' }))
    expect(frames).toEqual([
      { event: 'error', data: { code: 'agent_not_found', message: 'Agent "ghost" not found.' } },
      { event: 'done', data: { status: 'failed', stopReason: null, executionId: null, usage: null } },
    ])
  })
})
