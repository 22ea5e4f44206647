import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { Gateway, type GatewayOptions } from '../src/index.ts'
import { createLogger } from '../src/runtime/create-logger.ts'
import { waitFor } from '../src/testing/wait-for.ts'
import { createDashboardClient } from './support/dashboard-client.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl } from './support/services.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { simpleAgent } from './support/test-gateway.ts'

const postgres = await requireService('PostgreSQL', 5432)

const files = { 'agents/writer/AGENT.md': simpleAgent('Write.', 'model: mock:echo') }
const admin = { adminUsername: 'root', adminPassword: 'root-password' }

function invoke(gateway: Gateway): Promise<Response> {
  return gateway.fetch(
    new Request('http://gateway.test/v1/agents/writer/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi' }),
    }),
  )
}

async function disableInDashboard(gateway: Gateway): Promise<void> {
  const client = createDashboardClient(gateway)
  expect((await client.login('root', 'root-password')).status).toBe(303)
  const response = await client.post(
    '/dashboard/agents/writer/toggle',
    {},
    { 'sec-fetch-site': 'same-origin' },
  )
  expect(response.status).toBe(303)
}

function instance(workspace: TempWorkspace, options: GatewayOptions, dashboard: boolean): Gateway {
  const gateway = new Gateway({
    workspace: workspace.root,
    auth: { mode: 'none' },
    logger: createLogger({ level: 'silent' }),
    ...options,
  })
  return dashboard ? gateway.useDashboard(admin) : gateway
}

describe('agent overrides across instances', () => {
  const gateways: Gateway[] = []
  const workspaces: TempWorkspace[] = []
  // Short: the Postgres bus derives its channel names from the schema (at most 22 characters).
  const schema = `agwd_${Math.random().toString(36).slice(2, 10)}`
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()))
    await Promise.all(workspaces.map((workspace) => workspace.remove()))
    if (postgres.available) {
      const client = new pg.Client({ connectionString: postgresUrl })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
    }
  })

  it.skipIf(!postgres.available)(
    'Postgres: an agent disabled in one instance is refused by the API of another at once, and after a restart',
    async () => {
      const workspace = await createTempWorkspace(files)
      workspaces.push(workspace)
      const persistence = { backend: 'postgres' as const, url: postgresUrl, schema }
      const a = instance(workspace, { persistence }, true)
      gateways.push(a)
      await a.start()
      const b = instance(workspace, { persistence }, false)
      gateways.push(b)
      expect((await invoke(b)).status).toBe(200)

      await disableInDashboard(a)
      // LISTEN/NOTIFY carries the invalidation; allow it a moment to arrive, well under the cache TTL.
      let refused: Response | undefined
      await waitFor(
        async () => {
          refused = await invoke(b)
          return refused.status === 503
        },
        'the other instance to refuse the agent',
        1500,
        20,
      )
      const body = (await (refused as Response).json()) as { error: { code: string } }
      expect(body.error.code).toBe('agent_disabled')
      const listed = (await (await b.fetch(new Request('http://gateway.test/v1/agents'))).json()) as {
        id: string
        enabled: boolean
      }[]
      expect(listed.find((agent) => agent.id === 'writer')?.enabled).toBe(false)

      const restarted = instance(workspace, { persistence }, false)
      gateways.push(restarted)
      expect((await invoke(restarted)).status).toBe(503)
    },
  )

  it('SQLite: two instances on one file agree within the cache TTL, without a shared bus', async () => {
    const workspace = await createTempWorkspace(files)
    workspaces.push(workspace)
    const a = instance(workspace, {}, true)
    const b = instance(workspace, {}, false)
    gateways.push(a, b)
    await a.start()
    expect((await invoke(b)).status).toBe(200)
    await disableInDashboard(a)
    expect((await invoke(a)).status).toBe(503)
    await waitFor(
      async () => (await invoke(b)).status === 503,
      'the other instance to refuse the agent',
      5000,
      100,
    )
  })
})
