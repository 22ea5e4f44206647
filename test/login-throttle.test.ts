import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { GatewayOptions } from '../src/index.ts'
import { createDashboardClient } from './support/dashboard-client.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl } from './support/services.ts'
import { createTestGateway, simpleAgent } from './support/test-gateway.ts'

// Regression test for "login throttle can be raced": the budget (5 failures a minute) was
// checked before the password and the failure counted after it, so 16 parallel wrong
// passwords were all checked. Attempts are now reserved atomically before the check.

const postgres = await requireService('PostgreSQL', 5432)
// Short: the Postgres event bus derives channel names from the schema (at most 22 characters).
const schema = `agwlt_${Math.random().toString(36).slice(2, 10)}`

afterAll(async () => {
  if (!postgres.available) return
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
})

const stores: { name: string; available: boolean; persistence: GatewayOptions['persistence'] }[] = [
  { name: 'SQLite', available: true, persistence: { url: ':memory:' } },
  { name: 'in-memory (persistence off)', available: true, persistence: { enabled: false } },
  {
    name: 'Postgres',
    available: postgres.available,
    persistence: { backend: 'postgres', url: postgresUrl, schema },
  },
]

describe.each(stores)('login throttle on $name', ({ available, persistence }) => {
  it.skipIf(!available)(
    'checks at most the budget of 16 parallel wrong passwords; the rest get 429',
    async () => {
      const t = await createTestGateway(
        { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') },
        {
          persistence,
          dashboard: { enabled: true, auth: { username: 'alice', password: 'alice-password' } },
        },
      )
      try {
        const client = createDashboardClient(t.gateway)
        const page = await (await client.get('/dashboard/login')).text()
        const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
        const statuses = await Promise.all(
          Array.from({ length: 16 }, (_, attempt) =>
            client
              .post('/dashboard/login', { _csrf: csrf, username: 'alice', password: `wrong-${attempt}` })
              .then((response) => response.status),
          ),
        )
        expect(statuses.filter((status) => status === 401)).toHaveLength(5)
        expect(statuses.filter((status) => status === 429)).toHaveLength(11)
        // The right password is refused too while the pair is over its budget.
        expect((await client.login('alice', 'alice-password')).status).toBe(429)
      } finally {
        await t.close()
      }
    },
  )
})
