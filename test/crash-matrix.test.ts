import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireService } from './support/requirements.ts'
import { postgresUrl, rabbitmqUrl, redisUrl, uniqueName } from './support/services.ts'
import { type SpawnedGateway, spawnGateway, waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

const postgres = await requireService('PostgreSQL', 5432)
const redis = await requireService('Redis', 6379)
const rabbitmq = await requireService('RabbitMQ', 5672)

const terminal = ['completed', 'failed', 'cancelled', 'timeout']
let workspace: TempWorkspace
const running: SpawnedGateway[] = []
const schemas: string[] = []
const redisPrefixes: string[] = []
const rabbitQueues: string[] = []

beforeAll(async () => {
  workspace = await createTempWorkspace({
    'gateway.yaml': 'auth:\n  mode: none\n',
    // About a second per run, so a worker killed during the burst dies mid-run.
    'agents/work/AGENT.md': simpleAgent(
      'Work.',
      'execution_mode: async\nmodel: "mock:echo?delay_ms=100&tokens=10"',
    ),
  })
})
afterAll(async () => {
  for (const gateway of running) await gateway.stop('SIGKILL')
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
  if (redisPrefixes.length > 0) {
    const keys = new Redis(redisUrl)
    for (const prefix of redisPrefixes) {
      const found = await keys.keys(`${prefix}:*`)
      if (found.length > 0) await keys.del(...found)
    }
    keys.disconnect()
  }
  if (rabbitQueues.length > 0) {
    const amqp = await import('amqplib')
    const connection = await amqp.connect(rabbitmqUrl)
    const channel = await connection.createChannel()
    for (const queue of rabbitQueues) {
      for (const name of [queue, `${queue}.dead`, `${queue}.retry.1`, `${queue}.retry.2`, `${queue}.retry.3`])
        await channel.deleteQueue(name).catch(() => undefined)
    }
    await connection.close()
  }
  await workspace?.remove()
})

/** Short leases and timings, so every recovery path finishes within seconds. */
function envFor(backend: 'embedded' | 'bullmq' | 'rabbitmq'): Record<string, string> {
  const schema = `cm_${Math.random().toString(36).slice(2, 12)}`
  schemas.push(schema)
  const env: Record<string, string> = {
    AGW_PERSISTENCE__URL: postgresUrl,
    AGW_PERSISTENCE__SCHEMA: schema,
    AGW_PERSISTENCE__LEASE_SECONDS: '2',
    AGW_QUEUE__BACKEND: backend,
    AGW_QUEUE__WORKERS: '4',
    AGW_QUEUE__VISIBILITY_TIMEOUT_SECONDS: '5',
    AGW_QUEUE__RECONCILE_INTERVAL_SECONDS: '0.5',
    AGW_QUEUE__RECONCILE_GRACE_SECONDS: '2',
    AGW_QUEUE__BULLMQ_LOCK_DURATION_MS: '3000',
    AGW_QUEUE__BULLMQ_STALLED_INTERVAL_MS: '1000',
    AGW_QUEUE__EVENT_BUS: 'postgres',
  }
  if (backend === 'bullmq') {
    const prefix = uniqueName('agw-cm')
    redisPrefixes.push(prefix)
    Object.assign(env, { AGW_QUEUE__REDIS_URL: redisUrl, AGW_QUEUE__KEY_PREFIX: prefix })
  }
  if (backend === 'rabbitmq') {
    const queue = uniqueName('agw-cm')
    rabbitQueues.push(queue)
    Object.assign(env, { AGW_QUEUE__RABBITMQ_URL: rabbitmqUrl, AGW_QUEUE__QUEUE_NAME: queue })
  }
  return env
}

async function scenario(backend: 'embedded' | 'bullmq' | 'rabbitmq') {
  const env = envFor(backend)
  // The API instance that dies first migrates the schema for the others.
  const doomedApi = await spawnGateway({
    workspace: workspace.root,
    env: { ...env, AGW_QUEUE__RUN_WORKERS: 'false' },
  })
  running.push(doomedApi)
  const [survivor, doomedWorker] = await Promise.all([
    spawnGateway({ workspace: workspace.root, env }),
    spawnGateway({ workspace: workspace.root, env, workerOnly: true }),
  ])
  running.push(survivor, doomedWorker)

  // A burst of submissions; the API process is SIGKILLed in the middle of it.
  const accepted: string[] = []
  const burst = Array.from({ length: 40 }, (_, index) =>
    fetch(`${doomedApi.url}/v1/agents/work/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `job ${index}` }),
    })
      .then(async (response) => {
        if (response.status === 202) accepted.push((await readJson(response)).execution_id)
      })
      .catch(() => undefined),
  )
  await waitFor(async () => (accepted.length >= 10 ? true : undefined), 15_000, 5)
  await doomedApi.stop('SIGKILL')
  await Promise.all(burst)

  // A worker is SIGKILLed while it runs some of them.
  await waitFor(
    async () => {
      const page = await readJson(fetch(`${survivor.url}/v1/executions?status=running&limit=50`))
      return page.items.length > 0 ? true : undefined
    },
    15_000,
    50,
  )
  await doomedWorker.stop('SIGKILL')

  // Every execution the database holds — accepted or cut off before its 202 — ends, once.
  let last: { execution_id: string; status: string; attempts: number }[] = []
  const all = await waitFor(
    async () => {
      const page = await readJson(fetch(`${survivor.url}/v1/executions?limit=500`))
      last = page.items
      return last.every((item) => terminal.includes(item.status)) ? last : undefined
    },
    30_000,
    250,
  ).catch((error: unknown) => {
    const open = last.filter((item) => !terminal.includes(item.status))
    throw new Error(`${String(error)}; still open: ${JSON.stringify(open)}`)
  })
  const failed = all.filter((item) => item.status !== 'completed')
  expect(failed, JSON.stringify(failed)).toEqual([])
  const byId = new Map(all.map((item) => [item.execution_id, item]))
  for (const id of accepted) expect(byId.get(id)?.status, `accepted execution ${id}`).toBe('completed')
  return { accepted: accepted.length, recorded: all.length }
}

describe.skipIf(!postgres.available)(
  'kill -9 of an API process during a burst, and of a worker mid-run',
  () => {
    it('embedded queue: every accepted execution completes, none stays queued', async () => {
      const { accepted, recorded } = await scenario('embedded')
      expect(recorded).toBeGreaterThanOrEqual(accepted)
    }, 90_000)

    it.skipIf(!redis.available)(
      'BullMQ: every accepted execution completes, none stays queued',
      async () => {
        const { accepted, recorded } = await scenario('bullmq')
        expect(recorded).toBeGreaterThanOrEqual(accepted)
      },
      90_000,
    )

    it.skipIf(!rabbitmq.available)(
      'RabbitMQ: every accepted execution completes, none stays queued',
      async () => {
        const { accepted, recorded } = await scenario('rabbitmq')
        expect(recorded).toBeGreaterThanOrEqual(accepted)
      },
      90_000,
    )
  },
)
