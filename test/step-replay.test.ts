import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SpawnedGateway, spawnGateway, waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson } from './support/test-gateway.ts'

let workspace: TempWorkspace
const running: SpawnedGateway[] = []
const terminal = ['completed', 'failed', 'cancelled', 'timeout']

type Step = { sequence: number; type: string; attempt: number; data: Record<string, unknown> }

/** A tool with a side effect the test can count: every call appends a line to a file. */
const counterTool = (name: string, frontmatter = '') => ({
  [`tools/${name}/TOOL.md`]: `---\ndescription: Bump the ${name} counter\nparameters:\n  note: {type: string}\n${frontmatter}---\n`,
  [`tools/${name}/handler.mjs`]: `import { appendFileSync } from 'node:fs'
export function handle(args, context) {
  appendFileSync(process.env.COUNTER_DIR + '/${name}.txt', context.executionId + '\\n')
  return { bumped: true }
}
`,
})

beforeAll(async () => {
  workspace = await createTempWorkspace({
    'gateway.yaml': 'auth:\n  mode: none\nqueue:\n  visibility_timeout_seconds: 5\n  workers: 1\n',
    // The answer after the tool call streams slowly, so the process can be killed inside it.
    'agents/bumper/AGENT.md':
      '---\nexecution_mode: async\nmodel: "mock:assistant?delay_ms=150&tokens=60"\nskills: [counting]\n---\nBump counters when asked.\n',
    'skills/counting/SKILL.md': '---\ndescription: Counting\ntools: [bump]\n---\n',
    ...counterTool('bump'),
  })
})
afterAll(async () => {
  for (const gateway of running) await gateway.stop('SIGKILL')
  await workspace.remove()
})

async function start(): Promise<SpawnedGateway & { url: string }> {
  const gateway = await spawnGateway({ workspace: workspace.root, env: { COUNTER_DIR: workspace.root } })
  running.push(gateway)
  return gateway as SpawnedGateway & { url: string }
}

async function linesOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(workspace.root, file), 'utf8').catch(() => '')
  return text.split('\n').filter(Boolean)
}

describe('step replay on retry (SQLite + embedded queue)', () => {
  it('replays a finished tool call after its worker is SIGKILLed before the next model call', async () => {
    const first = await start()
    const accepted = await fetch(`${first.url}/v1/agents/bumper/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'please bump the counter once' }),
    })
    expect(accepted.status).toBe(202)
    const { execution_id: id } = await readJson(accepted)
    // The tool has run and its result is recorded; the next model call is streaming.
    await waitFor(async () => {
      const record = await readJson(fetch(`${first.url}/v1/executions/${id}`))
      return record.steps?.some((step: Step) => step.type === 'tool_result') ? record : undefined
    }, 30_000)
    expect(await linesOf('bump.txt')).toEqual([id])
    await first.stop('SIGKILL')

    const second = await start()
    const done = await waitFor(async () => {
      const record = await readJson(fetch(`${second.url}/v1/executions/${id}`))
      return terminal.includes(record.status) ? record : undefined
    }, 60_000)
    expect(done).toMatchObject({ status: 'completed', attempts: 2 })
    expect(done.result.output).toMatch(/^Here is what I found\. bump: \{"bumped":true\}/)
    // The side effect happened once: the retried attempt replayed the tool's recorded result.
    expect(await linesOf('bump.txt')).toEqual([id])
    const steps = done.steps as Step[]
    expect(steps.filter((step) => step.attempt === 1).map((step) => step.type)).toEqual(
      expect.arrayContaining(['llm_call', 'tool_call', 'tool_result']),
    )
    const retried = steps.filter((step) => step.attempt === 2)
    // Attempt 2 starts from the replayed steps, then makes only the call that was in flight.
    expect(retried.map((step) => step.type)).toEqual(['replay', 'llm_call'])
    expect(retried[0]?.data).toEqual({ model_calls: 1, tool_calls: 1 })
    expect(done.usage).toMatchObject({ llm_calls: 2, tool_calls: 1 })
  }, 120_000)
})
