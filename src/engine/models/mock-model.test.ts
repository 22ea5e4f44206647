import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider'
import { describe, expect, it, vi } from 'vitest'
import { createJsonSchemaValidator } from '../../json-schema/create-json-schema-validator.ts'
import { createMockModel, parseMockModelId } from './mock-model.ts'

async function run(id: string, call: Partial<LanguageModelV4CallOptions>) {
  const model = createMockModel(id)
  const { stream } = await model.doStream({ prompt: [], ...call } as LanguageModelV4CallOptions)
  const parts: LanguageModelV4StreamPart[] = []
  const reader = stream.getReader()
  while (true) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
  }
  return parts
}

const user = (text: string) => [{ role: 'user' as const, content: [{ type: 'text' as const, text }] }]
const textOf = (parts: LanguageModelV4StreamPart[]) =>
  parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('')

describe('mock model', () => {
  it('parses behaviour and options from its id', () => {
    expect(parseMockModelId('echo?delay_ms=5&tokens=20')).toMatchObject({
      behavior: 'echo',
      delayMs: 5,
      tokens: 20,
    })
    expect(parseMockModelId('fail?status=429&fail_times=2')).toMatchObject({
      behavior: 'fail',
      status: 429,
      failTimes: 2,
    })
  })

  it('streams exactly the requested number of tokens', async () => {
    const parts = await run('echo?tokens=20', { prompt: user('hello') })
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(20)
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { outputTokens: { total: 20 } } })
  })

  it('calls the tool the message is about, with arguments that fit its schema and the given input', async () => {
    const tools = [
      {
        type: 'function' as const,
        name: 'convert-currency',
        description: 'Convert money',
        inputSchema: { type: 'object' as const },
      },
      {
        type: 'function' as const,
        name: 'get-weather',
        description: 'Weather outlook for a city',
        inputSchema: {
          type: 'object' as const,
          properties: { city: { type: 'string' as const }, days: { type: 'integer' as const, minimum: 1 } },
          required: ['city'],
        },
      },
    ]
    const parts = await run('assistant', {
      prompt: user('What is the weather like?\n\n## Input\n```json\n{"city": "Porto"}\n```'),
      tools,
    })
    const calls = parts.filter((part) => part.type === 'tool-call')
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({ toolName: 'get-weather' })
    expect(JSON.parse((calls[0] as { input: string }).input)).toEqual({ city: 'Porto' })
  })

  it('answers small talk without tools', async () => {
    const tools = [{ type: 'function' as const, name: 'lookup', inputSchema: { type: 'object' as const } }]
    const parts = await run('assistant', { prompt: user('hi'), tools })
    expect(parts.some((part) => part.type === 'tool-call')).toBe(false)
  })

  it('produces JSON that satisfies a requested schema', async () => {
    const schema = {
      type: 'object' as const,
      properties: {
        title: { type: 'string' as const, maxLength: 10 },
        priority: { enum: ['low', 'high'] },
        tags: { type: 'array' as const, items: { type: 'string' as const }, minItems: 2 },
        email: { type: 'string' as const, format: 'email' },
      },
      required: ['title', 'priority', 'tags', 'email'],
      additionalProperties: false,
    }
    const parts = await run('assistant', {
      prompt: user('Summarise this long complaint please'),
      responseFormat: { type: 'json', schema },
    })
    const value = JSON.parse(textOf(parts))
    expect(createJsonSchemaValidator().compile(schema)(value)).toEqual([])
  })

  it('fails with the configured status, then recovers after fail_times', async () => {
    const model = createMockModel('fail?status=429&fail_times=1')
    await expect(model.doStream({ prompt: user('x') } as LanguageModelV4CallOptions)).rejects.toMatchObject({
      statusCode: 429,
      isRetryable: true,
    })
    await expect(model.doStream({ prompt: user('x') } as LanguageModelV4CallOptions)).resolves.toBeDefined()
  })

  it('hangs until aborted', async () => {
    vi.useFakeTimers()
    try {
      const controller = new AbortController()
      let settled = false
      const pending = run('hang', { prompt: user('x'), abortSignal: controller.signal }).finally(() => {
        settled = true
      })
      const aborted = expect(pending).rejects.toMatchObject({ name: 'AbortError' })
      await vi.advanceTimersByTimeAsync(10 * 60_000)
      expect(settled).toBe(false)
      controller.abort()
      await aborted
    } finally {
      vi.useRealTimers()
    }
  })
})
