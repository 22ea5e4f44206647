import { stripVTControlCharacters } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { formatLogLine } from '../src/cli/pretty-log-stream.ts'
import { createRecordingLogger } from './support/recording-logger.ts'
import { type SpawnedGateway, spawnGateway, waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

// The first model call fails with a retryable 503, so the run logs a retry warning.
const flakyAgent = simpleAgent('Help.', 'model: "mock:fail?status=503&fail_times=1"')

let t: TestGateway | undefined
let workspace: TempWorkspace | undefined
let spawned: SpawnedGateway | undefined
afterEach(async () => {
  await t?.close()
  await spawned?.stop()
  await workspace?.remove()
  t = undefined
  spawned = undefined
  workspace = undefined
})

describe('request and execution ids on log lines', () => {
  it("puts the request id and the execution id on a run's log lines", async () => {
    const { logger, entries } = createRecordingLogger()
    // A mock model fails its first call only: one model (status) per request.
    t = await createTestGateway(
      {
        'agents/flaky/AGENT.md': flakyAgent,
        'agents/flaky-stream/AGENT.md': simpleAgent('Help.', 'model: "mock:fail?status=502&fail_times=1"'),
      },
      { logger },
    )
    for (const stream of [false, true]) {
      const requestId = `req-log-${stream ? 'stream' : 'sync'}`
      const response = await t.request(`/v1/agents/${stream ? 'flaky-stream' : 'flaky'}/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ message: 'hello', ...(stream ? { options: { stream: true } } : {}) }),
      })
      const text = await response.text()
      const executionId = stream
        ? /"execution_id":"([^"]+)"/.exec(text)?.[1]
        : (JSON.parse(text) as { execution_id: string }).execution_id
      expect(executionId, text).toBeDefined()
      const retry = entries.find(
        (entry) =>
          entry.level === 'warn' && entry.fields.requestId === requestId && /retr/i.test(entry.message),
      )
      expect(retry, JSON.stringify(entries)).toBeDefined()
      expect(retry?.fields.executionId).toBe(executionId)
    }
  })

  it('carries both ids in the JSON lines of agentgw serve --log-format json, and in the pretty form', async () => {
    workspace = await createTempWorkspace({
      'agents/flaky/AGENT.md': flakyAgent,
      'gateway.yaml': 'auth:\n  mode: none\npersistence:\n  url: ":memory:"\n',
    })
    spawned = await spawnGateway({ workspace: workspace.root })
    const invoked = await readJson(
      fetch(`${spawned.url}/v1/agents/flaky/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-json-1' },
        body: JSON.stringify({ message: 'hello' }),
      }),
    )
    expect(invoked.status).toBe('completed')
    const line = await waitFor(async () =>
      (spawned as SpawnedGateway)
        .output()
        .split('\n')
        .find((candidate) => candidate.includes('"requestId":"req-json-1"')),
    )
    const record = JSON.parse(line) as Record<string, unknown>
    expect(record).toMatchObject({ requestId: 'req-json-1', executionId: invoked.execution_id })
    // Colour depends on the terminal (and on CI=true); the ids are what matters here.
    const pretty = stripVTControlCharacters(formatLogLine(line))
    expect(pretty).toContain('requestId=req-json-1')
    expect(pretty).toContain(`executionId=${invoked.execution_id}`)
  }, 60_000)
})
