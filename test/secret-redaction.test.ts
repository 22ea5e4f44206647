import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Gateway } from '../src/index.ts'
import { createFakeOpenAIServer, type FakeOpenAIServer } from '../src/testing/index.ts'
import { createDashboardClient } from './support/dashboard-client.ts'
import { readSse } from './support/read-sse.ts'
import { createRecordingLogger, logText } from './support/recording-logger.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

// Regression test for "provider keys leak through provider error messages": a vLLM-style
// server echoes the key it was sent (`token-abc123…`) in its error, and only `sk-…`-shaped
// keys were redacted, so the key reached the invoke response, the executions API, the
// dashboard's execution page and the server log.

// Shaped like nothing a pattern would catch: only knowing the configured value finds it.
const providerKey = 'vllm.Secret+Key/2026!x'
const webhookSecret = 'whsec.shaped-like-nothing'
const databasePassword = 'pg pass/word:42'

let fake: FakeOpenAIServer
let workspace: TempWorkspace
let gateway: Gateway
const recorded = createRecordingLogger()
const allLogs = () => recorded.entries.map(logText).join('\n')
const admin = { username: 'admin', password: 'admin-password-1234' }

beforeAll(async () => {
  fake = await createFakeOpenAIServer()
  workspace = await createTempWorkspace({
    'agents/remote/AGENT.md': simpleAgent('You call a tool.', 'model: vllm:llama\nskills: [kit]'),
    'skills/kit/SKILL.md': '---\ndescription: kit\ntools: [notify]\n---\n',
    'tools/notify/TOOL.md': '---\ndescription: Notify\nparameters: {}\n---\n',
    // A handler whose error quotes a configured secret, as a careless client library would.
    'tools/notify/handler.mjs': `export const handle = () => { throw new Error('signing with ${webhookSecret} failed') }`,
  })
  gateway = new Gateway({
    workspace: workspace.root,
    logger: recorded.logger,
    auth: { mode: 'none' },
    model: {
      maxRetries: 1,
      providers: { openaiCompatible: { vllm: { baseUrl: fake.baseUrl, apiKey: providerKey } } },
    },
    notifications: { webhooks: [{ name: 'ops', url: 'https://hooks.example/x', secret: webhookSecret }] },
    // Not used (SQLite runs), but configured: its password is a secret like any other.
    queue: { rabbitmqUrl: `amqp://agw:${encodeURIComponent(databasePassword)}@127.0.0.1:5672` },
    persistence: { url: ':memory:' },
    dashboard: { enabled: true, auth: { adminUsername: admin.username, adminPassword: admin.password } },
  })
})
afterAll(async () => {
  await gateway?.stop()
  await workspace?.remove()
  await fake?.close()
})

/** A provider that echoes the key it was sent, like vLLM's "invalid token" errors. */
function echoKeyError(status: number) {
  return (request: { headers: Record<string, string | undefined> }) => ({
    kind: 'error' as const,
    status,
    body: {
      error: { message: `Unauthorized token ${request.headers.authorization?.replace('Bearer ', '')}` },
    },
  })
}

const invoke = (body: Record<string, unknown>) =>
  gateway.fetch(
    new Request('http://gateway.test/v1/agents/remote/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Go', ...body }),
    }),
  )

describe('configured secrets never leave the gateway', () => {
  it('redacts a provider key the provider echoes, from the response, the execution, the dashboard and the log', async () => {
    fake.enqueue(echoKeyError(503), echoKeyError(400))
    const run = await readJson(invoke({}))
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${providerKey}`)
    expect(run.status).toBe('failed')
    expect(run.error.message).toContain('Unauthorized token [redacted]')

    const detail = await (
      await gateway.fetch(new Request(`http://gateway.test/v1/executions/${run.execution_id}`))
    ).text()
    expect(detail).toContain('[redacted]')

    const browser = createDashboardClient(gateway)
    expect((await browser.login(admin.username, admin.password)).status).toBe(303)
    const page = await (await browser.get(`/dashboard/executions/${run.execution_id}`)).text()
    expect(page).toContain('Unauthorized token [redacted]')

    const log = allLogs()
    expect(log).toContain('retrying model call')
    for (const text of [JSON.stringify(run), detail, page, log]) expect(text).not.toContain(providerKey)
  })

  it('redacts the same key from a streamed run', async () => {
    fake.enqueue(echoKeyError(400))
    const events = await readSse(await invoke({ options: { stream: true } }))
    const text = JSON.stringify(events)
    expect(text).toContain('[redacted]')
    expect(text).not.toContain(providerKey)
  })

  it('redacts any configured secret — a webhook secret quoted by a failing tool — from traces and logs', async () => {
    fake.enqueue(
      { kind: 'tool_calls', calls: [{ name: 'notify', arguments: {} }] },
      { kind: 'text', text: 'Done.' },
    )
    const run = await readJson(invoke({}))
    expect(run.status).toBe('completed')
    const detail = await (
      await gateway.fetch(new Request(`http://gateway.test/v1/executions/${run.execution_id}`))
    ).text()
    expect(detail).toContain('signing with [redacted] failed')
    // The model was told the same, redacted: secrets do not go to the provider either.
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain('signing with [redacted] failed')
    for (const text of [detail, allLogs(), JSON.stringify(fake.requests.map((request) => request.body))])
      expect(text).not.toContain(webhookSecret)
  })
})
