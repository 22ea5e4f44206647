import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const key = 'custom-routes-key-0123456789'
let t: TestGateway
beforeAll(async () => {
  t = await createTestGateway(
    { 'agents/helper/AGENT.md': simpleAgent() },
    {
      auth: { mode: 'api_key', apiKeys: [{ name: 'ci', key, scopes: ['agents:read'] }] },
      proxy: { forwardedAllowIps: ['10.0.0.1'] },
    },
  )
  // A foreign Web-standard fetch app mounted inside the gateway (the "mount other apps" case).
  t.gateway.app.mount('/legacy', (request) => new Response(`legacy saw ${new URL(request.url).pathname}`))
  t.gateway.route({ id: 'reports.public', method: 'GET', path: '/reports/status', public: true }, (c) =>
    c.json({ ok: true }),
  )
})
afterAll(() => t.close())

const withKey = { headers: { authorization: `Bearer ${key}` } }

describe('custom routes and mounted fetch apps', () => {
  it('serves a mounted fetch app under the gateway, with its own path stripped, behind gateway auth', async () => {
    expect((await t.request('/ai/legacy/orders', {}, { mountPath: '/ai' })).status).toBe(401)
    const response = await t.request('/ai/legacy/orders', withKey, { mountPath: '/ai' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('legacy saw /orders')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('lets a custom route be declared public by its identity', async () => {
    expect((await t.request('/reports/status')).status).toBe(200)
  })

  it('keeps declared-public routes public under any prefix, including a proxy-stripped one', async () => {
    const response = await t.request(
      '/ai/reports/status',
      { headers: { 'x-forwarded-prefix': '/edge' } },
      { mountPath: '/ai', remoteAddress: '10.0.0.1' },
    )
    expect(response.status).toBe(200)
  })
})
