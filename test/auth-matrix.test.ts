import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteEntry } from '../src/http/route-table.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const fullKey = 'full-access-key-0123456789'
const noScopeKey = 'no-scope-key-0123456789ab'

let t: TestGateway
beforeAll(async () => {
  t = await createTestGateway(
    { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') },
    {
      auth: {
        mode: 'api_key',
        apiKeys: [
          { name: 'full', key: fullKey, scopes: ['*'] },
          { name: 'none', key: noScopeKey, scopes: [] },
        ],
      },
    },
  )
  t.gateway.route(
    { id: 'custom.report', method: 'GET', path: '/custom/report', scopes: ['agents:read'] },
    (c) => c.json({ ok: true }),
  )
  t.gateway.app.get('/custom/undeclared', (c) => c.json({ ok: true }))
  await t.gateway.start()
})
afterAll(() => t.close())

/** A concrete path for a route pattern, with sample values for its parameters. */
function samplePath(route: RouteEntry): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) =>
    name === 'agent_id' ? 'helper' : name === 'name' ? 'docs-init.js' : 'sample',
  )
}

function request(route: RouteEntry, prefix: string, headers: Record<string, string> = {}) {
  const init: RequestInit = {
    method: route.method,
    headers: { 'content-type': 'application/json', ...headers },
  }
  if (!['GET', 'HEAD', 'DELETE'].includes(route.method)) init.body = JSON.stringify({ message: 'hi' })
  return t.request(`${prefix}${samplePath(route)}`, init, prefix ? { mountPath: prefix } : undefined)
}

describe('auth matrix: every registered route × prefix', () => {
  for (const prefix of ['', '/ai', '/a/b']) {
    it(`enforces credentials and scopes on every API route under "${prefix || '/'}"`, async () => {
      const routes = t.gateway.routes.entries().filter((route) => route.surface !== 'dashboard')
      expect(routes.length).toBeGreaterThan(15)
      const problems: string[] = []
      for (const route of routes) {
        const name = `${route.method} ${prefix}${samplePath(route)} (${route.id})`
        const isPublic = route.public === true || route.id === 'health'
        const anonymous = await request(route, prefix)
        await anonymous.body?.cancel()
        if (isPublic && [401, 403].includes(anonymous.status))
          problems.push(`${name}: public but ${anonymous.status}`)
        if (!isPublic && anonymous.status !== 401)
          problems.push(`${name}: no credentials gave ${anonymous.status}`)
        if (!isPublic && anonymous.status === 401 && anonymous.headers.get('www-authenticate') !== 'Bearer') {
          problems.push(`${name}: 401 without WWW-Authenticate: Bearer`)
        }
        const unscoped = await request(route, prefix, { authorization: `Bearer ${noScopeKey}` })
        await unscoped.body?.cancel()
        const needsScope = !isPublic && route.scopes.length > 0
        if (needsScope && unscoped.status !== 403)
          problems.push(`${name}: key without scope gave ${unscoped.status}`)
        const full = await request(route, prefix, { authorization: `Bearer ${fullKey}` })
        await full.body?.cancel()
        if ([401, 403].includes(full.status)) problems.push(`${name}: a full key gave ${full.status}`)
      }
      expect(problems).toEqual([])
    })
  }

  it('refuses a wrong key with invalid_credentials', async () => {
    const response = await t.request('/v1/agents', {
      headers: { authorization: 'Bearer not-a-real-key-000000' },
    })
    expect(response.status).toBe(401)
    expect((await readJson(response)).error.code).toBe('invalid_credentials')
  })

  it('accepts the key in X-API-Key too', async () => {
    expect((await t.request('/v1/agents', { headers: { 'x-api-key': fullKey } })).status).toBe(200)
  })

  it('treats an undeclared custom route as needing credentials', async () => {
    expect((await t.request('/custom/undeclared')).status).toBe(401)
    expect(
      (await t.request('/custom/undeclared', { headers: { authorization: `Bearer ${noScopeKey}` } })).status,
    ).toBe(200)
  })
})
