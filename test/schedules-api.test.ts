import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from './support/spawn-gateway.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const adminKey = 'schedules-admin-key-0123456789'
const aliceKey = 'schedules-alice-key-0123456789'
const bobKey = 'schedules-bob-key-01234567890'
const readerKey = 'schedules-reader-key-012345678'

const briefer = simpleAgent(
  'Brief.',
  [
    'model: mock:echo',
    'schedules:',
    '  - name: weekday',
    '    cron: "0 8 * * 1-5"',
    '    timezone: Europe/Lisbon',
    '    message: Morning briefing',
    '    notify: {channel: webhook, target: ops}',
  ].join('\n'),
)

let t: TestGateway
beforeAll(async () => {
  t = await createTestGateway(
    { 'agents/briefer/AGENT.md': briefer },
    {
      auth: {
        mode: 'api_key',
        apiKeys: [
          {
            name: 'admin',
            key: adminKey,
            scopes: ['admin', 'schedules:read', 'schedules:write', 'executions:read'],
          },
          { name: 'alice', key: aliceKey, scopes: ['schedules:read', 'schedules:write', 'executions:read'] },
          // agents-gateway's scope name keeps working.
          { name: 'bob', key: bobKey, scopes: ['schedules:read', 'schedules:manage'] },
          { name: 'reader', key: readerKey, scopes: ['schedules:read'] },
        ],
      },
    },
  )
  await t.gateway.start()
})
afterAll(() => t.close())

const call = (key: string, method: string, path: string, body?: unknown) =>
  t.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })

describe('the schedules API', () => {
  it('lists the workspace schedule to an administrator, snake_case with its next run', async () => {
    const response = await call(adminKey, 'GET', '/v1/schedules')
    expect(response.status).toBe(200)
    const { items } = await readJson(response)
    expect(items).toEqual([
      expect.objectContaining({
        id: 'briefer:weekday',
        agent_id: 'briefer',
        source: 'workspace',
        cron_expr: '0 8 * * 1-5',
        timezone: 'Europe/Lisbon',
        enabled: true,
        notify: { channel: 'webhook', target: 'ops', on_complete: true, on_error: true, on_timeout: true },
        last_run_at: null,
      }),
    ])
    expect(Date.parse(items[0].next_run_at)).toBeGreaterThan(Date.now())
  })

  it('creates, changes, pauses, resumes and deletes an admin schedule', async () => {
    const created = await call(adminKey, 'POST', '/v1/schedules', {
      agent_id: 'briefer',
      name: 'hourly',
      cron_expr: '@hourly',
      message: 'Status',
      max_instances: 2,
    })
    expect(created.status).toBe(201)
    const schedule = await readJson(created)
    expect(schedule).toMatchObject({
      id: 'admin:briefer:hourly',
      source: 'admin',
      owner_id: null,
      timezone: 'UTC',
    })
    expect(created.headers.get('location')).toBe('/v1/schedules/admin%3Abriefer%3Ahourly')
    const again = await call(adminKey, 'POST', '/v1/schedules', {
      agent_id: 'briefer',
      name: 'hourly',
      cron_expr: '@hourly',
      message: 'Status',
    })
    expect(again.status).toBe(409)
    expect((await readJson(again)).error.code).toBe('schedule_conflict')

    const changed = await readJson(
      call(adminKey, 'PATCH', '/v1/schedules/admin:briefer:hourly', { cron_expr: '*/5 * * * *' }),
    )
    expect(changed.cron_expr).toBe('*/5 * * * *')
    const paused = await readJson(call(adminKey, 'POST', '/v1/schedules/admin:briefer:hourly/pause'))
    expect(paused).toMatchObject({ status: 'paused', schedule: { enabled: false, next_run_at: null } })
    const resumed = await readJson(call(adminKey, 'POST', '/v1/schedules/admin:briefer:hourly/resume'))
    expect(resumed).toMatchObject({ status: 'resumed', schedule: { enabled: true } })
    expect(resumed.schedule.next_run_at).not.toBeNull()
    const deleted = await call(adminKey, 'DELETE', '/v1/schedules/admin:briefer:hourly')
    expect(await readJson(deleted)).toEqual({ schedule_id: 'admin:briefer:hourly', status: 'deleted' })
    expect((await call(adminKey, 'GET', '/v1/schedules/admin:briefer:hourly')).status).toBe(404)
  })

  it('refuses a bad cron expression or time zone with 422 naming the field, and an unknown agent with 404', async () => {
    const badCron = await call(adminKey, 'POST', '/v1/schedules', {
      agent_id: 'briefer',
      name: 'bad',
      cron_expr: '61 * * * *',
      message: 'x',
    })
    expect(badCron.status).toBe(422)
    expect((await readJson(badCron)).error.details).toEqual([expect.objectContaining({ path: '/cron' })])
    const badZone = await call(adminKey, 'POST', '/v1/schedules', {
      agent_id: 'briefer',
      name: 'bad',
      cron_expr: '@daily',
      timezone: 'Mars/Olympus',
      message: 'x',
    })
    expect(badZone.status).toBe(422)
    const noAgent = await call(adminKey, 'POST', '/v1/schedules', {
      agent_id: 'ghost',
      name: 'x',
      cron_expr: '@daily',
      message: 'x',
    })
    expect(noAgent.status).toBe(404)
  })

  it('keeps a workspace schedule to its AGENT.md: only pause and resume, no delete', async () => {
    const edit = await call(adminKey, 'PATCH', '/v1/schedules/briefer:weekday', { message: 'other' })
    expect(edit.status).toBe(400)
    const remove = await call(adminKey, 'DELETE', '/v1/schedules/briefer:weekday')
    expect(remove.status).toBe(400)
    expect((await readJson(call(adminKey, 'POST', '/v1/schedules/briefer:weekday/pause'))).status).toBe(
      'paused',
    )
    expect((await readJson(call(adminKey, 'POST', '/v1/schedules/briefer:weekday/resume'))).status).toBe(
      'resumed',
    )
  })

  it('gives users their own schedules only, through the policy, and accepts schedules:manage for writes', async () => {
    const mine = await readJson(
      call(aliceKey, 'POST', '/v1/schedules', {
        agent_id: 'briefer',
        name: 'mine',
        cron_expr: '@daily',
        message: 'Mine',
      }),
    )
    expect(mine).toMatchObject({ source: 'user', owner_id: 'key:alice' })
    expect(
      (await readJson(call(aliceKey, 'GET', '/v1/schedules'))).items.map((item: { id: string }) => item.id),
    ).toEqual([mine.id])
    expect((await readJson(call(bobKey, 'GET', '/v1/schedules'))).items).toEqual([])
    expect((await call(bobKey, 'POST', `/v1/schedules/${mine.id}/pause`)).status).toBe(404)
    expect((await call(aliceKey, 'GET', '/v1/schedules/briefer:weekday')).status).toBe(404)
    const bobs = await call(bobKey, 'POST', '/v1/schedules', {
      agent_id: 'briefer',
      name: 'bobs',
      cron_expr: '@daily',
      message: 'Bob',
    })
    expect(bobs.status).toBe(201)
    expect((await call(readerKey, 'POST', `/v1/schedules/${mine.id}/pause`)).status).toBe(403)
    const all = (await readJson(call(adminKey, 'GET', '/v1/schedules'))).items.map(
      (item: { id: string }) => item.id,
    )
    expect(all).toEqual(expect.arrayContaining(['briefer:weekday', mine.id, (await readJson(bobs)).id]))
  })

  it('triggers a run now, recorded as manual, without moving the next tick', async () => {
    const before = await readJson(call(adminKey, 'GET', '/v1/schedules/briefer:weekday'))
    const response = await call(adminKey, 'POST', '/v1/schedules/briefer:weekday/trigger')
    expect(response.status).toBe(202)
    const triggered = await readJson(response)
    expect(triggered).toMatchObject({ status: 'triggered', schedule_id: 'briefer:weekday' })
    expect(triggered.poll_url).toBe(`/v1/executions/${triggered.execution_id}`)
    const execution = await waitFor(async () => {
      const body = await readJson(call(adminKey, 'GET', `/v1/executions/${triggered.execution_id}`))
      return body.status === 'completed' ? body : undefined
    })
    expect(execution.result.raw_text).toBe('Echo: Morning briefing')
    const runs = await readJson(call(adminKey, 'GET', '/v1/schedules/briefer:weekday/runs'))
    expect(runs).toMatchObject({
      schedule_id: 'briefer:weekday',
      next_run_at: before.next_run_at,
      items: [
        {
          trigger: 'manual',
          status: 'submitted',
          execution_id: triggered.execution_id,
          execution_status: 'completed',
          execution_url: `/v1/executions/${triggered.execution_id}`,
        },
      ],
    })
    expect(runs.last_run_at).not.toBeNull()
  })

  it('appears in the OpenAPI document with its scopes', async () => {
    const document = await readJson(call(adminKey, 'GET', '/openapi.json'))
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/schedules',
        '/v1/schedules/{schedule_id}',
        '/v1/schedules/{schedule_id}/pause',
        '/v1/schedules/{schedule_id}/resume',
        '/v1/schedules/{schedule_id}/trigger',
        '/v1/schedules/{schedule_id}/runs',
      ]),
    )
    expect(document.paths['/v1/schedules'].post.security).toEqual([{ bearerAuth: ['schedules:write'] }])
  })
})
