import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { requireService } from './support/requirements.ts'
import { postgresUrl } from './support/services.ts'
import { type SpawnedGateway, spawnGateway } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { simpleAgent } from './support/test-gateway.ts'

const postgres = await requireService('PostgreSQL', 5432)

/**
 * An agent with a schedule that fires every second; missed ticks are run, not merged, and runs
 * may overlap (under load a run can outlast a second, and the killed process's run stays
 * `running` until its queue lease ends) — this test is about claims, not `max_instances`.
 */
const tickingAgent = simpleAgent(
  'Tick.',
  [
    'model: mock:echo',
    'schedules:',
    '  - name: every-second',
    '    cron: "* * * * * *"',
    '    message: tick',
    '    coalesce: false',
    '    max_instances: 1000',
  ].join('\n'),
)
const scheduleId = 'ticker:every-second'

interface Observed {
  /** Runs recorded as skipped, with their reasons: there must be none. */
  skipped: string[]
  /** Tick times of the runs that queued an execution, oldest first. */
  ticks: number[]
  /** Executions each of those runs names, in the same order. */
  runExecutions: string[]
  /** Executions recorded as started by the schedule. */
  executions: { id: string; options: Record<string, unknown> }[]
}

/**
 * What the database says after the run: every tick between the first and the last one recorded
 * must have exactly one run, each run one execution, and no execution may lack its run.
 */
function expectExactlyOncePerTick(observed: Observed, minimumSeconds: number): void {
  const { ticks, runExecutions, executions, skipped } = observed
  expect(skipped).toEqual([])
  expect(ticks.length).toBeGreaterThan(minimumSeconds)
  const first = ticks[0] as number
  const last = ticks.at(-1) as number
  expect(last - first).toBeGreaterThanOrEqual(minimumSeconds * 1000)
  const expected = Array.from({ length: (last - first) / 1000 + 1 }, (_, index) => first + index * 1000)
  expect(ticks).toEqual(expected)
  expect(new Set(runExecutions).size).toBe(runExecutions.length)
  expect(executions.map((execution) => execution.id).sort()).toEqual([...runExecutions].sort())
  for (const execution of executions) {
    expect(execution.options).toMatchObject({ trigger: 'schedule', scheduleId, scheduleName: 'every-second' })
  }
}

/** Lets processes run the ticker for `seconds`, killing `victim` with SIGKILL half-way. */
async function runFor(seconds: number, victim: SpawnedGateway): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / 2))
  await victim.stop('SIGKILL')
  await new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / 2))
}

describe.skipIf(!postgres.available)(
  'an every-second schedule on three gateway processes on Postgres',
  () => {
    // Short: the Postgres event bus derives its channel prefix (at most 22 characters) from it.
    const schema = `sch_${Math.random().toString(36).slice(2, 10)}`
    let workspace: TempWorkspace
    const gateways: SpawnedGateway[] = []

    afterAll(async () => {
      await Promise.all(gateways.map((gateway) => gateway.stop('SIGKILL')))
      const client = new pg.Client({ connectionString: postgresUrl })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
      await workspace?.remove()
    })

    it('queues exactly one execution per tick, none missing or doubled, with one process SIGKILLed mid-way', async () => {
      workspace = await createTempWorkspace({
        'gateway.yaml': 'auth:\n  mode: none\n',
        'agents/ticker/AGENT.md': tickingAgent,
      })
      const env = {
        AGW_PERSISTENCE__BACKEND: 'postgres',
        AGW_PERSISTENCE__URL: postgresUrl,
        AGW_PERSISTENCE__SCHEMA: schema,
      }
      // The first process migrates; the other two start together and race from then on.
      gateways.push(await spawnGateway({ workspace: workspace.root, env, timeoutMs: 90_000 }))
      gateways.push(
        ...(await Promise.all([
          spawnGateway({ workspace: workspace.root, env, timeoutMs: 90_000 }),
          spawnGateway({ workspace: workspace.root, env, timeoutMs: 90_000 }),
        ])),
      )
      await runFor(22, gateways[1] as SpawnedGateway)
      await Promise.all(gateways.map((gateway) => gateway.stop()))

      const client = new pg.Client({ connectionString: postgresUrl })
      await client.connect()
      try {
        const runs = await client.query(
          `select fire_time, execution_id from "${schema}".schedule_runs
         where schedule_id = $1 and trigger = 'schedule' and status = 'submitted' order by fire_time`,
          [scheduleId],
        )
        const executions = await client.query(
          `select id, options from "${schema}".executions where agent_id = 'ticker'`,
        )
        const skipped = await client.query(
          `select fire_time, reason from "${schema}".schedule_runs where status = 'skipped'`,
        )
        expectExactlyOncePerTick(
          {
            skipped: skipped.rows.map((row) => `${row.fire_time}: ${row.reason}`),
            ticks: runs.rows.map((row) => Number(row.fire_time)),
            runExecutions: runs.rows.map((row) => row.execution_id as string),
            executions: executions.rows.map((row) => ({ id: row.id, options: JSON.parse(row.options) })),
          },
          20,
        )
      } finally {
        await client.end()
      }
    }, 300_000)
  },
)

describe('an every-second schedule on two gateway processes sharing one SQLite file', () => {
  let workspace: TempWorkspace
  const gateways: SpawnedGateway[] = []

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop('SIGKILL')))
    await workspace?.remove()
  })

  it('queues exactly one execution per tick, also after one process is SIGKILLed', async () => {
    workspace = await createTempWorkspace({
      'gateway.yaml': 'auth:\n  mode: none\npersistence:\n  url: schedules.db\n',
      'agents/ticker/AGENT.md': tickingAgent,
    })
    gateways.push(await spawnGateway({ workspace: workspace.root, timeoutMs: 90_000 }))
    gateways.push(await spawnGateway({ workspace: workspace.root, timeoutMs: 90_000 }))
    gateways.push(await spawnGateway({ workspace: workspace.root, timeoutMs: 90_000 }))
    // Three start, one is killed: two keep sharing the file.
    await runFor(22, gateways[0] as SpawnedGateway)
    await Promise.all(gateways.map((gateway) => gateway.stop()))

    const db = new Database(path.join(workspace.root, 'schedules.db'), { readonly: true })
    try {
      const runs = db
        .prepare(
          `select fire_time, execution_id from schedule_runs
           where schedule_id = ? and trigger = 'schedule' and status = 'submitted' order by fire_time`,
        )
        .all(scheduleId) as { fire_time: number; execution_id: string }[]
      const skipped = db
        .prepare(`select fire_time, reason from schedule_runs where status = 'skipped'`)
        .all() as { fire_time: number; reason: string }[]
      const executions = db.prepare(`select id, options from executions where agent_id = 'ticker'`).all() as {
        id: string
        options: string
      }[]
      expectExactlyOncePerTick(
        {
          skipped: skipped.map((row) => `${row.fire_time}: ${row.reason}`),
          ticks: runs.map((row) => Number(row.fire_time)),
          runExecutions: runs.map((row) => row.execution_id),
          executions: executions.map((row) => ({ id: row.id, options: JSON.parse(row.options) })),
        },
        20,
      )
    } finally {
      db.close()
    }
  }, 300_000)
})
