import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSse } from './support/read-sse.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl } from './support/services.ts'
import { type SpawnedGateway, spawnGateway } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

const postgres = await requireService('PostgreSQL', 5432)

describe.skipIf(!postgres.available)(
  'fast recovery with the default lease (persistence.lease_seconds: 10)',
  () => {
    const schema = `fr_${Math.random().toString(36).slice(2, 12)}`
    let workspace: TempWorkspace
    const running: SpawnedGateway[] = []
    const env = {
      AGW_PERSISTENCE__URL: postgresUrl,
      AGW_PERSISTENCE__SCHEMA: schema,
      AGW_QUEUE__RUN_WORKERS: 'false',
    }

    beforeAll(async () => {
      workspace = await createTempWorkspace({
        'gateway.yaml': 'auth:\n  mode: none\n',
        'agents/talker/AGENT.md': simpleAgent('Talk.', 'model: "mock:echo?delay_ms=100&tokens=40"'),
      })
    })
    afterAll(async () => {
      for (const gateway of running) await gateway.stop('SIGKILL')
      const client = new pg.Client({ connectionString: postgresUrl })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
      await workspace?.remove()
    })

    const chat = (base: string | undefined, body: Record<string, unknown>, signal?: AbortSignal) =>
      fetch(`${base}/v1/agents/talker/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      })

    it('takes the next turn of a session on another instance once its SIGKILLed holder’s lease ran out', async () => {
      const holder = await spawnGateway({ workspace: workspace.root, env })
      running.push(holder)
      const other = await spawnGateway({ workspace: workspace.root, env })
      running.push(other)
      const first = await readJson(chat(holder.url, { message: 'one' }))
      expect(first.status).toBe('completed')
      const sessionId = first.session_id as string

      // The holder is mid-turn (it has streamed a token, so it holds the session) when it dies.
      const streaming = await chat(holder.url, {
        message: 'two',
        session_id: sessionId,
        options: { stream: true },
      })
      await readSse(streaming, (event) => event.event !== 'token').catch(() => undefined)
      await holder.stop('SIGKILL')

      // The next turn, on the other instance, must get the session within the lease (10 s) plus
      // its own run (~4 s): the old 60 s lease would overrun this bound.
      const next = await chat(
        other.url,
        { message: 'three', session_id: sessionId },
        AbortSignal.timeout(25_000),
      )
      expect(next.status).toBe(200)
      expect(await readJson(next)).toMatchObject({ status: 'completed', session_id: sessionId })
    }, 60_000)
  },
)
