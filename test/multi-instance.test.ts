import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSse } from './support/read-sse.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl, redisUrl, uniqueName } from './support/services.ts'
import { type SpawnedGateway, spawnGateway } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

const postgres = await requireService('PostgreSQL', 5432)
const redis = await requireService('Redis', 6379)

describe.skipIf(!postgres.available || !redis.available)(
  'two gateway processes and a worker on Postgres + Redis',
  () => {
    const schema = uniqueName('agw_multi')
    const keyPrefix = uniqueName('agw-multi')
    let workspace: TempWorkspace
    let apiA: SpawnedGateway
    let apiB: SpawnedGateway
    let worker: SpawnedGateway

    beforeAll(async () => {
      workspace = await createTempWorkspace({
        'gateway.yaml': 'auth:\n  mode: none\n',
        'agents/echo/AGENT.md': simpleAgent('Echo.', 'model: mock:echo'),
        'agents/planner/AGENT.md': simpleAgent(
          'Plan.',
          'execution_mode: async\nskills: [kit]\nmodel: "mock:assistant?delay_ms=20"',
        ),
        'skills/kit/SKILL.md': '---\ndescription: kit\ntools: [lookup]\n---\n',
        'tools/lookup/TOOL.md':
          '---\ndescription: Look up a city\nparameters:\n  city: {type: string, required: true}\n---\n',
        'tools/lookup/handler.mjs':
          'export const handle = ({ city }) => new Promise((resolve) => setTimeout(() => resolve({ city, found: true }), 300))',
      })
      const env = {
        AGW_PERSISTENCE__BACKEND: 'postgres',
        AGW_PERSISTENCE__URL: postgresUrl,
        AGW_PERSISTENCE__SCHEMA: schema,
        AGW_QUEUE__BACKEND: 'bullmq',
        AGW_QUEUE__REDIS_URL: redisUrl,
        AGW_QUEUE__KEY_PREFIX: keyPrefix,
      }
      // Migrate once, first, so the three processes do not race on the schema.
      apiA = await spawnGateway({
        workspace: workspace.root,
        env: { ...env, AGW_QUEUE__RUN_WORKERS: 'false' },
      })
      ;[apiB, worker] = await Promise.all([
        spawnGateway({ workspace: workspace.root, env: { ...env, AGW_QUEUE__RUN_WORKERS: 'false' } }),
        spawnGateway({ workspace: workspace.root, env, workerOnly: true }),
      ])
    }, 60_000)

    afterAll(async () => {
      await Promise.all([apiA, apiB, worker].map((gateway) => gateway?.stop()))
      const client = new pg.Client({ connectionString: postgresUrl })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
      const connection = new Redis(redisUrl)
      const keys = await connection.keys(`${keyPrefix}*`)
      if (keys.length > 0) await connection.del(...keys)
      connection.disconnect()
      await workspace.remove()
    })

    const post = (base: string | undefined, path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })

    it('continues a chat started on one instance on the other, with full history', async () => {
      const first = await readJson(post(apiA.url, '/v1/agents/echo/chat', { message: 'first turn' }))
      expect(first).toMatchObject({ status: 'completed', turn_count: 1 })
      const second = await readJson(
        post(apiB.url, '/v1/agents/echo/chat', { message: 'second turn', session_id: first.session_id }),
      )
      expect(second).toMatchObject({ status: 'completed', turn_count: 2, session_id: first.session_id })
      const session = await readJson(fetch(`${apiB.url}/v1/sessions/${first.session_id}`))
      expect(session.messages).toEqual([
        { role: 'user', content: 'first turn' },
        { role: 'assistant', content: 'Echo: first turn' },
        { role: 'user', content: 'second turn' },
        { role: 'assistant', content: 'Echo: second turn' },
      ])
    })

    it('runs an execution accepted on one instance on the worker and streams every step on the other', async () => {
      const accepted = await post(apiA.url, '/v1/agents/planner/invoke', { message: 'Find the city Lisbon' })
      expect(accepted.status).toBe(202)
      const { execution_id: id } = await readJson(accepted)
      const { events } = await readSse(await fetch(`${apiB.url}/v1/executions/${id}/events`))
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'completed' } })
      const detail = await readJson(fetch(`${apiA.url}/v1/executions/${id}`))
      const streamed = events
        .filter((event) => event.event !== 'done')
        .map((event) => [Number(event.id), event.event])
      expect(streamed).toEqual(
        detail.steps.map((step: { sequence: number; type: string }) => [step.sequence, step.type]),
      )
      expect(streamed.map(([, type]) => type)).toEqual(['llm_call', 'tool_call', 'tool_result', 'llm_call'])
    }, 30_000)
  },
)
