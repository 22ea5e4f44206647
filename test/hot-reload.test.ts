import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeOpenAIServer, type FakeOpenAIServer } from '../src/testing/index.ts'
import { echoSystemPrompt, systemPromptOf } from './support/prompt-echo.ts'
import { waitFor } from './support/spawn-gateway.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

let fake: FakeOpenAIServer
let t: TestGateway
/** Released by the test: the fake model holds `slow` requests until then. */
let release: () => void = () => undefined
const held = new Promise<void>((resolve) => {
  release = resolve
})

const agent = (prompt: string) => simpleAgent(prompt, 'model: openai:gpt-4o-mini')

beforeAll(async () => {
  fake = await createFakeOpenAIServer({
    defaultResponse: async (request) => {
      const last = request.body?.messages?.at(-1)
      if (last?.role === 'user' && JSON.stringify(last.content).includes('slow')) await held
      return echoSystemPrompt(request)
    },
  })
  t = await createTestGateway(
    { 'agents/helper/AGENT.md': agent('PROMPT-ONE') },
    { model: { providers: { openai: { apiKey: 'test-key-not-real', baseUrl: fake.baseUrl } } } },
  )
})
afterAll(async () => {
  release()
  await t?.close()
  await fake?.close()
})

const invoke = (message: string) =>
  readJson(
    t.request('/v1/agents/helper/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    }),
  )
const reload = () => t.request('/v1/reload', { method: 'POST' })

describe('POST /v1/reload', () => {
  it('serves an edited AGENT.md after a reload and says what changed', async () => {
    expect((await invoke('hello')).result.output).toContain('PROMPT-ONE')
    await t.workspace.write('agents/helper/AGENT.md', agent('PROMPT-TWO'))
    await t.workspace.write('agents/extra/AGENT.md', agent('Another.'))
    // Not before the reload.
    expect((await invoke('hello')).result.output).toContain('PROMPT-ONE')

    const response = await reload()
    expect(response.status).toBe(200)
    const body = await readJson(response)
    expect(body).toMatchObject({ status: 'reloaded', agent_count: 2 })
    expect(body.version).toMatch(/^[0-9a-f]{12}$/)
    expect(body.version).not.toBe(body.previous_version)
    expect(body.agents).toEqual({ added: ['extra'], removed: [], changed: ['helper'] })

    const answer = (await invoke('hello')).result.output
    expect(answer).toContain('PROMPT-TWO')
    expect(answer).not.toContain('PROMPT-ONE')
    const listed = await readJson(t.request('/v1/agents'))
    expect(JSON.stringify(listed)).toContain('"extra"')

    // Reloading the same files again changes nothing.
    const again = await readJson(reload())
    expect(again.version).toBe(body.version)
    expect(again.agents).toEqual({ added: [], removed: [], changed: [] })
  })

  it('refuses a broken edit with file:line details and keeps serving the loaded version', async () => {
    const before = await readJson(reload())
    await t.workspace.write(
      'agents/helper/AGENT.md',
      '---\ndescription: broken\nmodel: openai:gpt-4o-mini\nmax_iterations: [\n---\nPROMPT-BROKEN\n',
    )
    const response = await reload()
    expect(response.status).toBe(422)
    const body = await readJson(response)
    expect(body.error.code).toBe('workspace_invalid')
    expect(body.error.message).toContain(before.version)
    const detail = body.error.details.find(
      (entry: { file: string }) => entry.file === 'agents/helper/AGENT.md',
    )
    expect(detail).toBeDefined()
    expect(detail.path).toMatch(/^agents\/helper\/AGENT\.md:\d+/)
    expect(detail.severity).toBe('error')

    const answer = (await invoke('hello')).result.output
    expect(answer).toContain('PROMPT-TWO')
    await t.workspace.write('agents/helper/AGENT.md', agent('PROMPT-TWO'))
  })

  it('brings workspace schedules in step with the reloaded AGENT.md', async () => {
    const names = async () =>
      ((await readJson(t.request('/v1/schedules?agent_id=extra'))).items as { name: string }[]).map(
        (item) => item.name,
      )
    expect(await names()).toEqual([])
    await t.workspace.write(
      'agents/extra/AGENT.md',
      simpleAgent(
        'Another.',
        'model: openai:gpt-4o-mini\nschedules:\n  - name: nightly\n    cron: "0 3 * * *"\n    message: Tidy up',
      ),
    )
    expect((await reload()).status).toBe(200)
    expect(await names()).toEqual(['nightly'])
    await t.workspace.write('agents/extra/AGENT.md', agent('Another.'))
    expect((await reload()).status).toBe(200)
    expect(await names()).toEqual([])
  })

  it('lets a run in flight finish on the prompt it started with', async () => {
    await t.workspace.write('agents/helper/AGENT.md', agent('PROMPT-OLD'))
    expect((await reload()).status).toBe(200)
    const inFlight = invoke('slow please')
    // The run has sent its prompt to the model and waits for the answer.
    await waitFor(async () =>
      fake.requests.some(
        (request) =>
          systemPromptOf(request).includes('PROMPT-OLD') && JSON.stringify(request.body).includes('slow'),
      )
        ? true
        : undefined,
    )
    await t.workspace.write('agents/helper/AGENT.md', agent('PROMPT-NEW'))
    expect((await reload()).status).toBe(200)
    expect((await invoke('hello')).result.output).toContain('PROMPT-NEW')

    release()
    const finished = await inFlight
    expect(finished.status).toBe('completed')
    expect(finished.result.output).toContain('PROMPT-OLD')
    expect(finished.result.output).not.toContain('PROMPT-NEW')
  })
})
