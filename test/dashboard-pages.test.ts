import { afterEach, describe, expect, it } from 'vitest'
import { systemViewer } from '../src/core/authorization.ts'
import { createDashboardClient, type DashboardClient } from './support/dashboard-client.ts'
import { type ParsedEvent, readSse } from './support/read-sse.ts'
import { createTestGateway, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const files = {
  'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo'),
  'agents/writer/AGENT.md': simpleAgent('Write.', 'model: mock:echo'),
  'agents/reporter/AGENT.md': simpleAgent(
    'Report.',
    'model: mock:echo\nschedules:\n  - {name: nightly, cron: "0 2 * * *", message: Write the log}',
  ),
}

let t: TestGateway | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function setUp(dashboard: Record<string, unknown> = {}) {
  t = await createTestGateway(files, { persistence: { url: ':memory:' } })
  t.gateway.useDashboard({
    authUsername: 'alice',
    authPassword: 'alice-password',
    adminUsername: 'root',
    adminPassword: 'root-password',
    ...dashboard,
  })
  const alice = createDashboardClient(t.gateway)
  const root = createDashboardClient(t.gateway)
  expect((await alice.login('alice', 'alice-password')).status).toBe(303)
  expect((await root.login('root', 'root-password')).status).toBe(303)
  return { alice, root }
}

async function chat(client: DashboardClient, body: Record<string, unknown>): Promise<ParsedEvent[]> {
  const response = await client.request('/dashboard/chat/stream', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'sec-fetch-site': 'same-origin',
    },
    body: JSON.stringify(body),
  })
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
  return (await readSse(response)).events
}

/** The ids a stream's `session` event announced. */
function startOf(events: ParsedEvent[]): { execution_id: string; session_id: string } {
  const first = events[0]
  if (first?.event !== 'session') throw new Error('the stream did not start with a session event')
  return first.data as { execution_id: string; session_id: string }
}

describe('dashboard pages', () => {
  it('streams a chat as the signed-in user and records the run as theirs; users see only their own', async () => {
    const { alice, root } = await setUp()
    const events = await chat(alice, { agent_id: 'helper', message: 'hello from alice' })
    expect(events[0]?.event).toBe('session')
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'completed' } })
    expect(events.filter((event) => event.event === 'token').length).toBeGreaterThan(0)
    const { execution_id: aliceExecution, session_id: aliceSession } = startOf(events)
    const rootEvents = await chat(root, { agent_id: 'writer', message: 'hello from root' })
    const { execution_id: rootExecution, session_id: rootSession } = startOf(rootEvents)

    const executions = t?.gateway.internalRuntime.executions.store
    expect((await executions?.get(aliceExecution))?.principalId).toBe('user:alice')

    const aliceList = await (await alice.get('/dashboard/executions')).text()
    expect(aliceList).toContain(aliceExecution)
    expect(aliceList).not.toContain(rootExecution)
    expect((await alice.get(`/dashboard/executions/${rootExecution}`)).status).toBe(404)
    const rootList = await (await root.get('/dashboard/executions')).text()
    expect(rootList).toContain(aliceExecution)
    expect(rootList).toContain(rootExecution)

    const aliceConversations = await (await alice.get('/dashboard/conversations')).text()
    expect(aliceConversations).toContain('hello from alice')
    expect(aliceConversations).not.toContain('hello from root')
    expect((await alice.get(`/dashboard/conversations/${rootSession}`)).status).toBe(404)
    const conversation = await (await root.get(`/dashboard/conversations/${aliceSession}`)).text()
    expect(conversation).toContain('Echo: hello from alice')

    // Continuing the session keeps history; another user's session is not found.
    const second = await chat(alice, { agent_id: 'writer', message: 'again', session_id: rootSession })
    expect(second.map((event) => event.event)).toEqual(['error', 'done'])
    expect(second[0]?.data).toMatchObject({ code: 'session_not_found' })
    const again = await chat(alice, { agent_id: 'helper', message: 'again', session_id: aliceSession })
    expect(again.at(-1)?.data).toMatchObject({ status: 'completed', turn_count: 2 })
  })

  it('ends a chat with a disabled agent in error + done, never an empty stream', async () => {
    const { alice, root } = await setUp()
    await root.post('/dashboard/agents/writer/toggle', {}, { 'sec-fetch-site': 'same-origin' })
    const events = await chat(alice, { agent_id: 'writer', message: 'hello' })
    expect(events.map((event) => event.event)).toEqual(['error', 'done'])
    expect(events[0]?.data).toMatchObject({ code: 'agent_disabled' })
  })

  it('lists schedules with the cron in words; users manage their own, admins everything, workspace ones only pause', async () => {
    const { alice, root } = await setUp()
    const same = { 'sec-fetch-site': 'same-origin' }
    const schedules = t?.gateway.internalRuntime.schedules
    const created = await alice.post(
      '/dashboard/schedules',
      {
        _csrf: await alice.csrfToken('/dashboard/schedules'),
        agent_id: 'helper',
        name: 'standup',
        cron: '30 9 * * 1-5',
        timezone: 'Europe/Lisbon',
        message: 'Summarise',
      },
      same,
    )
    expect(created.status).toBe(303)
    const detailPath = new URL(created.headers.get('location') ?? '', 'http://x').pathname
    expect(detailPath).toMatch(/^\/dashboard\/schedules\/user%3A/)
    const aliceList = await (await alice.get('/dashboard/schedules')).text()
    expect(aliceList).toContain('My schedules')
    expect(aliceList).toContain('on weekdays at 09:30')
    expect(aliceList).toContain('Europe/Lisbon')
    expect(aliceList).not.toContain('nightly')

    const rootList = await (await root.get('/dashboard/schedules')).text()
    expect(rootList).toContain('standup')
    expect(rootList).toContain('nightly')
    expect(rootList).toContain('every day at 02:00')

    // A bad cron is shown on the form, not as an error page.
    const bad = await alice.post(
      '/dashboard/schedules',
      { agent_id: 'helper', name: 'broken', cron: '61 * * * *', timezone: '', message: 'x' },
      same,
    )
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('data-testid="schedule-error"')

    // Alice edits, pauses, triggers and deletes her own; the service sees every change.
    const id = decodeURIComponent(detailPath.split('/').at(-1) ?? '')
    expect(
      (await alice.post(`${detailPath}/edit`, { cron: '@hourly', timezone: '', message: 'Again' }, same))
        .status,
    ).toBe(303)
    expect((await schedules?.getVisible(id, systemViewer))?.cron).toBe('@hourly')
    expect((await alice.post(`${detailPath}/pause`, {}, same)).status).toBe(303)
    expect((await schedules?.getVisible(id, systemViewer))?.enabled).toBe(false)
    expect((await alice.post(`${detailPath}/trigger`, {}, same)).status).toBe(303)
    const detail = await (await alice.get(detailPath)).text()
    expect(detail).toContain('paused')
    expect(detail).toMatch(/<td>manual<\/td>/)
    expect(detail).toContain('/dashboard/executions/')

    // Alice may not touch the workspace schedule; root may pause it but not edit or delete it.
    const nightly = `/dashboard/schedules/${encodeURIComponent('reporter:nightly')}`
    expect((await alice.get(nightly)).status).toBe(404)
    expect((await alice.post(`${nightly}/pause`, {}, same)).status).toBe(404)
    const nightlyPage = await (await root.get(nightly)).text()
    expect(nightlyPage).toContain('data-testid="schedule-workspace-note"')
    expect(nightlyPage).not.toContain('data-testid="schedule-edit"')
    expect((await root.post(`${nightly}/pause`, {}, same)).status).toBe(303)
    const edit = await root.post(`${nightly}/edit`, { cron: '* * * * *', timezone: '', message: 'x' }, same)
    expect(edit.status).toBe(400)
    expect(await edit.text()).toContain('AGENT.md')
    expect((await root.post(`${nightly}/delete`, {}, same)).status).toBe(400)

    expect((await alice.post(`${detailPath}/delete`, {}, same)).status).toBe(303)
    expect(await (await alice.get('/dashboard/schedules')).text()).not.toContain('standup')
  })

  it('filters executions by agent, status and cost, as a fragment for htmx', async () => {
    const { root } = await setUp()
    await chat(root, { agent_id: 'helper', message: 'one' })
    await chat(root, { agent_id: 'writer', message: 'two' })
    const fragment = await (
      await root.get('/dashboard/executions?agent_id=writer&status=completed&min_cost=0&max_cost=1', {
        'hx-request': 'true',
      })
    ).text()
    expect(fragment.startsWith('<div id="execution-list"')).toBe(true)
    expect(fragment.match(/data-execution=/g)).toHaveLength(1)
    expect(fragment).toContain('writer')
    const none = await (
      await root.get('/dashboard/executions?status=failed', { 'hx-request': 'true' })
    ).text()
    expect(none).toContain('No executions match.')
  })

  it('edits an agent: the API shows the new description and mode; a bad model is refused', async () => {
    const { root } = await setUp()
    const saved = await root.post(
      '/dashboard/agents/helper/edit',
      { description: 'Answers questions', model: 'mock:echo', execution_mode: 'async' },
      { 'sec-fetch-site': 'same-origin', 'hx-request': 'true' },
    )
    expect(saved.status).toBe(200)
    expect(await saved.text()).toContain('Answers questions')
    const agent = (await (await t?.request('/v1/agents/helper'))?.json()) as Record<string, unknown>
    expect(agent).toMatchObject({
      description: 'Answers questions',
      execution_mode: 'async',
      model: 'mock:echo',
    })
    const refused = await root.post(
      '/dashboard/agents/helper/edit',
      { description: '', model: 'nope:model', execution_mode: 'sync' },
      { 'sec-fetch-site': 'same-origin', 'hx-request': 'true' },
    )
    expect(refused.status).toBe(422)
    expect(await refused.text()).toContain('Model &quot;nope:model&quot;')
  })

  it('shows analytics to admins as inline SVG charts', async () => {
    const { root } = await setUp()
    await chat(root, { agent_id: 'helper', message: 'count me' })
    const page = await (await root.get('/dashboard/analytics?days=7')).text()
    expect(page).toMatch(/data-testid="stat-executions">1</)
    expect(page).toContain('<svg viewBox=')
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)/)
    expect(page).not.toContain('style=')
  })

  it('serves allowlisted static files with long caching, and nothing else', async () => {
    const { alice } = await setUp()
    const htmx = await alice.get('/dashboard/static/vendor/htmx.min.js')
    expect(htmx.status).toBe(200)
    expect(htmx.headers.get('cache-control')).toBe('public, max-age=604800')
    expect(await htmx.text()).toContain('2.0.')
    for (const path of [
      '/dashboard/static/package.json',
      '/dashboard/static/vendor/..%2F..%2Fpackage.json',
    ]) {
      expect((await alice.get(path)).status, path).toBe(404)
    }
    const page = await (await alice.get('/dashboard/agents')).text()
    expect(page).toMatch(/src="\/dashboard\/static\/vendor\/htmx\.min\.js\?v=[\w.-]+"/)
  })

  it('shows SSO failures on the login page without details', async () => {
    await setUp({
      oauth2Issuer: 'http://127.0.0.1:9/',
      oauth2ClientId: 'dash',
      oauth2ClientSecret: 'very-secret-value',
    })
    const visitor = createDashboardClient(t?.gateway as NonNullable<typeof t>['gateway'])
    const expired = await visitor.get('/dashboard/oauth2/callback?code=abc&state=xyz')
    expect(expired.status).toBe(400)
    expect(await expired.text()).toContain('The sign-in expired or was started in another browser')
    const unreachable = await visitor.get('/dashboard/oauth2/authorize')
    expect(unreachable.status).toBe(502)
    const text = await unreachable.text()
    expect(text).toContain('The sign-in provider cannot be reached')
    expect(text).not.toContain('very-secret-value')
    expect(text).not.toContain('ECONNREFUSED')
  })
})
