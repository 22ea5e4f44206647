import { afterEach, describe, expect, it } from 'vitest'
import { toNextHandlers } from '../src/adapters/hosts/next.ts'
import { ConfigError } from '../src/index.ts'
import { createMatrixGateway, type MatrixGateway } from './support/matrix-gateway.ts'

// Next.js is not installed here: its route handlers receive a `NextRequest`, which is a
// `Request` with `nextUrl`. These tests call the handlers the way Next does.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function subject(): Promise<MatrixGateway> {
  // The requests below address the Next server as localhost:3000.
  const created = await createMatrixGateway(undefined, { server: { allowedHosts: ['localhost'] } })
  cleanups.push(async () => {
    await created.gateway.stop()
    await created.workspace.remove()
  })
  return created
}

/** A request shaped like Next's: `request.url` includes Next's basePath. */
function nextRequest(url: string, init: RequestInit = {}, basePath?: string): Request {
  const request = new Request(url, init)
  return basePath === undefined ? request : Object.assign(request, { nextUrl: { basePath } })
}

const servers = async (response: Promise<Response>) =>
  ((await (await response).json()) as { servers: { url: string }[] }).servers[0]?.url

describe('toNextHandlers()', () => {
  it('exports one handler per method for an optional catch-all route', async () => {
    const { gateway } = await subject()
    const handlers = toNextHandlers(gateway, { mountPath: '/ai' })
    expect(Object.keys(handlers).sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'])
    const head = await handlers.HEAD(nextRequest('http://localhost:3000/ai/v1/health', { method: 'HEAD' }))
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('serves the gateway under the route folder path', async () => {
    const { gateway } = await subject()
    const { GET, POST } = toNextHandlers(gateway, { mountPath: 'ai/' })
    const health = await GET(nextRequest('http://localhost:3000/ai/v1/health'))
    expect(health.status).toBe(200)
    expect(await servers(GET(nextRequest('http://localhost:3000/ai/openapi.json')))).toBe(
      'http://localhost:3000/ai',
    )
    const echo = await POST(
      nextRequest('http://localhost:3000/ai/test/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"from":"next"}',
      }),
    )
    expect(await echo.json()).toEqual({ contentType: 'application/json', body: '{"from":"next"}' })
  })

  it("reads Next's basePath from request.nextUrl", async () => {
    const { gateway } = await subject()
    const { GET } = toNextHandlers(gateway, { mountPath: '/ai' })
    const request = nextRequest('http://localhost:3000/shop/ai/docs', {}, '/shop')
    const page = await (await GET(request)).text()
    expect(page).toContain('data-spec-url="/shop/ai/openapi.json"')
    expect(page).toContain('src="/shop/ai/docs/assets/swagger-ui-bundle.js"')
  })

  it('takes basePath from the options when given', async () => {
    const { gateway } = await subject()
    const { GET } = toNextHandlers(gateway, { mountPath: '/ai', basePath: '/shop' })
    expect(await servers(GET(nextRequest('http://localhost:3000/shop/ai/openapi.json')))).toBe(
      'http://localhost:3000/shop/ai',
    )
  })

  it('puts basePath back when Next left it out of request.url (vercel/next.js#62756)', async () => {
    const { gateway } = await subject()
    const { GET, POST } = toNextHandlers(gateway, { mountPath: '/ai', basePath: '/shop' })
    expect(await servers(GET(nextRequest('http://localhost:3000/ai/openapi.json')))).toBe(
      'http://localhost:3000/shop/ai',
    )
    const page = await (await GET(nextRequest('http://localhost:3000/ai/docs'))).text()
    expect(page).toContain('data-spec-url="/shop/ai/openapi.json"')
    const echo = await POST(
      nextRequest('http://localhost:3000/ai/test/echo', { method: 'POST', body: 'kept across the rewrite' }),
    )
    expect(((await echo.json()) as { body: string }).body).toBe('kept across the rewrite')
  })

  it('serves from the app root with mountPath ""', async () => {
    const { gateway } = await subject()
    const { GET } = toNextHandlers(gateway, { mountPath: '' })
    expect(await servers(GET(nextRequest('http://localhost:3000/openapi.json')))).toBe(
      'http://localhost:3000',
    )
    const missing = await GET(nextRequest('http://localhost:3000/v1/nope'))
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('route_not_found')
  })

  it('rejects a mount path that is not a plain prefix', async () => {
    const { gateway } = await subject()
    expect(() => toNextHandlers(gateway, { mountPath: '/ai?x' })).toThrow(ConfigError)
  })
})
