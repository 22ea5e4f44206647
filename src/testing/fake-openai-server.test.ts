import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import {
  APICallError,
  type LanguageModelV4,
  type LanguageModelV4FunctionTool,
  type LanguageModelV4Prompt,
  type LanguageModelV4StreamPart,
} from '@ai-sdk/provider'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeOpenAIServer, type FakeOpenAIServer } from './index.ts'

const prompt: LanguageModelV4Prompt = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]
const weatherTool: LanguageModelV4FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } } },
}

const providers = [
  {
    label: '@ai-sdk/openai chat',
    modelId: 'gpt-4o-mini',
    create: (baseUrl: string): LanguageModelV4 =>
      createOpenAI({ baseURL: baseUrl, apiKey: 'sk-test' }).chat('gpt-4o-mini'),
  },
  {
    label: '@ai-sdk/openai-compatible',
    modelId: 'local-chat',
    create: (baseUrl: string): LanguageModelV4 =>
      createOpenAICompatible({
        name: 'local',
        baseURL: baseUrl,
        apiKey: 'sk-test',
        includeUsage: true,
      }).chatModel('local-chat'),
  },
]

async function readParts(
  stream: ReadableStream<LanguageModelV4StreamPart>,
): Promise<LanguageModelV4StreamPart[]> {
  const parts: LanguageModelV4StreamPart[] = []
  for await (const part of stream) parts.push(part)
  return parts
}

async function rejectionOf(call: PromiseLike<unknown>): Promise<unknown> {
  try {
    await call
  } catch (error) {
    return error
  }
  throw new Error('expected the call to reject')
}

describe.each(providers)('the fake OpenAI server driven by $label', ({ create, modelId }) => {
  let server: FakeOpenAIServer
  let model: LanguageModelV4

  beforeEach(async () => {
    server = await createFakeOpenAIServer()
    model = create(server.baseUrl)
  })
  afterEach(() => server.close())

  it('answers a non-streaming call with the scripted text, a stop reason and word-count usage', async () => {
    server.enqueue({ kind: 'text', text: 'The sky is blue.' })
    const result = await model.doGenerate({ prompt })
    expect(result.content).toEqual([{ type: 'text', text: 'The sky is blue.' }])
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' })
    expect(result.usage.inputTokens.total).toBe(1)
    expect(result.usage.outputTokens.total).toBe(4)
  })

  it('streams the scripted text as several text deltas, then finishes with usage', async () => {
    server.enqueue({ kind: 'text', text: 'The sky is blue today.' })
    const parts = await readParts((await model.doStream({ prompt })).stream)
    const deltas = parts.flatMap((part) =>
      part.type === 'text-delta' && part.delta !== '' ? [part.delta] : [],
    )
    expect(deltas.length).toBeGreaterThanOrEqual(3)
    expect(deltas.join('')).toBe('The sky is blue today.')
    expect(parts.some((part) => part.type === 'error')).toBe(false)
    const finish = parts.at(-1)
    expect(finish).toMatchObject({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } })
    expect(finish?.type === 'finish' && finish.usage.outputTokens.total).toBe(5)
  })

  it('returns a tool call with its arguments as a JSON string from a non-streaming call', async () => {
    server.enqueue({
      kind: 'tool_calls',
      calls: [{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }],
    })
    const result = await model.doGenerate({ prompt, tools: [weatherTool] })
    expect(result.content).toEqual([
      { type: 'tool-call', toolCallId: 'call_abc', toolName: 'get_weather', input: '{"city":"Paris"}' },
    ])
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' })
  })

  it('streams parallel tool calls whose arguments arrive in several deltas', async () => {
    server.enqueue({
      kind: 'tool_calls',
      calls: [
        { name: 'get_weather', arguments: { city: 'Paris' } },
        { name: 'get_weather', arguments: { city: 'Tokyo', unit: 'celsius' } },
      ],
    })
    const parts = await readParts((await model.doStream({ prompt, tools: [weatherTool] })).stream)
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'call_1_0', toolName: 'get_weather', input: '{"city":"Paris"}' },
      {
        type: 'tool-call',
        toolCallId: 'call_1_1',
        toolName: 'get_weather',
        input: '{"city":"Tokyo","unit":"celsius"}',
      },
    ])
    const argumentDeltas = parts.filter((part) => part.type === 'tool-input-delta' && part.id === 'call_1_0')
    expect(argumentDeltas.length).toBeGreaterThan(1)
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls' } })
  })

  it('surfaces a 429 as a retryable APICallError that carries retry-after', async () => {
    server.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '2' } })
    const error = await rejectionOf(model.doGenerate({ prompt }))
    expect(APICallError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({
      statusCode: 429,
      isRetryable: true,
      message: 'Rate limit reached for requests. Please try again later.',
      responseHeaders: expect.objectContaining({ 'retry-after': '2' }),
    })
  })

  it('surfaces a 401 on a streaming call as a non-retryable APICallError', async () => {
    server.enqueue({ kind: 'error', status: 401 })
    const error = await rejectionOf(model.doStream({ prompt }))
    expect(APICallError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false })
  })

  it('passes a custom OpenAI-style error body through as the error message', async () => {
    const body = { error: { message: 'Upstream exploded', type: 'server_error', code: 'boom' } }
    server.enqueue({ kind: 'error', status: 500, body })
    const error = await rejectionOf(model.doGenerate({ prompt }))
    expect(error).toMatchObject({
      statusCode: 500,
      isRetryable: true,
      message: 'Upstream exploded',
      data: body,
    })
  })

  it('keeps a hung non-streaming call pending until its abort signal fires', { timeout: 5_000 }, async () => {
    server.enqueue({ kind: 'hang' })
    const error = await rejectionOf(model.doGenerate({ prompt, abortSignal: AbortSignal.timeout(200) }))
    expect((error as Error).name).toMatch(/AbortError|TimeoutError/)
    expect(server.requests).toHaveLength(1)
  })

  it('keeps a hung streaming call pending until its abort signal fires', { timeout: 5_000 }, async () => {
    server.enqueue({ kind: 'hang' })
    const error = await rejectionOf(model.doStream({ prompt, abortSignal: AbortSignal.timeout(200) }))
    expect((error as Error).name).toMatch(/AbortError|TimeoutError/)
  })

  it('stops a slow stream when the caller aborts part-way through', { timeout: 5_000 }, async () => {
    const words = 'one two three four five six seven eight nine ten'
    server.enqueue({ kind: 'text', text: words, chunkDelayMs: 50 })
    const abort = new AbortController()
    const { stream } = await model.doStream({ prompt, abortSignal: abort.signal })
    const seen: string[] = []
    try {
      for await (const part of stream) {
        if (part.type !== 'text-delta' || part.delta === '') continue
        seen.push(part.delta)
        abort.abort()
      }
    } catch {
      // the provider may surface the abort as a stream error; either way the stream must end
    }
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.join('')).not.toBe(words)
  })

  it('records the model id, messages, tools and stream flag the provider sent', async () => {
    await readParts((await model.doStream({ prompt, tools: [weatherTool] })).stream)
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: expect.objectContaining({ authorization: 'Bearer sk-test' }),
      body: {
        model: modelId,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: weatherTool.description,
              parameters: weatherTool.inputSchema,
            },
          },
        ],
      },
    })
  })
})

describe('createFakeOpenAIServer', () => {
  let server: FakeOpenAIServer

  beforeEach(async () => {
    server = await createFakeOpenAIServer()
  })
  afterEach(() => server.close())

  const complete = (body: object) =>
    fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...body }),
    })
  const replyText = async (body: object = {}) => {
    const json = (await (await complete(body)).json()) as { choices: [{ message: { content: string } }] }
    return json.choices[0].message.content
  }

  it('listens on a loopback port under /v1', () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
  })

  it('answers any other route with an OpenAI-style 404 and still records it', async () => {
    const response = await fetch(`${server.baseUrl}/models`)
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      error: {
        message: 'Invalid URL (GET /v1/models)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    })
    expect(server.requests).toMatchObject([{ method: 'GET', path: '/v1/models', body: undefined }])
  })

  it('answers a body that is not a JSON object with 400', async () => {
    const response = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{nope' })
    expect(response.status).toBe(400)
  })

  it('replies from the queue in order, then with the default, and reset restores the start state', async () => {
    server.enqueue({ kind: 'text', text: 'first' }, { kind: 'text', text: 'second' })
    expect([await replyText(), await replyText(), await replyText()]).toEqual([
      'first',
      'second',
      'Hello from the fake model.',
    ])
    server.setDefault({ kind: 'text', text: 'changed' })
    server.enqueue({ kind: 'text', text: 'left over' })
    expect(await replyText()).toBe('left over')
    expect(await replyText()).toBe('changed')

    server.enqueue({ kind: 'text', text: 'dropped by reset' })
    server.reset()
    expect(server.requests).toHaveLength(0)
    expect(await replyText()).toBe('Hello from the fake model.')
  })

  it('asks a responder function, passing the recorded request', async () => {
    server.enqueue((request) => ({ kind: 'text', text: `model ${request.body?.model}` }))
    expect(await replyText({ model: 'picked' })).toBe('model picked')
  })

  it('turns a throwing responder into a 500 with the reason', async () => {
    server.enqueue(() => {
      throw new Error('no script for this')
    })
    const response = await complete({})
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({
      error: { message: 'Fake responder failed: no script for this' },
    })
  })

  it('keeps each instance’s queue to itself', async () => {
    const other = await createFakeOpenAIServer()
    try {
      other.enqueue({ kind: 'text', text: 'only for the other one' })
      expect(await replyText()).toBe('Hello from the fake model.')
    } finally {
      await other.close()
    }
  })

  it('streams data-only SSE frames ending in [DONE], with a usage chunk only when include_usage is set', async () => {
    const frames = async (body: object) =>
      (await (await complete({ stream: true, ...body })).text())
        .split('\n\n')
        .filter((frame) => frame !== '')
        .map((frame) => frame.replace(/^data: /, ''))

    const plain = await frames({})
    expect(plain.at(-1)).toBe('[DONE]')
    const chunks = plain.slice(0, -1).map((frame) => JSON.parse(frame) as { object: string; usage?: unknown })
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && !('usage' in chunk))).toBe(
      true,
    )

    const withUsage = await frames({ stream_options: { include_usage: true } })
    expect(JSON.parse(withUsage.at(-2) ?? '')).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 },
    })
  })

  it('closes promptly while a request hangs, failing the hung client', { timeout: 5_000 }, async () => {
    server.enqueue({ kind: 'hang' })
    const pending = complete({}).then(
      () => 'answered',
      () => 'failed',
    )
    await vi.waitFor(() => expect(server.requests).toHaveLength(1))
    await server.close()
    expect(await pending).toBe('failed')
  })
})
