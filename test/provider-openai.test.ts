import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createFakeOpenAIServer, type FakeOpenAIServer } from '../src/testing/index.ts'
import { readSse } from './support/read-sse.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

let fake: FakeOpenAIServer
let t: TestGateway

beforeAll(async () => {
  fake = await createFakeOpenAIServer()
  t = await createTestGateway(
    {
      'agents/remote/AGENT.md': simpleAgent('You use tools.', 'model: openai:gpt-4o-mini\nskills: [kit]'),
      'agents/local/AGENT.md': simpleAgent('Local model.', 'model: ollama:llama3.2'),
      'skills/kit/SKILL.md': '---\ndescription: kit\ntools: [weather]\n---\n',
      'tools/weather/TOOL.md':
        '---\ndescription: Weather for a city\nparameters:\n  city: {type: string, required: true}\n---\n',
      'tools/weather/handler.mjs': "export const handle = ({ city }) => ({ city, sky: 'clear' })",
    },
    {
      model: {
        maxRetries: 2,
        callTimeoutMs: 1500,
        providers: {
          openai: { apiKey: 'test-key-not-real', baseUrl: fake.baseUrl },
          openaiCompatible: { ollama: { baseUrl: fake.baseUrl } },
        },
      },
    },
  )
})
beforeEach(() => fake.reset())
afterAll(async () => {
  await t.close()
  await fake.close()
})

const invoke = (agent: string, body: Record<string, unknown>) =>
  t.request(`/v1/agents/${agent}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'What is the weather in Lisbon?', ...body }),
  })

describe('the OpenAI provider path against a real HTTP server', () => {
  it('runs the tool loop and returns the final answer (JSON response)', async () => {
    fake.enqueue(
      { kind: 'tool_calls', calls: [{ name: 'weather', arguments: { city: 'Lisbon' } }] },
      { kind: 'text', text: 'It is clear in Lisbon.' },
    )
    const body = await readJson(invoke('remote', {}))
    expect(body).toMatchObject({
      status: 'completed',
      result: { output: 'It is clear in Lisbon.' },
      usage: { llm_calls: 2, tool_calls: 1 },
    })
    expect(body.usage.input_tokens).toBeGreaterThan(0)
    expect(body.usage.cost_usd).toBeGreaterThan(0)
    const [first, second] = fake.requests
    expect(first?.headers.authorization).toBe('Bearer test-key-not-real')
    expect(first?.body?.model).toBe('gpt-4o-mini')
    expect(first?.body?.stream).toBe(true)
    expect(JSON.stringify(first?.body?.tools)).toContain('"name":"weather"')
    expect(JSON.stringify(second?.body?.messages)).toContain('"sky\\":\\"clear\\"')
  })

  it('streams tokens as SSE as the provider streams chunks', async () => {
    fake.enqueue({ kind: 'text', text: 'Sunny and warm all week long in Lisbon.', chunkDelayMs: 5 })
    const { events } = await readSse(await invoke('remote', { options: { stream: true } }))
    const tokens = events.filter((event) => event.event === 'token')
    expect(tokens.length).toBeGreaterThan(3)
    expect(tokens.map((event) => (event.data as { content: string }).content).join('')).toBe(
      'Sunny and warm all week long in Lisbon.',
    )
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'completed' } })
  })

  it('retries a 429 and then succeeds', async () => {
    fake.enqueue(
      { kind: 'error', status: 429, headers: { 'retry-after': '0' } },
      { kind: 'text', text: 'Recovered.' },
    )
    const body = await readJson(invoke('remote', {}))
    expect(body).toMatchObject({ status: 'completed', result: { output: 'Recovered.' } })
    expect(fake.requests).toHaveLength(2)
  })

  it('does not retry a 401 and reports a clean error', async () => {
    fake.enqueue({ kind: 'error', status: 401 })
    const body = await readJson(invoke('remote', {}))
    expect(body).toMatchObject({ status: 'failed', stop_reason: 'error', error: { code: 'model_error' } })
    expect(body.error.message).toBe('the model provider refused the credentials (401)')
    expect(JSON.stringify(body)).not.toContain('test-key-not-real')
    expect(fake.requests).toHaveLength(1)
  })

  it('stops with timeout when the provider hangs', async () => {
    fake.setDefault({ kind: 'hang' })
    const body = await readJson(invoke('remote', { options: { timeout_ms: 1000 } }))
    expect(body).toMatchObject({ status: 'timeout', stop_reason: 'timeout', error: { code: 'timeout' } })
  })

  it('drives a named openai-compatible provider (a local model server)', async () => {
    fake.enqueue({ kind: 'text', text: 'Hello from a local model.' })
    const body = await readJson(invoke('local', {}))
    expect(body).toMatchObject({ status: 'completed', result: { output: 'Hello from a local model.' } })
    expect(fake.requests[0]?.body?.model).toBe('llama3.2')
  })
})
