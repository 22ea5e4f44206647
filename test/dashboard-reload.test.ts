import { afterEach, describe, expect, it } from 'vitest'
import { createDashboardClient } from './support/dashboard-client.ts'
import { createTestGateway, simpleAgent, type TestGateway } from './support/test-gateway.ts'

let t: TestGateway | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function setUp() {
  t = await createTestGateway(
    { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') },
    { persistence: { url: ':memory:' } },
  )
  t.gateway.useDashboard({
    authUsername: 'alice',
    authPassword: 'alice-password',
    adminUsername: 'root',
    adminPassword: 'root-password',
  })
  const alice = createDashboardClient(t.gateway, { mountPath: '/ai' })
  const root = createDashboardClient(t.gateway, { mountPath: '/ai' })
  expect((await alice.login('alice', 'alice-password')).status).toBe(303)
  expect((await root.login('root', 'root-password')).status).toBe(303)
  return { alice, root, gateway: t }
}

const versionOn = (page: string) =>
  /data-testid="workspace-version"[^>]*>\s*Workspace ([0-9a-f]{12})/.exec(page)?.[1]

describe('dashboard: workspace version and reload button', () => {
  it('shows the version to everyone and lets admins reload under the mount prefix', async () => {
    const { alice, root, gateway } = await setUp()
    const adminPage = await (await root.get('/dashboard/agents')).text()
    const before = versionOn(adminPage)
    expect(before).toBeDefined()
    expect(adminPage).toContain('action="/ai/dashboard/reload"')
    expect(adminPage).toContain('data-testid="workspace-reload"')
    const userPage = await (await alice.get('/dashboard/agents')).text()
    expect(versionOn(userPage)).toBe(before)
    expect(userPage).not.toContain('data-testid="workspace-reload"')

    await gateway.workspace.write('agents/added/AGENT.md', simpleAgent('New.', 'model: mock:echo'))
    // A user is refused, with or without a token.
    const userToken = await alice.csrfToken('/dashboard/agents')
    expect((await alice.post('/dashboard/reload', { _csrf: userToken })).status).toBe(403)
    // An admin without the CSRF token is refused.
    expect((await root.post('/dashboard/reload', {})).status).toBe(403)
    expect(versionOn(await (await root.get('/dashboard/agents')).text())).toBe(before)

    const token = await root.csrfToken('/dashboard/agents')
    const reloaded = await root.post('/dashboard/reload', { _csrf: token })
    expect(reloaded.status).toBe(303)
    expect(reloaded.headers.get('location')).toMatch(/\/ai\/dashboard\/agents$/)
    const after = await (await root.get('/dashboard/agents')).text()
    expect(versionOn(after)).not.toBe(before)
    expect(after).toContain('added')

    await gateway.workspace.write(
      'agents/added/AGENT.md',
      '---\nmodel: mock:echo\nmax_iterations: [\n---\nx\n',
    )
    const refused = await root.post('/dashboard/reload', { _csrf: token })
    expect(refused.status).toBe(422)
    const text = await refused.text()
    expect(text).toContain('agents/added/AGENT.md')
    expect(text).toContain(versionOn(after) as string)
  })
})
