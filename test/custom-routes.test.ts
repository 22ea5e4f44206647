import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GatewayError } from '../src/index.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

type ErrorsModule = typeof import('../src/core/errors.ts')

/**
 * The error classes as a second copy of the package has them (source and dist side by side, a
 * monorepo, two versions): the query makes the module loader evaluate the file again, so the
 * classes are distinct from the ones the gateway imported.
 */
async function loadSecondCopy(): Promise<ErrorsModule> {
  const specifier = '../src/core/errors.ts?second-copy'
  return (await import(/* @vite-ignore */ specifier)) as ErrorsModule
}

const key = 'custom-routes-key-0123456789'
let t: TestGateway
let secondCopy: ErrorsModule
beforeAll(async () => {
  secondCopy = await loadSecondCopy()
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
  t.gateway.route({ id: 'reports.get', method: 'GET', path: '/reports/:id', public: true }, (c) => {
    throw new secondCopy.GatewayError('tool_not_found', {
      message: `Report "${c.req.param('id')}" not found.`,
      headers: { 'x-report': 'missing' },
    })
  })
  t.gateway.route({ id: 'reports.broken', method: 'GET', path: '/broken', public: true }, () => {
    throw new Error('connection string postgres://secret@db leaked?')
  })
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

  it('answers a GatewayError thrown from a second copy of the package with its 4xx envelope, not a 500', async () => {
    // The premise: `instanceof` cannot see the other copy's errors.
    expect(secondCopy.GatewayError).not.toBe(GatewayError)
    expect(new secondCopy.GatewayError('tool_not_found') instanceof GatewayError).toBe(false)
    const response = await t.request('/reports/42')
    expect(response.status).toBe(404)
    expect(response.headers.get('x-report')).toBe('missing')
    expect(await readJson(response)).toEqual({
      error: { code: 'tool_not_found', message: 'Report "42" not found.' },
    })
  })

  it('answers any other error from a custom route with internal_error and no detail', async () => {
    const response = await t.request('/broken')
    expect(response.status).toBe(500)
    const body = await readJson(response)
    expect(body).toEqual({ error: { code: 'internal_error', message: 'An internal error occurred.' } })
  })
})
