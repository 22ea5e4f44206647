import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from './support/test-gateway.ts'

let t: TestGateway
beforeAll(async () => {
  t = await createTestGateway(undefined, { proxy: { forwardedAllowIps: ['10.0.0.1'] } })
})
afterAll(() => t.close())

async function spec(response: Promise<Response>): Promise<{ servers: unknown }> {
  return (await (await response).json()) as { servers: unknown }
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const response = await t.request('/openapi.json')
    expect(response.status).toBe(200)
    const document = (await response.json()) as Record<string, unknown>
    const validator = new Validator()
    const result = await validator.validate(document)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  })

  it('describes every API route with the error envelope', async () => {
    const document = (await (await t.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
      components: { schemas: Record<string, unknown> }
    }
    const apiRoutes = t.gateway.routes.entries().filter((route) => route.surface === 'api')
    for (const route of apiRoutes) {
      const openApiPath = route.path.replace(/:(\w+)/g, '{$1}')
      expect(
        document.paths[openApiPath]?.[route.method.toLowerCase()],
        `${route.method} ${openApiPath}`,
      ).toBeDefined()
    }
    expect(document.components.schemas.ErrorEnvelope).toBeDefined()
    expect(JSON.stringify(document.paths['/v1/agents/{agent_id}'])).toContain(
      '#/components/schemas/ErrorEnvelope',
    )
  })

  it('sets servers to the public prefix, absolute only with a host from a trusted source', async () => {
    // No server.public_url or allowed_hosts: the client's own Host header decides nothing.
    const standalone = await spec(t.request('/openapi.json'))
    expect(standalone.servers).toEqual([{ url: '/' }])
    const mounted = await spec(t.request('/a/b/openapi.json', {}, { mountPath: '/a/b' }))
    expect(mounted.servers).toEqual([{ url: '/a/b' }])
    const proxied = await spec(
      t.request(
        '/ai/openapi.json',
        {
          headers: {
            'x-forwarded-proto': 'https',
            'x-forwarded-host': 'api.example.com',
            'x-forwarded-prefix': '/public',
          },
        },
        { mountPath: '/ai', remoteAddress: '10.0.0.1' },
      ),
    )
    expect(proxied.servers).toEqual([{ url: 'https://api.example.com/public/ai' }])
  })

  it('ignores forwarded headers from an untrusted peer', async () => {
    const spoofed = await spec(
      t.request(
        '/openapi.json',
        {
          headers: {
            'x-forwarded-proto': 'https',
            'x-forwarded-host': 'evil.example',
            'x-forwarded-prefix': '/x',
          },
        },
        { remoteAddress: '203.0.113.5' },
      ),
    )
    expect(spoofed.servers).toEqual([{ url: '/' }])
  })
})

describe('Swagger UI', () => {
  it('serves the docs page pointing at the prefixed spec and local assets', async () => {
    const response = await t.request('/ai/docs', {}, { mountPath: '/ai' })
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(page).toContain('data-spec-url="/ai/openapi.json"')
    expect(page).toContain('src="/ai/docs/assets/swagger-ui-bundle.js"')
    expect(page).not.toMatch(/https?:\/\/(?!gateway\.test)/)
  })

  it('serves the Swagger UI assets itself', async () => {
    const script = await t.request('/docs/assets/swagger-ui-bundle.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toContain('javascript')
    expect((await script.text()).length).toBeGreaterThan(100_000)
    expect((await t.request('/docs/assets/../../package.json')).status).toBe(404)
    expect((await t.request('/docs/assets/secret.js')).status).toBe(404)
  })
})

describe('typed agent operations', () => {
  it('documents agents with schemas as typed invoke operations in a valid document', async () => {
    const typed = await createTestGateway({
      'agents/weather/AGENT.md':
        '---\ninput_schema:\n  type: object\n  properties:\n    city: {type: string}\n  required: [city]\noutput_schema:\n  type: object\n  properties:\n    summary: {type: string}\n---\nReport the weather.',
      'agents/plain/AGENT.md': '---\ndescription: plain\n---\nHello.',
    })
    try {
      const document = (await (await typed.request('/openapi.json')).json()) as {
        paths: Record<
          string,
          { post?: { operationId: string; requestBody: unknown; responses: Record<string, unknown> } }
        >
      }
      const validator = new Validator()
      expect((await validator.validate(document)).valid).toBe(true)
      const operation = document.paths['/v1/agents/weather/invoke']?.post
      expect(operation?.operationId).toBe('invokeWeather')
      expect(JSON.stringify(operation?.requestBody)).toContain('"city":{"type":"string"}')
      expect(JSON.stringify(operation?.responses[200])).toContain('"summary":{"type":"string"}')
      expect(document.paths['/v1/agents/plain/invoke']).toBeUndefined()
    } finally {
      await typed.close()
    }
  })
})
