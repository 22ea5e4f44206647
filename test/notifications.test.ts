import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeServer, listenOnLoopback } from './support/http-server.ts'
import { waitFor } from './support/spawn-gateway.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

interface Received {
  path: string
  headers: Record<string, string>
  body: string
}

/** A receiver that records every request and answers each path from a script of status codes. */
async function startReceiver(script: Record<string, number[]>) {
  const received: Received[] = []
  const { server, port } = await listenOnLoopback((request: IncomingMessage, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => {
      body += chunk
    })
    request.on('end', () => {
      const path = request.url ?? '/'
      received.push({ path, headers: request.headers as Record<string, string>, body })
      const statuses = script[path] ?? [200]
      const status = statuses.length > 1 ? (statuses.shift() as number) : (statuses[0] ?? 200)
      if (path === '/api/chat.postMessage') {
        const authorized = request.headers.authorization === 'Bearer xoxb-test-token'
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify(authorized ? { ok: true, ts: '1.2' } : { ok: false, error: 'invalid_auth' }),
        )
        return
      }
      response.writeHead(status, { 'content-type': 'text/plain' })
      response.end(status < 300 ? 'ok' : 'nope')
    })
  })
  return { server, port, received, at: (path: string) => received.filter((item) => item.path === path) }
}

/** The reference system's check, as a receiver written for it does it. */
function verifyReference(secret: string, headers: Record<string, string>, body: string): boolean {
  const timestamp = headers['x-agentgateway-timestamp']
  const signature = headers['x-agentgateway-signature']
  if (!timestamp || !signature?.startsWith('sha256=')) return false
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
  return timingSafeEqual(Buffer.from(signature.slice(7)), Buffer.from(expected))
}

const standardSecret = `whsec_${randomBytes(32).toString('base64')}`
const referenceSecret = 'shared-secret-from-agents-gateway'

let receiver: Awaited<ReturnType<typeof startReceiver>>
let t: TestGateway

const agent = (name: string, front: string) => ({
  [`agents/${name}/AGENT.md`]: simpleAgent('Answer.', front),
})

beforeAll(async () => {
  receiver = await startReceiver({ '/flaky': [500, 500, 200], '/never': [503] })
  const base = `http://127.0.0.1:${receiver.port}`
  t = await createTestGateway(
    {
      ...agent(
        'std',
        'model: mock:echo\nnotifications:\n  on_complete:\n    - {channel: webhook, target: standard}',
      ),
      ...agent(
        'both',
        'model: mock:echo\nnotifications:\n  on_complete:\n    - {channel: webhook, target: both}',
      ),
      ...agent(
        'legacy',
        'model: mock:echo\nnotifications:\n  on_complete:\n    - {channel: webhook, target: legacy}',
      ),
      ...agent(
        'flaky',
        'model: mock:echo\nnotifications:\n  on_complete:\n    - {channel: webhook, target: flaky}',
      ),
      ...agent(
        'broken',
        'model: "mock:fail?status=400"\nnotifications:\n  on_complete:\n    - {channel: webhook, target: standard}\n  on_error:\n    - {channel: webhook, target: never}',
      ),
      ...agent(
        'slow',
        'model: "mock:echo?delay_ms=200&tokens=50"\nguardrails: {timeout_ms: 100}\nnotifications:\n  on_timeout:\n    - {channel: webhook, target: standard}\n  on_complete:\n    - {channel: webhook, target: standard}',
      ),
      ...agent(
        'filtered',
        'model: mock:echo\nnotifications:\n  on_complete:\n    - {channel: webhook, target: errors_only}\n    - {channel: webhook, target: templated}',
      ),
      ...agent(
        'inside',
        'model: mock:echo\nnotifications:\n  on_complete:\n    - {channel: webhook, url: "http://169.254.169.254/latest/meta-data"}\n    - {channel: webhook, url: "http://10.1.2.3/hook"}\n    - {channel: webhook, url: "http://localhost.localdomain.invalid/hook"}',
      ),
      ...agent(
        'scheduled',
        'model: mock:echo\nschedules:\n  - {name: yearly, cron: "0 0 1 1 *", message: "report", notify: {channel: webhook, target: standard, on_error: false}}',
      ),
      ...agent(
        'slacky',
        'model: mock:echo\nnotifications:\n  on_complete:\n    - {channel: slack, target: "#ops"}',
      ),
    },
    {
      model: { maxRetries: 0 },
      notifications: {
        allowedNetworks: ['127.0.0.1'],
        maxAttempts: 3,
        retryBackoffMs: 20,
        maxBackoffMs: 200,
        slack: { enabled: true, botToken: 'xoxb-test-token', apiUrl: `${base}/api` },
        webhooks: [
          { name: 'standard', url: `${base}/standard`, secret: standardSecret },
          { name: 'both', url: `${base}/both`, secret: standardSecret, signature: 'both' },
          { name: 'legacy', url: `${base}/legacy`, secret: referenceSecret, signature: 'reference' },
          { name: 'flaky', url: `${base}/flaky`, secret: standardSecret },
          { name: 'never', url: `${base}/never`, secret: standardSecret },
          { name: 'errors_only', url: `${base}/errors-only`, events: ['execution.failed'] },
          {
            name: 'templated',
            url: `${base}/templated`,
            payloadTemplate:
              '{"text": "{{ event.agent_id }} finished: {{ event.status }}", "id": "{{ execution_id }}"}',
          },
        ],
      },
    },
  )
})

afterAll(async () => {
  await t?.close()
  await closeServer(receiver?.server as Server | undefined)
})

const invoke = (agentId: string) =>
  readJson(
    t.request(`/v1/agents/${agentId}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `hello ${agentId}` }),
    }),
  )

const runtime = () => t.gateway.internalRuntime
const system = { kind: 'system' } as const

async function deliveriesOf(executionId: string, settled: (status: string) => boolean) {
  return waitFor(async () => {
    const { items } = await runtime().notifications.listVisible({ executionId, limit: 50, offset: 0 }, system)
    return items.length > 0 && items.every((item) => settled(item.status)) ? items : undefined
  })
}

describe('notifications', () => {
  it('signs webhooks per Standard Webhooks: the standardwebhooks package verifies them', async () => {
    const run = await invoke('std')
    const [delivery] = await deliveriesOf(run.execution_id, (status) => status === 'delivered')
    const [request] = receiver.at('/standard').filter((item) => item.headers['webhook-id'] === delivery?.id)
    expect(request).toBeDefined()
    const payload = new Webhook(standardSecret).verify(request?.body ?? '', request?.headers ?? {}) as Record<
      string,
      unknown
    >
    expect(payload).toMatchObject({
      event: 'execution.completed',
      execution_id: run.execution_id,
      agent_id: 'std',
      status: 'completed',
      output_truncated: false,
    })
    expect(request?.headers['x-agentgateway-signature']).toBeUndefined()
    // A tampered body or another secret fails verification.
    expect(() => new Webhook(standardSecret).verify(`${request?.body} `, request?.headers ?? {})).toThrow()
    expect(() =>
      new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(
        request?.body ?? '',
        request?.headers ?? {},
      ),
    ).toThrow()
  })

  it("signs with the reference's scheme for receivers written for it, or with both", async () => {
    const legacy = await invoke('legacy')
    await deliveriesOf(legacy.execution_id, (status) => status === 'delivered')
    const request = receiver.at('/legacy').find((item) => item.body.includes(legacy.execution_id))
    expect(request && verifyReference(referenceSecret, request.headers, request.body)).toBe(true)
    expect(request && verifyReference('another secret', request.headers, request.body)).toBe(false)
    expect(request?.headers['webhook-signature']).toBeUndefined()

    const both = await invoke('both')
    await deliveriesOf(both.execution_id, (status) => status === 'delivered')
    const twice = receiver.at('/both').find((item) => item.body.includes(both.execution_id))
    expect(twice && verifyReference(standardSecret, twice.headers, twice.body)).toBe(true)
    expect(() => new Webhook(standardSecret).verify(twice?.body ?? '', twice?.headers ?? {})).not.toThrow()
  })

  it('retries a receiver that fails twice: three attempts, one success, one webhook-id', async () => {
    const run = await invoke('flaky')
    const [delivery] = await deliveriesOf(run.execution_id, (status) => status !== 'pending')
    expect(delivery?.status).toBe('delivered')
    const { attempts } = await runtime().notifications.getVisible(delivery?.id ?? '', system)
    expect(attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200])
    expect(attempts.filter((attempt) => attempt.error === null)).toHaveLength(1)
    const requests = receiver.at('/flaky')
    expect(requests).toHaveLength(3)
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([delivery?.id]))
  })

  it('marks a delivery that never succeeds dead, and redelivers it with the same id', async () => {
    const run = await invoke('broken')
    expect(run.status).toBe('failed')
    const deliveries = await deliveriesOf(run.execution_id, (status) => status !== 'pending')
    expect(deliveries.map((item) => [item.event, item.target, item.status])).toEqual([
      ['execution.failed', 'never', 'dead'],
    ])
    const dead = deliveries[0]
    expect(dead?.attempts).toBe(3)
    expect(dead?.lastError).toContain('HTTP 503')
    const before = receiver.at('/never').length
    const redelivered = await t.request(`/v1/notifications/${dead?.id}/redeliver`, { method: 'POST' })
    expect(redelivered.status).toBe(202)
    expect(await redelivered.json()).toMatchObject({ id: dead?.id, status: 'pending', attempts: 3 })
    const busy = await t.request(`/v1/notifications/${dead?.id}/redeliver`, { method: 'POST' })
    expect([202, 409]).toContain(busy.status)
    const again = await waitFor(async () => {
      const { delivery } = await runtime().notifications.getVisible(dead?.id ?? '', system)
      return delivery.status === 'dead' && delivery.attempts === 6 ? delivery : undefined
    })
    expect(again.lastAllowedAttempt).toBe(6)
    const sent = receiver.at('/never').slice(before)
    expect(sent).toHaveLength(busy.status === 202 ? 6 : 3)
    expect(new Set(sent.map((request) => request.headers['webhook-id']))).toEqual(new Set([dead?.id]))
  })

  it('lists deliveries and shows one with its payload and attempts through the API', async () => {
    const run = await invoke('std')
    const [delivery] = await deliveriesOf(run.execution_id, (status) => status === 'delivered')
    const page = await readJson(
      t.request(`/v1/notifications?execution_id=${run.execution_id}&status=delivered`),
    )
    expect(page).toMatchObject({ total: 1, limit: 50, offset: 0 })
    expect(page.items[0]).toMatchObject({
      id: delivery?.id,
      agent_id: 'std',
      event: 'execution.completed',
      channel: 'webhook',
      target: 'standard',
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
    })
    const detail = await readJson(t.request(`/v1/notifications/${delivery?.id}`))
    expect(detail.payload).toMatchObject({ execution_id: run.execution_id, event: 'execution.completed' })
    expect(detail.attempt_log.map((attempt: { status_code: number }) => attempt.status_code)).toEqual([200])
    expect(JSON.stringify(detail)).not.toContain(standardSecret)
    expect((await t.request('/v1/notifications/msg_unknown')).status).toBe(404)
    expect((await t.request('/v1/notifications?status=sideways')).status).toBe(422)
    expect((await t.request('/v1/notifications/msg_unknown/redeliver', { method: 'POST' })).status).toBe(404)
  })

  it('emits execution.timeout once for a run that times out, routed to on_timeout', async () => {
    const run = await invoke('slow')
    expect(run.status).toBe('timeout')
    const deliveries = await deliveriesOf(run.execution_id, (status) => status === 'delivered')
    expect(deliveries.map((item) => item.event)).toEqual(['execution.timeout'])
    const request = receiver.at('/standard').find((item) => item.headers['webhook-id'] === deliveries[0]?.id)
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ event: 'execution.timeout', status: 'timeout' })
  })

  it("honours an endpoint's events filter and renders a payload template without running code", async () => {
    const run = await invoke('filtered')
    const deliveries = await deliveriesOf(run.execution_id, (status) => status === 'delivered')
    expect(deliveries.map((item) => item.target)).toEqual(['templated'])
    const request = receiver.at('/templated').find((item) => item.body.includes(run.execution_id))
    expect(JSON.parse(request?.body ?? '{}')).toEqual({
      text: 'filtered finished: completed',
      id: run.execution_id,
    })
    expect(receiver.at('/errors-only')).toHaveLength(0)
  })

  it('refuses private, link-local and metadata targets after resolution, with a clear error', async () => {
    const run = await invoke('inside')
    const deliveries = await deliveriesOf(run.execution_id, (status) => status === 'dead')
    const errors = Object.fromEntries(deliveries.map((item) => [item.target, item.lastError]))
    expect(errors['http://169.254.169.254/latest/meta-data']).toMatch(
      /refused 169\.254\.169\.254: .*link-local or cloud metadata address.*allowed_networks/,
    )
    expect(errors['http://10.1.2.3/hook']).toMatch(/refused 10\.1\.2\.3: .*a private address/)
    // A name that does not resolve fails as a network error, not as a refusal; it is retried.
    expect(deliveries.every((item) => item.attempts >= 1)).toBe(true)
    expect(deliveries.find((item) => item.target.startsWith('http://169'))?.attempts).toBe(1)
  })

  it("routes a scheduled run to its schedule's notify target", async () => {
    await t.gateway.start()
    const { executionId } = await runtime().schedules.trigger('scheduled:yearly', system)
    const [delivery] = await deliveriesOf(executionId, (status) => status === 'delivered')
    expect(delivery).toMatchObject({ agentId: 'scheduled', event: 'execution.completed', target: 'standard' })
    const request = receiver.at('/standard').find((item) => item.headers['webhook-id'] === delivery?.id)
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ execution_id: executionId, message: 'report' })
  })

  it('posts to Slack with the bot token and Block Kit blocks', async () => {
    const run = await invoke('slacky')
    const [delivery] = await deliveriesOf(run.execution_id, (status) => status === 'delivered')
    expect(delivery).toMatchObject({
      channel: 'slack',
      target: '#ops',
      status: 'delivered',
      lastStatusCode: 200,
    })
    const request = receiver.at('/api/chat.postMessage').find((item) => item.body.includes(run.execution_id))
    expect(request?.headers.authorization).toBe('Bearer xoxb-test-token')
    const body = JSON.parse(request?.body ?? '{}')
    expect(body.channel).toBe('#ops')
    expect(body.blocks[0]).toMatchObject({ type: 'header' })
    expect(body.blocks[1].fields.map((field: { text: string }) => field.text)).toContain('*Agent*\nslacky')
    expect(JSON.stringify(body)).not.toContain('xoxb-test-token')
  })
})

describe('notification deliveries belong to the owner of their execution', () => {
  const keys = {
    alice: 'alice-key-0123456789abcdef',
    bob: 'bob-key-0123456789abcdef',
    auditor: 'auditor-key-0123456789abcdef',
    reader: 'reader-key-0123456789abcdef',
  }
  const own = [
    'agents:invoke',
    'executions:read',
    'executions:cancel',
    'notifications:read',
    'notifications:write',
  ]
  let owned: TestGateway
  beforeAll(async () => {
    owned = await createTestGateway(
      {
        'agents/owned/AGENT.md': simpleAgent(
          'Answer.',
          'model: mock:echo\nnotifications:\n  on_complete:\n    - {channel: webhook, target: never}',
        ),
        'agents/waiter/AGENT.md': simpleAgent(
          'Answer.',
          'execution_mode: async\nmodel: "mock:echo?delay_ms=300&tokens=100"\nnotifications:\n  on_error:\n    - {channel: webhook, target: never}',
        ),
      },
      {
        auth: {
          mode: 'api_key',
          apiKeys: [
            { name: 'alice', key: keys.alice, scopes: own },
            { name: 'bob', key: keys.bob, scopes: own },
            {
              name: 'auditor',
              key: keys.auditor,
              scopes: ['executions:read_all', 'notifications:read', 'notifications:write'],
            },
            { name: 'reader', key: keys.reader, scopes: ['executions:read'] },
          ],
        },
        notifications: {
          allowedNetworks: ['127.0.0.1'],
          maxAttempts: 1,
          webhooks: [{ name: 'never', url: `http://127.0.0.1:${receiver.port}/never` }],
        },
      },
    )
  })
  afterAll(() => owned?.close())

  const as = (who: keyof typeof keys, path: string, init: RequestInit = {}) =>
    owned.request(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${keys[who]}` } })

  async function deadDeliveryOf(executionId: string, who: keyof typeof keys = 'alice') {
    return waitFor(async () => {
      const page = await readJson(as(who, `/v1/notifications?execution_id=${executionId}`))
      return page.items?.[0]?.status === 'dead' ? page.items[0] : undefined
    })
  }

  it("shows a delivery only to its owner and those who read everyone's; only they may redeliver", async () => {
    const run = await readJson(
      as('alice', '/v1/agents/owned/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'mine' }),
      }),
    )
    const delivery = await deadDeliveryOf(run.execution_id)
    expect((await readJson(as('bob', `/v1/notifications?execution_id=${run.execution_id}`))).total).toBe(0)
    expect((await as('bob', `/v1/notifications/${delivery.id}`)).status).toBe(404)
    expect((await as('bob', `/v1/notifications/${delivery.id}/redeliver`, { method: 'POST' })).status).toBe(
      404,
    )
    expect((await as('reader', '/v1/notifications')).status).toBe(403)
    expect((await as('auditor', `/v1/notifications/${delivery.id}`)).status).toBe(200)
    expect(
      (await as('auditor', `/v1/notifications/${delivery.id}/redeliver`, { method: 'POST' })).status,
    ).toBe(403)
    expect((await as('alice', `/v1/notifications/${delivery.id}/redeliver`, { method: 'POST' })).status).toBe(
      202,
    )
  })

  it('emits execution.cancelled once for a cancelled run, routed to on_error', async () => {
    const queued = await readJson(
      as('alice', '/v1/agents/waiter/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'wait' }),
      }),
    )
    expect(
      (await as('alice', `/v1/executions/${queued.execution_id}/cancel`, { method: 'POST' })).status,
    ).toBeLessThan(300)
    const delivery = await deadDeliveryOf(queued.execution_id)
    expect(delivery.event).toBe('execution.cancelled')
    const page = await readJson(as('alice', `/v1/notifications?execution_id=${queued.execution_id}`))
    expect(page.total).toBe(1)
  })
})
