import { execFile } from 'node:child_process'
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../src/core/logger.ts'
import { createMockModel } from '../src/engine/models/mock-model.ts'
import { Gateway, type ListeningGateway } from '../src/index.ts'
import { waitFor } from '../src/testing/wait-for.ts'
import { readSse } from './support/read-sse.ts'
import { requireBinary } from './support/requirements.ts'
import { createTestGateway, type JsonBody, readJson } from './support/test-gateway.ts'

/**
 * A workspace written the way agents-gateway documents its format (shared AGENTS.md and
 * BEHAVIOR.md under agents/, LiteLLM model ids, `memory: false`, agent `tools:` lists,
 * handler.py tools with flat-map and JSON-Schema parameters, a reference gateway.yaml with
 * `auth.enabled: false`, `queue.backend: memory`, a sqlite+aiosqlite URL and renamed keys),
 * checked and served without a single edit.
 */
const fixture = path.resolve(import.meta.dirname, 'fixtures', 'agents-gateway')
const python = requireBinary('python3', 'python3')
const run = promisify(execFile)
const cli = path.resolve(import.meta.dirname, '..', 'bin', 'agentgw.js')

describe.skipIf(!python.available)('an agents-gateway workspace, unchanged', () => {
  it('passes agentgw check with warnings only, showing how each model id resolved', async () => {
    const { stdout } = await run(process.execPath, [cli, 'check', '--workspace', fixture], {
      env: { ...process.env, NO_COLOR: '1' },
    })
    expect(stdout).toContain('no errors, 1 warning(s)')
    expect(stdout).toMatch(
      /gateway\.yaml:6:3 server\.workers: an agents-gateway setting agentgw does not support/,
    )
    // `telemetry.exporter: console` is honoured by `agentgw serve`.
    expect(stdout).not.toMatch(/telemetry\.exporter/)
    expect(stdout).toContain('[ok] assistant  · model openai/gpt-4o → openai:gpt-4o')
    expect(stdout).toContain('[ok] daily-briefing  · model gemini/gemini-2.0-flash → google:gemini-2.0-flash')
    expect(stdout).toContain(
      '[ok] researcher  · model anthropic/claude-haiku-4-5 → anthropic:claude-haiku-4-5',
    )
    expect(stdout).toContain('[ok] travel-planner  · model gpt-4o-mini → openai:gpt-4o-mini (model.default)')
    for (const tool of ['convert-currency', 'fetch-page', 'search-activities', 'search-hotels']) {
      expect(stdout).toContain(`[ok] ${tool}  · handler.py`)
    }
  })

  describe('served', () => {
    let workspace: string
    let gateway: Gateway
    let listening: ListeningGateway
    beforeAll(async () => {
      workspace = await mkdtemp(path.join(tmpdir(), 'agw-reference-'))
      await cp(fixture, workspace, { recursive: true })
      gateway = new Gateway({ workspace, logger: createSilentLogger(), env: { PATH: process.env.PATH } })
      // The LiteLLM ids resolve to these canonical ids, which run the offline mock model.
      for (const id of [
        'openai:gpt-4o-mini',
        'openai:gpt-4o',
        'anthropic:claude-haiku-4-5',
        'google:gemini-2.0-flash',
      ]) {
        gateway.useModel(id, createMockModel('assistant'))
      }
      listening = await gateway.listen({ host: '127.0.0.1', port: 0 })
    })
    afterAll(async () => {
      await listening?.close()
      if (workspace) await rm(workspace, { recursive: true, force: true })
    })

    const call = async (route: string, body?: unknown): Promise<Response> =>
      fetch(`${listening.url}${route}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    const json = async (route: string, body?: unknown): Promise<JsonBody> =>
      (await (await call(route, body)).json()) as JsonBody
    const toolResult = async (executionId: string, name: string) =>
      ((await json(`/v1/executions/${executionId}`)).steps as JsonBody[]).find(
        (step) => step.type === 'tool_result' && step.data.name === name,
      )?.data

    it('serves every agent with auth off, as auth.enabled: false says, and stores data where the URL says', async () => {
      const health = await json('/v1/health')
      expect(health).toMatchObject({ status: 'ok', agent_count: 4, tool_count: 4 })
      const agents = (await json('/v1/agents')) as unknown as JsonBody[]
      expect(agents.map((agent) => agent.id).sort()).toEqual([
        'assistant',
        'daily-briefing',
        'researcher',
        'travel-planner',
      ])
      expect(agents.find((agent) => agent.id === 'travel-planner')).toMatchObject({
        model: 'gpt-4o-mini',
        tools: ['search-activities', 'search-hotels'],
        memory_enabled: false,
      })
      expect((await stat(path.join(workspace, 'travel-gateway.db'))).isFile()).toBe(true)
      expect((await readdir(workspace)).filter((name) => name.includes(':'))).toEqual([])
      expect(gateway.config.queue).toMatchObject({ backend: 'memory', visibilityTimeoutSeconds: 120 })
    })

    it('invokes, chats and streams every agent', async () => {
      for (const [agent, message, input] of [
        ['travel-planner', 'Find hotels for my trip', { city: 'Lisbon', nights: 2 }],
        ['assistant', 'Convert currency: 100 USD to EUR please', {}],
        ['researcher', 'Fetch the page about Lisbon', {}],
        ['daily-briefing', 'Which activities are on today?', {}],
      ] as const) {
        const invoked = await json(`/v1/agents/${agent}/invoke`, { message, input })
        expect(invoked, agent).toMatchObject({ status: 'completed', stop_reason: 'completed' })
        expect(invoked.usage.models_used[0], agent).toMatch(/^(openai|anthropic|google):/)

        const chat = await json(`/v1/agents/${agent}/chat`, { message, input })
        expect(chat, agent).toMatchObject({ status: 'completed', turn_count: 1 })
        const again = await json(`/v1/agents/${agent}/chat`, {
          message: 'Thanks!',
          session_id: chat.session_id,
          input,
        })
        expect(again, agent).toMatchObject({ status: 'completed', turn_count: 2 })

        const stream = await call(`/v1/agents/${agent}/invoke`, { message, input, options: { stream: true } })
        expect(stream.headers.get('content-type'), agent).toMatch(/^text\/event-stream/)
        const { events } = await readSse(stream)
        expect(events.at(-1), agent).toMatchObject({ event: 'done', data: { status: 'completed' } })
        expect(
          events.some((event) => event.event === 'token'),
          agent,
        ).toBe(true)
      }
    })

    it('calls the Python tools with validated arguments and the run context', async () => {
      const planned = await json('/v1/agents/travel-planner/invoke', {
        message: 'Find hotels for my trip',
        input: { city: 'Lisbon', nights: 2 },
      })
      const hotels = await toolResult(planned.execution_id, 'search-hotels')
      expect(hotels).toMatchObject({
        name: 'search-hotels',
        is_error: false,
        output: { city: 'Lisbon', nights: 2, company: 'Wanderly' },
        stdout: 'searching hotels in Lisbon for 2 night(s)\n',
      })
      expect(hotels?.output.hotels[0]).toEqual({ name: 'Casa Azul', price_per_night: 95, total: 190 })

      const activities = await json('/v1/agents/daily-briefing/invoke', {
        message: 'Which activities are on today?',
      })
      expect(await toolResult(activities.execution_id, 'search-activities')).toMatchObject({
        name: 'search-activities',
        is_error: false,
        output: { requested_by: 'daily-briefing' },
      })

      // JSON-Schema parameters: arguments that miss the pattern never reach Python…
      const refused = await json('/v1/agents/assistant/invoke', { message: 'Convert currency please' })
      expect(await toolResult(refused.execution_id, 'convert-currency')).toMatchObject({
        is_error: true,
        output: { error: expect.stringMatching(/^invalid arguments: \/from_currency must match pattern/) },
      })
      // …and valid ones do (the mock model takes them from the structured input).
      const converted = await json('/v1/agents/assistant/invoke', {
        message: 'Convert currency please',
        input: { amount: 100, from_currency: 'USD', to_currency: 'EUR' },
      })
      expect(await toolResult(converted.execution_id, 'convert-currency')).toMatchObject({
        is_error: false,
        output: { amount: '92.00', currency: 'EUR' },
      })

      const research = await json('/v1/agents/researcher/invoke', { message: 'Fetch the page about Lisbon' })
      const page = await toolResult(research.execution_id, 'fetch-page')
      expect(page).toMatchObject({ name: 'fetch-page', is_error: false, output: { status: 200 } })
      expect(page?.stderr).toMatch(/^fetching \S+/)
    })

    it('runs queued executions in process, as queue.backend: memory says', async () => {
      const response = await call('/v1/agents/travel-planner/invoke', {
        message: 'Find hotels for my trip',
        input: { city: 'Porto' },
        options: { async: true },
      })
      expect(response.status).toBe(202)
      const { execution_id: id, poll_url: pollUrl } = (await response.json()) as JsonBody
      await waitFor(async () => (await json(pollUrl)).status === 'completed', 'the queued run', 15_000)
      expect((await json(`/v1/executions/${id}`)).created_at).toMatch(/Z$/)
    })
  })
})

describe('a model id that cannot be resolved', () => {
  it('leaves its agent out: an error, not listed, health degraded, runs refused', async () => {
    const t = await createTestGateway({
      'agents/good/AGENT.md': '---\nmodel: gpt-4o-mini\n---\nFine.\n',
      'agents/bedrock/AGENT.md': '---\nmodel: bedrock/anthropic.claude-v2\n---\nNo provider.\n',
      'agents/bare/AGENT.md': '---\nmodel:\n  name: mock:echo\n  fallback: llama3\n---\nBad fallback.\n',
    })
    try {
      const agents = (await readJson(t.request('/v1/agents'))) as unknown as { id: string }[]
      expect(agents.map((agent) => agent.id)).toEqual(['good'])
      expect(await readJson(t.request('/v1/health'))).toMatchObject({ status: 'degraded', agent_count: 1 })
      const refused = await t.request('/v1/agents/bedrock/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hi' }),
      })
      expect(refused.status).toBe(404)
      const errors = t.gateway.diagnostics
        .filter((item) => item.severity === 'error')
        .map((item) => `${item.file}: ${item.message}`)
        .sort()
      expect(errors).toEqual([
        expect.stringMatching(
          /^agents\/bare\/AGENT\.md: model "llama3" names no provider.*; the agent is not served$/,
        ),
        expect.stringMatching(
          /^agents\/bedrock\/AGENT\.md: unknown model provider "bedrock" in "bedrock\/anthropic\.claude-v2".*; the agent is not served$/,
        ),
      ])
    } finally {
      await t.close()
    }
  })

  it('in model.default leaves out the agents that use it', async () => {
    const t = await createTestGateway(
      {
        'agents/inherits/AGENT.md': '---\ndescription: uses the default\n---\nHi.\n',
        'agents/own/AGENT.md': '---\nmodel: mock:echo\n---\nHi.\n',
      },
      { model: { default: 'gemini-2.0-flash' } },
    )
    try {
      const agents = (await readJson(t.request('/v1/agents'))) as unknown as { id: string }[]
      expect(agents.map((agent) => agent.id)).toEqual(['own'])
      expect(t.gateway.diagnostics.filter((item) => item.severity === 'error')).toEqual([
        expect.objectContaining({
          keyPath: 'model.default',
          message: expect.stringContaining('write gemini/gemini-2.0-flash or google:gemini-2.0-flash'),
        }),
        expect.objectContaining({
          file: 'agents/inherits/AGENT.md',
          message: 'uses model.default "gemini-2.0-flash", which cannot be resolved; the agent is not served',
        }),
      ])
    } finally {
      await t.close()
    }
  })
})
