import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteEntry } from '../src/http/route-table.ts'
import { hostMatrix, hostRoutes, startHost } from '../src/testing/index.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const fullKey = 'full-access-key-0123456789'
const noScopeKey = 'no-scope-key-0123456789ab'

let t: TestGateway
const gatewayOptions = {
  auth: {
    mode: 'api_key' as const,
    apiKeys: [
      { name: 'full', key: fullKey, scopes: ['*'] },
      { name: 'none', key: noScopeKey, scopes: [] },
    ],
  },
}
const files = { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') }

/** Declares the custom routes the matrix also covers. */
function addCustomRoutes(gateway: TestGateway['gateway']): void {
  gateway.route(
    { id: 'custom.report', method: 'GET', path: '/custom/report', scopes: ['agents:read'] },
    (c) => c.json({ ok: true }),
  )
  gateway.app.get('/custom/undeclared', (c) => c.json({ ok: true }))
}

beforeAll(async () => {
  t = await createTestGateway(files, gatewayOptions)
  addCustomRoutes(t.gateway)
  await t.gateway.start()
})
afterAll(() => t.close())

/** A concrete path for a route pattern, with sample values for its parameters. */
function samplePath(route: RouteEntry): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) =>
    name === 'agent_id' ? 'helper' : name === 'name' ? 'docs-init.js' : 'sample',
  )
}

/** Checks every non-dashboard route of `routes` through `send`; returns the problems found. */
async function checkRoutes(
  routes: RouteEntry[],
  send: (route: RouteEntry, headers: Record<string, string>) => Promise<Response>,
  label: string,
): Promise<string[]> {
  const problems: string[] = []
  for (const route of routes.filter((entry) => entry.surface !== 'dashboard')) {
    const name = `${label} ${route.method} ${samplePath(route)} (${route.id})`
    const isPublic = route.public === true || route.id === 'health'
    const anonymous = await send(route, {})
    await anonymous.body?.cancel()
    if (isPublic && [401, 403].includes(anonymous.status))
      problems.push(`${name}: public but ${anonymous.status}`)
    if (!isPublic && anonymous.status !== 401)
      problems.push(`${name}: no credentials gave ${anonymous.status}`)
    if (!isPublic && anonymous.status === 401 && anonymous.headers.get('www-authenticate') !== 'Bearer') {
      problems.push(`${name}: 401 without WWW-Authenticate: Bearer`)
    }
    const unscoped = await send(route, { authorization: `Bearer ${noScopeKey}` })
    await unscoped.body?.cancel()
    if (!isPublic && route.scopes.length > 0 && unscoped.status !== 403) {
      problems.push(`${name}: key without scope gave ${unscoped.status}`)
    }
    const full = await send(route, { authorization: `Bearer ${fullKey}` })
    await full.body?.cancel()
    if ([401, 403].includes(full.status)) problems.push(`${name}: a full key gave ${full.status}`)
  }
  return problems
}

function init(route: RouteEntry, headers: Record<string, string>): RequestInit {
  const request: RequestInit = {
    method: route.method,
    headers: { 'content-type': 'application/json', ...headers },
  }
  if (!['GET', 'HEAD', 'DELETE'].includes(route.method)) request.body = JSON.stringify({ message: 'hi' })
  return request
}

describe('auth matrix: every registered route on every host and prefix, over sockets', () => {
  for (const cell of hostMatrix()) {
    it(`enforces credentials and scopes on ${cell.kind} at "${cell.prefix || '/'}", and leaves host routes open`, async () => {
      const subject = await createTestGateway(files, gatewayOptions)
      addCustomRoutes(subject.gateway)
      const host = await startHost({ ...cell, gateway: subject.gateway })
      try {
        const routes = subject.gateway.routes.entries()
        expect(routes.length).toBeGreaterThan(15)
        const problems = await checkRoutes(
          routes,
          (route, headers) => fetch(`${host.baseUrl}${samplePath(route)}`, init(route, headers)),
          cell.kind,
        )
        expect(problems).toEqual([])
        if (cell.kind !== 'standalone') {
          const hostRoute = await fetch(`${host.hostUrl}${hostRoutes.health.path}`)
          expect(hostRoute.status).toBe(200)
        }
      } finally {
        await host.close()
        await subject.close()
      }
    })
  }
})

describe('auth matrix in process, with mount bindings', () => {
  for (const prefix of ['', '/ai', '/a/b']) {
    it(`enforces credentials and scopes on every API route under "${prefix || '/'}"`, async () => {
      const problems = await checkRoutes(
        t.gateway.routes.entries(),
        (route, headers) =>
          t.request(
            `${prefix}${samplePath(route)}`,
            init(route, headers),
            prefix ? { mountPath: prefix } : undefined,
          ),
        'in-process',
      )
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
