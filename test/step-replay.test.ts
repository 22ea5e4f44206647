import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { requireService } from './support/requirements.ts'
import { postgresUrl, redisUrl, uniqueName } from './support/services.ts'
import { type SpawnedGateway, spawnGateway, waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson } from './support/test-gateway.ts'

let workspace: TempWorkspace
const running: SpawnedGateway[] = []
const terminal = ['completed', 'failed', 'cancelled', 'timeout']

type Step = { sequence: number; type: string; attempt: number; data: Record<string, unknown> }

/**
 * A tool with a side effect the test can count: every call appends a line to a file. A `hold`
 * tool then waits until the run is aborted (or its process killed), so it never returns.
 */
const counterTool = (name: string, frontmatter = '', hold = false) => ({
  [`tools/${name}/TOOL.md`]: `---\ndescription: Bump the ${name} counter\nparameters:\n  note: {type: string}\n${frontmatter}---\n`,
  [`tools/${name}/handler.mjs`]: `import { appendFileSync } from 'node:fs'
export async function handle(args, context) {
  appendFileSync(process.env.COUNTER_DIR + '/${name}.txt', context.executionId + '\\n')
  if (${hold} && process.env.HOLD !== 'no') await new Promise(() => {})
  return { bumped: true }
}
`,
})

/** An async agent that calls one tool (the mock model picks it from the message) and answers. */
const agentWith = (id: string, tool: string) => ({
  [`agents/${id}/AGENT.md`]: `---\nexecution_mode: async\nmodel: "mock:assistant?delay_ms=150&tokens=60"\nskills: [${id}-kit]\n---\nBump counters when asked.\n`,
  [`skills/${id}-kit/SKILL.md`]: `---\ndescription: Counting\ntools: [${tool}]\n---\n`,
})

beforeAll(async () => {
  workspace = await createTempWorkspace({
    'gateway.yaml': 'auth:\n  mode: none\nqueue:\n  visibility_timeout_seconds: 5\n  workers: 3\n',
    // The answer after the tool call streams slowly, so the process can be killed inside it.
    ...agentWith('bumper', 'bump'),
    ...counterTool('bump'),
    ...agentWith('teller', 'tell'),
    ...counterTool('tell', '', true),
    ...agentWith('failer', 'refuse'),
    ...counterTool('refuse', 'on_interrupted: fail\n', true),
    ...agentWith('repeater', 'again'),
    ...counterTool('again', 'idempotent: true\n', true),
  })
})
// Each test's processes end with it, so none of them takes the next test's jobs.
afterEach(async () => {
  for (const gateway of running.splice(0)) await gateway.stop('SIGKILL')
})
afterAll(() => workspace.remove())

async function start(env: Record<string, string> = {}): Promise<SpawnedGateway & { url: string }> {
  const gateway = await spawnGateway({
    workspace: workspace.root,
    env: { COUNTER_DIR: workspace.root, ...env },
  })
  running.push(gateway)
  return gateway as SpawnedGateway & { url: string }
}

async function linesOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(workspace.root, file), 'utf8').catch(() => '')
  return text.split('\n').filter(Boolean)
}

async function submit(gateway: { url: string }, agent: string): Promise<string> {
  const accepted = await fetch(`${gateway.url}/v1/agents/${agent}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'please bump the counter once' }),
  })
  expect(accepted.status).toBe(202)
  return (await readJson(accepted)).execution_id
}

async function finished(gateway: { url: string }, id: string) {
  return waitFor(async () => {
    const record = await readJson(fetch(`${gateway.url}/v1/executions/${id}`))
    return terminal.includes(record.status) ? record : undefined
  }, 60_000)
}

/**
 * The done-when scenario: a tool with a side-effect counter has run, the next model call is
 * streaming, the process is SIGKILLed; the retried attempt replays the recorded steps.
 */
async function replaysAfterKill(env: Record<string, string> = {}) {
  const first = await start(env)
  const id = await submit(first, 'bumper')
  // The tool has run and its result is recorded; the next model call is streaming.
  await waitFor(async () => {
    const record = await readJson(fetch(`${first.url}/v1/executions/${id}`))
    return record.steps?.some((step: Step) => step.type === 'tool_result') ? record : undefined
  }, 30_000)
  expect((await linesOf('bump.txt')).filter((line) => line === id)).toEqual([id])
  await first.stop('SIGKILL')

  const second = await start(env)
  const done = await waitFor(async () => {
    const record = await readJson(fetch(`${second.url}/v1/executions/${id}`))
    return terminal.includes(record.status) ? record : undefined
  }, 60_000)
  expect(done).toMatchObject({ status: 'completed', attempts: 2 })
  expect(done.result.output).toMatch(/^Here is what I found\. bump: \{"bumped":true\}/)
  // The side effect happened once: the retried attempt replayed the tool's recorded result.
  expect((await linesOf('bump.txt')).filter((line) => line === id)).toEqual([id])
  const steps = done.steps as Step[]
  expect(steps.filter((step) => step.attempt === 1).map((step) => step.type)).toEqual(
    expect.arrayContaining(['llm_call', 'tool_call', 'tool_result']),
  )
  const retried = steps.filter((step) => step.attempt === 2)
  // Attempt 2 starts from the replayed steps, then makes only the call that was in flight.
  expect(retried.map((step) => step.type)).toEqual(['replay', 'llm_call'])
  expect(retried[0]?.data).toEqual({ model_calls: 1, tool_calls: 1 })
  expect(done.usage).toMatchObject({ llm_calls: 2, tool_calls: 1 })
}

describe('step replay on retry (SQLite + embedded queue)', () => {
  it('replays a finished tool call after its worker is SIGKILLed before the next model call', async () => {
    await replaysAfterKill()
  }, 120_000)

  it('does not blindly re-run a non-idempotent tool call that was in flight at the crash', async () => {
    const first = await start()
    const ids: Record<string, string> = {}
    for (const agent of ['teller', 'failer', 'repeater']) ids[agent] = await submit(first, agent)
    // Every tool has taken effect once and is still running when the process is killed.
    await waitFor(async () => {
      const counts = await Promise.all(['tell', 'refuse', 'again'].map((file) => linesOf(`${file}.txt`)))
      return counts.every((lines) => lines.length === 1) ? true : undefined
    }, 30_000)
    await first.stop('SIGKILL')

    // The retried attempts do not hold: only a tool that really runs again shows up twice.
    const second = await start({ HOLD: 'no' })
    const [told, failed, repeated] = await Promise.all(
      ['teller', 'failer', 'repeater'].map((agent) => finished(second, ids[agent] as string)),
    )

    // tell_model (the default): not run again; the model reads that the call may have happened.
    expect(await linesOf('tell.txt')).toHaveLength(1)
    if (!told || !failed || !repeated) throw new Error('an execution is missing')
    expect(told).toMatchObject({ status: 'completed', attempts: 2 })
    expect(told.result.output).toContain('was interrupted')
    const toldResult = (told.steps as Step[]).find((step) => step.type === 'tool_result')
    expect(toldResult).toMatchObject({ attempt: 2, data: { name: 'tell', is_error: true } })

    // on_interrupted: fail — not run again; the run fails with a clear code.
    expect(await linesOf('refuse.txt')).toHaveLength(1)
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'tool_interrupted' } })
    expect(failed.error.message).toContain('"refuse"')

    // idempotent: true — simply run again.
    expect(await linesOf('again.txt')).toHaveLength(2)
    expect(repeated).toMatchObject({ status: 'completed', attempts: 2 })
    expect(repeated.result.output).toContain('{"bumped":true}')
  }, 120_000)
})

const postgres = await requireService('PostgreSQL', 5432)
const redis = await requireService('Redis', 6379)

describe.skipIf(!postgres.available || !redis.available)('step replay on retry (Postgres + BullMQ)', () => {
  const schema = uniqueName('agw_replay')
  const keyPrefix = uniqueName('agw-replay')
  afterAll(async () => {
    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
    const connection = new Redis(redisUrl)
    const keys = await connection.keys(`${keyPrefix}*`)
    if (keys.length > 0) await connection.del(...keys)
    connection.disconnect()
  })

  it('labels the stalled job taken over by the next worker attempt 2 and replays its tool call', async () => {
    // BullMQ hands a stalled job on with the same attempt number: the label must not follow it.
    await replaysAfterKill({
      AGW_PERSISTENCE__BACKEND: 'postgres',
      AGW_PERSISTENCE__URL: postgresUrl,
      AGW_PERSISTENCE__SCHEMA: schema,
      AGW_QUEUE__BACKEND: 'bullmq',
      AGW_QUEUE__REDIS_URL: redisUrl,
      AGW_QUEUE__KEY_PREFIX: keyPrefix,
      AGW_QUEUE__BULLMQ_LOCK_DURATION_MS: '2000',
      AGW_QUEUE__BULLMQ_STALLED_INTERVAL_MS: '1000',
    })
  }, 120_000)
})
