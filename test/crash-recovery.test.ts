import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SpawnedGateway, spawnGateway, waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

let workspace: TempWorkspace
const running: SpawnedGateway[] = []

beforeAll(async () => {
  workspace = await createTempWorkspace({
    'gateway.yaml': 'auth:\n  mode: none\nqueue:\n  visibility_timeout_seconds: 5\n  workers: 2\n',
    'agents/slow/AGENT.md': simpleAgent(
      'Take your time.',
      'execution_mode: async\nmodel: "mock:echo?delay_ms=150&tokens=30"',
    ),
  })
})
afterAll(async () => {
  for (const gateway of running) await gateway.stop('SIGKILL')
  await workspace.remove()
})

describe('crash recovery (SQLite + embedded queue)', () => {
  it('completes an accepted execution exactly once after its process is SIGKILLed mid-run', async () => {
    const first = await spawnGateway({ workspace: workspace.root })
    running.push(first)
    const accepted = await fetch(`${first.url}/v1/agents/slow/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'survive a crash' }),
    })
    expect(accepted.status).toBe(202)
    const { execution_id: id } = await readJson(accepted)
    await waitFor(async () => {
      const record = await readJson(fetch(`${first.url}/v1/executions/${id}`))
      return record.status === 'running' ? record : undefined
    })
    await first.stop('SIGKILL')

    const second = await spawnGateway({ workspace: workspace.root })
    running.push(second)
    const done = await waitFor(async () => {
      const record = await readJson(fetch(`${second.url}/v1/executions/${id}`))
      return ['completed', 'failed', 'cancelled', 'timeout'].includes(record.status) ? record : undefined
    }, 40_000)
    expect(done).toMatchObject({ status: 'completed', attempts: 2 })
    expect(done.result.output).toMatch(/^Echo: survive a crash/)
    const llmCalls = done.steps.filter((step: { type: string }) => step.type === 'llm_call')
    expect(llmCalls).toEqual([expect.objectContaining({ attempt: 2 })])
  }, 90_000)
})
