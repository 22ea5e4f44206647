import amqp from 'amqplib'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway, type GatewayOptions } from '../src/index.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl, rabbitmqUrl, redisUrl, uniqueName } from './support/services.ts'
import { waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

const postgres = await requireService('PostgreSQL', 5432)
const redis = await requireService('Redis', 6379)
const rabbitmq = await requireService('RabbitMQ', 5672)

let workspace: TempWorkspace
const schemas: string[] = []
const gateways: Gateway[] = []

beforeAll(async () => {
  workspace = await createTempWorkspace({
    'gateway.yaml': 'model:\n  max_retries: 0\n',
    // Fails (503, retryable) on its first two calls, then answers: two attempts exhaust the
    // queue's retries, and a retry from the API succeeds.
    'agents/flaky/AGENT.md': simpleAgent(
      'Answer.',
      'execution_mode: async\nmodel: "mock:fail?status=503&fail_times=2"',
    ),
  })
})
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop().catch(() => undefined)
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
  await workspace?.remove()
})

async function openGateway(queue: NonNullable<GatewayOptions['queue']>) {
  const schema = `dl_${Math.random().toString(36).slice(2, 12)}`
  schemas.push(schema)
  const gateway = new Gateway({
    workspace: workspace.root,
    logger: createSilentLogger(),
    auth: { mode: 'none' },
    persistence: { url: postgresUrl, schema },
    queue: { ...queue, maxRetries: 1, retryBackoffMs: 50, workers: 2 },
  })
  gateways.push(gateway)
  await gateway.start()
  return { gateway, schema }
}

const call = (gateway: Gateway, path: string, init?: RequestInit) =>
  gateway.fetch(new Request(new URL(path, 'http://gateway.test'), init))

/** Submits one execution, waits for it to end, checks the dead-letter record, retries it. */
async function exhaustAndRetry(gateway: Gateway) {
  const accepted = await readJson(
    call(gateway, '/v1/agents/flaky/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'please' }),
    }),
  )
  const id = accepted.execution_id as string
  const failed = await waitFor(async () => {
    const record = await readJson(call(gateway, `/v1/executions/${id}`))
    return record.status === 'queued' || record.status === 'running' ? undefined : record
  }, 30_000)
  expect(failed).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'retries_exhausted' } })
  expect(failed.error.message).toMatch(/Gave up after 2 attempt\(s\): .*503/)

  const retried = await call(gateway, `/v1/executions/${id}/retry`, { method: 'POST' })
  expect(retried.status).toBe(202)
  const retry = await readJson(retried)
  expect(retry.execution_id).not.toBe(id)
  const done = await waitFor(async () => {
    const record = await readJson(call(gateway, `/v1/executions/${retry.execution_id}`))
    return record.status === 'completed' ? record : undefined
  }, 30_000)
  expect(done.agent_id).toBe('flaky')
  const again = await call(gateway, `/v1/executions/${retry.execution_id}/retry`, { method: 'POST' })
  expect(again.status).toBe(409)
  return id
}

describe.skipIf(!postgres.available)('dead letters on every queue backend', () => {
  it('embedded: the exhausted job is a dead row with its reason; the API shows retries_exhausted and retries it', async () => {
    const { gateway, schema } = await openGateway({ backend: 'embedded' })
    const id = await exhaustAndRetry(gateway)
    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    try {
      const { rows } = await client.query(`SELECT status, last_error FROM "${schema}".jobs WHERE id = $1`, [
        id,
      ])
      expect(rows).toEqual([{ status: 'dead', last_error: expect.stringMatching(/503/) }])
    } finally {
      await client.end()
    }
  }, 60_000)

  it.skipIf(!redis.available)(
    'BullMQ: the exhausted job is in the failed set with its reason',
    async () => {
      const keyPrefix = uniqueName('agw-dl')
      const queueName = 'dl-executions'
      const { gateway } = await openGateway({
        backend: 'bullmq',
        redisUrl,
        keyPrefix,
        queueName,
        eventBus: 'memory',
      })
      const id = await exhaustAndRetry(gateway)
      const client = new Redis(redisUrl)
      try {
        const failed = await client.zrange(`${keyPrefix}:${queueName}:failed`, '0', '-1')
        expect(failed).toEqual([id])
        expect(await client.hget(`${keyPrefix}:${queueName}:${id}`, 'failedReason')).toMatch(/503/)
        await gateway.stop()
        const keys = await client.keys(`${keyPrefix}:*`)
        if (keys.length > 0) await client.del(...keys)
      } finally {
        client.disconnect()
      }
    },
    60_000,
  )

  it.skipIf(!rabbitmq.available)(
    'RabbitMQ: the exhausted job is in the dead-letter queue with its reason',
    async () => {
      const queueName = uniqueName('agw-dl')
      const { gateway } = await openGateway({ backend: 'rabbitmq', rabbitmqUrl, queueName })
      const id = await exhaustAndRetry(gateway)
      await gateway.stop()
      const connection = await amqp.connect(rabbitmqUrl)
      try {
        const channel = await connection.createChannel()
        const message = await channel.get(`${queueName}.dead`, { noAck: true })
        expect(message && JSON.parse(message.content.toString()).id).toBe(id)
        expect(message && String(message.properties.headers?.['x-error'])).toMatch(/503/)
        for (const name of [queueName, `${queueName}.dead`, `${queueName}.retry.1`])
          await channel.deleteQueue(name)
      } finally {
        await connection.close()
      }
    },
    60_000,
  )
})
