import amqp from 'amqplib'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway, type GatewayOptions } from '../src/index.ts'
import { type PrivateRedis, startPrivateRedis } from './support/private-redis.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl, rabbitmqUrl, uniqueName } from './support/services.ts'
import { waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

const postgres = await requireService('PostgreSQL', 5432)
const rabbitmq = await requireService('RabbitMQ', 5672)

let workspace: TempWorkspace
// Short: the Postgres event bus derives its channel prefix (at most 22 characters) from it.
const shortSchema = () => `dq_${Math.random().toString(36).slice(2, 12)}`
const gateways: Gateway[] = []
const schemas: string[] = []

beforeAll(async () => {
  workspace = await createTempWorkspace({
    'agents/job/AGENT.md': simpleAgent('Echo.', 'execution_mode: async\nmodel: "mock:echo?delay_ms=5"'),
  })
})
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop().catch(() => undefined)
  if (schemas.length > 0) {
    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
  }
  await workspace?.remove()
})

/** A gateway on the shared test schema; `worker` decides whether it consumes and reconciles quickly. */
function openGateway(schema: string, queue: NonNullable<GatewayOptions['queue']>, worker: boolean) {
  const gateway = new Gateway({
    workspace: workspace.root,
    logger: process.env.DQ_DEBUG ? undefined : createSilentLogger(),
    auth: { mode: 'none' },
    persistence: { url: postgresUrl, schema },
    queue: {
      ...queue,
      runWorkers: worker,
      workers: 8,
      // The API instance never reconciles within the test; the worker one does, quickly.
      reconcileIntervalSeconds: worker ? 0.2 : 600,
      reconcileGraceSeconds: worker ? 0.5 : 600,
    },
  })
  gateways.push(gateway)
  return gateway
}

const call = (gateway: Gateway, path: string, init?: RequestInit) =>
  gateway.fetch(new Request(new URL(path, 'http://gateway.test'), init))

async function submit(gateway: Gateway, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let index = 0; index < count; index++) {
    const response = await call(gateway, '/v1/agents/job/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `job ${index}` }),
    })
    if (response.status !== 202) throw new Error(`${response.status} ${await response.text()}`)
    ids.push((await readJson(response)).execution_id)
  }
  return ids
}

/** Waits until every execution is terminal and returns them. */
async function settled(gateway: Gateway, ids: string[], timeoutMs = 60_000) {
  return waitFor(async () => {
    const records = await Promise.all(ids.map((id) => readJson(call(gateway, `/v1/executions/${id}`))))
    return records.every((record) => ['completed', 'failed', 'cancelled', 'timeout'].includes(record.status))
      ? records
      : undefined
  }, timeoutMs)
}

describe.skipIf(!postgres.available)('the database is the source of truth for what must run', () => {
  it('runs all 100 accepted executions after Redis restarted empty (BullMQ, reconciler)', async () => {
    const redis: PrivateRedis = await startPrivateRedis()
    try {
      const schema = shortSchema()
      schemas.push(schema)
      const queue = { backend: 'bullmq' as const, redisUrl: redis.url, keyPrefix: uniqueName('dq') }
      const api = openGateway(schema, queue, false)
      await api.start()
      const ids = await submit(api, 100)
      // Redis without persistence dies and comes back empty: every job is gone.
      await redis.kill()
      await redis.restart()
      const worker = openGateway(schema, queue, true)
      await worker.start()
      const records = await settled(worker, ids)
      expect(records.map((record) => record.status)).toEqual(ids.map(() => 'completed'))
      expect(records.every((record) => record.attempts === 1)).toBe(true)
      await worker.stop()
      await api.stop()
    } finally {
      await redis.stop()
    }
  }, 90_000)

  it('runs executions whose jobs were never stored, once each (embedded queue on Postgres)', async () => {
    const schema = shortSchema()
    schemas.push(schema)
    const queue = { backend: 'embedded' as const }
    const api = openGateway(schema, queue, false)
    await api.start()
    const ids = await submit(api, 20)
    // What a process killed between recording an execution and enqueueing its job leaves behind:
    // the execution row, no job row. Half of them lose their job; the rest keep it.
    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    try {
      await client.query(`DELETE FROM "${schema}".jobs WHERE id = ANY($1)`, [ids.slice(0, 10)])
    } finally {
      await client.end()
    }
    const worker = openGateway(schema, queue, true)
    await worker.start()
    const records = await settled(worker, ids)
    expect(records.map((record) => record.status)).toEqual(ids.map(() => 'completed'))
    expect(records.every((record) => record.attempts === 1)).toBe(true)
  }, 60_000)

  it.skipIf(!rabbitmq.available)(
    'runs every accepted execution once after its RabbitMQ queue was purged',
    async () => {
      const schema = shortSchema()
      schemas.push(schema)
      const queueName = uniqueName('agw-dq')
      const queue = { backend: 'rabbitmq' as const, rabbitmqUrl, queueName, maxRetries: 1 }
      const api = openGateway(schema, queue, false)
      await api.start()
      const ids = await submit(api, 30)
      const connection = await amqp.connect(rabbitmqUrl)
      try {
        const channel = await connection.createChannel()
        const purged = await channel.purgeQueue(queueName)
        expect(purged.messageCount).toBe(30)
        const worker = openGateway(schema, queue, true)
        await worker.start()
        const records = await settled(worker, ids)
        expect(records.map((record) => record.status)).toEqual(ids.map(() => 'completed'))
        expect(records.every((record) => record.attempts === 1)).toBe(true)
        await worker.stop()
        await api.stop()
        for (const name of [queueName, `${queueName}.dead`, `${queueName}.retry.1`])
          await channel.deleteQueue(name)
      } finally {
        await connection.close()
      }
    },
    60_000,
  )
})
