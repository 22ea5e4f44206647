import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EngineEvent } from '../src/core/execution-types.ts'
import { createScriptedModel, type ScriptedStep } from '../src/testing/scripted-model.ts'
import { createTestGateway, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const toolMd = (description: string, params = 'city: {type: string, required: true}') =>
  `---\ndescription: ${description}\nparameters:\n  ${params}\n---\n`

const baseFiles = {
  'agents/helper/AGENT.md': simpleAgent('You help.', 'skills: [kit]'),
  'skills/kit/SKILL.md': '---\ndescription: Tools\ntools: [lookup, slow, big]\n---\nUse the tools.',
  'tools/lookup/TOOL.md': toolMd('Look a city up'),
  'tools/lookup/handler.mjs': 'export const handle = (args) => ({ city: args.city, found: true })',
  'tools/slow/TOOL.md': toolMd('Waits until cancelled', 'ms: {type: integer}'),
  'tools/slow/handler.mjs': `export const handle = (args, context) => new Promise((resolve, reject) => {
    globalThis.slowSignal = context.signal
    const timer = setTimeout(() => resolve('slept'), args.ms ?? 60000)
    context.signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')) })
    globalThis.onSlowStarted?.()
  })`,
  'tools/big/TOOL.md': toolMd('Returns a lot', 'size: {type: integer}'),
  'tools/big/handler.mjs': "export const handle = (args) => 'x'.repeat(args.size)",
}

let t: TestGateway | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function gatewayWith(script: ScriptedStep[], config: Parameters<typeof createTestGateway>[1] = {}) {
  const model = createScriptedModel(script)
  t = await createTestGateway(baseFiles, { model: { default: 'test:scripted', maxRetries: 0 }, ...config })
  t.gateway.useModel('test:scripted', model)
  return { gateway: t.gateway, model }
}

const lookup = (city: unknown = 'Lisbon') => ({ toolCalls: [{ name: 'lookup', arguments: { city } }] })

describe('the agent loop', () => {
  it('completes with the final text and accounts usage', async () => {
    const { gateway } = await gatewayWith([lookup(), { text: 'Lisbon is sunny.' }])
    const { status, result } = await gateway.invoke('helper', 'Weather?')
    expect(status).toBe('completed')
    expect(result).toMatchObject({ stopReason: 'completed', output: 'Lisbon is sunny.', error: null })
    expect(result.usage).toMatchObject({
      llmCalls: 2,
      toolCalls: 1,
      inputTokens: 20,
      outputTokens: 10,
      modelsUsed: ['test:scripted'],
    })
  })

  it('stops with max_iterations when the model never stops calling tools', async () => {
    const { gateway, model } = await gatewayWith([lookup()], { guardrails: { maxIterations: 3 } })
    const { status, result } = await gateway.invoke('helper', 'loop')
    expect(result.stopReason).toBe('max_iterations')
    expect(status).toBe('completed')
    expect(model.calls).toHaveLength(3)
  })

  it('stops with max_tool_calls and runs no more calls than the budget', async () => {
    const three = {
      toolCalls: [0, 1, 2].map((index) => ({ name: 'lookup', arguments: { city: `c${index}` } })),
    }
    const { gateway } = await gatewayWith([three], { guardrails: { maxToolCalls: 2 } })
    const events: EngineEvent[] = []
    const { result } = await gateway.invoke('helper', 'many', { onEvent: (event) => events.push(event) })
    expect(result.stopReason).toBe('max_tool_calls')
    expect(result.usage.toolCalls).toBe(2)
    expect(events.filter((event) => event.type === 'tool_result')).toHaveLength(2)
  })

  it('stops with timeout when the model hangs', async () => {
    const { gateway } = await gatewayWith([{ hang: true }])
    await gateway.start()
    // The run's time limit passes on a fake clock, once the run (and so its limit) has begun.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    try {
      const modelCalled = new Promise<void>((resolve) => gateway.on('llm.call.before', () => resolve()))
      let settled = false
      const pending = gateway.invoke('helper', 'hello', { timeoutMs: 60_000 }).finally(() => {
        settled = true
      })
      await modelCalled
      await vi.advanceTimersByTimeAsync(59_999)
      expect(settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      const { status, result } = await pending
      expect(status).toBe('timeout')
      expect(result.stopReason).toBe('timeout')
      expect(result.error?.code).toBe('timeout')
    } finally {
      vi.useRealTimers()
    }
  })

  it('is cancelled mid-tool, and the tool sees its signal abort', async () => {
    const { gateway } = await gatewayWith([
      { toolCalls: [{ name: 'slow', arguments: {} }] },
      { text: 'never' },
    ])
    const controller = new AbortController()
    const slow = globalThis as { slowSignal?: AbortSignal; onSlowStarted?: () => void }
    // Cancel once the tool is running, whatever time that takes.
    slow.onSlowStarted = () => controller.abort()
    try {
      const { status, result } = await gateway.invoke('helper', 'wait', { signal: controller.signal })
      expect(status).toBe('cancelled')
      expect(result.stopReason).toBe('cancelled')
      expect(slow.slowSignal?.aborted).toBe(true)
    } finally {
      slow.onSlowStarted = undefined
    }
  })

  it('ends with error and a clean message when the provider refuses credentials (no retry)', async () => {
    const { gateway, model } = await gatewayWith(
      [{ error: { status: 401, message: 'Incorrect API key sk-abcdef123456' } }],
      {
        model: { default: 'test:scripted', maxRetries: 3 },
      },
    )
    const { status, result } = await gateway.invoke('helper', 'hi')
    expect(status).toBe('failed')
    expect(result).toMatchObject({ stopReason: 'error', error: { code: 'model_error' } })
    expect(result.error?.message).not.toContain('sk-abc')
    expect(model.calls).toHaveLength(1)
  })

  it('retries a 429 and then succeeds', async () => {
    const { gateway, model } = await gatewayWith(
      [{ error: { status: 429, headers: { 'retry-after': '0' } } }, { text: 'ok after retry' }],
      { model: { default: 'test:scripted', maxRetries: 2 } },
    )
    const { result } = await gateway.invoke('helper', 'hi')
    expect(result).toMatchObject({ stopReason: 'completed', output: 'ok after retry' })
    expect(model.calls).toHaveLength(2)
  })

  it('falls back to the fallback model when the default keeps failing', async () => {
    const { gateway } = await gatewayWith([{ error: { status: 503 } }], {
      model: { default: 'test:scripted', fallback: 'mock:echo', maxRetries: 0 },
    })
    const { result } = await gateway.invoke('helper', 'hello there')
    expect(result).toMatchObject({ stopReason: 'completed', output: 'Echo: hello there' })
    expect(result.usage.modelsUsed).toEqual(['test:scripted', 'mock:echo'])
  })

  it('runs parallel tool calls at most max_parallel_tool_calls at once', async () => {
    const calls = {
      toolCalls: [1, 2, 3, 4].map((index) => ({ name: 'slow', arguments: { ms: 80 + index } })),
    }
    const { gateway } = await gatewayWith([calls, { text: 'done' }], {
      guardrails: { maxParallelToolCalls: 2 },
    })
    let running = 0
    let peak = 0
    gateway.on('tool.execute.before', () => {
      running++
      peak = Math.max(peak, running)
    })
    gateway.on('tool.execute.after', () => {
      running--
    })
    const { result } = await gateway.invoke('helper', 'parallel')
    expect(result.stopReason).toBe('completed')
    expect(result.usage.toolCalls).toBe(4)
    expect(peak).toBe(2)
  })

  it('feeds invalid arguments and unknown tools back to the model instead of failing', async () => {
    const { gateway, model } = await gatewayWith([
      {
        toolCalls: [
          { name: 'lookup', arguments: { city: 5 } },
          { name: 'nope', arguments: {} },
          { name: 'lookup', arguments: '{bad json' },
        ],
      },
      { text: 'recovered' },
    ])
    const events: EngineEvent[] = []
    const { result } = await gateway.invoke('helper', 'x', { onEvent: (event) => events.push(event) })
    expect(result.output).toBe('recovered')
    const results = events.filter((event) => event.type === 'tool_result')
    expect(results.map((event) => event.isError)).toEqual([true, true, true])
    const secondPrompt = JSON.stringify(model.calls[1]?.prompt)
    expect(secondPrompt).toContain('invalid arguments: /city must be string')
    expect(secondPrompt).toMatch(/unknown tool .{1,6}nope/)
    expect(secondPrompt).toContain('not valid JSON')
  })

  it('truncates tool results before the model sees them', async () => {
    const { gateway, model } = await gatewayWith(
      [{ toolCalls: [{ name: 'big', arguments: { size: 5000 } }] }, { text: 'ok' }],
      {
        guardrails: { maxToolResultBytes: 1024 },
      },
    )
    await gateway.invoke('helper', 'big')
    const toolMessage = model.calls[1]?.prompt.find((message) => message.role === 'tool')
    const part = toolMessage?.role === 'tool' ? toolMessage.content[0] : undefined
    const value = part?.type === 'tool-result' && part.output.type === 'text' ? part.output.value : ''
    expect(value.length).toBeLessThan(1200)
    expect(value).toContain('[truncated: the result was 5000 bytes')
  })

  it('keeps running when a hook throws', async () => {
    const { gateway } = await gatewayWith([{ text: 'fine' }])
    const seen: string[] = []
    gateway.on('agent.invoke.before', () => {
      throw new Error('broken hook')
    })
    gateway.on('llm.call.after', (payload) => {
      seen.push(payload.model)
    })
    gateway.on('agent.invoke.after', (payload) => {
      seen.push(payload.result.stopReason)
    })
    const { result } = await gateway.invoke('helper', 'hi')
    expect(result.output).toBe('fine')
    expect(seen).toEqual(['test:scripted', 'completed'])
  })
})

describe('structured output', () => {
  const schema = {
    type: 'object',
    properties: { answer: { type: 'string' } },
    required: ['answer'],
    additionalProperties: false,
  }

  it('retries once with a correction and returns the parsed JSON', async () => {
    const { gateway, model } = await gatewayWith([
      { text: 'Sure, here you go' },
      { text: '```json\n{"answer":"42"}\n```' },
    ])
    const { result } = await gateway.invoke('helper', 'q', { outputSchema: schema })
    expect(result).toMatchObject({
      stopReason: 'completed',
      output: { answer: '42' },
      validationErrors: null,
    })
    expect(model.calls).toHaveLength(2)
    expect(model.calls[0]?.responseFormat).toEqual({ type: 'json', schema })
    expect(JSON.stringify(model.calls[1]?.prompt)).toContain('did not match the required JSON Schema')
  })

  it('reports validation_errors after the one correction also fails', async () => {
    const { gateway, model } = await gatewayWith([{ text: '{"answer": 1}' }])
    const { result } = await gateway.invoke('helper', 'q', { outputSchema: schema })
    expect(model.calls).toHaveLength(2)
    expect(result.output).toEqual({ answer: 1 })
    expect(result.validationErrors).toEqual([
      expect.objectContaining({ path: '/answer', message: 'must be string' }),
    ])
  })
})

describe('workflows', () => {
  it('runs steps in order, fans out in parallel and resolves $.input and $.steps references', async () => {
    const model = createScriptedModel((call, index) => {
      if (index === 0)
        return { toolCalls: [{ name: 'workflow-trip', arguments: { city: 'Porto', budget: 100 } }] }
      const data = JSON.stringify(call.prompt)
      if (data.includes('Summarise the trip')) return { text: 'A fine trip.' }
      return { text: 'done' }
    })
    t = await createTestGateway(
      {
        'agents/planner/AGENT.md': simpleAgent('Plan.', 'skills: [trip]'),
        'skills/trip/SKILL.md': `---
description: Plan a trip
tools: [echo]
steps:
  - name: first
    tool: echo
    input: { city: $.input.city, n: 1 }
  - name: fan
    tools:
      - { tool: echo, input: { city: "$.steps.first.output.args.city", n: 2 } }
      - { tool: echo, input: { city: "to $.input.city", n: $.input.budget } }
  - name: wrap
    prompt: "Summarise the trip to $.steps.fan[1].output.args.city"
---
`,
        'tools/echo/TOOL.md': '---\nparameters:\n  city: {type: string}\n  n: {type: number}\n---\n',
        'tools/echo/handler.mjs': 'export const handle = (args) => ({ args })',
      },
      { model: { default: 'test:scripted', maxRetries: 0 } },
    )
    t.gateway.useModel('test:scripted', model)
    const events: EngineEvent[] = []
    const { result } = await t.gateway.invoke('planner', 'plan', { onEvent: (event) => events.push(event) })
    expect(result.stopReason).toBe('completed')
    const echoCalls = events.filter((event) => event.type === 'tool_call' && event.name === 'echo')
    expect(echoCalls.map((event) => (event.type === 'tool_call' ? event.arguments : undefined))).toEqual([
      { city: 'Porto', n: 1 },
      { city: 'Porto', n: 2 },
      { city: 'to Porto', n: 100 },
    ])
    const workflowResult = events.find(
      (event) => event.type === 'tool_result' && event.name === 'workflow-trip',
    )
    expect(workflowResult).toMatchObject({ output: 'A fine trip.', isError: false })
    expect(JSON.stringify(model.calls[1]?.prompt)).toContain('Summarise the trip to to Porto')
  })
})
